"""Strict parsing of environment settings: a malformed value stops start-up with a clear message."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path


class SettingError(RuntimeError):
    """Raise when an environment setting is missing or malformed."""


def env_str(name: str, default: str | None = None) -> str | None:
    """Return NAME from the environment, or the contents of the file named by NAME_FILE."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SettingError(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = env_str(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingError(f"{name} must be an integer, got {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise SettingError(f"{name} must be at least {minimum}, got {value}")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingError(f"{name} must be true or false, got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """A comma-separated list of addresses or networks ("127.0.0.1, 10.0.0.0/8, ::1")."""
    out = []
    for item in env_list(name, []):
        try:
            out.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise SettingError(f"{name}: {item!r} is not an IP address or network") from exc
    return out
