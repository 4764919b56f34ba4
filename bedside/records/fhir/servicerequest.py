"""ServiceRequest ← an e-consult (store-and-forward specialist advice), with its question and
answer as Communications (`q<id>`, `a<id>`) based on it.

The e-consult belongs to the requesting practice's record. The specialist may work at another
practice, so they are referenced logically (NPI identifier and name), never by a literal
reference this practice's FHIR endpoint could not resolve. status: `active` while the question
waits, `completed` once answered or closed, `revoked` when the specialist declined.
`occurrencePeriod.end` is the turnaround target; `supportingInfo` lists exactly what was shared.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.communication import Communication
from fhir.resources.R4B.servicerequest import ServiceRequest

from bedside.accounts.models import User
from bedside.billing.models import EConsult, EConsultShare, EConsultStatus, ShareKind
from bedside.records.fhir.common import NPI_SYSTEM, Refs, identifier
from bedside.records.fhir.communication import header_id, message_id

ECONSULT_CATEGORY = {"text": "E-consult (store-and-forward specialist advice)"}
_STATUS = {
    EConsultStatus.REQUESTED: "active",
    EConsultStatus.ANSWERED: "completed",
    EConsultStatus.CLOSED: "completed",
    EConsultStatus.DECLINED: "revoked",
}


def question_id(pk: int) -> str:
    return f"q{pk}"


def answer_id(pk: int) -> str:
    return f"a{pk}"


def _specialist(user: User) -> dict[str, Any]:
    profile = getattr(user, "clinician_profile", None)
    ref: dict[str, Any] = {"display": profile.display_name if profile else user.full_name}
    if profile is not None and profile.npi:
        ref["identifier"] = {"system": NPI_SYSTEM, "value": profile.npi}
    return ref


def _supporting(econsult: EConsult, refs: Refs) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for share in EConsultShare.objects.filter(econsult=econsult).select_related("attachment").order_by("pk"):
        if share.kind == ShareKind.THREAD and share.thread_id:
            out.append(refs("Communication", header_id(share.thread_id), "shared conversation"))
        elif share.kind == ShareKind.MESSAGE and share.message_id:
            out.append(refs("Communication", message_id(share.message_id), "shared message"))
        elif share.kind == ShareKind.ATTACHMENT and share.attachment is not None:
            out.append(refs("Communication", message_id(share.attachment.message_id), "shared attachment of this message"))
    return out


def build(econsult: EConsult, refs: Refs) -> ServiceRequest:
    practice = econsult.practice
    specialist = econsult.specialist
    profile = getattr(specialist, "clinician_profile", None)
    data: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": str(econsult.pk),
        "identifier": [identifier(practice, "ServiceRequest", str(econsult.pk))],
        "status": _STATUS[EConsultStatus(econsult.status)],
        "intent": "order",
        "category": [ECONSULT_CATEGORY],
        "priority": "routine",
        "code": {"text": f"Specialist e-consult{f' ({profile.specialty})' if profile else ''}"},
        "subject": refs("Patient", econsult.patient_id),
        "authoredOn": econsult.created_at.isoformat(),
        "occurrencePeriod": {"start": econsult.created_at.isoformat(), "end": econsult.due_at.isoformat()},
        "requester": refs("Practitioner", econsult.requester_id),
        "performer": [_specialist(specialist)],
    }
    if profile is not None:
        data["performerType"] = {"text": profile.specialty}
    supporting = _supporting(econsult, refs)
    if supporting:
        data["supportingInfo"] = supporting
    return ServiceRequest.model_validate(data)


def build_question(econsult: EConsult, refs: Refs) -> Communication:
    practice = econsult.practice
    return Communication.model_validate({
        "resourceType": "Communication",
        "id": question_id(econsult.pk),
        "identifier": [identifier(practice, "Communication", question_id(econsult.pk))],
        "basedOn": [refs("ServiceRequest", econsult.pk)],
        "status": "completed",
        "category": [ECONSULT_CATEGORY],
        "subject": refs("Patient", econsult.patient_id),
        "sent": econsult.created_at.isoformat(),
        "sender": refs("Practitioner", econsult.requester_id),
        "recipient": [_specialist(econsult.specialist)],
        "payload": [{"contentString": econsult.question}],
    })


def build_answer(econsult: EConsult, refs: Refs) -> Communication:
    """Return the specialist's answer (or, for a declined e-consult, the reason given)."""
    practice = econsult.practice
    declined = econsult.status == EConsultStatus.DECLINED
    sent = econsult.closed_at if declined else econsult.answered_at
    data: dict[str, Any] = {
        "resourceType": "Communication",
        "id": answer_id(econsult.pk),
        "identifier": [identifier(practice, "Communication", answer_id(econsult.pk))],
        "basedOn": [refs("ServiceRequest", econsult.pk)],
        "inResponseTo": [refs("Communication", question_id(econsult.pk))],
        "status": "completed",
        "category": [ECONSULT_CATEGORY],
        "subject": refs("Patient", econsult.patient_id),
        "sender": _specialist(econsult.specialist),
        "recipient": [refs("Practitioner", econsult.requester_id)],
        "payload": [{"contentString": econsult.decline_reason if declined else econsult.answer}],
    }
    if sent is not None:
        data["sent"] = sent.isoformat()
    if declined:
        data["statusReason"] = {"text": "declined by the specialist"}
    return Communication.model_validate(data)
