"""The outbox helpers: work queued after commit (and only then), robust to a queue that is down;
retry spacing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from bedside.core.queue import backoff, enqueue_after_commit

pytestmark = pytest.mark.django_db  # not transaction=True: PostgreSQL's audit table refuses the flush


def test_runs_after_commit_only_and_a_failing_queue_does_not_fail_the_write(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    ran: list[tuple[object, ...]] = []

    def deliver_thing(*args: object) -> None:
        ran.append(args)

    def queue_down(*args: object) -> None:
        raise ConnectionError("queue down")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_after_commit(deliver_thing, 7, "x")
        enqueue_after_commit(queue_down, 8)  # logged by Django as enqueue_queue_down, not raised
        assert ran == []  # nothing before the commit
    assert ran == [(7, "x")]
    assert [c.__qualname__ for c in callbacks] == ["enqueue_deliver_thing", "enqueue_queue_down"]


def test_backoff_doubles_up_to_the_cap() -> None:
    minute, hour = timedelta(minutes=1), timedelta(hours=1)
    assert [backoff(n, first=minute, maximum=hour).total_seconds() / 60 for n in range(0, 9)] == [1, 1, 2, 4, 8, 16, 32, 60, 60]
    assert backoff(20, first=minute, maximum=timedelta(days=1), max_doublings=6) == 64 * minute
