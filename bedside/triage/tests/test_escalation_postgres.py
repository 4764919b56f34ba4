"""Two escalation workers at once never notify twice (PostgreSQL: real concurrent transactions)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from bedside.accounts.models import Practice
from bedside.audit.models import AuditEvent
from bedside.conftest import run_concurrently
from bedside.messaging import services as messaging
from bedside.messaging.models import Notification, NotificationKind, Thread
from bedside.messaging.notifications import ESCALATION_SUBJECT
from bedside.triage.models import Escalation
from bedside.triage.services import ESCALATE, escalations_run

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: set BEDSIDE_TEST_DB=postgres and TEST_DATABASE_URL to run it",
    ),
]


def test_two_concurrent_workers_notify_each_step_once(committed_demo):
    bob, alice = committed_demo["bob"], committed_demo["alice"]
    practice = Practice.objects.get(name="Riverside Family Medicine")
    threads = [
        messaging.thread_create(patient=bob, practice=practice, subject=f"Refill {i}", category="prescription",
                                body="Please refill").thread
        for i in range(8)
    ]
    now = timezone.now()
    Thread.objects.filter(pk__in=[t.pk for t in threads]).update(
        assignee=alice, warn_at=now - timedelta(hours=2), due_at=now - timedelta(hours=1)
    )
    mail.outbox.clear()
    later = now + timedelta(hours=3)
    claimed: list[int] = []
    for _round in range(3):  # assignee, then pool lead, then administrators
        errors = run_concurrently(lambda: claimed.append(escalations_run(now=later)),
                                  lambda: claimed.append(escalations_run(now=later)))
        assert errors == []
    # Every step of every thread was claimed by exactly one of the two workers.
    assert sum(claimed) == 24, claimed
    for thread in threads:
        assert sorted(Escalation.objects.filter(thread=thread).values_list("level", flat=True)) == [1, 2, 3]
        assert AuditEvent.objects.filter(action=ESCALATE, object_id=str(thread.pk)).count() == 3
    # One notice per thread and step: 8 to Alice, 8 to Nora (lead), 8 to the administrator.
    assert Notification.objects.filter(kind=NotificationKind.ESCALATION).count() == 24
    assert len([m for m in mail.outbox if m.subject == ESCALATION_SUBJECT]) == 24
