"""PHI-free notification emails, claimed with compare-and-set so each is sent once."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from bedside.accounts.models import User
from bedside.audit.models import Action
from bedside.audit.services import audit_record
from bedside.core.queue import backoff, enqueue_after_commit
from bedside.messaging.models import (
    Message,
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationState,
    Thread,
)

log = logging.getLogger(__name__)

SUBJECT = "You have a new secure message"
ALERT_SUBJECT = "Urgent: a secure message needs attention now"
ESCALATION_SUBJECT = "A secure message is waiting past its response target"
MAX_ATTEMPTS = 6
# A failed send waits 1, 2, 4, 8… minutes (capped) before the next try: an SMTP server that is down
# is not hammered every round, and a short outage still costs only a minute.
FIRST_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=1)


def retry_backoff(attempts: int) -> timedelta:
    """Return how long a notification that failed ATTEMPTS times waits before the next try."""
    return backoff(attempts, first=FIRST_BACKOFF, maximum=MAX_BACKOFF)


def _retry_due(now: datetime) -> Q:
    """Match rows whose last attempt (claimed_at) is older than their backoff.

    No schema change: claimed_at doubles as "last attempt" and attempts picks the delay. The
    per-count terms keep it one portable query (attempts never passes MAX_ATTEMPTS by much).
    """
    due = Q(attempts__gte=MAX_ATTEMPTS, claimed_at__lt=now - retry_backoff(MAX_ATTEMPTS))
    for attempts in range(1, MAX_ATTEMPTS):
        due |= Q(attempts=attempts, claimed_at__lt=now - retry_backoff(attempts))
    return due


def notification_text(*, site_url: str) -> str:
    """Return the email body: no sender, subject, practice, specialty or body — only where to sign in."""
    return (
        "You have a new secure message.\n\n"
        f"Sign in to read it: {site_url.rstrip('/')}/\n\n"
        "For your privacy this email never contains the message itself. "
        "If you did not expect this email, you can ignore it.\n"
    )


def alert_text(*, site_url: str) -> str:
    """Return the on-call alert: no patient, practice, subject or specialty — only that it is urgent."""
    return f"An urgent secure message needs attention now — sign in: {site_url.rstrip('/')}/queue/"


def escalation_text(*, site_url: str) -> str:
    """Return the escalation notice, as free of PHI as the alert."""
    return (
        "A secure message in your team's queue is close to or past its response target.\n\n"
        f"Sign in to see it: {site_url.rstrip('/')}/queue/\n"
    )


def _content(kind: str, site_url: str) -> tuple[str, str]:
    if kind == NotificationKind.ALERT:
        return ALERT_SUBJECT, alert_text(site_url=site_url) + "\n"
    if kind == NotificationKind.ESCALATION:
        return ESCALATION_SUBJECT, escalation_text(site_url=site_url)
    return SUBJECT, notification_text(site_url=site_url)


def _send(note: Notification) -> None:
    subject, body = _content(note.kind, settings.BEDSIDE_SITE_URL)
    if note.channel == NotificationChannel.SMS:
        from bedside.triage.sms import sms_backend

        if not note.recipient.mobile_phone:
            raise ValueError("the recipient has no mobile number")

        sms_backend().send(to=note.recipient.mobile_phone, body=alert_text(site_url=settings.BEDSIDE_SITE_URL))
        return
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [note.recipient.email], fail_silently=False)


def notification_enqueue(
    *, recipient: User, thread: Thread, message: Message | None, kind: str, channel: str = NotificationChannel.EMAIL
) -> Notification:
    """Add one outbox row (once per recipient, message, kind and channel) and send it after commit.

    Call it inside the transaction of the change it reports: a rollback takes the row with it
    and nobody is told about something that did not happen.
    """
    from bedside.messaging.tasks import deliver_notification

    if message is None:
        # Not about one message (an escalation step): the caller's own claim makes it once-only.
        note = Notification.objects.create(recipient=recipient, message=None, kind=kind, channel=channel, thread=thread)
    else:
        note, _ = Notification.objects.get_or_create(
            recipient=recipient, message=message, kind=kind, channel=channel, defaults={"thread": thread},
        )
    # a queue that is down must not fail the write; the periodic redelivery catches up
    enqueue_after_commit(deliver_notification, note.pk)
    return note


def notification_deliver(*, notification_id: int) -> bool:
    """Send one notification if it is still pending; return whether this call sent it."""
    now = timezone.now()
    # Compare-and-set: only a pending row that was never tried or whose backoff has elapsed.
    claimed = (
        Notification.objects.filter(pk=notification_id, state=NotificationState.PENDING)
        .filter(Q(claimed_at__isnull=True) | _retry_due(now))
        .update(state=NotificationState.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    )
    if claimed != 1:
        return False
    note = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        _send(note)
    except Exception as exc:
        state = NotificationState.FAILED if note.attempts >= MAX_ATTEMPTS else NotificationState.PENDING
        Notification.objects.filter(pk=note.pk).update(state=state, last_error=type(exc).__name__)
        log.warning("notification %s not sent (attempt %s): %s", note.pk, note.attempts, type(exc).__name__)
        raise
    with transaction.atomic():
        Notification.objects.filter(pk=note.pk).update(state=NotificationState.SENT, sent_at=timezone.now())
        audit_record(action=Action.NOTIFICATION_SENT, object_type="notification", object_id=note.pk,
                     patient_id=None, channel="worker", detail={"recipient": note.recipient_id, "kind": note.kind, "channel": note.channel})
    return True


def notifications_due() -> list[int]:
    """Return pending notifications due a (re)try and release sends stuck past the claim timeout.

    Never-tried rows wait a minute (their own on-commit enqueue normally sends them first); failed
    ones wait out their backoff. A row claimed longer ago than BEDSIDE_NOTIFICATION_CLAIM_TIMEOUT_SECONDS
    (its worker was killed mid-send) goes back to pending, due at once.
    """
    now = timezone.now()
    # Read the pending ones before releasing the stuck ones, so that none is listed twice.
    pending = list(
        Notification.objects.filter(state=NotificationState.PENDING)
        .filter(Q(claimed_at__isnull=True, created_at__lt=now - timedelta(minutes=1)) | _retry_due(now))
        .values_list("pk", flat=True)[:500]
    )
    timeout = timedelta(seconds=settings.BEDSIDE_NOTIFICATION_CLAIM_TIMEOUT_SECONDS)
    stuck = list(
        Notification.objects.filter(
            state=NotificationState.SENDING, claimed_at__lt=now - timeout
        ).values_list("pk", flat=True)[:500]
    )
    # claimed_at cleared: the stuck row has already waited the claim timeout, longer than a backoff.
    Notification.objects.filter(pk__in=stuck, state=NotificationState.SENDING, claimed_at__lt=now - timeout).update(
        state=NotificationState.PENDING, claimed_at=None
    )
    return pending + stuck
