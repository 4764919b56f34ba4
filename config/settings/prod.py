"""Production settings: secrets required, HTTPS assumed, HSTS on."""

from .base import *  # noqa: F403
from .env import SettingError, env_bool, env_int
from .secrets import from_environment

_found = from_environment(required=True)
assert _found is not None
SECRET_KEY, BEDSIDE_ENCRYPTION_KEYS = _found
if not BEDSIDE_AUDIT_SIGNING_KEY:  # noqa: F405 (from .base)
    raise SettingError(
        "Missing required setting: BEDSIDE_AUDIT_SIGNING_KEY (or BEDSIDE_AUDIT_SIGNING_KEY_FILE), the Ed25519 "
        "key that signs the audit tree heads. Generate one with: bedside audit keygen"
    )

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
