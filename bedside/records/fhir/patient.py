"""Patient ← a patient account (users with role patient)."""

from __future__ import annotations

from fhir.resources.R4B.patient import Patient

from bedside.accounts.models import User
from bedside.records.fhir.common import Refs, identifier


def _name(full_name: str) -> dict[str, object]:
    parts = full_name.split()
    name: dict[str, object] = {"use": "official", "text": full_name}
    if parts:
        name["family"] = parts[-1]
        if len(parts) > 1:
            name["given"] = parts[:-1]
    return name


def build(user: User, refs: Refs) -> Patient:
    data: dict[str, object] = {
        "resourceType": "Patient",
        "id": str(user.pk),
        "identifier": [identifier(refs.practice, "Patient", str(user.pk))],
        "active": user.is_active,
        "name": [_name(user.full_name)],
        "telecom": [{"system": "email", "value": user.email, "use": "home"}],
    }
    if user.date_of_birth:
        data["birthDate"] = user.date_of_birth.isoformat()
    return Patient.model_validate(data)


name_of = _name
