"""Encryption at rest: MultiFernet with rotation; failures are loud, never silent plaintext."""

from __future__ import annotations

import base64
import os

import pytest

from bedside.core import crypto
from bedside.core.models import EncryptedTextField


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def test_round_trip_and_randomised_ciphertext():
    first, second = crypto.encrypt_text("Bob's HbA1c is 9.1"), crypto.encrypt_text("Bob's HbA1c is 9.1")
    assert first != second and "HbA1c" not in first
    assert crypto.decrypt_text(first) == crypto.decrypt_text(second) == "Bob's HbA1c is 9.1"
    assert crypto.decrypt_bytes(crypto.encrypt_bytes(b"\x00\xff")) == b"\x00\xff"
    assert crypto.decrypt_text(crypto.encrypt_text("emoji \U0001f9e0 ü")) == "emoji \U0001f9e0 ü"


def test_rotation_first_key_encrypts_all_keys_decrypt(settings):
    old, new = settings.BEDSIDE_ENCRYPTION_KEYS[0], new_key()
    token = crypto.encrypt_text("under old key")
    settings.BEDSIDE_ENCRYPTION_KEYS = [new, old]
    assert crypto.decrypt_text(token) == "under old key"
    rotated = crypto.rotate_text(token)
    settings.BEDSIDE_ENCRYPTION_KEYS = [new]
    assert crypto.decrypt_text(rotated) == "under old key"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(token)


def test_wrong_key_or_tampering_raises(settings):
    token = crypto.encrypt_text("secret")
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(tampered)
    settings.BEDSIDE_ENCRYPTION_KEYS = [new_key()]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(token)


def test_no_keys_is_an_error(settings):
    settings.BEDSIDE_ENCRYPTION_KEYS = []
    with pytest.raises(crypto.DecryptionError, match="No encryption keys"):
        crypto.encrypt_text("x")


def test_plaintext_in_an_encrypted_column_is_not_returned_as_is():
    field = EncryptedTextField()
    with pytest.raises(crypto.DecryptionError):
        field.from_db_value("plain text someone wrote directly", None, None)
    assert field.from_db_value(None, None, None) is None
    assert field.get_prep_value(None) is None
    prepared = field.get_prep_value("hello")
    assert prepared != "hello" and field.from_db_value(prepared, None, None) == "hello"
