"""Background work of the public presence: scheduled publication and stale-channel reminders."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from bedside.publishing import services


@db_periodic_task(crontab(minute="*"))
def publish_due_articles() -> None:
    """Publish approved articles whose time has come (each claimed once, compare-and-set)."""
    services.articles_publish_due()


@db_periodic_task(crontab(minute="17", hour="*"))
def remind_stale_channels() -> None:
    """Email channel owners about channels that went stale (once per staleness period)."""
    services.channel_reminders_run()
