"""Settings shared by every environment. local.py, test.py and production.py start from here."""

from datetime import timedelta
from pathlib import Path

from corsheaders.defaults import default_headers

from credentials.apps.core.logging import logging_config
from credentials.settings import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent  # the repository root
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env.get_str("SECRET_KEY", "insecure-secret-key")
DEBUG = False
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files (/api-docs/ works offline)
    "simple_history",
    "waffle",
    "corsheaders",
    "social_django",
    "axes",
    "credentials.apps.core",
    "credentials.apps.catalog",
    "credentials.apps.credentials",
    "credentials.apps.verifiable",
    "credentials.apps.records",
    "credentials.apps.badges",
    "credentials.apps.api",
]

MIDDLEWARE = [
    "credentials.apps.core.middleware.RequestLoggingMiddleware",  # first: times and logs every request
    "credentials.apps.core.middleware.ContentSecurityPolicyMiddleware",  # on every response, errors included
    "credentials.apps.core.middleware.HealthCheckMiddleware",  # /health/ for any Host, also over HTTP
    "corsheaders.middleware.CorsMiddleware",
    "credentials.apps.core.limits.RequestBodyLimitMiddleware",  # 413 for bodies over MAX_REQUEST_BODY_BYTES
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "credentials.apps.core.middleware.MediaFilesMiddleware",  # only when SERVE_MEDIA
    "credentials.apps.credentials.middleware.CertificatePageCacheMiddleware",  # anonymous certificate views
    "django.contrib.sessions.middleware.SessionMiddleware",
    "credentials.apps.core.middleware.LocaleMiddleware",  # Django's, minus URL language prefixes (none here)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "credentials.apps.core.middleware.CurrentSiteMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "waffle.middleware.WaffleMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",  # a blocked records POST: RATELIMIT_VIEW answers 429
    "credentials.apps.core.middleware.DatabaseUnavailableMiddleware",  # database down: 503, not 500
    "axes.middleware.AxesMiddleware",  # the admin sign-in throttle's "locked out" answer (429)
]

ROOT_URLCONF = "credentials.urls"
WSGI_APPLICATION = "credentials.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "credentials.apps.core.context_processors.site_configuration",
            ],
        },
    },
]

# Database and cache: one URL each (credentials/settings/env.py). The embedded default is SQLite.
DATABASES = {
    "default": env.database_from_url(
        env.get_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'credentials.sqlite3'}"),
        conn_max_age=env.get_int("CONN_MAX_AGE", 0),
    )
}
CACHES = {"default": env.cache_from_url(env.get_str("CACHE_URL", "locmem://"))}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

AUTH_USER_MODEL = "core.User"
# SSO with the LMS first (core/sso.py), then username + password for local accounts (the admin login form).
# django-axes first: it refuses sign-ins from a locked-out account or address before any other backend runs.
AUTHENTICATION_BACKENDS = [
    "credentials.apps.core.backends.SignInThrottleBackend",
    "credentials.apps.core.sso.EdXOAuth2",
    "credentials.apps.core.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Password sign-in throttle (django-axes, database handler so every process counts together): after
# AXES_FAILURE_LIMIT failed sign-ins for one username (from anywhere) or from one address (for any username),
# that account or address is refused (429) for AXES_COOLOFF_MINUTES; a successful sign-in resets its counter.
AXES_FAILURE_LIMIT = env.get_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env.get_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # failures are kept (AccessAttempt); one row per successful sign-in would grow forever
AXES_CLIENT_IP_CALLABLE = "credentials.apps.core.client_ip.client_ip"
AXES_VERBOSE = False
# Peers whose X-Forwarded-For is believed (the reverse proxy); gunicorn reads the same variable.
TRUSTED_PROXY_IPS = env.get_list("FORWARDED_ALLOW_IPS", ["127.0.0.1", "::1"])
LOGIN_URL = "/login/"
LOGOUT_URL = "/logout/"
# Where sign-in lands without ?next=: the learner's records (upstream: /api/v2/credentials/, an API page).
LOGIN_REDIRECT_URL = "/records/"

SITE_ID = 1
# Seconds a host → Site lookup is remembered in-process (saving a SiteConfiguration clears it at once).
SITE_CACHE_TTL = env.get_int("SITE_CACHE_TTL", 300)
# At most this many sites are remembered per process (least recently used first out).
SITE_CACHE_SIZE = env.get_int("SITE_CACHE_SIZE", 256)

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "credentials" / "conf" / "locale"]
# Languages an admin may give a program certificate (code → name). The service ships English and Spanish;
# a language without a catalog in LOCALE_PATHS renders its dates localised and the rest in English.
CERTIFICATE_LANGUAGES = env.get_json(
    "CERTIFICATE_LANGUAGES", {"en": "English", "es": "Spanish", "es_419": "Spanish (Latin America)"}
)

SESSION_COOKIE_NAME = "credentials_sessionid"
CSRF_COOKIE_NAME = "credentials_csrftoken"
LANGUAGE_COOKIE_NAME = "credentials_language"
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", [])
# The Learner Record front-end calls the API from its own origin with the LMS's JWT cookies
# (spec/integration.md §4.4). CORS_ORIGIN_WHITELIST is upstream's name for the same list.
CORS_ALLOWED_ORIGINS = env.get_list("CORS_ALLOWED_ORIGINS", env.get_list("CORS_ORIGIN_WHITELIST", []))
CORS_ALLOW_CREDENTIALS = True
CORS_ALLOW_HEADERS = (*default_headers, "use-jwt-cookie")

STATIC_URL = "/static/"
STATIC_ROOT = env.get_str("STATIC_ROOT", str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where /favicon.ico redirects (301); empty: 410.
FAVICON_URL = env.get_str("FAVICON_URL", "/static/images/favicon.svg")
# Logos offered to theme templates as site_logo_url and openedx_logo_url (spec/pages.md §0; upstream's names
# and defaults). The stock pages draw their own header and footer and load no outside image.
LOGO_URL = env.get_str("LOGO_URL", "https://edx-cdn.org/v3/default/logo.svg")
LOGO_POWERED_BY_OPEN_EDX_URL = env.get_str(
    "LOGO_POWERED_BY_OPEN_EDX_URL", "https://edx-cdn.org/v3/prod/open-edx-tag.svg"
)
MEDIA_URL = "/media/"
MEDIA_ROOT = env.get_str("MEDIA_ROOT", str(VAR_DIR / "media"))
# The app serves MEDIA_ROOT at MEDIA_URL itself (production with media on a directory); DEBUG serves it too.
SERVE_MEDIA = False

# Sent on every response (core/middleware.py). Scripts, styles and fonts come only from this origin and no
# page has inline code; images may also come from https (organization logos from the catalog, media on a CDN)
# and data: URLs. A theme with inline <style> or scripts elsewhere must add them here (or set the variable).
_CSP_COMMON = "default-src 'self'; img-src 'self' data: https:; font-src 'self' data:; connect-src 'self'; "
_CSP_COMMON += "object-src 'none'; base-uri 'self'"
CONTENT_SECURITY_POLICY = env.get_str("CONTENT_SECURITY_POLICY", f"{_CSP_COMMON}; script-src 'self'; style-src 'self'")
# DRF's browsable API (HTML answers of /api/...) is third-party markup with style attributes and one inline
# handler, its "Log out" link: that handler's hash and inline styles are allowed there, nothing else.
CONTENT_SECURITY_POLICY_BROWSABLE_API = env.get_str(
    "CONTENT_SECURITY_POLICY_BROWSABLE_API",
    f"{_CSP_COMMON}; script-src 'self' 'unsafe-hashes' 'sha256-tHTC1YgZ5UbAs8E2Ib4NjuSS8R05d1nfPHtbmXq05WA='; "
    "style-src 'self' 'unsafe-inline'",
)
# true: browsers report violations (console, report-to) without blocking: for trying a new policy on a live site.
CONTENT_SECURITY_POLICY_REPORT_ONLY = env.get_bool("CONTENT_SECURITY_POLICY_REPORT_ONLY", False)
# Added to the pages' script-src and connect-src only on sites with a Segment key: the browser loads
# analytics.js from Segment's CDN and sends its page and click events to Segment's API (templates/_analytics.html).
SEGMENT_PAGE_SOURCES = env.get_list("SEGMENT_PAGE_SOURCES", ["https://cdn.segment.com", "https://api.segment.io"])

# Segment analytics from the server (core/analytics.py), for sites whose configuration has a segment_key:
# where the library sends its batches, its per-request timeout (seconds) and how often it retries a batch.
SEGMENT_HOST = env.get_str("SEGMENT_HOST", "https://api.segment.io")
SEGMENT_TIMEOUT = env.get_int("SEGMENT_TIMEOUT", 10)
SEGMENT_MAX_RETRIES = env.get_int("SEGMENT_MAX_RETRIES", 10)

# Request bodies longer than this many bytes are refused with 413 (credentials/apps/core/limits.py); 0 turns
# the check off. The largest legitimate bodies (bulk learner status, a signatory image upload) are far smaller.
MAX_REQUEST_BODY_BYTES = env.get_int("MAX_REQUEST_BODY_BYTES", 1024 * 1024)

# --- Identity ---------------------------------------------------------------------------------------
CREDENTIALS_SERVICE_USER = env.get_str("CREDENTIALS_SERVICE_USER", "credentials_service_user")
USERNAME_REPLACEMENT_WORKER = env.get_str("USERNAME_REPLACEMENT_WORKER", "replace with valid username")
LEARNER_STATUS_WORKER = env.get_str("LEARNER_STATUS_WORKER", "replace with valid username")
ENABLE_AUTO_AUTH = env.get_bool("ENABLE_AUTO_AUTH", False)
AUTO_AUTH_USERNAME_PREFIX = "auto_auth_"

# Inbound JWTs (spec/api.md §2). JWT_ISSUERS is a list of {ISSUER, AUDIENCE, SECRET_KEY}; the first one's
# secret and audience verify HS256 tokens, any listed ISSUER is accepted. JWT_PUBLIC_SIGNING_JWK_SET is a
# JWKS JSON string with the LMS's public keys (RS256/RS512 tokens, e.g. the MFE cookies).
JWT_AUTH = {
    "JWT_ISSUERS": env.get_json("JWT_ISSUERS", []),
    "JWT_PUBLIC_SIGNING_JWK_SET": env.get_str("JWT_PUBLIC_SIGNING_JWK_SET", None),
    "JWT_ALGORITHM": "HS256",
    "JWT_VERIFY_EXPIRATION": True,
    "JWT_VERIFY_AUDIENCE": True,
    "JWT_LEEWAY": 1,
    "JWT_SUPPORTED_VERSION": "1.2.0",
    "JWT_AUTH_HEADER_PREFIX": "JWT",
    "JWT_AUTH_COOKIE_HEADER_PAYLOAD": "edx-jwt-cookie-header-payload",
    "JWT_AUTH_COOKIE_SIGNATURE": "edx-jwt-cookie-signature",
    # Tokens longer than this are refused before any parsing (LMS tokens are well under 2 KB).
    "JWT_MAX_LENGTH": 8192,
}

# Outbound calls to the LMS and course-discovery (spec/integration.md §1.1).
BACKEND_SERVICE_EDX_OAUTH2_PROVIDER_URL = env.get_str(
    "BACKEND_SERVICE_EDX_OAUTH2_PROVIDER_URL", "http://127.0.0.1:8000/oauth2"
)
BACKEND_SERVICE_EDX_OAUTH2_KEY = env.get_str("BACKEND_SERVICE_EDX_OAUTH2_KEY", "credentials-backend-service-key")
BACKEND_SERVICE_EDX_OAUTH2_SECRET = env.get_str(
    "BACKEND_SERVICE_EDX_OAUTH2_SECRET", "credentials-backend-service-secret"
)
# How outbound calls authenticate (core/clients.py, DESIGN.md §5.14): "oauth2" asks the LMS for a
# client-credentials JWT with the three settings above; "self-signed" signs a JWT here with the claims of
# spec/integration.md §1.2, for an LMS without a client-credentials application.
BACKEND_SERVICE_AUTH = env.get_str("BACKEND_SERVICE_AUTH", "oauth2")
BACKEND_SERVICE_JWT_ISSUER = env.get_str("BACKEND_SERVICE_JWT_ISSUER", BACKEND_SERVICE_EDX_OAUTH2_PROVIDER_URL)
BACKEND_SERVICE_JWT_AUDIENCE = env.get_str("BACKEND_SERVICE_JWT_AUDIENCE", "")
BACKEND_SERVICE_JWT_SECRET_KEY = env.get_str("BACKEND_SERVICE_JWT_SECRET_KEY", "")
BACKEND_SERVICE_JWT_EXPIRATION = env.get_int("BACKEND_SERVICE_JWT_EXPIRATION", 60)
# Every outbound call has a (connect, read) timeout in seconds. GETs are retried this many times on
# connection errors, 429 and 5xx, waiting RETRY_BACKOFF × 2^n seconds before retry n (0 waits not at all).
BACKEND_SERVICE_CONNECT_TIMEOUT = float(env.get_str("BACKEND_SERVICE_CONNECT_TIMEOUT", "3.05"))
BACKEND_SERVICE_READ_TIMEOUT = float(env.get_str("BACKEND_SERVICE_READ_TIMEOUT", "10"))
# The certificate page waits at most this long, in all, for the LMS to name the learner (DESIGN.md §5.9);
# then it renders with the name stored locally.
LMS_USER_LOOKUP_TIMEOUT = float(env.get_str("LMS_USER_LOOKUP_TIMEOUT", "3"))
BACKEND_SERVICE_RETRIES = env.get_int("BACKEND_SERVICE_RETRIES", 3)
BACKEND_SERVICE_RETRY_BACKOFF = float(env.get_str("BACKEND_SERVICE_RETRY_BACKOFF", "0.5"))
USER_CACHE_TTL = env.get_int("USER_CACHE_TTL", 1800)
# Seconds the user a JWT names (claims copied, permissions loaded) is kept in the cache between its requests;
# any change to the user, its groups or permissions drops it sooner (core/jwt_users.py). 0: sync every request.
JWT_USER_CACHE_TTL = env.get_int("JWT_USER_CACHE_TTL", 300)
# Seconds a configuration or grade's course run looked up by key, a certificate's configuration part and a
# record's program catalog part stay cached; changes to configurations or catalog retire them (generations.py).
CONFIGURATION_CACHE_TTL = env.get_int("CONFIGURATION_CACHE_TTL", 3600)
# Tests compile every core_api.CompiledQuery again on each call and fail if the SQL differs from the kept one.
COMPILED_QUERY_CHECK = False
# Seconds an anonymous certificate page stays in the default cache (0: never). Every view re-checks the
# credential and the data the page shows, so edits show at once (core/generations.py).
CERTIFICATE_PAGE_CACHE_TTL = env.get_int("CERTIFICATE_PAGE_CACHE_TTL", 60)
# Certificate pages of anonymous viewers are filled into a skeleton rendered once per configuration, site and
# month (credentials/page_render.py); off: every view renders the templates in full (the same bytes).
CERTIFICATE_TWO_STEP_RENDER = env.get_bool("CERTIFICATE_TWO_STEP_RENDER", True)
# Portable certificates (PDF, badge images, social preview; README "Portable certificates"): the headless
# Chromium that renders them (default: `chromium` on the PATH), seconds one render may take, and seconds a
# rendered file stays cached (it is also retired at once by any change to what it shows).
CHROMIUM_PATH = env.get_str("CHROMIUM_PATH", "") or None
PORTABLE_RENDER_TIMEOUT = env.get_int("PORTABLE_RENDER_TIMEOUT", 60)
PORTABLE_CACHE_TTL = env.get_int("PORTABLE_CACHE_TTL", 7 * 24 * 3600)
# Seconds a built learner record stays cached (0: never). A cached record is re-checked against the
# learner's own rows and the data it shows on every read, so changes show at once (records/record_cache.py).
RECORD_CACHE_TTL = env.get_int("RECORD_CACHE_TTL", 300)

# Browser SSO with the LMS (social-auth edx-oauth2 backend).
SOCIAL_AUTH_EDX_OAUTH2_KEY = env.get_str("SOCIAL_AUTH_EDX_OAUTH2_KEY", "credentials-sso-key")
SOCIAL_AUTH_EDX_OAUTH2_SECRET = env.get_str("SOCIAL_AUTH_EDX_OAUTH2_SECRET", "credentials-sso-secret")
SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT = env.get_str("SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT", "http://127.0.0.1:8000")
SOCIAL_AUTH_EDX_OAUTH2_PUBLIC_URL_ROOT = env.get_str("SOCIAL_AUTH_EDX_OAUTH2_PUBLIC_URL_ROOT", None)
# Where /logout/ sends the browser; unset means <PUBLIC_URL_ROOT or URL_ROOT>/logout. With LOGOUT_REDIRECT_URL set,
# the LMS is asked to come back there (?client_id=<KEY>&redirect_url=...).
SOCIAL_AUTH_EDX_OAUTH2_LOGOUT_URL = env.get_str("SOCIAL_AUTH_EDX_OAUTH2_LOGOUT_URL", None)
SOCIAL_AUTH_EDX_OAUTH2_LOGOUT_REDIRECT_URL = env.get_str("SOCIAL_AUTH_EDX_OAUTH2_LOGOUT_REDIRECT_URL", None)
SOCIAL_AUTH_REDIRECT_IS_HTTPS = env.get_bool("SOCIAL_AUTH_REDIRECT_IS_HTTPS", False)
SOCIAL_AUTH_URL_NAMESPACE = "social"
# The sign-in's state lives in a signed cookie, so an anonymous visit of the sign-in link stores no session.
SOCIAL_AUTH_STRATEGY = "credentials.apps.core.sso_state.CookieStateStrategy"
SOCIAL_AUTH_USER_FIELDS = ["username", "email", "first_name", "last_name"]
SOCIAL_AUTH_INACTIVE_USER_URL = "/login/inactive/"
# spec/integration.md §4.5: staff and superuser flags, username and e-mail are never changed by user_details.
SOCIAL_AUTH_PIPELINE = [
    "social_core.pipeline.social_auth.social_details",
    "social_core.pipeline.social_auth.social_uid",
    "social_core.pipeline.social_auth.auth_allowed",
    # The account is found by LMS user id, then username, and is never a local account (DESIGN.md §5.16).
    "credentials.apps.core.sso.lms_user",
    "social_core.pipeline.social_auth.associate_user",
    "social_core.pipeline.social_auth.load_extra_data",
    "social_core.pipeline.user.user_details",
    "credentials.apps.core.sso.update_email",
    "credentials.apps.core.sso.update_full_name",
    "credentials.apps.core.sso.update_lms_user_id",
]

LEARNER_RECORD_MFE_RECORDS_PAGE_URL = env.get_str("LEARNER_RECORD_MFE_RECORDS_PAGE_URL", "")

# --- E-mail -------------------------------------------------------------------------------------------
EMAIL_BACKEND = env.get_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.get_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.get_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.get_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.get_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.get_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.get_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SEND_EMAIL_ON_PROGRAM_COMPLETION = env.get_bool("SEND_EMAIL_ON_PROGRAM_COMPLETION", False)
# Tags kept in the admin-edited HTML of program completion e-mails; any other tag is escaped (spec/models.md §3.8).
ALLOWED_EMAIL_HTML_TAGS = {"a", "b", "blockquote", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "i", "li", "ol"}
ALLOWED_EMAIL_HTML_TAGS |= {"p", "span", "strong", "ul"}
LOGO_URL_PNG = env.get_str("LOGO_URL_PNG", "https://edx-cdn.org/v3/default/logo.png")

# --- API ----------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "credentials.apps.core.authentication.JwtAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissions"],
    # DRF's defaults, with a JSON parser that answers 400 to over-deep nesting (api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "credentials.apps.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%SZ",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [],
    "EXCEPTION_HANDLER": "credentials.apps.api.exceptions.exception_handler",
    # Wire compatibility: list errors as upstream sends them, [{}, {"name": [...]}], not {"1": {...}}.
    "LIST_SERIALIZER_ERRORS_AS_DICT": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Credentials API",
    "DESCRIPTION": "Issue, revoke and read learners' credentials and grades; learner records.",
    "VERSION": "2",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's JavaScript, CSS and icon from drf-spectacular-sidecar (pinned), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

SIMPLE_HISTORY_DATE_INDEX = False

# One line per request and per error on stdout; LOG_FORMAT=json gives JSON lines (production's default).
LOGGING = logging_config(
    level=env.get_str("LOG_LEVEL", "INFO"),
    fmt=env.get_str("LOG_FORMAT", "text"),
    format_string=env.get_str("LOGGING_FORMAT_STRING", None),
)

# django-ratelimit (records share and send, spec/integration.md §5.4): its counters live in the default cache.
RATELIMIT_VIEW = "credentials.apps.records.views.rate_limited"

# The event bus and badges (their own module: they are many and change together).
from credentials.settings.event_bus import *  # noqa: E402,F403
