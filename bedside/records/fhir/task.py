"""Task ← a thread's response tracking: who owns the reply, by when, and where it stands.

status: `requested` while a reply is owed (`accepted` once assigned), `in-progress` when the
care team has answered but the thread is open, `completed` when closed.
`restriction.period.end` is the reply deadline (`due_at`).
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.task import Task

from bedside.messaging.models import Thread, ThreadStatus
from bedside.records.fhir.common import PRIORITY, Refs, identifier
from bedside.records.fhir.communication import header_id


def _status(thread: Thread) -> tuple[str, str]:
    if thread.status == ThreadStatus.CLOSED:
        return "completed", "closed"
    if thread.due_at is None:
        return "in-progress", "answered"
    return ("accepted" if thread.assignee_id else "requested"), "awaiting reply"


def build(thread: Thread, refs: Refs) -> Task:
    status, business = _status(thread)
    data: dict[str, Any] = {
        "resourceType": "Task",
        "id": str(thread.pk),
        "identifier": [identifier(thread.practice, "Task", str(thread.pk))],
        "status": status,
        "businessStatus": {"text": business},
        "intent": "order",
        "priority": PRIORITY[thread.urgency],
        "code": {"text": "Reply to the patient's secure message"},
        "focus": refs("Communication", header_id(thread.pk)),
        "for": refs("Patient", thread.patient_id),
        "authoredOn": thread.created_at.isoformat(),
        "lastModified": (thread.closed_at or thread.last_message_at).isoformat(),
        "requester": refs("Patient", thread.patient_id),
        "owner": (refs("Practitioner", thread.assignee_id) if thread.assignee_id
                  else refs("Organization", thread.practice_id, thread.practice.name)),
    }
    if thread.due_at:
        data["restriction"] = {"period": {"end": thread.due_at.isoformat()}}
    return Task.model_validate(data)
