"""Background work after a commit, and retry spacing: the two helpers every app's outbox uses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db import transaction


def enqueue_after_commit(task: Callable[..., object], *args: object) -> None:
    """Queue TASK(*ARGS) once the current transaction commits (at once outside one).

    Robust: a queue that is down must not turn a committed write into an error; each outbox's
    periodic sweep (notifications, pushes, check-ins) catches up. The callback is named after the
    task because Django logs a failed robust callback by its __qualname__.
    """

    def enqueue() -> None:
        task(*args)

    name = "enqueue_" + str(getattr(task, "name", None) or getattr(task, "__name__", "task"))
    enqueue.__name__ = enqueue.__qualname__ = name
    transaction.on_commit(enqueue, robust=True)


def backoff(attempt: int, *, first: timedelta, maximum: timedelta, max_doublings: int | None = None) -> timedelta:
    """The wait before retry number ATTEMPT (1 = after the first failure): FIRST, doubling each
    time (at most MAX_DOUBLINGS times when given), never more than MAXIMUM."""
    doublings = max(attempt - 1, 0)
    if max_doublings is not None:
        doublings = min(doublings, max_doublings)
    return min(first * 2**doublings, maximum)
