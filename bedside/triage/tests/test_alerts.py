"""Emergencies and crises: guidance at once, the thread flagged, the on-call clinician alerted
after commit by email (and text), with no PHI in the alert."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from bedside.accounts.models import Practice, User
from bedside.audit.models import AuditEvent
from bedside.messaging import services as messaging
from bedside.messaging.models import Notification, NotificationChannel, NotificationKind, Urgency
from bedside.messaging.notifications import ALERT_SUBJECT
from bedside.triage.services import ALERT
from bedside.triage.sms import LocmemSmsBackend
from bedside.triage.tests.helpers import dr_xavier, riverside, send

pytestmark = pytest.mark.django_db

SUBJECT = "Chest trouble tonight"
BODY = "I have crushing chest pain spreading to my arm"


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    LocmemSmsBackend.outbox.clear()
    yield
    LocmemSmsBackend.outbox.clear()


def alerts() -> list:
    return [m for m in mail.outbox if m.subject == ALERT_SUBJECT]


def test_demo_practice_has_alice_on_call(dr_alice):
    assert riverside().on_call == dr_alice


def test_emergency_alerts_the_on_call_clinician_after_commit_without_phi(
    pat_bob, dr_alice, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=dr_alice.pk).update(mobile_phone="+15550100999")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = send(pat_bob, BODY, subject=SUBJECT)
        assert alerts() == [] and LocmemSmsBackend.outbox == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert result.thread.urgency == Urgency.EMERGENCY
    sent = alerts()
    assert [m.to for m in sent] == [[dr_alice.email]]
    assert [to for to, _ in LocmemSmsBackend.outbox] == ["+15550100999"]
    profile = dr_alice.clinician_profile
    texts = [sent[0].subject, sent[0].body, LocmemSmsBackend.outbox[0][1]]
    forbidden = [SUBJECT, BODY, "chest", riverside().name, "Riverside", profile.specialty, pat_bob.full_name,
                 pat_bob.email, "Bob"]
    for text in texts:
        for word in forbidden:
            assert word.lower() not in text.lower(), (word, text)
    assert "An urgent secure message needs attention now" in LocmemSmsBackend.outbox[0][1]
    assert "sign in" in sent[0].body.lower()
    kinds = set(Notification.objects.filter(recipient=dr_alice, kind=NotificationKind.ALERT).values_list("channel", flat=True))
    assert kinds == {NotificationChannel.EMAIL, NotificationChannel.SMS}
    audit = AuditEvent.objects.get(action=ALERT)
    assert audit.object_id == str(result.thread.pk) and audit.detail["reason"] == "emergency"
    assert str(dr_alice.pk) == audit.detail["recipients"]


def test_rolled_back_message_alerts_nobody(pat_bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                send(pat_bob, BODY, subject=SUBJECT)
                raise RuntimeError("later step failed")
    assert alerts() == [] and not Notification.objects.exists()


def test_routine_message_alerts_nobody(pat_bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send(pat_bob, "Can I move my appointment?")
    assert alerts() == [] and not Notification.objects.filter(kind=NotificationKind.ALERT).exists()


def test_crisis_gets_crisis_guidance_and_flags_the_thread(pat_bob, dr_alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = send(pat_bob, "Lately I feel like I want to die", subject="Feeling low")
    assert result.thread.crisis is True
    reply = result.auto_reply.body if result.auto_reply else ""
    assert reply.startswith("IMPORTANT: You are not alone")
    assert "call or text 988 (Suicide & Crisis Lifeline)" in reply and "call 911" in reply
    assert [m.to for m in alerts()] == [[dr_alice.email]]
    assert AuditEvent.objects.get(action=ALERT).detail["reason"] == "crisis"


def test_crisis_line_and_emergency_number_are_per_practice(pat_bob):
    Practice.objects.filter(pk=riverside().pk).update(
        crisis_line="116 123", crisis_line_name="Samaritans", emergency_number="112"
    )
    reply = send(pat_bob, "I keep thinking about suicide").auto_reply
    assert reply is not None
    assert "call or text 116 123 (Samaritans)" in reply.body and "call 112" in reply.body
    assert "988" not in reply.body and "911" not in reply.body


def test_crisis_in_a_follow_up_message_alerts_too(pat_bob, dr_alice, django_capture_on_commit_callbacks):
    thread = send(pat_bob, "Refill question").thread
    with django_capture_on_commit_callbacks(execute=True):
        result = messaging.message_send(author=pat_bob, thread=thread, body="I have been cutting myself again")
    thread.refresh_from_db()
    assert thread.crisis is True and result.auto_reply is not None and "988" in result.auto_reply.body
    assert [m.to for m in alerts()] == [[dr_alice.email]]


def test_away_on_call_clinician_is_replaced_by_the_cover(pat_bob, dr_alice, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from bedside.triage.services import coverage_set

    xavier = dr_xavier()
    coverage_set(clinician=dr_alice, covering=xavier, starts_at=timezone.now() - timedelta(hours=1),
                 ends_at=timezone.now() + timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        send(pat_bob, BODY, subject=SUBJECT)
    assert [m.to for m in alerts()] == [[xavier.email]]


def test_without_an_on_call_clinician_every_clinician_is_alerted(pat_bob, dr_alice, django_capture_on_commit_callbacks):
    xavier = dr_xavier()
    Practice.objects.filter(pk=riverside().pk).update(on_call=None)
    with django_capture_on_commit_callbacks(execute=True):
        send(pat_bob, BODY, subject=SUBJECT)
    assert sorted(m.to[0] for m in alerts()) == sorted([dr_alice.email, xavier.email])
