"""Background work for moderation: the held-comment notice email (ids in, claimed once)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from bedside.moderation import services
from bedside.moderation.models import Comment, NoticeState


@db_task(retries=5, retry_delay=30)
def send_comment_notice(comment_id: int) -> None:
    services.comment_notice_deliver(comment_id=comment_id)


@db_periodic_task(crontab(minute="*/10"))
def resend_stuck_comment_notices() -> None:
    """Pick up notices whose enqueue was lost (worker down at commit)."""
    for pk in Comment.objects.filter(notice_state=NoticeState.PENDING).values_list("pk", flat=True)[:500]:
        send_comment_notice(pk)
