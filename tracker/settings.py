"""Yardstick settings, driven by environment variables (docs/design.md §7).

Development defaults are safe and need nothing installed: SQLite under ``var/``, Kombu's
filesystem broker, email written as files under ``var/mail/``. Production sets ``DEBUG=0``
and must then provide ``SECRET_KEY``; ``DATABASE_URL`` and ``REDIS_URL`` switch to
PostgreSQL and Redis.
"""

import datetime as dt
import ipaddress
import os
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from judgements.signin import mapping
from tracker.database_timeouts import apply as apply_database_timeouts

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("YARDSTICK_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(item, strict=False) for item in env_list(name, []))
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must list IP addresses or networks: {error}") from None


def env_url(name: str, default: str, schemes: tuple[str, ...]) -> str:
    value = env_str(name, default)
    if value and not value.startswith(schemes):
        raise ImproperlyConfigured(f"{name} must start with {' or '.join(schemes)}, got {value!r}")
    return value


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", ("http://", "https://")).rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # the built-in widget templates, for FORM_RENDERER
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "judgements",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "judgements.signin.proxy.ProxyHeaderMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "judgements.signin.middleware.SessionWatchMiddleware",
    "judgements.signin.middleware.SecondFactorMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # Innermost, so it sees a view's exception first: a database timeout becomes a 503.
    "judgements.errors.BusyDatabaseMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "judgements.context_processors.yardstick",
            ],
        },
    },
]
# Every field drawn by one template (templates/shared/_field.html): field.as_field_group.
FORM_RENDERER = "judgements.fields.FormRenderer"


def env_database(name: str, default: str) -> dict:
    try:
        return dj_database_url.config(
            env=name,
            default=default,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    except ValueError as error:  # dj-database-url's message names the scheme, not the variable
        raise ImproperlyConfigured(f"{name} is not a database URL: {error}") from None


# How long one SQL statement may run, and one lock be waited for, in seconds (0: no limit).
# Web requests fail fast, with a 503 "busy, try again" (judgements/errors.py); workers and
# management commands do long work and get the longer limits. manage.py and the Celery app
# say which kind of process they are (YARDSTICK_PROCESS); anything else is a web process.
YARDSTICK_PROCESS = env_str("YARDSTICK_PROCESS", "web")
if YARDSTICK_PROCESS not in {"web", "worker", "command"}:
    raise ImproperlyConfigured(
        f"YARDSTICK_PROCESS must be web, worker or command; got {YARDSTICK_PROCESS!r}"
    )
DATABASE_TIMEOUTS = {
    "web": (
        env_int("DATABASE_STATEMENT_TIMEOUT", 10),
        env_int("DATABASE_LOCK_TIMEOUT", 3),
    ),
    "long": (
        env_int("DATABASE_WORKER_STATEMENT_TIMEOUT", 600),
        env_int("DATABASE_WORKER_LOCK_TIMEOUT", 60),
    ),
}

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'yardstick.sqlite3'}")}
apply_database_timeouts(
    DATABASES["default"], DATABASE_TIMEOUTS["web" if YARDSTICK_PROCESS == "web" else "long"]
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # SQLite is the embedded default: one web process and one worker share the file.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("YARDSTICK_PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # each role lands where its work is (access.home_url)
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"TIME_ZONE must be an IANA time zone such as Europe/London, got {TIME_ZONE!r}"
    ) from None
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
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

WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Email (Django 6.1 MAILERS) -------------------------------------------------------------
EMAIL_FILE_DIR = Path(env_str("EMAIL_FILE_DIR", str(VAR_DIR / "mail")))
_email_host = env_str("EMAIL_HOST")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("EMAIL_PORT", 25),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "timeout": env_int("EMAIL_TIMEOUT", 30),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(EMAIL_FILE_DIR)},
        }
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Yardstick <yardstick@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------
CSRF_FAILURE_VIEW = "judgements.errors.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Sign-in (docs/design.md §1.4) -------------------------------------------------------
# Local accounts always work; LDAP, OpenID Connect and a proxy's header are each switched on
# by their variables. The directory mapping gives directory users their roles and teams.
try:
    YARDSTICK_DIRECTORY_MAPPING = mapping.load(
        text=env_str("YARDSTICK_DIRECTORY_MAPPING"),
        path=env_str("YARDSTICK_DIRECTORY_MAPPING_FILE"),
    )
except mapping.MappingError as error:
    _variable = "YARDSTICK_DIRECTORY_MAPPING" + (
        "_FILE" if env_str("YARDSTICK_DIRECTORY_MAPPING_FILE") else ""
    )
    raise ImproperlyConfigured(f"{_variable} is not a usable mapping: {error}") from None

YARDSTICK_SESSION_IDLE_MINUTES = env_int("YARDSTICK_SESSION_IDLE_MINUTES", 60)
YARDSTICK_SESSION_RECHECK_MINUTES = env_int("YARDSTICK_SESSION_RECHECK_MINUTES", 15)
for _name in ("YARDSTICK_SESSION_IDLE_MINUTES", "YARDSTICK_SESSION_RECHECK_MINUTES"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1 (minutes).")
# Reverse proxies whose X-Forwarded-For names the client (throttling and the audit need the
# client's address, not the proxy's).
YARDSTICK_TRUSTED_PROXIES = env_networks("YARDSTICK_TRUSTED_PROXIES")

AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend"]

# Throttling of failed sign-ins (django-axes): per account and, separately, per address.
AXES_FAILURE_LIMIT = env_int("YARDSTICK_SIGNIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("YARDSTICK_SIGNIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # the access audit (AccessEvent) is the log
AXES_CLIENT_IP_CALLABLE = "judgements.signin.addresses.client_address"
AXES_LOCKOUT_CALLABLE = "judgements.signin.views.locked_out"
AXES_VERBOSE = False
if AXES_FAILURE_LIMIT < 1:
    raise ImproperlyConfigured("YARDSTICK_SIGNIN_FAILURE_LIMIT must be at least 1.")
OTP_TOTP_ISSUER = env_str("YARDSTICK_TOTP_ISSUER", "Yardstick")

# LDAP / Active Directory (django-auth-ldap, installed with requirements-ldap.txt).
YARDSTICK_LDAP_SERVER_URI = env_url("YARDSTICK_LDAP_SERVER_URI", "", ("ldap://", "ldaps://"))
if YARDSTICK_LDAP_SERVER_URI:
    try:
        from judgements.signin import ldap_settings
    except ImportError:
        raise ImproperlyConfigured(
            "YARDSTICK_LDAP_SERVER_URI is set but django-auth-ldap is not installed: "
            "pip install -r requirements-ldap.txt (needs Debian's libldap-dev libsasl2-dev)."
        ) from None
    try:
        globals().update(ldap_settings.from_environment(os.environ))
    except ValueError as error:
        raise ImproperlyConfigured(str(error)) from None
    AUTHENTICATION_BACKENDS.append("judgements.signin.ldap.DirectoryLDAPBackend")

AUTHENTICATION_BACKENDS.append("django.contrib.auth.backends.ModelBackend")

# OpenID Connect (mozilla-django-oidc): authorization code flow with PKCE. Endpoints come
# from the issuer's discovery document unless given one by one.
YARDSTICK_OIDC_CLIENT_ID = env_str("YARDSTICK_OIDC_CLIENT_ID")
YARDSTICK_OIDC_ISSUER = env_url("YARDSTICK_OIDC_ISSUER", "", ("http://", "https://")).rstrip("/")
YARDSTICK_OIDC_PROVIDER_NAME = env_str("YARDSTICK_OIDC_PROVIDER_NAME", "single sign-on")
YARDSTICK_OIDC_GROUPS_CLAIM = env_str("YARDSTICK_OIDC_GROUPS_CLAIM", "groups")
YARDSTICK_OIDC_USERNAME_CLAIM = env_str("YARDSTICK_OIDC_USERNAME_CLAIM", "preferred_username")
YARDSTICK_OIDC_ENDPOINTS = {
    key: env_url(f"YARDSTICK_OIDC_{key.upper()}", "", ("http://", "https://"))
    for key in (
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
        "end_session_endpoint",
    )
}
if YARDSTICK_OIDC_CLIENT_ID:
    if not YARDSTICK_OIDC_ISSUER:
        raise ImproperlyConfigured(
            "YARDSTICK_OIDC_ISSUER must be set when YARDSTICK_OIDC_CLIENT_ID is."
        )
    OIDC_RP_CLIENT_ID = YARDSTICK_OIDC_CLIENT_ID
    OIDC_RP_CLIENT_SECRET = env_str("YARDSTICK_OIDC_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = env_str("YARDSTICK_OIDC_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = env_str("YARDSTICK_OIDC_SCOPES", "openid email profile")
    OIDC_USE_PKCE = True
    OIDC_USE_NONCE = True
    OIDC_STORE_ID_TOKEN = True  # for the provider's logout (id_token_hint)
    OIDC_VERIFY_SSL = env_str("YARDSTICK_OIDC_CA_FILE") or True
    OIDC_TIMEOUT = env_int("YARDSTICK_OIDC_TIMEOUT", 10)
    AUTHENTICATION_BACKENDS.append("judgements.signin.oidc.OIDCBackend")
    # Log out posts a form whose answer sends the browser on to the provider's logout:
    # the Content-Security-Policy must let a form end there.
    for _url in (YARDSTICK_OIDC_ISSUER, YARDSTICK_OIDC_ENDPOINTS["end_session_endpoint"]):
        _origin = "/".join(_url.split("/")[:3])
        if _url and _origin not in SECURE_CSP["form-action"]:
            SECURE_CSP["form-action"].append(_origin)

# Sign-in by a header from an authenticating proxy (REMOTE_USER style): off unless named,
# and believed only from the listed addresses.
YARDSTICK_PROXY_AUTH_HEADER = env_str("YARDSTICK_PROXY_AUTH_HEADER")
YARDSTICK_PROXY_AUTH_GROUPS_HEADER = env_str("YARDSTICK_PROXY_AUTH_GROUPS_HEADER")
YARDSTICK_PROXY_AUTH_ADDRESSES = env_networks("YARDSTICK_PROXY_AUTH_ADDRESSES")
if YARDSTICK_PROXY_AUTH_HEADER:
    if not YARDSTICK_PROXY_AUTH_ADDRESSES:
        raise ImproperlyConfigured(
            "YARDSTICK_PROXY_AUTH_ADDRESSES must list the proxy's addresses when "
            "YARDSTICK_PROXY_AUTH_HEADER is set (anyone else could send the header)."
        )
    AUTHENTICATION_BACKENDS.append("judgements.signin.proxy.ProxyBackend")

# --- Celery ---------------------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", "", ("redis://", "rediss://", "unix://"))
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # Embedded default: Kombu's filesystem transport needs no server.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
ALERT_SCAN_SECONDS = env_int("YARDSTICK_SCAN_SECONDS", 300)
CELERY_BEAT_SCHEDULE = {
    "scan-alerts": {"task": "judgements.tasks.scan_alerts", "schedule": ALERT_SCAN_SECONDS},
    # Safety net for alerts whose task message was lost (Redis restart, worker killed).
    "requeue-stale-alerts": {
        "task": "judgements.tasks.requeue_stale_alerts",
        "schedule": env_int("YARDSTICK_REQUEUE_SECONDS", 600),
    },
    "queue-digest": {"task": "judgements.tasks.queue_digest", "schedule": 3600},
    # The notification outbox (docs/design.md §5.11): the freshness scan, the personal digests,
    # and the sweep that hands notices whose message or worker was lost to a worker again.
    "scan-notices": {"task": "judgements.tasks.scan_notices", "schedule": ALERT_SCAN_SECONDS},
    "requeue-stale-notices": {
        "task": "judgements.tasks.requeue_stale_notices",
        "schedule": env_int("YARDSTICK_REQUEUE_SECONDS", 600),
    },
    "queue-weekly-digests": {"task": "judgements.tasks.queue_weekly_digests", "schedule": 3600},
}

# --- Yardstick ------------------------------------------------------------------------------
YARDSTICK_SCALE = env_str("YARDSTICK_SCALE", "phia")
if YARDSTICK_SCALE not in {"phia", "icd203", "nato", "kent"}:
    raise ImproperlyConfigured(
        f"YARDSTICK_SCALE must be one of phia, icd203, nato, kent; got {YARDSTICK_SCALE!r}"
    )
# Days before window end that raise an alert; 0 is the day the window ends.
YARDSTICK_ALERT_DAYS_BEFORE = [30, 7, 0]
YARDSTICK_OVERDUE_EVERY_DAYS = 7
YARDSTICK_ESCALATE_AFTER_DAYS = 14
# Largest report that "Import report" and extract_judgements read (bytes; default 5 MB).
YARDSTICK_IMPORT_MAX_BYTES = env_int("YARDSTICK_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
# Pasted reports travel in the request body, so it must admit them (plus the review fields).
DATA_UPLOAD_MAX_MEMORY_SIZE = YARDSTICK_IMPORT_MAX_BYTES + 1024 * 1024
# Weekly leadership digest: sent once per week, from this weekday (0 = Monday) and hour on.
YARDSTICK_DIGEST_WEEKDAY = env_int("YARDSTICK_DIGEST_WEEKDAY", 0)
YARDSTICK_DIGEST_HOUR = env_int("YARDSTICK_DIGEST_HOUR", 7)
if not (0 <= YARDSTICK_DIGEST_WEEKDAY <= 6 and 0 <= YARDSTICK_DIGEST_HOUR <= 23):
    raise ImproperlyConfigured(
        "YARDSTICK_DIGEST_WEEKDAY must be 0-6 (0 = Monday) and YARDSTICK_DIGEST_HOUR 0-23."
    )
# A claimed alert that is still unsent after this long belongs to a worker that died: it is
# sent again. Must stay well above the SMTP timeout (EMAIL_TIMEOUT, default 30 s).
YARDSTICK_ALERT_CLAIM_TIMEOUT_SECONDS = env_int("YARDSTICK_ALERT_CLAIM_TIMEOUT_SECONDS", 600)
# Fresh estimates (docs/design.md §5.12): an estimate is due for a look this many days after it
# was made, or once this many active indicators were logged since.
YARDSTICK_STALE_DAYS = env_int("YARDSTICK_STALE_DAYS", 90)
YARDSTICK_STALE_INDICATORS = env_int("YARDSTICK_STALE_INDICATORS", 3)
if YARDSTICK_STALE_DAYS < 1 or YARDSTICK_STALE_INDICATORS < 1:
    raise ImproperlyConfigured(
        "YARDSTICK_STALE_DAYS and YARDSTICK_STALE_INDICATORS must be 1 or more."
    )
# After this many failed attempts an alert stays failed (its error shown) instead of retrying.
YARDSTICK_ALERT_MAX_ATTEMPTS = 10

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
