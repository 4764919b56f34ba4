"""Development and demo settings: `make run`. Embedded SQLite and SqliteHuey unless told otherwise."""

from .base import *  # noqa: F403
from .base import VAR_DIR
from .env import env_bool
from .secrets import development_secrets

DEBUG = env_bool("DEBUG", False)
SECRET_KEY, BEDSIDE_ENCRYPTION_KEYS = development_secrets(VAR_DIR)
# Without BEDSIDE_AUDIT_SIGNING_KEY, the tree-head signing key is generated once into var/ (0600).
BEDSIDE_AUDIT_KEY_AUTOGENERATE = VAR_DIR / "audit-signing.key"
