"""DocumentReference ← a stored PDF transcript of a thread."""

from __future__ import annotations

import logging
from typing import Any

from fhir.resources.R4B.documentreference import DocumentReference

from bedside.messaging.attachments import blob_read
from bedside.records.fhir.common import Refs, identifier, sha1_b64, sha256_extension, site_url
from bedside.records.fhir.communication import header_id
from bedside.records.models import Transcript

log = logging.getLogger(__name__)
LOINC = "http://loinc.org"


def build(transcript: Transcript, refs: Refs) -> DocumentReference:
    thread = transcript.thread
    attachment: dict[str, Any] = {
        "contentType": "application/pdf",
        "title": f"Transcript of secure-message thread {thread.pk}",
        "size": transcript.size,
        "creation": transcript.created_at.isoformat(),
        "url": site_url(f"/threads/{thread.pk}/transcripts/{transcript.pk}.pdf"),
        "extension": [sha256_extension(transcript.sha256)],
    }
    try:
        attachment["hash"] = sha1_b64(blob_read(transcript.storage_name))
    except OSError as exc:
        log.warning("transcript %s unreadable for FHIR hash: %s", transcript.pk, type(exc).__name__)
    author = (refs("Practitioner", transcript.created_by_id) if transcript.created_by_id
              else refs("Organization", thread.practice_id, thread.practice.name))
    return DocumentReference.model_validate({
        "resourceType": "DocumentReference",
        "id": str(transcript.pk),
        "identifier": [identifier(thread.practice, "DocumentReference", str(transcript.pk))],
        "status": "current",
        "docStatus": "final",
        "type": {"coding": [{"system": LOINC, "code": "34109-9", "display": "Note"}],
                 "text": "Secure-message thread transcript"},
        "category": [{"text": "patient-communication"}],
        "subject": refs("Patient", thread.patient_id),
        "date": transcript.created_at.isoformat(),
        "author": [author],
        "custodian": refs("Organization", thread.practice_id, thread.practice.name),
        "description": f"{transcript.message_count} messages; {transcript.get_reason_display().lower()}",
        "content": [{"attachment": attachment}],
        "context": {"related": [refs("Communication", header_id(thread.pk))]},
    })
