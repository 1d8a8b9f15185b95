"""The embedded default used by `make run`: DEBUG, SQLite under var/, local-memory cache, auto_auth on."""

from credentials.settings import env
from credentials.settings.base import *  # noqa: F403

DEBUG = env.get_bool("DEBUG", True)
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
ENABLE_AUTO_AUTH = env.get_bool("ENABLE_AUTO_AUTH", True)
USER_CACHE_TTL = env.get_int("USER_CACHE_TTL", 60)

# The one development issuer the README's curl example mints tokens for.
JWT_AUTH["JWT_ISSUERS"] = env.get_json(  # noqa: F405
    "JWT_ISSUERS", [{"ISSUER": "http://127.0.0.1:8000/oauth2", "AUDIENCE": "lms-key", "SECRET_KEY": "lms-secret"}]
)
