"""Background work for inbound mail: the PHI-free acknowledgment of accepted patient email."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from bedside.records.mail import ingest


@db_task(retries=3, retry_delay=60)
def mail_acknowledge(address_id: int | None, thread_id: int, refused: int, shortened: bool) -> None:
    # Ids only in the queue: the address is read from the database when the task runs.
    ingest.acknowledgment_send(address_id=address_id, thread_id=thread_id, refused=refused, shortened=shortened)
