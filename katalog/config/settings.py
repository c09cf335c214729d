"""Django settings for katalog; every knob comes from a KATALOG_* environment variable."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from katalog.config.env import (
    database_from_url,
    default_database_url,
    env_bool,
    env_list,
    env_str,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("KATALOG_DEBUG", False)
# The fallback key is only for the local embedded run; production sets KATALOG_SECRET_KEY.
SECRET_KEY = env_str("KATALOG_SECRET_KEY", "katalog-local-development-key-change-me-in-production")
ALLOWED_HOSTS = env_list("KATALOG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("KATALOG_CSRF_TRUSTED_ORIGINS", [])

DATABASE_URL = env_str("KATALOG_DATABASE_URL", default_database_url())
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
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
    "katalog.api",
    "katalog.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("KATALOG_STATIC_ROOT", str(Path.cwd() / "var" / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Uploaded files (documents attached to codification requests).
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("KATALOG_MEDIA_ROOT", str(Path.cwd() / "var" / "media")))

# Days from submission to the due date of a codification request, per priority.
CODIFICATION_DUE_DAYS = {"routine": 30, "accelerated": 10, "emergency": 2}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Anonymous visitors read the public part of the catalogue only where this is on (the demo
# installation turns it on); otherwise every read needs a signed-in person or a token.
PUBLIC_READ = env_bool("KATALOG_PUBLIC_READ", False)
# How far beyond a bureau code's counter an imported number may lie (see catalog numbers).
SERIAL_GAP_MAX = int(env_str("KATALOG_SERIAL_GAP_MAX", "100000"))

# Duplicate screening thresholds: below LOWER is "no duplicate", above UPPER is "duplicate".
SCREENING_LOWER_THRESHOLD = float(env_str("KATALOG_SCREENING_LOWER", "0.55"))
SCREENING_UPPER_THRESHOLD = float(env_str("KATALOG_SCREENING_UPPER", "0.85"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("KATALOG_LOG_LEVEL", "WARNING")},
}
