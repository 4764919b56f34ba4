"""Response-time targets. Business hours and escalation arrive with the triage issue; until then
the target counts calendar hours, which is never later than the business-hours promise."""

from __future__ import annotations

from datetime import datetime, timedelta

from bedside.accounts.models import Practice

URGENT_TARGET = timedelta(hours=4)


def thread_due_at(*, practice: Practice, urgency: str, start: datetime) -> datetime:
    """Return when the care team owes a reply to a patient message sent at START."""
    if urgency in {"emergency", "urgent"}:
        return start + URGENT_TARGET
    return start + timedelta(hours=practice.response_target_hours)
