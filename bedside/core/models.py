"""Base model and the encrypted field used for every column that can hold PHI."""

from __future__ import annotations

from typing import Any

from django.db import models

from bedside.core import crypto


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=False)

    class Meta:
        abstract = True


class EncryptedTextField(models.TextField):
    """Store text encrypted at rest (Fernet, keys from settings); the ORM sees plain text.

    Encrypted columns cannot be searched or ordered in SQL: keep anything a query needs
    (ids, categories, dates) in plain columns and only free text here.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        return crypto.decrypt_text(value)

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return crypto.encrypt_text(str(value))
