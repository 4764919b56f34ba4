"""Background work for follow-up: the sweep that sends, reminds and alerts; one-off sends."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from bedside.followup import services


@db_periodic_task(crontab(minute="*/5"))
def followup_sweep() -> None:
    """Send due check-ins, remind patients once, then alert the team once (all claims, idempotent)."""
    services.followup_sweep()


@db_task(retries=3, retry_delay=60)
def send_check_in(check_in_id: int) -> None:
    services.check_in_send(check_in_id=check_in_id)
