"""PHI-free notification emails, claimed with compare-and-set so each is sent once."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bedside.audit.models import Action
from bedside.audit.services import audit_record
from bedside.messaging.models import Notification, NotificationState

log = logging.getLogger(__name__)

SUBJECT = "You have a new secure message"
MAX_ATTEMPTS = 6


def notification_text(*, site_url: str) -> str:
    """Return the email body: no sender, subject, practice, specialty or body — only where to sign in."""
    return (
        "You have a new secure message.\n\n"
        f"Sign in to read it: {site_url.rstrip('/')}/\n\n"
        "For your privacy this email never contains the message itself. "
        "If you did not expect this email, you can ignore it.\n"
    )


def notification_deliver(*, notification_id: int) -> bool:
    """Send one notification if it is still pending; return whether this call sent it."""
    claimed = Notification.objects.filter(pk=notification_id, state=NotificationState.PENDING).update(
        state=NotificationState.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    )
    if claimed != 1:
        return False
    note = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        send_mail(SUBJECT, notification_text(site_url=settings.BEDSIDE_SITE_URL),
                  settings.DEFAULT_FROM_EMAIL, [note.recipient.email], fail_silently=False)
    except Exception as exc:
        state = NotificationState.FAILED if note.attempts >= MAX_ATTEMPTS else NotificationState.PENDING
        Notification.objects.filter(pk=note.pk).update(state=state, last_error=type(exc).__name__)
        log.warning("notification %s not sent (attempt %s): %s", note.pk, note.attempts, type(exc).__name__)
        raise
    with transaction.atomic():
        Notification.objects.filter(pk=note.pk).update(state=NotificationState.SENT, sent_at=timezone.now())
        audit_record(action=Action.NOTIFICATION_SENT, object_type="notification", object_id=note.pk,
                     patient_id=None, channel="worker", detail={"recipient": note.recipient_id})
    return True


def notifications_due() -> list[int]:
    """Return pending notifications older than a minute and sends stuck for ten."""
    now = timezone.now()
    # Read the pending ones before releasing the stuck ones, so that none is listed twice.
    pending = list(
        Notification.objects.filter(
            state=NotificationState.PENDING, created_at__lt=now - timedelta(minutes=1)
        ).values_list("pk", flat=True)[:500]
    )
    stuck = list(
        Notification.objects.filter(
            state=NotificationState.SENDING, claimed_at__lt=now - timedelta(minutes=10)
        ).values_list("pk", flat=True)[:500]
    )
    Notification.objects.filter(pk__in=stuck, state=NotificationState.SENDING).update(state=NotificationState.PENDING)
    return pending + stuck
