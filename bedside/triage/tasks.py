"""Background work for triage: the escalation sweep."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from bedside.triage import services


@db_periodic_task(crontab(minute="*/5"))
def escalate_waiting_threads() -> None:
    """Notify, step by step, about threads nearing or past their response target."""
    services.escalations_run()
