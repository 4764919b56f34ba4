"""The outbox helpers: work queued after commit (and only then), robust to a queue that is down;
retry spacing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction

from bedside.core.queue import backoff, enqueue_after_commit

pytestmark = pytest.mark.django_db(transaction=True)


def test_runs_after_commit_only_and_a_failing_queue_does_not_fail_the_write() -> None:
    ran: list[tuple[object, ...]] = []

    def deliver_thing(*args: object) -> None:
        ran.append(args)

    def queue_down(*args: object) -> None:
        raise ConnectionError("queue down")

    with transaction.atomic():
        enqueue_after_commit(deliver_thing, 7, "x")
        enqueue_after_commit(queue_down, 8)  # logged by Django as enqueue_queue_down, not raised
        assert ran == []  # nothing before the commit
    assert ran == [(7, "x")]
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_after_commit(deliver_thing, 9)
        raise RuntimeError("rolled back")
    assert ran == [(7, "x")]  # a rolled-back write queues nothing


def test_backoff_doubles_up_to_the_cap() -> None:
    minute, hour = timedelta(minutes=1), timedelta(hours=1)
    assert [backoff(n, first=minute, maximum=hour).total_seconds() / 60 for n in range(0, 9)] == [1, 1, 2, 4, 8, 16, 32, 60, 60]
    assert backoff(20, first=minute, maximum=timedelta(days=1), max_doublings=6) == 64 * minute
