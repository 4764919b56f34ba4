"""CareTeam ← an established care relationship (patient, practice, treating clinician)."""

from __future__ import annotations

from fhir.resources.R4B.careteam import CareTeam

from bedside.consent.models import CareRelationship
from bedside.records.fhir.common import Refs, identifier

SNOMED = "http://snomed.info/sct"


def build(relationship: CareRelationship, refs: Refs) -> CareTeam:
    period: dict[str, str] = {"start": relationship.established_on.isoformat()}
    if relationship.ended_at:
        period["end"] = relationship.ended_at.isoformat()
    participants: list[dict[str, object]] = [
        {"member": refs("Organization", relationship.practice_id, relationship.practice.name), "period": period}
    ]
    if relationship.clinician_id and relationship.clinician:
        participants.insert(0, {
            "role": [{"coding": [{"system": SNOMED, "code": "446050000", "display": "Primary care physician"}]}],
            "member": refs("Practitioner", relationship.clinician_id, relationship.clinician.full_name),
            "period": period,
        })
    return CareTeam.model_validate({
        "resourceType": "CareTeam",
        "id": str(relationship.pk),
        "identifier": [identifier(refs.practice, "CareTeam", str(relationship.pk))],
        "status": "active" if relationship.ended_at is None else "inactive",
        "name": f"{relationship.practice.name} care team",
        "subject": refs("Patient", relationship.patient_id),
        "period": period,
        "participant": participants,
        "managingOrganization": [refs("Organization", relationship.practice_id, relationship.practice.name)],
        "extension": [{"url": "urn:bedside:fhir:extension:verification-method",
                       "valueCode": relationship.method}],
    })
