"""Where the secret key and the at-rest encryption keys come from.

Production takes them from the environment (or *_FILE). Development generates them once into
var/secrets.json (mode 0600) so that a fresh clone starts with one command and keeps its data
readable across restarts; nothing secret is ever in the repository.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

from .env import SettingError, env_str


def _new_fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def _validate_keys(keys: list[str]) -> list[str]:
    for key in keys:
        try:
            raw = base64.urlsafe_b64decode(key.encode("ascii"))
        except (ValueError, UnicodeEncodeError) as exc:
            raise SettingError("BEDSIDE_ENCRYPTION_KEYS holds a key that is not base64") from exc
        if len(raw) != 32:
            raise SettingError("BEDSIDE_ENCRYPTION_KEYS keys must be 32 bytes, url-safe base64")
    return keys


def from_environment(*, required: bool) -> tuple[str, list[str]] | None:
    """Return (SECRET_KEY, encryption keys) from the environment, or None when absent and optional."""
    secret_key = env_str("SECRET_KEY")
    keys_raw = env_str("BEDSIDE_ENCRYPTION_KEYS")
    if secret_key and keys_raw:
        keys = [k.strip() for k in keys_raw.split(",") if k.strip()]
        return secret_key, _validate_keys(keys)
    if required:
        missing = [n for n, v in (("SECRET_KEY", secret_key), ("BEDSIDE_ENCRYPTION_KEYS", keys_raw)) if not v]
        raise SettingError(
            "Missing required settings: " + ", ".join(missing)
            + " (set them in the environment or in NAME_FILE). Generate an encryption key with: "
            "python -c 'import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())'"
        )
    return None


def development_secrets(var_dir: Path) -> tuple[str, list[str]]:
    """Return the secrets of this checkout, creating var/secrets.json on first use."""
    found = from_environment(required=False)
    if found:
        return found
    path = var_dir / "secrets.json"
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        return data["SECRET_KEY"], _validate_keys(data["BEDSIDE_ENCRYPTION_KEYS"])
    var_dir.mkdir(parents=True, exist_ok=True)
    data = {"SECRET_KEY": secrets.token_urlsafe(50), "BEDSIDE_ENCRYPTION_KEYS": [_new_fernet_key()]}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    return data["SECRET_KEY"], data["BEDSIDE_ENCRYPTION_KEYS"]
