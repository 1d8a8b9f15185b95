"""credentials.settings.production, imported in a fresh process with a given environment (and YAML file), as a
deployment does."""

import importlib.util
import json
import re
import secrets
import shlex
import subprocess
import textwrap

import pytest

from tests.ops.servers import BIN, REPO, production_env

DUMP_SETTINGS = """
import json, sys
from django.conf import settings
# Reading settings imports only the settings module; django.setup() would load the database backend, which
# for a mysql:// DATABASE_URL needs the MySQL driver, which make test on SQLite does not install.
values = {name: getattr(settings, name, None) for name in sys.argv[1:] if name != "default_storage"}
if "default_storage" in sys.argv:
    import django
    django.setup()
    from django.core.files.storage import storages
    default_storage = storages["default"]
    values["default_storage"] = {
        "class": type(default_storage).__module__ + "." + type(default_storage).__name__,
        "url": default_storage.url("signatories/7/signature.png"),
    }
print(json.dumps(values, default=str))
"""


def production_settings(*names, **environment):
    result = subprocess.run(
        [str(BIN / "python"), "-c", DUMP_SETTINGS, *names],
        cwd=REPO,
        env=production_env(**{"LOG_LEVEL": "WARNING", **environment}),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def readme_production_variables():
    """The README's production environment block (section "Production"), verbatim."""
    readme = (REPO / "README.md").read_text()
    section = readme.split("\n## Production\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```bash\n(.*?)```", section, re.DOTALL).group(1)


@pytest.mark.skipif(
    importlib.util.find_spec("MySQLdb") is None,
    reason="manage.py check loads the MySQL backend of the README's DATABASE_URL: needs the MySQL driver "
    "(requirements/mysql.txt, installed by `make test` when DATABASE_URL is mysql://)",
)
def test_check_deploy_is_clean_with_the_readme_production_variables(tmp_path):
    variables = tmp_path / "production.env"
    variables.write_text(readme_production_variables())
    script = f"set -eu; . {variables}; exec {BIN / 'python'} manage.py check --deploy --fail-level WARNING"
    environment = {
        key: value
        for key, value in production_env(SECRET_KEY=secrets.token_urlsafe(50)).items()
        if key not in ("DATABASE_URL", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "LOG_LEVEL", "LOG_FORMAT")
    }

    result = subprocess.run(["bash", "-c", script], cwd=REPO, env=environment, capture_output=True, text=True)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_without_a_secret_key_production_refuses_to_start():
    environment = {key: value for key, value in production_env().items() if key != "SECRET_KEY"}

    result = subprocess.run(
        [str(BIN / "python"), "manage.py", "check"], cwd=REPO, env=environment, capture_output=True, text=True
    )

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_defaults_are_safe_for_the_internet():
    values = production_settings(
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
        "ENABLE_AUTO_AUTH",
        "ALLOWED_HOSTS",
        DATABASE_URL="mysql://credentials:pw@db.internal:3306/credentials",
        ALLOWED_HOSTS="credentials.example.com",
    )

    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "ENABLE_AUTO_AUTH": False,
        "ALLOWED_HOSTS": ["credentials.example.com"],
    }


def test_mysql_connections_are_kept_and_checked_before_reuse():
    database = production_settings("DATABASES", DATABASE_URL="mysql://credentials:pw@db.internal:3306/credentials")[
        "DATABASES"
    ]["default"]

    assert database["ENGINE"] == "credentials.apps.core.mysql"  # Django's, opening transactions with BEGIN
    assert (database["HOST"], database["NAME"], database["USER"]) == ("db.internal", "credentials", "credentials")
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize(
    "environment",
    [
        {"CACHE_URL": "memcached://cache-1:11211,cache-2:11211"},
        {"MEMCACHED_LOCATION": "cache-1:11211,cache-2:11211"},
    ],
)
def test_memcached_through_pymemcache_with_failures_logged_and_ignored(environment):
    cache = production_settings("CACHES", **environment)["CACHES"]["default"]

    assert cache["BACKEND"] == "credentials.apps.core.cache.PyMemcacheCache"
    assert cache["LOCATION"] == ["cache-1:11211", "cache-2:11211"]
    assert cache["OPTIONS"]["ignore_exc"] is True


def test_media_is_a_local_directory_served_by_the_app_by_default(tmp_path):
    values = production_settings("SERVE_MEDIA", "MEDIA_ROOT", "default_storage", MEDIA_ROOT=tmp_path)

    assert values["SERVE_MEDIA"] is True
    assert values["MEDIA_ROOT"] == str(tmp_path)
    assert values["default_storage"] == {
        "class": "django.core.files.storage.filesystem.FileSystemStorage",
        "url": "/media/signatories/7/signature.png",
    }


def test_media_goes_to_s3_compatible_storage_when_a_bucket_is_configured():
    values = production_settings(
        "SERVE_MEDIA",
        "default_storage",
        AWS_STORAGE_BUCKET_NAME="credentials-media",
        AWS_S3_ENDPOINT_URL="https://objects.example.com",
        AWS_S3_REGION_NAME="eu-west-1",
        AWS_QUERYSTRING_AUTH="false",
        AWS_ACCESS_KEY_ID="test-key",
        AWS_SECRET_ACCESS_KEY="test-secret",
    )

    assert values["SERVE_MEDIA"] is False
    assert values["default_storage"] == {
        "class": "storages.backends.s3.S3Storage",
        "url": "https://objects.example.com/credentials-media/media/signatories/7/signature.png",
    }


def test_static_files_are_served_by_whitenoise_under_hashed_names():
    storages = production_settings("STORAGES")["STORAGES"]

    assert storages["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_cors_lets_the_records_front_end_send_credentials_and_its_jwt_cookie_header():
    values = production_settings(
        "CORS_ALLOWED_ORIGINS",
        "CORS_ALLOW_CREDENTIALS",
        "CORS_ALLOW_HEADERS",
        "CSRF_TRUSTED_ORIGINS",
        CORS_ALLOWED_ORIGINS="https://apps.example.com",
        CSRF_TRUSTED_ORIGINS="https://apps.example.com",
    )

    assert values["CORS_ALLOWED_ORIGINS"] == ["https://apps.example.com"]
    assert values["CORS_ALLOW_CREDENTIALS"] is True
    assert "use-jwt-cookie" in values["CORS_ALLOW_HEADERS"]
    assert "authorization" in values["CORS_ALLOW_HEADERS"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://apps.example.com"]


def test_logging_is_json_on_stdout_at_the_level_asked_for():
    logging = production_settings("LOGGING", LOG_LEVEL="DEBUG")["LOGGING"]

    assert logging["handlers"]["console"]["formatter"] == "json"
    assert logging["handlers"]["console"]["stream"] == "ext://sys.stdout"
    assert logging["root"]["level"] == "DEBUG"


def write_yaml(tmp_path, text):
    path = tmp_path / "credentials.yml"
    path.write_text(textwrap.dedent(text))
    return path


def test_upstream_yaml_overrides_the_environment_and_merges_jwt_auth_key_by_key(tmp_path):
    config = write_yaml(
        tmp_path,
        """
        SECRET_KEY: from-the-yaml-file-with-enough-characters-to-be-a-real-django-key
        ALLOWED_HOSTS: [credentials.example.org]
        JWT_AUTH:
          JWT_ISSUERS:
            - {ISSUER: "https://lms.example.org/oauth2", AUDIENCE: credentials, SECRET_KEY: lms-secret}
        CORS_ORIGIN_WHITELIST: ["https://apps.example.org"]
        CACHES:
          default:
            BACKEND: django.core.cache.backends.memcached.PyMemcacheCache
            LOCATION: ["memcached.example.org:11211"]
            KEY_PREFIX: credentials
        DATABASES:
          default: {ENGINE: django.db.backends.mysql, NAME: credentials, USER: c, PASSWORD: p, HOST: db, CONN_MAX_AGE: 60}
        FILE_STORAGE_BACKEND:
          DEFAULT_FILE_STORAGE: storages.backends.s3boto3.S3Boto3Storage
          AWS_STORAGE_BUCKET_NAME: upstream-bucket
        LOG_LEVEL: WARNING
        EXTRA_APPS: [django.contrib.humanize]
        """,
    )

    values = production_settings(
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "JWT_AUTH",
        "CORS_ALLOWED_ORIGINS",
        "CACHES",
        "DATABASES",
        "STORAGES",
        "AWS_STORAGE_BUCKET_NAME",
        "SERVE_MEDIA",
        "LOGGING",
        "INSTALLED_APPS",
        CREDENTIALS_CFG=config,
        ALLOWED_HOSTS="from-the-environment.example.com",
    )

    assert values["SECRET_KEY"].startswith("from-the-yaml-file")
    assert values["ALLOWED_HOSTS"] == ["credentials.example.org"]
    assert values["JWT_AUTH"]["JWT_ISSUERS"][0]["ISSUER"] == "https://lms.example.org/oauth2"
    assert values["JWT_AUTH"]["JWT_AUTH_HEADER_PREFIX"] == "JWT"  # kept from base.py: merged, not replaced
    assert values["CORS_ALLOWED_ORIGINS"] == ["https://apps.example.org"]
    assert values["CACHES"]["default"]["BACKEND"] == "credentials.apps.core.cache.PyMemcacheCache"
    assert values["CACHES"]["default"]["OPTIONS"] == {"ignore_exc": True}
    assert values["DATABASES"]["default"]["HOST"] == "db"
    assert values["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is True
    assert values["STORAGES"]["default"] == {"BACKEND": "storages.backends.s3boto3.S3Boto3Storage"}
    assert values["AWS_STORAGE_BUCKET_NAME"] == "upstream-bucket"
    assert values["SERVE_MEDIA"] is False
    assert values["LOGGING"]["root"]["level"] == "WARNING"
    assert values["INSTALLED_APPS"][-1] == "django.contrib.humanize"


def test_a_privileged_database_user_can_be_given_for_migrations():
    database = production_settings(
        "DATABASES",
        DATABASE_URL="mysql://app:app-pw@db.internal:3306/credentials",
        DB_MIGRATION_USER="migrator",
        DB_MIGRATION_PASS="migrator-pw",
    )["DATABASES"]["default"]

    assert (database["USER"], database["PASSWORD"], database["HOST"]) == ("migrator", "migrator-pw", "db.internal")


def test_with_a_mail_server_named_production_sends_mail_by_smtp():
    values = production_settings("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", EMAIL_HOST="smtp.example.com")

    assert values == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": 25,
    }


def test_a_mail_server_named_in_the_yaml_file_also_means_smtp(tmp_path):
    config = tmp_path / "credentials.yml"
    config.write_text("EMAIL_HOST: smtp.internal\n")

    values = production_settings("EMAIL_BACKEND", CREDENTIALS_CFG=config)

    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


def test_an_explicit_email_backend_wins_and_without_a_mail_server_mail_is_printed():
    explicit = production_settings(
        "EMAIL_BACKEND", EMAIL_HOST="smtp.example.com", EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"
    )
    unnamed = production_settings("EMAIL_BACKEND")

    assert explicit["EMAIL_BACKEND"] == "django.core.mail.backends.dummy.EmailBackend"
    assert unnamed["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_the_readme_production_block_sends_mail_by_smtp(tmp_path):
    variables = tmp_path / "production.env"
    variables.write_text(readme_production_variables())
    dump = f"{BIN / 'python'} -c {shlex.quote(DUMP_SETTINGS)} EMAIL_BACKEND"
    environment = {
        key: value
        for key, value in production_env().items()
        if not key.startswith("EMAIL_") and key not in ("DATABASE_URL", "ALLOWED_HOSTS")
    }

    result = subprocess.run(
        ["bash", "-c", f"set -eu; . {variables}; exec {dump}"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1])["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
