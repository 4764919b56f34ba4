"""Background work for reputation: the feed poller, negative-mention alerts, digests, self-audits."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from bedside.reputation import services


@db_periodic_task(crontab(minute="*/10"))
def poll_due_feeds() -> None:
    """Queue one task per due feed: a slow or hostile feed holds up only itself."""
    for feed_id in services.feeds_due():
        poll_feed(feed_id)


@db_task()
def poll_feed(feed_id: int) -> None:
    services.feed_poll(feed_id=feed_id)


@db_task(retries=5, retry_delay=120)
def negative_mention_alert(mention_id: int) -> None:
    services.negative_mention_alert_send(mention_id=mention_id)


@db_periodic_task(crontab(day_of_week="1", hour="8", minute="0"))
def weekly_digests() -> None:
    services.weekly_digests_send()


@db_periodic_task(crontab(hour="7", minute="30"))
def self_audit_reminders() -> None:
    services.self_audit_reminders_send()
