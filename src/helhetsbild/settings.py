"""The one settings module. Everything that differs between the demo and production comes from
the environment (see `helhetsbild.config`)."""

import datetime as dt
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
    "helhetsbild.economy",
    "helhetsbild.operations",
    "helhetsbild.goals",
    "helhetsbild.plans",
    "helhetsbild.reports",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_tasks",
    "django_tasks_db",
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

# Single sign-on (OpenID Connect, authorisation code flow with PKCE) with the municipality's
# identity provider; on when HELHETSBILD_OIDC_ISSUER is set. docs/drift.md says how to set it up.
OIDC_LOGIN = config.oidc_enabled()
OIDC_ISSUER = config.oidc("ISSUER")
OIDC_OP_AUTHORIZATION_ENDPOINT = config.oidc("AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = config.oidc("TOKEN_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = config.oidc("JWKS_ENDPOINT")
# Optional: where the provider gives the groups only from its userinfo endpoint.
OIDC_OP_USER_ENDPOINT = config.oidc("USERINFO_ENDPOINT") or None
OIDC_RP_CLIENT_ID = config.oidc("CLIENT_ID")
OIDC_RP_CLIENT_SECRET = config.oidc("CLIENT_SECRET")
OIDC_RP_SIGN_ALGO = config.oidc("SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = config.oidc("SCOPES", "openid profile email")
# The claim holding the user's groups; GroupRoleMapping turns each group into a role.
OIDC_GROUPS_CLAIM = config.oidc("GROUPS_CLAIM", "groups")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10

# The first backend only refuses locked-out password attempts (django-axes); then whichever of
# the two ways to log in this installation allows.
AUTHENTICATION_BACKENDS = [
    "helhetsbild.organisation.auth.LockoutBackend",
    *(["django.contrib.auth.backends.ModelBackend"] if PASSWORD_LOGIN else []),
    *(["helhetsbild.organisation.oidc.MunicipalOIDCBackend"] if OIDC_LOGIN else []),
]
# Password login: 5 failures for one user name from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_WHITELIST_CALLABLE = "helhetsbild.organisation.auth.not_a_password_attempt"
AXES_LOCKOUT_CALLABLE = "helhetsbild.organisation.views.locked_out"
# A user with a confirmed TOTP device always gives its code after the password; this makes one
# required for staff (who reach the admin site).
OTP_REQUIRED_FOR_STAFF = config.flag("HELHETSBILD_OTP_REQUIRED_FOR_STAFF")
OTP_TOTP_ISSUER = "Helhetsbild"

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

# Work beside the requests (the analysis store's rebuild after an import). "immediate" runs it in
# the request that asks for it, which needs no other process; "database" queues it for
# `helhetsbild db_worker`, so that an upload does not wait for the rebuild (docs/drift.md).
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS = {
    "default": {
        "BACKEND": config.choice("HELHETSBILD_TASKS", _TASK_BACKENDS, default="immediate"),
        "QUEUES": ["default"],
    }
}
# How long the worker waits before a rebuild asked for by an import, so that files imported in
# a row cost one build. No wait where the rebuild runs in the request.
ANALYSIS_REBUILD_DELAY_SECONDS = config.bounded_int(
    "HELHETSBILD_REBUILD_DELAY_SECONDS", default=30, minimum=0
)
# Disclosure control: no aggregate about fewer persons than this leaves the analysis store.
# Swedish practice uses 3 or 5; below 3 is refused at start-up.
MIN_CELL_SIZE = config.bounded_int("HELHETSBILD_MIN_CELL_SIZE", default=5, minimum=3)
# The municipality's rule for distributing the state compensation between its committees
# (docs/compensation.md); the shipped file is the demo's example, an empty value means none.
COMPENSATION_DISTRIBUTION_FILE = os.environ.get(
    "HELHETSBILD_COMPENSATION_DISTRIBUTION_FILE", str(BASE_DIR / "economy" / "distribution.toml")
)
# The access log is kept at least five years (the HSLF-FS 2016:40 rule adopted voluntarily);
# `helhetsbild purge-log` removes what is older. Shorter is refused at start-up.
ACCESS_LOG_RETENTION_YEARS = config.bounded_int(
    "HELHETSBILD_ACCESS_LOG_RETENTION_YEARS", default=5, minimum=5
)

# A signed-in session ends after this long without a request, and this long after login
# (web.middleware.SessionTimeoutMiddleware); the cookie dies with the browser.
SESSION_IDLE_TIMEOUT = dt.timedelta(
    minutes=config.bounded_int("HELHETSBILD_SESSION_IDLE_MINUTES", default=30, minimum=1)
)
SESSION_ABSOLUTE_TIMEOUT = dt.timedelta(
    hours=config.bounded_int("HELHETSBILD_SESSION_ABSOLUTE_HOURS", default=12, minimum=1)
)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Off only for the demo on http://127.0.0.1; production serves HTTPS and sets it (docs/drift.md).
# Secure cookies also take the __Host- prefix: no subdomain can set or overwrite them.
SESSION_COOKIE_SECURE = config.flag("HELHETSBILD_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if SESSION_COOKIE_SECURE:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = config.flag("HELHETSBILD_SSL_REDIRECT")
if config.flag("HELHETSBILD_BEHIND_PROXY"):
    # Only behind a reverse proxy that sets this header itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = config.bounded_int("HELHETSBILD_HSTS_SECONDS", default=0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: charts are <img> with data: URLs (analysis.charts).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "clipboard-read=(), display-capture=(), fullscreen=(self)"
)

# Reminders of action deadlines (`helhetsbild actions remind`): printed to the console unless an
# installation names another backend (SMTP: also Django's EMAIL_HOST and friends).
EMAIL_BACKEND = os.environ.get(
    "HELHETSBILD_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("HELHETSBILD_EMAIL_FROM", "helhetsbild@localhost")
EMAIL_HOST = os.environ.get("HELHETSBILD_EMAIL_HOST", "localhost")

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
