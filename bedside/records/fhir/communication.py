"""Communication ← a thread (header) and each of its messages (linked to it by `partOf`).

The header carries the thread's category, current priority and status; each message carries
its sender, recipient, time and content, with attachments as FHIR Attachments (SHA-1 hash as
FHIR defines it, computed from the decrypted file, and our stored SHA-256 as an extension).
`received` is the time the message was stored in the portal, which is when it is delivered.
"""

from __future__ import annotations

import logging
from typing import Any

from fhir.resources.R4B.communication import Communication

from bedside.messaging.attachments import blob_read
from bedside.messaging.models import Attachment, Message, MessageKind, Thread, ThreadStatus
from bedside.records.fhir.common import (
    CATEGORY_SYSTEM,
    PRIORITY,
    Refs,
    identifier,
    sha1_b64,
    sha256_extension,
    site_url,
)

log = logging.getLogger(__name__)


def header_id(thread_id: int) -> str:
    return f"t{thread_id}"


def message_id(message_id: int) -> str:
    return f"m{message_id}"


def _category(thread: Thread) -> list[dict[str, Any]]:
    return [{"coding": [{"system": CATEGORY_SYSTEM, "code": thread.category, "display": thread.get_category_display()}]}]


def attachment(att: Attachment) -> dict[str, Any]:
    data: dict[str, Any] = {
        "contentType": att.content_type,
        "title": att.filename,
        "size": att.size,
        "creation": att.created_at.isoformat(),
        "url": site_url(f"/attachments/{att.pk}/"),
        "extension": [sha256_extension(att.sha256)],
    }
    try:
        data["hash"] = sha1_b64(blob_read(att.storage_name))
    except OSError as exc:  # the blob is missing: say so by leaving the hash out, never fail the read
        log.warning("attachment %s unreadable for FHIR hash: %s", att.pk, type(exc).__name__)
    return data


def build_header(thread: Thread, refs: Refs) -> Communication:
    practice = thread.practice
    data: dict[str, Any] = {
        "resourceType": "Communication",
        "id": header_id(thread.pk),
        "identifier": [identifier(practice, "Communication", header_id(thread.pk))],
        "status": "completed" if thread.status == ThreadStatus.CLOSED else "in-progress",
        "category": _category(thread),
        "priority": PRIORITY[thread.urgency],
        "subject": refs("Patient", thread.patient_id),
        "topic": {"text": thread.subject},
        "sent": thread.created_at.isoformat(),
        "sender": refs("Patient", thread.patient_id),
        "recipient": [refs("Organization", practice.pk, practice.name)],
        "payload": [{"contentString": thread.subject}],
    }
    return Communication.model_validate(data)


def build_message(message: Message, refs: Refs) -> Communication:
    thread = message.thread
    practice = thread.practice
    if message.kind == MessageKind.PATIENT:
        sender = refs("Patient", thread.patient_id)
        recipients = [refs("Organization", practice.pk, practice.name)]
        if thread.clinician_id:
            recipients.append(refs("Practitioner", thread.clinician_id))
    elif message.kind == MessageKind.CARE_TEAM and message.author_id:
        sender = refs("Practitioner", message.author_id)
        recipients = [refs("Patient", thread.patient_id)]
    else:  # the practice's automatic reply
        sender = refs("Organization", practice.pk, practice.name)
        recipients = [refs("Patient", thread.patient_id)]
    payload: list[dict[str, Any]] = [{"contentString": message.body}]
    payload.extend({"contentAttachment": attachment(att)} for att in message.attachments.all())
    data: dict[str, Any] = {
        "resourceType": "Communication",
        "id": message_id(message.pk),
        "identifier": [identifier(practice, "Communication", message_id(message.pk))],
        "partOf": [refs("Communication", header_id(thread.pk))],
        "status": "completed",
        "category": _category(thread),
        "priority": PRIORITY[message.urgency or thread.urgency],
        "subject": refs("Patient", thread.patient_id),
        "sent": message.sent_at.isoformat(),
        "received": message.sent_at.isoformat(),
        "sender": sender,
        "recipient": recipients,
        "payload": payload,
    }
    if message.kind == MessageKind.AUTO_REPLY:
        data["medium"] = [{"text": "automatic reply"}]
    return Communication.model_validate(data)
