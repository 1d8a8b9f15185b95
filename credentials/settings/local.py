"""The embedded default used by `make run`: SQLite under var/, local-memory cache, auto_auth on, no LMS.

DEBUG is off unless asked for (`DEBUG=true make run`), so every page, 404s included, is the one a learner
sees; errors still print their traceback on the console. Static files and uploads are served by the app
itself, as DEBUG would.
"""

from credentials.settings import env
from credentials.settings.base import *  # noqa: F403

DEBUG = env.get_bool("DEBUG", False)
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
ENABLE_AUTO_AUTH = env.get_bool("ENABLE_AUTO_AUTH", True)
USER_CACHE_TTL = env.get_int("USER_CACHE_TTL", 60)

# Static files straight from static/ and the apps (no collectstatic), re-read when they change.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SERVE_MEDIA = True  # signatory images under /media/

# No LMS unless one is configured: sign-in then offers the demo learners through /auto_auth/ (core/sso.py).
SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT = env.get_str("SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT", "")

# The one development issuer the README's curl example mints tokens for.
JWT_AUTH["JWT_ISSUERS"] = env.get_json(  # noqa: F405
    "JWT_ISSUERS", [{"ISSUER": "http://127.0.0.1:8000/oauth2", "AUDIENCE": "lms-key", "SECRET_KEY": "lms-secret"}]
)
