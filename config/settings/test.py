"""Test settings: SQLite in memory by default, PostgreSQL when TEST_DATABASE_URL is set."""

import base64
import os
import tempfile
from pathlib import Path

import dj_database_url

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"
BEDSIDE_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")]
BEDSIDE_AUDIT_SIGNING_KEY = base64.b64encode(os.urandom(32)).decode("ascii")  # an Ed25519 seed
BEDSIDE_AUDIT_HEADS_FILE = Path(tempfile.mkdtemp(prefix="bedside-audit-")) / "tree-heads.jsonl"
BEDSIDE_AUDIT_SYSLOG = ""
BEDSIDE_AUDIT_SEAL_DELAY_SECONDS = 0

_test_db = os.environ.get("TEST_DATABASE_URL") if os.environ.get("BEDSIDE_TEST_DB") == "postgres" else None
if _test_db:
    DATABASES = {"default": dj_database_url.parse(_test_db)}
    DATABASES["default"]["TEST"] = {"NAME": f"test_bedside_{os.getpid()}"}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
HUEY = {"huey_class": "huey.MemoryHuey", "name": "bedside-test", "immediate": True}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
BEDSIDE_SMS_BACKEND = "bedside.triage.sms.LocmemSmsBackend"
BEDSIDE_ATTACHMENT_DIR = Path(tempfile.mkdtemp(prefix="bedside-attachments-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = False  # type: ignore[no-redef]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="bedside-static-"))
WHITENOISE_USE_FINDERS = True
