"""Development and demo settings: `make run`. Embedded SQLite and SqliteHuey unless told otherwise."""

from .base import *  # noqa: F403
from .base import VAR_DIR
from .env import env_bool
from .secrets import development_secrets

DEBUG = env_bool("DEBUG", False)
SECRET_KEY, BEDSIDE_ENCRYPTION_KEYS = development_secrets(VAR_DIR)
