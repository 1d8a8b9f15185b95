"""Production: every setting from environment variables, then (optionally) the YAML file named by
CREDENTIALS_CFG, whose top-level keys are upstream setting names (spec/integration.md §6.1)."""

import os

import yaml
from django.core.exceptions import ImproperlyConfigured

from credentials.settings import env
from credentials.settings.base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", [])
ENABLE_AUTO_AUTH = env.get_bool("ENABLE_AUTO_AUTH", False)

if not os.environ.get("SECRET_KEY") and not os.environ.get("CREDENTIALS_CFG"):
    raise ImproperlyConfigured("Set SECRET_KEY (or CREDENTIALS_CFG) for production settings.")

DATABASES["default"]["CONN_MAX_AGE"] = env.get_int("CONN_MAX_AGE", 60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

SESSION_COOKIE_SECURE = env.get_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env.get_bool("CSRF_COOKIE_SECURE", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.get_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env.get_bool("SECURE_HSTS_PRELOAD", False)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CONFIG_FILE = os.environ.get("CREDENTIALS_CFG")
if CONFIG_FILE:
    with open(CONFIG_FILE, encoding="utf-8") as config_file:
        config_from_yaml = yaml.safe_load(config_file) or {}
    # JWT_AUTH is merged key by key, as upstream does; every other key replaces the setting of that name.
    JWT_AUTH.update(config_from_yaml.pop("JWT_AUTH", {}))  # noqa: F405
    storage_backend = config_from_yaml.pop("FILE_STORAGE_BACKEND", {}) or {}
    if "DEFAULT_FILE_STORAGE" in storage_backend:
        STORAGES["default"]["BACKEND"] = storage_backend.pop("DEFAULT_FILE_STORAGE")
    if "STATICFILES_STORAGE" in storage_backend:
        STORAGES["staticfiles"]["BACKEND"] = storage_backend.pop("STATICFILES_STORAGE")
    config_from_yaml.update(storage_backend)
    INSTALLED_APPS += config_from_yaml.pop("EXTRA_APPS", [])  # noqa: F405
    vars().update(config_from_yaml)
