"""Practitioner ← a care-team member (clinician, staff, practice admin), NPI when known."""

from __future__ import annotations

from fhir.resources.R4B.practitioner import Practitioner

from bedside.accounts.models import ClinicianProfile, User
from bedside.records.fhir.common import NPI_SYSTEM, Refs, identifier
from bedside.records.fhir.patient import name_of


def build(user: User, refs: Refs) -> Practitioner:
    ids = [identifier(refs.practice, "Practitioner", str(user.pk))]
    profile = ClinicianProfile.objects.filter(user=user).first()
    data: dict[str, object] = {
        "resourceType": "Practitioner",
        "id": str(user.pk),
        "active": user.is_active,
        "name": [name_of(user.full_name)],
    }
    if profile is not None:
        if profile.npi:
            ids.append({"use": "official", "system": NPI_SYSTEM, "value": profile.npi})
        if profile.credentials:
            data["qualification"] = [{"code": {"text": profile.credentials}}]
    data["identifier"] = ids
    return Practitioner.model_validate(data)
