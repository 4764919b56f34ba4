"""PHI-free notification emails: who gets one, what it says, once, only after commit."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail
from django.db import transaction

from bedside.accounts.models import Practice
from bedside.audit.models import Action, AuditEvent
from bedside.consent import services as consent
from bedside.consent.models import ConsentSignature, Scope
from bedside.consent.selectors import document_current
from bedside.messaging import notifications, services
from bedside.messaging.models import Notification, NotificationState, Thread

pytestmark = pytest.mark.django_db

SUBJECT = "Hemorrhoid flare after colonoscopy"
BODY = "The bleeding from my hemorrhoids (diagnosed last spring) came back after the colonoscopy."


def riverside() -> Practice:
    return Practice.objects.get(name="Riverside Family Medicine")


def forbidden_fragments(*extra: str) -> list[str]:
    return [
        SUBJECT, BODY, "Hemorrhoid", "hemorrhoid", "colonoscopy", "bleeding",
        "Riverside", "Family Medicine", "Alice", "Moreno", "Bob", "Lindqvist",
        "Orthopedic", "Charlie", "Okafor", "Lakeside", *extra,
    ]


def assert_phi_free(message: mail.EmailMessage, *extra: str) -> None:
    text = f"{message.subject}\n{message.body}"
    for alternative in getattr(message, "alternatives", []):
        text += "\n" + str(alternative[0])
    for fragment in forbidden_fragments(*extra):
        assert fragment not in text, f"{fragment!r} leaked into a notification"
    assert message.subject == notifications.SUBJECT
    assert "Sign in" in message.body


def start(patient, subject: str = SUBJECT, body: str = BODY, category: str = "medical_question"):
    return services.thread_create(patient=patient, practice=riverside(), subject=subject, category=category, body=body)


def test_bob_message_notifies_the_care_team_without_phi(pat_bob, dr_alice, staff_erin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = start(pat_bob)
    assert len(callbacks) == 2
    recipients = sorted(address for message in mail.outbox for address in message.to)
    # Front desk (Erin) reads medical questions; Alice is Bob's clinician. Bob, the author, gets nothing.
    assert recipients == sorted([dr_alice.email, staff_erin.email])
    for message in mail.outbox:
        assert_phi_free(message)
    notes = Notification.objects.filter(message=result.message)
    assert {n.state for n in notes} == {NotificationState.SENT}
    assert all(n.attempts == 1 and n.sent_at is not None for n in notes)
    sent = AuditEvent.objects.filter(action=Action.NOTIFICATION_SENT)
    assert sent.count() == 2 and {e.channel for e in sent} == {"worker"}


def test_alice_reply_notifies_bob_who_consented_to_email(pat_bob, dr_alice, django_capture_on_commit_callbacks):
    thread = start(pat_bob).thread
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(author=dr_alice, thread=thread, body="Please come in tomorrow at 9 for a check.")
    assert [m.to for m in mail.outbox] == [[pat_bob.email]]
    assert_phi_free(mail.outbox[0], "tomorrow at 9")


def test_patient_without_email_consent_gets_no_email(pat_gus, dr_alice, django_capture_on_commit_callbacks):
    document = document_current(practice=riverside(), scope=Scope.PORTAL_MESSAGING)
    assert document is not None
    consent.consent_sign(patient=pat_gus, document=document, typed_name="Gus Romero")
    thread = start(pat_gus).thread
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(author=dr_alice, thread=thread, body="Your results are fine.")
    assert mail.outbox == []
    assert not Notification.objects.filter(recipient=pat_gus).exists()


def test_revoking_email_consent_stops_emails(pat_bob, dr_alice, django_capture_on_commit_callbacks):
    thread = start(pat_bob).thread
    signature = ConsentSignature.objects.get(patient=pat_bob, scope=Scope.EMAIL_NOTIFICATIONS, revoked_at__isnull=True)
    consent.consent_revoke(patient=pat_bob, signature=signature)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(author=dr_alice, thread=thread, body="Reply.")
    assert mail.outbox == []


def test_rolled_back_transaction_sends_nothing(pat_bob, django_capture_on_commit_callbacks):
    class Abort(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Abort), transaction.atomic():
            start(pat_bob)
            raise Abort
    assert callbacks == []
    assert mail.outbox == []
    assert not Thread.objects.exists() and not Notification.objects.exists()


def test_nothing_is_sent_before_commit(pat_bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        start(pat_bob)
        assert mail.outbox == []
    assert len(callbacks) == 2
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2


def test_delivering_twice_sends_once(pat_bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        result = start(pat_bob)
    note = Notification.objects.filter(message=result.message).first()
    assert note is not None
    assert notifications.notification_deliver(notification_id=note.pk) is True
    assert notifications.notification_deliver(notification_id=note.pk) is False
    assert len(mail.outbox) == 1
    note.refresh_from_db()
    assert note.state == NotificationState.SENT and note.attempts == 1


def test_claimed_notification_is_not_sent_by_a_second_worker(pat_bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        result = start(pat_bob)
    note = Notification.objects.filter(message=result.message).first()
    assert note is not None
    Notification.objects.filter(pk=note.pk).update(state=NotificationState.SENDING)  # another worker has it
    assert notifications.notification_deliver(notification_id=note.pk) is False
    assert mail.outbox == []


def test_smtp_failure_leaves_notification_pending(pat_bob, monkeypatch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        result = start(pat_bob)
    note = Notification.objects.filter(message=result.message).first()
    assert note is not None

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr(notifications, "send_mail", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        notifications.notification_deliver(notification_id=note.pk)
    note.refresh_from_db()
    assert note.state == NotificationState.PENDING
    assert note.attempts == 1 and note.last_error == "SMTPServerDisconnected"
    assert not AuditEvent.objects.filter(action=Action.NOTIFICATION_SENT).exists()
    # Not retried before its backoff has elapsed (bedside/core/tests/test_faults.py tests the schedule).
    assert notifications.notification_deliver(notification_id=note.pk) is False
    Notification.objects.filter(pk=note.pk).update(claimed_at=note.claimed_at - notifications.retry_backoff(1))
    # The next attempt, with the server back, sends it.
    monkeypatch.undo()
    assert notifications.notification_deliver(notification_id=note.pk) is True
    note.refresh_from_db()
    assert note.state == NotificationState.SENT and note.attempts == 2
    assert len(mail.outbox) == 1


def test_notification_gives_up_after_max_attempts(pat_bob, monkeypatch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        result = start(pat_bob)
    note = Notification.objects.filter(message=result.message).first()
    assert note is not None
    Notification.objects.filter(pk=note.pk).update(attempts=notifications.MAX_ATTEMPTS - 1)
    monkeypatch.setattr(notifications, "send_mail", lambda *a, **k: (_ for _ in ()).throw(OSError("down")))
    with pytest.raises(OSError):
        notifications.notification_deliver(notification_id=note.pk)
    note.refresh_from_db()
    assert note.state == NotificationState.FAILED
    assert notifications.notification_deliver(notification_id=note.pk) is False


def test_smtp_failure_in_the_worker_does_not_undo_the_message(pat_bob, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(notifications, "send_mail", lambda *a, **k: (_ for _ in ()).throw(OSError("down")))
    with django_capture_on_commit_callbacks(execute=True):
        result = start(pat_bob)
    assert Thread.objects.filter(pk=result.thread.pk).exists()
    assert set(Notification.objects.values_list("state", flat=True)) == {NotificationState.PENDING}


def test_stuck_and_old_pending_notifications_are_picked_up(pat_bob, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):
        result = start(pat_bob)
    first, second = Notification.objects.filter(message=result.message).order_by("pk")
    old = timezone.now() - timedelta(minutes=30)
    Notification.objects.filter(pk=first.pk).update(created_at=old)
    Notification.objects.filter(pk=second.pk).update(created_at=old, claimed_at=old, state=NotificationState.SENDING)
    due = notifications.notifications_due()
    assert sorted(due) == sorted([first.pk, second.pk])
    assert Notification.objects.get(pk=second.pk).state == NotificationState.PENDING
    for pk in due:
        notifications.notification_deliver(notification_id=pk)
    assert len(mail.outbox) == 2


def test_a_send_claimed_recently_is_not_released(pat_bob, django_capture_on_commit_callbacks):
    """An old notification whose send was claimed a moment ago is in flight, not stuck."""
    from datetime import timedelta

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):
        result = start(pat_bob)
    note = Notification.objects.filter(message=result.message).first()
    Notification.objects.filter(pk=note.pk).update(
        created_at=timezone.now() - timedelta(hours=2), claimed_at=timezone.now(), state=NotificationState.SENDING
    )
    assert note.pk not in notifications.notifications_due()
    assert Notification.objects.get(pk=note.pk).state == NotificationState.SENDING


def test_notification_text_has_only_the_site_link(settings):
    settings.BEDSIDE_SITE_URL = "https://portal.example.org/"
    text = notifications.notification_text(site_url=settings.BEDSIDE_SITE_URL)
    assert "https://portal.example.org/" in text
    assert "portal.example.org//" not in text


def test_queue_outage_after_commit_does_not_fail_the_send(pat_bob, monkeypatch, django_capture_on_commit_callbacks):
    calls: list[int] = []

    def queue_down(pk: int) -> None:
        calls.append(pk)
        raise ConnectionError("redis is down")

    monkeypatch.setattr("bedside.messaging.tasks.deliver_notification", queue_down)
    with django_capture_on_commit_callbacks(execute=True):
        result = start(pat_bob)  # must not raise: the message is already committed
    assert len(calls) == 2  # every recipient was tried, not just the first
    assert Thread.objects.filter(pk=result.thread.pk).exists()
    assert set(Notification.objects.values_list("state", flat=True)) == {NotificationState.PENDING}


def test_unrouted_thread_notifies_the_practice_clinicians(demo, dr_alice, staff_erin, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from bedside.accounts import services as accounts
    from bedside.messaging.models import CategoryRoute

    CategoryRoute.objects.filter(practice=riverside()).delete()
    patient = accounts.user_create(email="p2@example.org", full_name="Pia Two", role="patient")
    consent.relationship_create(actor=staff_erin, patient=patient, practice=riverside(), method="in_person",
                                established_on=timezone.localdate())
    document = document_current(practice=riverside(), scope=Scope.PORTAL_MESSAGING)
    assert document is not None
    consent.consent_sign(patient=patient, document=document, typed_name="Pia Two")
    with django_capture_on_commit_callbacks(execute=True):
        start(patient, body="crushing chest pain")
    # The emergency also alerts the on-call clinician (triage); this test is about the message notice.
    assert [m.to for m in mail.outbox if m.subject == notifications.SUBJECT] == [[dr_alice.email]]
