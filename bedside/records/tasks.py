"""Background work for records: EHR push delivery (with retries) and transcripts of closed threads."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from bedside.accounts.models import User
from bedside.messaging.models import Thread
from bedside.records import services
from bedside.records.models import TranscriptReason


@db_task()
def deliver_push(job_id: int) -> None:
    # Retries are not Huey's: the job row carries its own backoff, picked up by retry_due_pushes.
    services.push_deliver(job_id=job_id)


@db_periodic_task(crontab(minute="*"))
def retry_due_pushes() -> None:
    """Deliver jobs whose backoff has elapsed, and those whose enqueue was lost."""
    for pk in services.push_due():
        services.push_deliver(job_id=pk)


@db_task(retries=3, retry_delay=60)
def transcript_on_close(thread_id: int, actor_id: int | None) -> None:
    thread = Thread.objects.filter(pk=thread_id).first()
    if thread is None:
        return
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    services.transcript_create(thread=thread, actor=actor, reason=TranscriptReason.CLOSED)


@db_periodic_task(crontab(minute="17"))
def purge_fhir_tokens() -> None:
    services.fhir_tokens_purge()
