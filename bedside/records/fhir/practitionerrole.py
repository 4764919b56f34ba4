"""PractitionerRole ← a practice membership (who works where, in which role)."""

from __future__ import annotations

from fhir.resources.R4B.practitionerrole import PractitionerRole

from bedside.accounts.models import ClinicianProfile, PracticeMembership
from bedside.records.fhir.common import Refs, identifier

ROLE_SYSTEM = "urn:bedside:fhir:role"


def build(membership: PracticeMembership, refs: Refs) -> PractitionerRole:
    user = membership.user
    data: dict[str, object] = {
        "resourceType": "PractitionerRole",
        "id": str(membership.pk),
        "identifier": [identifier(refs.practice, "PractitionerRole", str(membership.pk))],
        "active": membership.is_active and user.is_active,
        "period": {"start": membership.joined_at.isoformat()},
        "practitioner": refs("Practitioner", user.pk, user.full_name),
        "organization": refs("Organization", membership.practice_id, membership.practice.name),
        "code": [{"coding": [{"system": ROLE_SYSTEM, "code": user.role, "display": user.get_role_display()}]}],
    }
    profile = ClinicianProfile.objects.filter(user=user).first()
    if profile is not None and profile.specialty:
        data["specialty"] = [{"text": profile.specialty}]
    return PractitionerRole.model_validate(data)
