"""The Ed25519 key that signs tree heads. It lives outside the database, always.

`BEDSIDE_AUDIT_SIGNING_KEY` (or `_FILE`) holds the private key as base64 of its 32 raw bytes or
as PEM (PKCS#8). Development generates one into var/ (mode 0600); the test settings generate
one per run. Public keys of retired signing keys go in `BEDSIDE_AUDIT_VERIFY_KEYS` (base64 of the
32 raw bytes, comma-separated) so that older tree heads still verify after a rotation.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _parse_private(text: str) -> Ed25519PrivateKey:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ImproperlyConfigured("BEDSIDE_AUDIT_SIGNING_KEY is not an Ed25519 key")
        return key
    try:
        raw = base64.b64decode(text, validate=True) if "-" not in text and "_" not in text else base64.urlsafe_b64decode(text)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured("BEDSIDE_AUDIT_SIGNING_KEY is neither PEM nor base64") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured("BEDSIDE_AUDIT_SIGNING_KEY must hold the 32 raw bytes of an Ed25519 key")
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """Return a short, stable name for a public key: the first 8 bytes of its SHA-256, in hex."""
    return hashlib.sha256(public_raw(key)).hexdigest()[:16]


def generate_key_file(path: Path) -> str:
    """Create a new private key file (0600) and return its base64 text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    text = base64.b64encode(raw).decode("ascii")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text + "\n")
    return text


@lru_cache(maxsize=4)
def _load(text: str) -> Ed25519PrivateKey:
    return _parse_private(text)


def signing_key() -> Ed25519PrivateKey:
    """Return the configured signing key, or explain clearly how to configure one."""
    text = getattr(settings, "BEDSIDE_AUDIT_SIGNING_KEY", None)
    if not text:
        path = getattr(settings, "BEDSIDE_AUDIT_KEY_AUTOGENERATE", None)
        if not path:
            raise ImproperlyConfigured(
                "BEDSIDE_AUDIT_SIGNING_KEY (or BEDSIDE_AUDIT_SIGNING_KEY_FILE) is not set: tree heads "
                "cannot be signed. Generate one with: bedside audit keygen"
            )
        path = Path(path)
        try:
            text = path.read_text(encoding="ascii") if path.exists() else generate_key_file(path)
        except FileExistsError:  # the web server and the worker raced to create it: use the winner's
            text = path.read_text(encoding="ascii")
    return _load(text)


def verify_keys() -> dict[str, Ed25519PublicKey]:
    """Return every public key a tree head may be signed with, by key id."""
    keys: dict[str, Ed25519PublicKey] = {}
    try:
        current = signing_key().public_key()
        keys[key_id(current)] = current
    except ImproperlyConfigured:
        pass
    for text in getattr(settings, "BEDSIDE_AUDIT_VERIFY_KEYS", []) or []:
        try:
            public = Ed25519PublicKey.from_public_bytes(base64.b64decode(text.strip(), validate=True))
        except (binascii.Error, ValueError) as exc:
            raise ImproperlyConfigured("BEDSIDE_AUDIT_VERIFY_KEYS holds a key that is not base64 of 32 bytes") from exc
        keys[key_id(public)] = public
    return keys


def sign(statement: bytes) -> tuple[str, str]:
    """Return (key id, base64 signature) of the statement."""
    key = signing_key()
    return key_id(key.public_key()), base64.b64encode(key.sign(statement)).decode("ascii")


def signature_valid(public: Ed25519PublicKey, statement: bytes, signature_b64: str) -> bool:
    try:
        public.verify(base64.b64decode(signature_b64, validate=True), statement)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True
