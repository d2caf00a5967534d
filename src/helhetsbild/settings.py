"""The one settings module. Everything that differs between the demo and production comes from
the environment (see `helhetsbild.config`)."""

import os
from pathlib import Path

import dj_database_url

from helhetsbild import config

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

SECRET_KEY = config.key("HELHETSBILD_SECRET_KEY")
PSEUDONYM_KEY = config.key("HELHETSBILD_PSEUDONYM_KEY")
ENCRYPTION_KEY = config.key("HELHETSBILD_ENCRYPTION_KEY")

DEBUG = config.flag("HELHETSBILD_DEBUG")
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("HELHETSBILD_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]
# The demo allows local password login; a municipality turns it off and uses its identity provider.
PASSWORD_LOGIN = config.flag("HELHETSBILD_PASSWORD_LOGIN", default=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "template_partials",
    "helhetsbild.web",
    "helhetsbild.organisation",
    "helhetsbild.accesslog",
    "helhetsbild.register",
    "helhetsbild.imports",
    "helhetsbild.analysis",
    "helhetsbild.synth",
    "helhetsbild.api",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
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
    "helhetsbild.web.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "helhetsbild.web.middleware.PermissionsPolicyMiddleware",
    "helhetsbild.web.middleware.NoStoreMiddleware",
    # Last, as django-axes asks: it turns a lockout found during the login into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "helhetsbild.urls"
WSGI_APPLICATION = "helhetsbild.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "helhetsbild.web.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {"default": dj_database_url.parse(config.database_url(), conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so that a test can run the command line against the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
    # Imports run in one long write transaction; readers must wait for it, not fail at once.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 60,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Uploaded import files are streamed to disk, never held whole in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
IMPORT_MAX_BYTES = int(os.environ.get("HELHETSBILD_IMPORT_MAX_BYTES", 4 * 1024**3))
# Disclosure control: no aggregate about fewer persons than this leaves the analysis store.
# Swedish practice uses 3 or 5; below 3 is refused at start-up.
MIN_CELL_SIZE = config.bounded_int("HELHETSBILD_MIN_CELL_SIZE", default=5, minimum=3)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_SECURE = config.flag("HELHETSBILD_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_personnummer": {"()": "helhetsbild.register.identity.MaskPersonnummerFilter"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_personnummer"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}
