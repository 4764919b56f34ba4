"""Escalation: assignee → pool lead → practice administrators, one step at a time, each step
claimed once and audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from bedside.audit.models import AuditEvent
from bedside.messaging import services as messaging
from bedside.messaging.models import Notification, NotificationKind, Thread
from bedside.messaging.notifications import ESCALATION_SUBJECT
from bedside.triage.models import Escalation, EscalationLevel
from bedside.triage.services import ESCALATE, escalation_claim, escalations_due, escalations_run
from bedside.triage.tests.helpers import send

pytestmark = pytest.mark.django_db


def escalation_mail() -> list[list[str]]:
    return [m.to for m in mail.outbox if m.subject == ESCALATION_SUBJECT]


def waiting_thread(patient, assignee=None, *, category: str = "prescription") -> Thread:
    """A routine thread routed to Nursing (lead: Nora), with a 4-hour window that ended an hour ago."""
    thread = send(patient, "Refill please", category=category, subject="Refill").thread
    now = timezone.now()
    Thread.objects.filter(pk=thread.pk).update(
        assignee=assignee, warn_at=now - timedelta(hours=2), due_at=now - timedelta(hours=1)
    )
    thread.refresh_from_db()
    mail.outbox.clear()
    return thread


def test_steps_go_one_at_a_time_to_assignee_lead_admins(pat_bob, dr_alice, staff_nora, demo,
                                                       django_capture_on_commit_callbacks):
    thread = waiting_thread(pat_bob, assignee=dr_alice)
    admin = demo["admin"]
    later = timezone.now() + timedelta(hours=3)  # long overdue: all three steps have come
    with django_capture_on_commit_callbacks(execute=True):
        assert escalations_run(now=later) == 1
    assert escalation_mail() == [[dr_alice.email]]
    with django_capture_on_commit_callbacks(execute=True):
        assert escalations_run(now=later) == 1
    assert escalation_mail()[1:] == [[staff_nora.email]]  # Nursing's lead
    with django_capture_on_commit_callbacks(execute=True):
        assert escalations_run(now=later) == 1
    assert escalation_mail()[2:] == [[admin.email]]
    with django_capture_on_commit_callbacks(execute=True):
        assert escalations_run(now=later) == 0
    assert len(escalation_mail()) == 3
    levels = list(Escalation.objects.filter(thread=thread).order_by("level").values_list("level", flat=True))
    assert levels == [1, 2, 3]
    audits = AuditEvent.objects.filter(action=ESCALATE, object_id=str(thread.pk)).order_by("pk")
    assert [a.detail["level"] for a in audits] == [1, 2, 3]
    for message in mail.outbox:
        assert "Refill" not in message.body and "Riverside" not in message.body and "Bob" not in message.body


def test_nothing_before_the_warning_point_and_only_the_warning_before_due(pat_bob, dr_alice):
    thread = waiting_thread(pat_bob, assignee=dr_alice)
    assert escalations_due(now=thread.warn_at - timedelta(minutes=1)) == []
    assert escalations_due(now=thread.warn_at + timedelta(minutes=1)) == [(thread.pk, EscalationLevel.NEARING)]
    escalations_run(now=thread.warn_at + timedelta(minutes=1))
    # Level 1 claimed; level 2 must wait for the due time.
    assert escalations_due(now=thread.due_at - timedelta(minutes=1)) == []
    assert escalations_due(now=thread.due_at) == [(thread.pk, EscalationLevel.OVERDUE)]


def test_answered_or_closed_threads_do_not_escalate(pat_bob, dr_alice):
    thread = waiting_thread(pat_bob, assignee=dr_alice)
    messaging.message_send(author=dr_alice, thread=thread, body="Sent to your pharmacy.")
    assert escalations_run(now=timezone.now() + timedelta(days=1)) == 0


def test_a_new_window_starts_the_steps_over(pat_bob, dr_alice):
    thread = waiting_thread(pat_bob, assignee=dr_alice)
    escalations_run(now=timezone.now())
    new_due = timezone.now() + timedelta(minutes=30)
    Thread.objects.filter(pk=thread.pk).update(due_at=new_due, warn_at=timezone.now() - timedelta(minutes=5))
    assert escalations_due(now=timezone.now()) == [(thread.pk, EscalationLevel.NEARING)]


def test_unassigned_thread_warns_the_patients_clinician_and_without_a_lead_the_clinicians(
    pat_bob, dr_alice, django_capture_on_commit_callbacks
):
    from bedside.accounts.models import Pool

    thread = waiting_thread(pat_bob)
    Pool.objects.filter(pk=thread.pool_id).update(lead=None)
    later = timezone.now() + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        escalations_run(now=later)
        escalations_run(now=later)
    assert escalation_mail() == [[dr_alice.email], [dr_alice.email]]


def test_claiming_twice_notifies_once(pat_bob, dr_alice):
    thread = waiting_thread(pat_bob, assignee=dr_alice)
    assert escalation_claim(thread=thread, level=EscalationLevel.NEARING) is not None
    assert escalation_claim(thread=thread, level=EscalationLevel.NEARING) is None
    assert Notification.objects.filter(kind=NotificationKind.ESCALATION).count() == 1
    assert AuditEvent.objects.filter(action=ESCALATE).count() == 1


def test_periodic_task_runs_the_sweep(pat_bob, dr_alice):
    from bedside.triage.tasks import escalate_waiting_threads

    thread = waiting_thread(pat_bob, assignee=dr_alice)
    escalate_waiting_threads.call_local()
    assert Escalation.objects.filter(thread=thread, level=EscalationLevel.NEARING).exists()
