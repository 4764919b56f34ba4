"""Secure threads between a patient and a practice's care team.

Subjects, bodies and attachment names are PHI and are encrypted at rest; everything the
queue sorts or filters by (practice, status, category, urgency, dates) stays in plain columns.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bedside.accounts.models import Pool, Practice
from bedside.core.models import EncryptedTextField


class Category(models.TextChoices):
    MEDICAL_QUESTION = "medical_question", "Medical question"
    APPOINTMENT = "appointment", "Appointment"
    PRESCRIPTION = "prescription", "Prescription refill"
    BILLING = "billing", "Billing"
    POST_OP = "post_op", "After my surgery"
    OTHER = "other", "Something else"


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", "Emergency"
    URGENT = "urgent", "Urgent"
    ROUTINE = "routine", "Routine"


class ThreadStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Thread(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="threads")
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="patient_threads")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The patient's clinician at the practice, when the relationship names one.",
    )
    subject = EncryptedTextField()
    category = models.CharField(max_length=20, choices=Category.choices)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    status = models.CharField(max_length=10, choices=ThreadStatus.choices, default=ThreadStatus.OPEN)
    pool = models.ForeignKey(Pool, on_delete=models.SET_NULL, null=True, blank=True, related_name="threads")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_threads"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)
    # When the care team owes the patient a reply; null once answered or closed.
    due_at = models.DateTimeField(null=True, blank=True)
    # When 75% of the response window has passed: escalation starts warning (see triage).
    warn_at = models.DateTimeField(null=True, blank=True)
    # The first target, kept after the reply, so metrics can tell "answered within target".
    first_due_at = models.DateTimeField(null=True, blank=True)
    # Screening saw suicide or self-harm risk: crisis guidance was given and on-call alerted.
    crisis = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(category__in=Category.values), name="thread_category_valid"),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True) | Q(status="closed", closed_at__isnull=False),
                name="thread_closed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "status", "created_at"], name="thread_queue"),
            models.Index(fields=["patient", "-last_message_at"], name="thread_patient_inbox"),
            models.Index(fields=["status", "warn_at"], name="thread_escalation"),
            # The care team's API list: newest activity first within a practice, read in index
            # order and stopped after one page however much history there is (bench/inbox.py).
            models.Index(fields=["practice", "-last_message_at", "-id"], name="thread_practice_recent"),
        ]

    def __str__(self) -> str:
        return f"thread {self.pk}"


class MessageKind(models.TextChoices):
    PATIENT = "patient", "Patient"
    CARE_TEAM = "care_team", "Care team"
    AUTO_REPLY = "auto_reply", "Automatic reply"


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Null for the practice's automatic replies.",
    )
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    body = EncryptedTextField()
    sent_at = models.DateTimeField(default=timezone.now)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, blank=True)

    class Meta:
        indexes = [models.Index(fields=["thread", "sent_at"], name="message_thread_time")]

    def __str__(self) -> str:
        return f"message {self.pk} in thread {self.thread_id}"


class Attachment(models.Model):
    """A file stored encrypted under BEDSIDE_ATTACHMENT_DIR; only the worker and views decrypt it."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    filename = EncryptedTextField()
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"attachment {self.pk}"


class ThreadReadState(models.Model):
    """How far a user has read a thread: unread counts for them, read receipts for the others."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="read_state_unique")]

    def __str__(self) -> str:
        return f"thread {self.thread_id} read by {self.user_id}"


class CategoryRoute(models.Model):
    """Which staff pool reads a practice's threads of one category."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="routes")
    category = models.CharField(max_length=20, choices=Category.choices)
    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="routes")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "category"], name="route_unique")]

    def __str__(self) -> str:
        return f"{self.category} → {self.pool}"


class ReplyTemplate(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="reply_templates")
    title = models.CharField(max_length=100)
    body = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "title"], name="template_title_unique")]

    def __str__(self) -> str:
        return self.title


class NotificationState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class NotificationKind(models.TextChoices):
    MESSAGE = "message", "New message"
    ALERT = "alert", "Emergency or crisis alert"
    ESCALATION = "escalation", "Response target escalation"


class NotificationChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class Notification(models.Model):
    """Outbox row for one PHI-free email or text; the worker claims it with compare-and-set."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=12, choices=NotificationKind.choices, default=NotificationKind.MESSAGE)
    channel = models.CharField(max_length=8, choices=NotificationChannel.choices, default=NotificationChannel.EMAIL)
    state = models.CharField(max_length=10, choices=NotificationState.choices, default=NotificationState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # When a worker last claimed it: a send claimed long ago and never finished is released.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "message", "kind", "channel"], name="notification_once_per_kind"),
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="notification_state")]

    def __str__(self) -> str:
        return f"notification {self.pk} ({self.state})"
