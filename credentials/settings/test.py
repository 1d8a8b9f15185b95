"""Settings for `make test`. DATABASE_URL / CACHE_URL select MariaDB + memcached; SQLite and locmem otherwise."""

import os

from credentials.settings.base import *  # noqa: F403

SECRET_KEY = "test-secret-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ENABLE_AUTO_AUTH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast user creation in tests
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
COMPILED_QUERY_CHECK = True  # every compiled query re-checked against a fresh compilation
MEDIA_ROOT = str(VAR_DIR / "test-media")  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not SQLite's shared in-memory database (whose table locks no busy timeout waits for): the
    # concurrency tests run many connections against it, as `make run` does. One per test process.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405

JWT_AUTH["JWT_ISSUERS"] = [  # noqa: F405
    {
        "ISSUER": "https://test-provider/oauth2",
        "AUDIENCE": "credentials-audience",
        "SECRET_KEY": "test-jwt-secret-that-is-at-least-32-bytes",
    },
    {
        "ISSUER": "https://second-issuer/oauth2",
        "AUDIENCE": "other-audience",
        "SECRET_KEY": "other-secret-that-is-also-32-bytes-long",
    },
]
JWT_AUTH["JWT_PUBLIC_SIGNING_JWK_SET"] = None  # tests that need asymmetric keys set their own
BACKEND_SERVICE_EDX_OAUTH2_PROVIDER_URL = "https://test-provider/oauth2"
SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT = "https://test-provider"

USERNAME_REPLACEMENT_WORKER = "username_replacement_worker"
LEARNER_STATUS_WORKER = "learner_status_worker"

# Badges on, providers in sandbox mode (upstream's test settings, spec/badges.md §1).
# BADGES_ENABLED / BADGES_CONFIG in the environment are for tests that start a process with other values.
BADGES_ENABLED = env.get_bool("BADGES_ENABLED", True)  # noqa: F405
BADGES_CONFIG = env.get_json("BADGES_CONFIG", None)  # noqa: F405
if BADGES_CONFIG is None:
    BADGES_CONFIG = default_badges_config()  # noqa: F405
    BADGES_CONFIG["credly"]["USE_SANDBOX"] = True
    BADGES_CONFIG["accredible"]["USE_SANDBOX"] = True

# Segment: tests point SEGMENT_HOST at their local fake (tests/analytics/); anything else stays on this machine.
SEGMENT_HOST = "http://127.0.0.1:9"
SEGMENT_MAX_RETRIES = 0
