"""StemPortal settings: one module, configured from the environment.

With nothing set, a fresh checkout runs in debug mode on an SQLite file in the
project folder. Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and
DATABASE_URL (PostgreSQL). Every variable is listed in the README.
"""

import hashlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_VALUES = {"1", "true", "yes", "on"}


def env_bool(name, default):
    return os.environ.get(name, str(default)).strip().lower() in TRUE_VALUES


def env_list(name, default=""):
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off StemPortal refuses to start "
            "without a real secret key: set the SECRET_KEY environment variable."
        )
    # Development only: never used when DEBUG is off (see above).
    SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The admin's path, e.g. "editors-7f3a/": moving it off the well-known /admin/
# keeps most password-guessing robots away. Every link to it uses reverse().
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip().strip("/") + "/"
if ADMIN_URL == "/":
    raise ImproperlyConfigured("ADMIN_URL must not be empty: use e.g. 'admin/'.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "reversion",  # history of initiatives, with revert (issue 7)
    "axes",
    "initiatives",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "stemportal.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "stemportal.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username/address before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "stemportal.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "stemportal.wsgi.application"

DATABASES = {
    # An empty DATABASE_URL (`DATABASE_URL= make run`) means the default too.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "").strip()
        or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A connection that died (database restarted, network cut) is noticed at
        # the start of the next request and replaced: the site recovers by itself.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several app server processes writing at once (editors saving while the
    # public reads): WAL lets readers and one writer work side by side, and
    # IMMEDIATE transactions wait for the write lock (up to `timeout` seconds)
    # instead of failing with "database is locked" half-way through a save.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }

# The cache holds facet counts (initiatives/facets.py) and API throttle counts.
# Every server process must see the same cache, or a process would keep showing
# facet counts from before another process's save: it is a folder on disk
# (CACHE_DIR), shared by all the processes on this machine. Servers on several
# machines need a cache server instead (Django's CACHES setting). Entries are
# keyed by database, so two databases never share counts.
#
# DiskCache keeps the entries in SQLite files, with an index to evict the
# oldest: a write costs under 1 ms. Django's FileBasedCache lists its whole
# folder on every write to decide whether to cull, 3 ms at 1,000 entries and
# 7 ms at 1,400 (README "Performance"), on every first visit of a page.
_database = DATABASES["default"]
CACHES = {
    "default": {
        "BACKEND": "stemportal.cache.DiskCache",
        "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / "var" / "cache")),
        "KEY_PREFIX": hashlib.sha256(
            "|".join(
                str(_database.get(key, ""))
                for key in ("ENGINE", "HOST", "PORT", "NAME")
            ).encode()
        ).hexdigest()[:12],
        # Four SQLite files, so that writers seldom wait for each other; a
        # read that waits longer than DATABASE_TIMEOUT is a miss, not an error.
        "SHARDS": 4,
        "DATABASE_TIMEOUT": 0.1,
        # Least recently stored entries go first beyond 256 MB.
        "OPTIONS": {"size_limit": 2**28},
    }
}
# Seconds a facet count may be reused while nothing is saved; 0 turns it off.
FACET_CACHE_SECONDS = int(os.environ.get("FACET_CACHE_SECONDS", "300"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# The "json" format with full microseconds (Django's cuts them to
# milliseconds), so that a backup restores exactly: stemportal/serializers.py.
SERIALIZATION_MODULES = {"json": "stemportal.serializers"}

# Web addresses typed without a scheme are taken as https:// (Django 6 default).
FORMS_URLFIELD_ASSUME_HTTPS = True

# Kosovo is a potential EU candidate; ISO has not assigned it a code, so
# django-countries leaves it out unless asked. XK is the code the EU uses.
COUNTRIES_OVERRIDE = {"XK": "Kosovo"}

# The open-data API (initiatives/api/): read-only JSON, throttled for anonymous
# clients. API_THROTTLE_ANON is a DRF rate ("120/min", "2000/hour"); "off"
# turns throttling off. Counts live in the cache: set up a shared cache when
# several app servers run, or each counts on its own.
_api_throttle_anon = os.environ.get("API_THROTTLE_ANON", "120/min").strip()
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": ["initiatives.api.throttling.AnonymousRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": None
        if _api_throttle_anon.lower() in {"", "off", "none", "0"}
        else _api_throttle_anon
    },
    "DEFAULT_PAGINATION_CLASS": "initiatives.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "initiatives.api.views.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "StemPortal API",
    "DESCRIPTION": (
        "Read-only open data of StemPortal, the catalogue of STEM education "
        "initiatives in Europe. Published records only. `/api/initiatives/` "
        "takes the same query parameters as the `/initiatives/` page."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc are served from the sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "InitiativeKindEnum": "initiatives.models.Initiative.Kind",
        "OrganisationKindEnum": "initiatives.models.Organisation.Kind",
        "KPIKindEnum": "initiatives.models.KPI.Kind",
    },
}

# --- Security -----------------------------------------------------------------
# HTTPS is on by default when DEBUG is off: HTTP is redirected to HTTPS, cookies
# are sent over HTTPS only and browsers are told (HSTS) to use nothing else.
# Behind a proxy that ends TLS, set SECURE_PROXY_SSL_HEADER to the header it
# sets (usually X-Forwarded-Proto), and only then: a client could forge it.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = (
    int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if HTTPS else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
_proxy_ssl_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _proxy_ssl_header.upper().replace("-", "_"),
        "https",
    )
SESSION_COOKIE_HTTPONLY = True
# No script of ours reads the CSRF cookie: forms carry the token.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy of every response (stemportal/middleware.py): only
# the site's own scripts, styles, images and fonts; no inline code anywhere,
# the admin included. Uploaded media get a stricter one of their own.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Admin login throttling (django-axes): after AXES_FAILURE_LIMIT failed
# attempts for one username from one address, that pair is locked out for
# AXES_COOLOFF_HOURS. `manage.py axes_reset` (or axes_reset_username NAME)
# lifts a lockout at once.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes_lockout.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_VERBOSE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every login at INFO; lockouts are WARNING.
    "loggers": {"axes": {"level": "WARNING"}},
}
