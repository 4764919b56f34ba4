"""Provenance ← who authored a message (target: its Communication) or a transcript."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.provenance import Provenance

from bedside.messaging.models import Message, MessageKind
from bedside.records.fhir.common import Refs, identifier
from bedside.records.fhir.communication import header_id, message_id
from bedside.records.models import Transcript

PROV_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"


def _ext(practice_ref: Refs, rid: str) -> list[dict[str, Any]]:
    return [{"url": "urn:bedside:fhir:extension:provenance-identifier",
             "valueIdentifier": identifier(practice_ref.practice, "Provenance", rid)}]


def for_message(message: Message, refs: Refs) -> Provenance:
    thread = message.thread
    if message.kind == MessageKind.PATIENT:
        who = refs("Patient", thread.patient_id)
    elif message.author_id:
        who = refs("Practitioner", message.author_id)
    else:
        who = refs("Organization", thread.practice_id, thread.practice.name)
    rid = message_id(message.pk)
    return Provenance.model_validate({
        "resourceType": "Provenance",
        "id": rid,
        "extension": _ext(refs, rid),
        "target": [refs("Communication", rid)],
        "recorded": message.sent_at.isoformat(),
        "agent": [{"type": {"coding": [{"system": PROV_TYPE, "code": "author"}]}, "who": who,
                   "onBehalfOf": refs("Organization", thread.practice_id, thread.practice.name)}],
    })


def for_transcript(transcript: Transcript, refs: Refs) -> Provenance:
    thread = transcript.thread
    who = (refs("Practitioner", transcript.created_by_id) if transcript.created_by_id
           else refs("Organization", thread.practice_id, thread.practice.name))
    rid = f"d{transcript.pk}"
    return Provenance.model_validate({
        "resourceType": "Provenance",
        "id": rid,
        "extension": _ext(refs, rid),
        "target": [refs("DocumentReference", transcript.pk)],
        "recorded": transcript.created_at.isoformat(),
        "agent": [{"type": {"coding": [{"system": PROV_TYPE, "code": "assembler"}]}, "who": who}],
        "entity": [{"role": "source", "what": refs("Communication", header_id(thread.pk))}],
    })
