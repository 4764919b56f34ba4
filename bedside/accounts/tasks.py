"""Background work for accounts: the privacy officer's emergency-access alert."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from bedside.accounts import services


@db_task(retries=5, retry_delay=60)
def break_glass_alert(grant_id: int) -> None:
    """Tell the privacy officer that emergency access was used (retried if mail is down)."""
    services.break_glass_alert_send(grant_id=grant_id)
