"""Shared pieces of the FHIR mapping: identifier systems, references, timestamps, hashes.

Every resource gets a stable identifier `urn:bedside:<practice-slug>:<type>|<id>` so that a
receiving EHR can run conditional creates (`ifNoneExist`) and a re-sent change is never
duplicated. References are written `Type/id` in the API and `urn:uuid:…` (derived from the
identifier, so the same in every bundle) in pushed transaction bundles.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings

from bedside.accounts.models import Practice

FHIR_VERSION = "4.0.1"
BEDSIDE_SYSTEM = "urn:bedside"
SHA256_EXTENSION = "urn:bedside:fhir:extension:sha256"
CATEGORY_SYSTEM = "urn:bedside:fhir:communication-category"
SCOPE_SYSTEM = "urn:bedside:fhir:consent-scope"
ACTION_SYSTEM = "urn:bedside:fhir:audit-action"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
# Urgency → Communication.priority / Task.priority (request-priority value set).
PRIORITY = {"emergency": "stat", "urgent": "urgent", "routine": "routine"}


def system(practice: Practice, resource_type: str) -> str:
    return f"{BEDSIDE_SYSTEM}:{practice.slug}:{resource_type.lower()}"


def identifier(practice: Practice, resource_type: str, rid: str) -> dict[str, Any]:
    return {"use": "official", "system": system(practice, resource_type), "value": rid}


def instant(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def site_url(path: str) -> str:
    return settings.BEDSIDE_SITE_URL.rstrip("/") + path


def sha1_b64(data: bytes) -> str:
    """Return Attachment.hash as FHIR defines it: the base64 of the SHA-1 of the data."""
    return base64.b64encode(hashlib.sha1(data).digest()).decode("ascii")  # noqa: S324 - mandated by FHIR


def sha256_extension(hexdigest: str) -> dict[str, Any]:
    return {"url": SHA256_EXTENSION, "valueString": hexdigest}


@dataclass
class Refs:
    """Write references for one practice; remember what was referenced (a bundle includes it)."""

    practice: Practice
    bundle: bool = False
    seen: list[tuple[str, str]] = field(default_factory=list)

    def full_url(self, resource_type: str, rid: str) -> str:
        if not self.bundle:
            return site_url(f"/fhir/{resource_type}/{rid}")
        key = f"{system(self.practice, resource_type)}|{rid}"
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"

    def __call__(self, resource_type: str, rid: Any, display: str | None = None) -> dict[str, Any]:
        rid = str(rid)
        if (resource_type, rid) not in self.seen:
            self.seen.append((resource_type, rid))
        ref: dict[str, Any] = {
            "reference": self.full_url(resource_type, rid) if self.bundle else f"{resource_type}/{rid}"
        }
        if display:
            ref["display"] = display
        return ref
