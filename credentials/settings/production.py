"""Production: every setting from environment variables, then (optionally) the YAML file named by
CREDENTIALS_CFG, whose top-level keys are upstream setting names and win over the environment
(spec/integration.md §6.1). README.md, "Production", lists the variables.

Nothing here keeps state on local disk or in process memory that another app process would need: sessions
are in the database, the cache (throttles, LMS data, tokens) is memcached, media is a shared directory or
S3-compatible storage. So any number of app processes or containers can serve behind a load balancer.
"""

import os

import yaml
from django.core.exceptions import ImproperlyConfigured

from credentials.apps.core.logging import logging_config
from credentials.settings import env
from credentials.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env.get_str("SECRET_KEY") or env.get_str("CREDENTIALS_SECRET_KEY")  # upstream's variable name
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", [])
ENABLE_AUTO_AUTH = env.get_bool("ENABLE_AUTO_AUTH", False)

# --- Database: persistent connections, checked before reuse so a database restart heals by itself ---------
DATABASES = {
    "default": env.database_from_url(
        env.get_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'credentials.sqlite3'}"),
        conn_max_age=env.get_int("CONN_MAX_AGE", 60),
    )
}

# --- Cache: memcached (CACHE_URL=memcached://host:port[,host:port], or MEMCACHED_LOCATION=host:port,...) ---
if not os.environ.get("CACHE_URL") and os.environ.get("MEMCACHED_LOCATION"):
    CACHES = {"default": env.cache_from_url("memcached://" + ",".join(env.get_list("MEMCACHED_LOCATION")))}

# --- HTTPS behind a TLS-terminating proxy, which must set (overwrite) X-Forwarded-Proto -------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.get_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env.get_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env.get_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env.get_bool("CSRF_COOKIE_SECURE", True)
SOCIAL_AUTH_REDIRECT_IS_HTTPS = env.get_bool("SOCIAL_AUTH_REDIRECT_IS_HTTPS", SECURE_SSL_REDIRECT)

# --- Static files: collected at build time, served by whitenoise under content-hashed names ---------------
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# A template naming a static file that is missing from the manifest gets the unhashed URL (a 404 for that
# one asset) instead of failing the whole page, e.g. a learner's certificate.
WHITENOISE_MANIFEST_STRICT = False

# --- Media (signatory images): MEDIA_ROOT (shared by every app container) or S3-compatible storage --------
if env.get_str("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.get_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.get_str("AWS_S3_ENDPOINT_URL") or None,  # MinIO, Ceph, R2, ...
            "region_name": env.get_str("AWS_S3_REGION_NAME") or None,
            "custom_domain": env.get_str("AWS_S3_CUSTOM_DOMAIN") or None,  # a CDN in front of the bucket
            "location": env.get_str("AWS_LOCATION", "media"),
            "querystring_auth": env.get_bool("AWS_QUERYSTRING_AUTH", True),  # signed URLs: private buckets work
            "default_acl": env.get_str("AWS_DEFAULT_ACL") or None,
            "file_overwrite": False,
        },
    }

# --- Logging: JSON lines on stdout ----------------------------------------------------------------------
LOG_LEVEL = env.get_str("LOG_LEVEL", "INFO")
LOG_FORMAT = env.get_str("LOG_FORMAT", "json")
LOGGING_FORMAT_STRING = env.get_str("LOGGING_FORMAT_STRING", None)

# --- Optional upstream-style YAML ---------------------------------------------------------------------------
CONFIG_FILE = env.get_str("CREDENTIALS_CFG")
config_from_yaml = {}
if CONFIG_FILE:
    with open(CONFIG_FILE, encoding="utf-8") as config_file:
        config_from_yaml = yaml.safe_load(config_file) or {}
    if not isinstance(config_from_yaml, dict):
        raise ImproperlyConfigured(f"{CONFIG_FILE} must hold a mapping of setting names to values.")
    # JWT_AUTH is merged key by key, as upstream does; every other key replaces the setting of that name.
    JWT_AUTH.update(config_from_yaml.pop("JWT_AUTH", None) or {})
    storage_backend = dict(config_from_yaml.pop("FILE_STORAGE_BACKEND", None) or {})
    if "DEFAULT_FILE_STORAGE" in storage_backend:
        STORAGES["default"] = {"BACKEND": storage_backend.pop("DEFAULT_FILE_STORAGE")}
    if "STATICFILES_STORAGE" in storage_backend:
        STORAGES["staticfiles"] = {"BACKEND": storage_backend.pop("STATICFILES_STORAGE")}
    config_from_yaml.update(storage_backend)
    INSTALLED_APPS += config_from_yaml.pop("EXTRA_APPS", None) or []
    # Upstream's name for the CORS allow-list; django-cors-headers reads it only when CORS_ALLOWED_ORIGINS
    # is unset, and base.py always sets that one.
    if "CORS_ORIGIN_WHITELIST" in config_from_yaml and "CORS_ALLOWED_ORIGINS" not in config_from_yaml:
        config_from_yaml["CORS_ALLOWED_ORIGINS"] = config_from_yaml["CORS_ORIGIN_WHITELIST"]
    globals().update(config_from_yaml)

# A database user allowed to alter the schema, for the migrate step only (upstream's DB_MIGRATION_*).
for _key in ("ENGINE", "NAME", "USER", "HOST", "PORT"):
    if os.environ.get(f"DB_MIGRATION_{_key}"):
        DATABASES["default"][_key] = os.environ[f"DB_MIGRATION_{_key}"]
if os.environ.get("DB_MIGRATION_PASS"):
    DATABASES["default"]["PASSWORD"] = os.environ["DB_MIGRATION_PASS"]

for _database in DATABASES.values():
    # A kept connection is checked before it is reused (also for DATABASES from YAML, which predates this).
    if _database.get("CONN_MAX_AGE", 0) != 0:
        _database.setdefault("CONN_HEALTH_CHECKS", True)

for _cache in CACHES.values():
    # memcached failures are logged and become cache misses (credentials/apps/core/cache.py), never 500s.
    if _cache.get("BACKEND") == "django.core.cache.backends.memcached.PyMemcacheCache":
        _cache["BACKEND"] = "credentials.apps.core.cache.PyMemcacheCache"
    if _cache.get("BACKEND") == "credentials.apps.core.cache.PyMemcacheCache":
        _cache["OPTIONS"] = {"ignore_exc": True, **(_cache.get("OPTIONS") or {})}

# Uploads are served by the app itself when they are on a directory; from the bucket otherwise.
if "SERVE_MEDIA" not in config_from_yaml:
    SERVE_MEDIA = env.get_bool(
        "SERVE_MEDIA", STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    )

# Mail goes to the SMTP server named by EMAIL_HOST (environment or YAML) unless EMAIL_BACKEND says otherwise;
# base.py's console backend, which only prints mail to stdout, is kept only when no mail server is named.
_backend_named = env.get_str("EMAIL_BACKEND") or "EMAIL_BACKEND" in config_from_yaml
if not _backend_named and (env.get_str("EMAIL_HOST") or "EMAIL_HOST" in config_from_yaml):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

if "LOGGING" not in config_from_yaml:
    LOGGING = logging_config(level=LOG_LEVEL, fmt=LOG_FORMAT, format_string=LOGGING_FORMAT_STRING)

if not SECRET_KEY or SECRET_KEY == "insecure-secret-key":
    raise ImproperlyConfigured("Set SECRET_KEY (or SECRET_KEY in the CREDENTIALS_CFG file) for production.")
