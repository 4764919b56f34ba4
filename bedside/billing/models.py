"""E-visit time, the facts the payer rules need (visits, global periods, billing class) and e-consults.

Free text (activity notes, procedure names, e-consult questions and answers) is PHI and
encrypted at rest; everything the report filters by stays in plain columns.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bedside.accounts.models import Practice
from bedside.core.models import EncryptedTextField
from bedside.messaging.models import Attachment, Message, Thread


class BillingClass(models.TextChoices):
    PHYSICIAN = "physician", "Physician or other qualified health professional (99421–99423)"
    NPP = "npp", "Qualified non-physician professional (98970–98972)"


class BillingProvider(models.Model):
    """Whether a clinician bills e-visits as a physician/QHP or as a non-physician professional."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="billing_provider")
    billing_class = models.CharField(max_length=10, choices=BillingClass.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(billing_class__in=BillingClass.values), name="billing_class_valid"),
        ]

    def __str__(self) -> str:
        return f"billing provider {self.user_id} ({self.billing_class})"


class TimeSource(models.TextChoices):
    TIMER = "timer", "Timer"
    MANUAL = "manual", "Manual entry"


class TimeEntry(models.Model):
    """Minutes a care-team member spent on a thread, starting at `performed_at`."""

    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="time_entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    performed_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=10, choices=TimeSource.choices)
    note = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gte=1, minutes__lte=600), name="time_entry_minutes_range"),
        ]
        indexes = [models.Index(fields=["thread", "performed_at"], name="time_entry_thread")]

    def __str__(self) -> str:
        return f"time entry {self.pk} ({self.minutes} min on thread {self.thread_id})"


class RunningTimer(models.Model):
    """A started timer: one per person and thread; stopping it records a TimeEntry."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="one_timer_per_user_thread")]

    def __str__(self) -> str:
        return f"timer of {self.user_id} on thread {self.thread_id}"


class Visit(models.Model):
    """An evaluation and management (E/M) visit: an e-visit within 7 days after it is not billable."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    visit_date = models.DateField()
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["patient", "visit_date"], name="visit_patient_date")]

    def __str__(self) -> str:
        return f"visit {self.pk} on {self.visit_date}"


class GlobalDays(models.IntegerChoices):
    MINOR = 10, "10 days (minor procedure)"
    MAJOR = 90, "90 days (major surgery)"


class GlobalPeriod(models.Model):
    """A post-operative global period: related care in it is paid with the procedure."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    procedure_date = models.DateField()
    days = models.PositiveSmallIntegerField(choices=GlobalDays.choices)
    procedure = EncryptedTextField(blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(days__in=[10, 90]), name="global_period_days_valid")]

    def __str__(self) -> str:
        return f"global period {self.pk} from {self.procedure_date}"


class EConsultStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"
    DECLINED = "declined", "Declined"


class EConsult(models.Model):
    """A store-and-forward question from a clinician to a specialist about one patient."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+",
                                 help_text="The requesting practice: the e-consult is part of its record.")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    specialist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    question = EncryptedTextField()
    answer = EncryptedTextField(blank=True)
    decline_reason = EncryptedTextField(blank=True)
    status = models.CharField(max_length=10, choices=EConsultStatus.choices, default=EConsultStatus.REQUESTED)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(help_text="Turnaround target: the answer is owed by then.")
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(status__in=EConsultStatus.values), name="econsult_status_valid"),
            models.CheckConstraint(condition=~Q(requester=models.F("specialist")), name="econsult_not_to_self"),
        ]
        indexes = [
            models.Index(fields=["specialist", "status"], name="econsult_specialist"),
            models.Index(fields=["requester", "status"], name="econsult_requester"),
        ]

    def __str__(self) -> str:
        return f"e-consult {self.pk} ({self.status})"


class ShareKind(models.TextChoices):
    THREAD = "thread", "Whole conversation"
    MESSAGE = "message", "Message"
    ATTACHMENT = "attachment", "Attachment"


class EConsultShare(models.Model):
    """One part of the record shared with the specialist; they see nothing else.

    A shared conversation is shared as it stood when the e-consult was sent: later messages are not.
    """

    econsult = models.ForeignKey(EConsult, on_delete=models.CASCADE, related_name="shares")
    kind = models.CharField(max_length=10, choices=ShareKind.choices)
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    attachment = models.ForeignKey(Attachment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="thread", thread__isnull=False, message__isnull=True, attachment__isnull=True)
                    | Q(kind="message", thread__isnull=True, message__isnull=False, attachment__isnull=True)
                    | Q(kind="attachment", thread__isnull=True, message__isnull=True, attachment__isnull=False)
                ),
                name="econsult_share_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"share {self.pk} of e-consult {self.econsult_id}"
