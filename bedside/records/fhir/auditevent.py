"""AuditEvent ← a row of bedside's audit trail (ids and codes only, as stored)."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.auditevent import AuditEvent as FhirAuditEvent

from bedside.accounts.models import CARE_TEAM_ROLES, Role
from bedside.audit.models import AuditEvent, Outcome
from bedside.records.fhir.common import ACTION_SYSTEM, Refs, identifier, system

DCM = "http://dicom.nema.org/resources/ontology/DCM"
_OUTCOME = {Outcome.SUCCESS: "0", Outcome.FAILURE: "4", Outcome.DENIED: "8"}
_VERBS = {"create": "C", "sign": "C", "send": "C", "add": "C", "issued": "C",
          "view": "R", "list": "R", "read": "R", "download": "R", "export": "R", "search": "R",
          "assign": "U", "close": "U", "reopen": "U", "revoke": "U", "end": "U"}


def _agent(row: AuditEvent, refs: Refs) -> dict[str, Any]:
    agent: dict[str, Any] = {"requestor": True}
    if row.actor_id is None:
        agent["who"] = {"display": "anonymous or system"}
    else:
        who: dict[str, Any] = {"identifier": {"system": system(refs.practice, "user"), "value": str(row.actor_id)}}
        if row.actor_role == Role.PATIENT:
            who.update(refs("Patient", row.actor_id))
        elif row.actor_role in CARE_TEAM_ROLES:
            who.update(refs("Practitioner", row.actor_id))
        agent["who"] = who
        if row.actor_role:
            agent["role"] = [{"text": row.actor_role}]
    if row.ip:
        agent["network"] = {"address": row.ip, "type": "2"}
    return agent


def build(row: AuditEvent, refs: Refs) -> FhirAuditEvent:
    verb = row.action.rsplit(".", 1)[-1]
    entities: list[dict[str, Any]] = []
    if row.patient_id:
        entities.append({"what": refs("Patient", row.patient_id),
                         "type": {"system": "http://terminology.hl7.org/CodeSystem/audit-entity-type", "code": "1"},
                         "role": {"system": "http://terminology.hl7.org/CodeSystem/object-role", "code": "1"}})
    if row.object_type:
        entities.append({"what": {"identifier": {"system": system(refs.practice, row.object_type),
                                                 "value": row.object_id or "-"}},
                         "name": row.object_type})
    detail = [{"type": str(key), "valueString": str(value)} for key, value in sorted(row.detail.items())]
    if detail:
        if not entities:
            entities.append({"name": "detail"})
        entities[-1]["detail"] = detail
    data: dict[str, Any] = {
        "resourceType": "AuditEvent",
        "id": str(row.pk),
        "extension": [{"url": "urn:bedside:fhir:extension:audit-identifier",
                       "valueIdentifier": identifier(refs.practice, "AuditEvent", str(row.pk))}],
        "type": {"system": DCM, "code": "110110", "display": "Patient Record"},
        "subtype": [{"system": ACTION_SYSTEM, "code": row.action}],
        "action": _VERBS.get(verb, "E"),
        "recorded": row.at.isoformat(),
        "outcome": _OUTCOME.get(Outcome(row.outcome), "4") if row.outcome in Outcome.values else "4",
        "agent": [_agent(row, refs)],
        "source": {"site": f"bedside ({row.channel})",
                   "observer": refs("Organization", refs.practice.pk, refs.practice.name)},
    }
    if entities:
        data["entity"] = entities
    return FhirAuditEvent.model_validate(data)
