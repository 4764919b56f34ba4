"""Settings shared by every environment. Values come from the environment, parsed strictly."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from .env import SettingError, env_bool, env_int, env_list, env_networks, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("BEDSIDE_VAR_DIR", str(BASE_DIR / "var")) or BASE_DIR / "var")

DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Reverse proxies in front of the app (addresses or networks). A request arriving from one of
# them has its client address taken from X-Forwarded-For (the right-most entry that is not a
# trusted proxy); from anywhere else, or with none set, REMOTE_ADDR is the client. Rate limits
# and audit rows use that address (bedside.audit.services.client_ip).
BEDSIDE_TRUSTED_PROXIES = env_networks("BEDSIDE_TRUSTED_PROXIES")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "huey.contrib.djhuey",
    "ninja",
    "bedside.core",
    "bedside.accounts",
    "bedside.audit",
    "bedside.consent",
    "bedside.messaging",
    "bedside.triage",
    "bedside.records",
    "bedside.records.mail",
    "bedside.reputation",
    "bedside.publishing",
    "bedside.moderation",
    "bedside.billing",
    "bedside.followup",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "bedside.core.middleware.SecurityHeadersMiddleware",
    "bedside.publishing.middleware.RobotsTagMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bedside.accounts.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "bedside.accounts.middleware.MfaRequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
CSRF_FAILURE_VIEW = "bedside.core.views.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "bedside" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bedside.core.context_processors.site",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'bedside.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL or "", conn_max_age=60)}
except ValueError as exc:  # dj_database_url raises ValueError on unknown schemes
    raise SettingError(f"DATABASE_URL is not a database URL: {exc}") from exc
# A persistent connection that died (database restart, fail-over) is replaced at the next request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the web server and the worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and queue ------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        # Several deployments (or a test next to a running practice) can share one Redis.
        "name": env_str("BEDSIDE_QUEUE_NAME", "bedside") or "bedside",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "bedside",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# --- accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env_str("BEDSIDE_EMAIL_VERIFICATION", "optional")
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_ADAPTER = "bedside.accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "bedside.accounts.forms.PatientSignupForm"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "5/h/ip,3/h/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "bedside"
# One period either side: phones drift, and a code typed at the end of its period still counts.
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10

# Non-patients are signed out after this many idle minutes (server-side), patients after the second.
BEDSIDE_IDLE_MINUTES_STAFF = env_int("BEDSIDE_IDLE_MINUTES_STAFF", 15, minimum=1)
BEDSIDE_IDLE_MINUTES_PATIENT = env_int("BEDSIDE_IDLE_MINUTES_PATIENT", 30, minimum=1)
BEDSIDE_API_TOKEN_HOURS = env_int("BEDSIDE_API_TOKEN_HOURS", 12, minimum=1)

# --- sessions, cookies, security headers ----------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Flash messages ("Invitation sent to <email>", a patient's name) stay server-side: the default
# storage would put them in a cookie that is signed but readable.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 12 * 3600
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
BEDSIDE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)

# --- bedside --------------------------------------------------------------------------------
# Attachments: what the practice accepts, checked by content, never by name.
BEDSIDE_ATTACHMENT_MAX_BYTES = env_int("BEDSIDE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
BEDSIDE_ATTACHMENT_MAX_PIXELS = env_int("BEDSIDE_ATTACHMENT_MAX_PIXELS", 40_000_000, minimum=1)
BEDSIDE_ATTACHMENT_DIR = Path(env_str("BEDSIDE_ATTACHMENT_DIR", str(VAR_DIR / "attachments")) or "")
BEDSIDE_MESSAGE_MAX_CHARS = env_int("BEDSIDE_MESSAGE_MAX_CHARS", 20_000, minimum=100)

# --- inbound mail (bedside.records.mail; docs/mail.md) -----------------------------------------
# Practice addresses are <practice-slug>@BEDSIDE_INBOUND_DOMAIN; the SMTP service listens locally
# behind the practice's MX, which should check SPF/DKIM/DMARC and add Authentication-Results.
BEDSIDE_INBOUND_DOMAIN = (env_str("BEDSIDE_INBOUND_DOMAIN", "bedside.localhost") or "bedside.localhost").lower()
BEDSIDE_SMTP_HOST = env_str("BEDSIDE_SMTP_HOST", "127.0.0.1") or "127.0.0.1"
BEDSIDE_SMTP_PORT = env_int("BEDSIDE_SMTP_PORT", 8025, minimum=1)
BEDSIDE_SMTP_MAX_BYTES = env_int("BEDSIDE_SMTP_MAX_BYTES", 15 * 1024 * 1024, minimum=1024)
BEDSIDE_SMTP_MAX_RECIPIENTS = env_int("BEDSIDE_SMTP_MAX_RECIPIENTS", 5, minimum=1)
BEDSIDE_MAIL_ANSWERS_PER_HOUR = env_int("BEDSIDE_MAIL_ANSWERS_PER_HOUR", 3, minimum=0)
# When set, accept patient mail only if the MX's Authentication-Results (this authserv-id) says dmarc=pass.
BEDSIDE_MAIL_TRUSTED_AUTHSERV_ID = env_str("BEDSIDE_MAIL_TRUSTED_AUTHSERV_ID", "") or ""
DATA_UPLOAD_MAX_MEMORY_SIZE = BEDSIDE_ATTACHMENT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

BEDSIDE_SITE_URL = env_str("BEDSIDE_SITE_URL", "http://127.0.0.1:8000") or ""
# FHIR / EHR push (docs/fhir.md): private, loopback and link-local EHR URLs are refused (SSRF)
# unless an operator whose EHR lives on the practice network allows them.
BEDSIDE_EHR_ALLOW_PRIVATE = env_bool("BEDSIDE_EHR_ALLOW_PRIVATE", False)
BEDSIDE_EHR_PUSH_MAX_ATTEMPTS = env_int("BEDSIDE_EHR_PUSH_MAX_ATTEMPTS", 8, minimum=1)
BEDSIDE_FHIR_TOKEN_SECONDS = env_int("BEDSIDE_FHIR_TOKEN_SECONDS", 300, minimum=30)
# An EHR push claimed this long ago whose worker never finished is taken over by another; longer
# than one push can take (20 s read + 5 s connect timeout), so a live send is never doubled.
BEDSIDE_EHR_PUSH_CLAIM_TIMEOUT_SECONDS = env_int("BEDSIDE_EHR_PUSH_CLAIM_TIMEOUT_SECONDS", 600, minimum=30)
# A notification claimed (SENDING) this long ago whose worker never finished (killed, host lost) is
# released and sent again; longer than any SMTP send (EMAIL_TIMEOUT), short enough to catch up soon.
BEDSIDE_NOTIFICATION_CLAIM_TIMEOUT_SECONDS = env_int("BEDSIDE_NOTIFICATION_CLAIM_TIMEOUT_SECONDS", 600, minimum=1)
# The demo's sample conversations (Bob's e-visit threads, time, an e-consult: docs/billing.md).
# The test suite turns them off (bedside/conftest.py) so tests start from the CONTRACT's facts only.
BEDSIDE_DEMO_CONVERSATIONS = env_bool("BEDSIDE_DEMO_CONVERSATIONS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "bedside <no-reply@bedside.invalid>")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Text-message backend for on-call alerts (dotted class, see bedside/triage/sms.py).
BEDSIDE_SMS_BACKEND = env_str("BEDSIDE_SMS_BACKEND", "bedside.triage.sms.ConsoleSmsBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "bedside" / "static"]
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Several app servers need shared file storage: S3-compatible object storage through
# django-storages (docs/deployment.md) when a bucket is named; the local disk otherwise.
BEDSIDE_S3_BUCKET = env_str("BEDSIDE_S3_BUCKET", "") or ""
if BEDSIDE_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": BEDSIDE_S3_BUCKET,
            "endpoint_url": env_str("BEDSIDE_S3_ENDPOINT_URL") or None,  # MinIO, Ceph, … ; None: AWS
            "region_name": env_str("BEDSIDE_S3_REGION") or None,
            "access_key": env_str("BEDSIDE_S3_ACCESS_KEY_ID") or None,  # None: the instance role
            "secret_key": env_str("BEDSIDE_S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("BEDSIDE_S3_PREFIX", "bedside") or "",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "object_parameters": {"ServerSideEncryption": "AES256"},
        },
    }

NINJA_PAGINATION_PER_PAGE = 50

# --- audit trail (docs/audit.md) -------------------------------------------------------------
# Ed25519 private key signing the Merkle tree heads: base64 of 32 raw bytes or PEM, from the
# environment or BEDSIDE_AUDIT_SIGNING_KEY_FILE; never in the database. Dev generates one in var/.
BEDSIDE_AUDIT_SIGNING_KEY = env_str("BEDSIDE_AUDIT_SIGNING_KEY")
BEDSIDE_AUDIT_KEY_AUTOGENERATE: Path | None = None
BEDSIDE_AUDIT_VERIFY_KEYS = env_list("BEDSIDE_AUDIT_VERIFY_KEYS", [])  # public keys of retired signing keys
BEDSIDE_AUDIT_HEADS_FILE = Path(env_str("BEDSIDE_AUDIT_HEADS_FILE", str(VAR_DIR / "audit" / "tree-heads.jsonl")) or "")
BEDSIDE_AUDIT_SYSLOG = env_str("BEDSIDE_AUDIT_SYSLOG", "") or ""  # udp://host:514, tcp://host:601 or /dev/log
BEDSIDE_AUDIT_SEAL_DELAY_SECONDS = env_int("BEDSIDE_AUDIT_SEAL_DELAY_SECONDS", 5, minimum=0)
BEDSIDE_AUDIT_HEAD_MAX_AGE_MINUTES = env_int("BEDSIDE_AUDIT_HEAD_MAX_AGE_MINUTES", 60, minimum=1)
# `audit verify` on PostgreSQL splits trails of at least this many events over one process per
# core (0 = os.cpu_count()), all reading one exported snapshot.
BEDSIDE_AUDIT_VERIFY_WORKERS = env_int("BEDSIDE_AUDIT_VERIFY_WORKERS", 0, minimum=0)
BEDSIDE_AUDIT_VERIFY_PARALLEL_MIN = env_int("BEDSIDE_AUDIT_VERIFY_PARALLEL_MIN", 200_000, minimum=1)

# Logs carry ids and codes, never message text: see bedside.core.logging.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_control_chars": {"()": "bedside.core.logging.ControlCharFilter"}},
    "formatters": {
        "plain": {"()": "bedside.core.logging.PhiSafeFormatter", "format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["no_control_chars"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}, "huey": {"level": "INFO", "handlers": ["console"], "propagate": False}},  # run_huey then adds none
}

# --- reputation: watched feeds (docs/reputation.md) --------------------------------------------
# Feed URLs on private, loopback or link-local addresses are refused unless this is set.
BEDSIDE_FEEDS_ALLOW_PRIVATE = env_bool("BEDSIDE_FEEDS_ALLOW_PRIVATE", False)
BEDSIDE_FEED_TIMEOUT_SECONDS = env_int("BEDSIDE_FEED_TIMEOUT_SECONDS", 10, minimum=1)
BEDSIDE_FEED_MAX_BYTES = env_int("BEDSIDE_FEED_MAX_BYTES", 2 * 1024 * 1024, minimum=1024)
BEDSIDE_FEED_MAX_ENTRIES = env_int("BEDSIDE_FEED_MAX_ENTRIES", 200, minimum=1)
BEDSIDE_FEED_POLL_MINUTES = env_int("BEDSIDE_FEED_POLL_MINUTES", 60, minimum=5)
# Politeness: at most one request per host in this many seconds, across all workers (cache).
BEDSIDE_FEED_HOST_INTERVAL_SECONDS = env_int("BEDSIDE_FEED_HOST_INTERVAL_SECONDS", 10, minimum=0)

# --- comments (docs/moderation.md): at most COUNT comments per SECONDS, per address and per email -----
def _rate(name: str, default: str) -> tuple[int, int]:
    raw = env_str(name, default) or default
    count, _, seconds = raw.partition("/")
    if not (count.isdigit() and seconds.isdigit() and int(count) > 0 and int(seconds) > 0):
        raise SettingError(f"{name} must look like COUNT/SECONDS, e.g. 5/600; got {raw!r}")
    return int(count), int(seconds)


BEDSIDE_COMMENT_RATE_IP = _rate("BEDSIDE_COMMENT_RATE_IP", "5/600")
BEDSIDE_COMMENT_RATE_EMAIL = _rate("BEDSIDE_COMMENT_RATE_EMAIL", "5/3600")
