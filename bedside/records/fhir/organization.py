"""Organization ← a practice."""

from __future__ import annotations

from fhir.resources.R4B.organization import Organization

from bedside.accounts.models import Practice
from bedside.records.fhir.common import Refs, identifier


def build(practice: Practice, refs: Refs) -> Organization:
    data: dict[str, object] = {
        "resourceType": "Organization",
        "id": str(practice.pk),
        "identifier": [identifier(practice, "Organization", str(practice.pk))],
        "active": True,
        "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type",
                              "code": "prov", "display": "Healthcare Provider"}]}],
        "name": practice.name,
    }
    if practice.phone:
        data["telecom"] = [{"system": "phone", "value": practice.phone, "use": "work"}]
    return Organization.model_validate(data)
