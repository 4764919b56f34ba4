"""The production queue path: notifications enqueued on commit into a real Redis-backed Huey
and executed by a consumer-like dequeue, exactly once."""

from __future__ import annotations

import os
import uuid

import pytest
from django.core import mail
from huey import RedisHuey

from bedside.messaging import notifications, services
from bedside.messaging.models import Notification, NotificationState

REDIS_URL = os.environ.get("REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: the Redis queue tests need a Redis server")


@pytest.fixture
def redis_huey():
    huey = RedisHuey(name=f"bedside-test-{uuid.uuid4().hex[:8]}", url=REDIS_URL)
    yield huey
    huey.flush()


@pytest.mark.django_db
def test_notifications_go_through_redis_once(redis_huey, pat_bob, django_capture_on_commit_callbacks, monkeypatch):
    @redis_huey.task()
    def deliver(notification_id: int) -> bool:
        return notifications.notification_deliver(notification_id=notification_id)

    monkeypatch.setattr("bedside.messaging.tasks.deliver_notification", deliver)
    practice = pat_bob.care_relationships.get().practice
    with django_capture_on_commit_callbacks(execute=True):
        services.thread_create(patient=pat_bob, practice=practice, subject="Knee", category="medical_question",
                               body="My knee is still swollen after the fall.")
    queued = len(redis_huey)
    assert queued == Notification.objects.count() >= 1
    results = []
    while (task := redis_huey.dequeue()) is not None:
        results.append(redis_huey.execute(task))
    assert results == [True] * queued
    assert set(Notification.objects.values_list("state", flat=True)) == {NotificationState.SENT}
    assert len(mail.outbox) == queued
    # A duplicate enqueue (e.g. the periodic re-delivery racing the first) sends nothing more.
    for pk in Notification.objects.values_list("pk", flat=True):
        deliver(pk)
    while (task := redis_huey.dequeue()) is not None:
        assert redis_huey.execute(task) is False
    assert len(mail.outbox) == queued
    body = "\n".join(m.subject + m.body for m in mail.outbox)
    assert "knee" not in body.lower() and "Riverside" not in body
