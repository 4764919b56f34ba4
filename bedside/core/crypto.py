"""Encryption at rest with key rotation: MultiFernet over the keys in BEDSIDE_ENCRYPTION_KEYS.

The first key encrypts; every key decrypts, so an operator rotates by putting a new key first
and re-encrypting at leisure (`rotate_text`).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionError(RuntimeError):
    """Raise when stored ciphertext cannot be read with any configured key."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise DecryptionError("No encryption keys are configured (BEDSIDE_ENCRYPTION_KEYS).")
    return MultiFernet([Fernet(k.encode("ascii")) for k in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.BEDSIDE_ENCRYPTION_KEYS))


def encrypt_bytes(data: bytes) -> bytes:
    return _current().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _current().decrypt(token)
    except InvalidToken as exc:
        raise DecryptionError("Stored data cannot be decrypted with the configured keys.") from exc


def encrypt_text(text: str) -> str:
    return encrypt_bytes(text.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    return decrypt_bytes(token.encode("ascii")).decode("utf-8")


def rotate_text(token: str) -> str:
    """Return TOKEN re-encrypted under the first (current) key."""
    return _current().rotate(token.encode("ascii")).decode("ascii")


def token_digest(raw: str) -> str:
    """Return the SHA-256 (hex) under which a bearer token is stored: the token itself never is.

    Tokens are 256-bit random values, so an unsalted fast hash is enough: there is nothing to
    brute-force, and lookups stay one indexed equality.
    """
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()
