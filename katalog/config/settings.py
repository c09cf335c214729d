"""Django settings for katalog; every knob comes from a KATALOG_* environment variable."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from katalog.config.env import (
    DEFAULT_DATA_DIR,
    database_from_url,
    default_database_url,
    env_bool,
    env_list,
    env_str,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("KATALOG_DEBUG", False)
# A server must be given its key (`katalog.core.security.require_serving_settings` refuses to
# start without one); a command that serves nothing signs nothing that outlives it, and runs with
# a random key of its own.
SECRET_KEY_FROM_ENVIRONMENT = bool(env_str("KATALOG_SECRET_KEY", ""))
SECRET_KEY = env_str("KATALOG_SECRET_KEY", "") or secrets.token_urlsafe(50)
ALLOWED_HOSTS = env_list("KATALOG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("KATALOG_CSRF_TRUSTED_ORIGINS", [])

DATABASE_URL = env_str("KATALOG_DATABASE_URL", default_database_url())
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The tantivy search index's directory; empty: `search-index` in the data directory.
SEARCH_INDEX_DIR = env_str("KATALOG_SEARCH_INDEX_DIR", "")
# How often the worker pulls the new events of every peer with an address (0: never).
EXCHANGE_PULL_SECONDS = float(env_str("KATALOG_EXCHANGE_PULL_SECONDS", "60"))
# Events applied in one transaction: enough that commits and the followers' work per commit do
# not dominate, few enough that a transaction stays short.
EXCHANGE_APPLY_RUN = int(env_str("KATALOG_EXCHANGE_APPLY_RUN", "500"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "katalog.core",
    "katalog.audit",
    "katalog.refdata",
    "katalog.accounts",
    "katalog.names",
    "katalog.catalog",
    "katalog.classifiers",
    "katalog.transfer",
    "katalog.jobs",
    "katalog.search",
    "katalog.screening",
    "katalog.codification",
    "katalog.exchange",
    "katalog.quality",
    "katalog.nomenclature",
    "katalog.api",
    "katalog.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "katalog.core.security.ContentSecurityPolicyMiddleware",
    "katalog.core.limits.RequestLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "katalog.audit.middleware.InterfaceMiddleware",
    "katalog.web.middleware.ReadAccessMiddleware",
    "axes.middleware.AxesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "katalog.config.urls"
WSGI_APPLICATION = "katalog.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: it refuses a locked-out account or address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): after 5 failures in 15 minutes an account is locked for 15
# minutes, and so is an address after 20 failures on any accounts; the right password is then
# refused too, so guessing gains nothing from speed.
AXES_FAILURE_LIMIT = int(env_str("KATALOG_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(env_str("KATALOG_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = env_str("KATALOG_LANGUAGE", "ru")
LANGUAGES = [
    ("ru", _("Russian")),
    ("en", _("English")),
    ("kk", _("Kazakh")),
    ("ky", _("Kyrgyz")),
    ("hy", _("Armenian")),
    ("be", _("Belarusian")),
    ("tg", _("Tajik")),
    ("uz", _("Uzbek")),
]
# Data (item names, classification titles) is stored per language; this is the order in which
# a missing translation falls back.
DATA_LANGUAGE_FALLBACK = ["ru", "en"]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# Where the database (SQLite), job files, media and static files live by default.
DATA_DIR = DEFAULT_DATA_DIR

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("KATALOG_STATIC_ROOT", str(DEFAULT_DATA_DIR / "static")))

# Uploaded files (documents attached to codification requests).
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("KATALOG_MEDIA_ROOT", str(DEFAULT_DATA_DIR / "media")))

# Days from submission to the due date of a codification request, per priority.
CODIFICATION_DUE_DAYS = {"routine": 30, "accelerated": 10, "emergency": 2}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Uploads (import files, parts lists, request documents) up to this size; other bodies (JSON,
# forms) up to KATALOG_REQUEST_MAX_BYTES in memory. Job files are removed after this many days.
UPLOAD_MAX_BYTES = int(env_str("KATALOG_UPLOAD_MAX_BYTES", str(200 * 1024 * 1024)))
# An XLSX is a ZIP archive: what it may expand to when read, and how much more than its size.
XLSX_MAX_EXPANDED_BYTES = int(env_str("KATALOG_XLSX_MAX_EXPANDED_BYTES", str(1024 * 1024 * 1024)))
XLSX_MAX_RATIO = int(env_str("KATALOG_XLSX_MAX_RATIO", "100"))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env_str("KATALOG_REQUEST_MAX_BYTES", str(10 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger files are spooled to disk
JOB_FILE_RETENTION_DAYS = int(env_str("KATALOG_JOB_RETENTION_DAYS", "30"))

# HTTPS: secure cookies, HSTS and the Content Security Policy (katalog.core.security).
KATALOG_HTTPS = env_bool("KATALOG_HTTPS", False)
if KATALOG_HTTPS:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Anonymous visitors read the public part of the catalogue only where this is on (the demo
# installation turns it on); otherwise every read needs a signed-in person or a token.
PUBLIC_READ = env_bool("KATALOG_PUBLIC_READ", False)
# How far beyond a bureau code's counter an imported number may lie (see catalog numbers).
SERIAL_GAP_MAX = int(env_str("KATALOG_SERIAL_GAP_MAX", "100000"))

# Duplicate screening thresholds: below LOWER is "no duplicate", above UPPER is "duplicate".
SCREENING_LOWER_THRESHOLD = float(env_str("KATALOG_SCREENING_LOWER", "0.55"))
SCREENING_UPPER_THRESHOLD = float(env_str("KATALOG_SCREENING_UPPER", "0.85"))

# The NATS JetStream transport of the exchange: the server this node talks to, the JetStream
# domain of that server (a leaf node's own domain; empty for a server without one) and the first
# token of the subjects and stream names (separate prefixes let several exchanges share a server).
NATS_URL = env_str("KATALOG_NATS_URL", "nats://127.0.0.1:4222")
NATS_DOMAIN = env_str("KATALOG_NATS_DOMAIN", "")
NATS_PREFIX = env_str("KATALOG_NATS_PREFIX", "katalog")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("KATALOG_LOG_LEVEL", "WARNING")},
}
