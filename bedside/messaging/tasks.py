"""Background work for messaging: PHI-free notification emails."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from bedside.messaging import notifications

log = logging.getLogger(__name__)


@db_task()
def deliver_notification(notification_id: int) -> None:
    # No Huey retry: a failed send goes back to the outbox, and the minute sweep below retries it
    # with exponential backoff (notifications.retry_backoff).
    notifications.notification_deliver(notification_id=notification_id)


@db_periodic_task(crontab(minute="*"))
def redeliver_stuck_notifications() -> None:
    """Pick up notifications whose enqueue was lost (worker down at commit) or whose send stalled."""
    for pk in notifications.notifications_due():
        deliver_notification(pk)
