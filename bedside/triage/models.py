"""Response-time configuration (business hours, holidays, targets), coverage and escalations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from bedside.accounts.models import Practice


class BusinessHours(models.Model):
    """When a practice answers messages on one weekday; a weekday without a row is closed.

    A practice with no rows at all uses Monday–Friday 08:00–17:00 (calendar.DEFAULT_HOURS).
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="business_hours")
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday … 6 = Sunday")
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "weekday"], name="business_hours_once_a_day"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="business_hours_weekday_valid"),
            models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="business_hours_closes_after_opening"),
        ]
        ordering = ["practice", "weekday"]

    def __str__(self) -> str:
        return f"{self.practice_id} day {self.weekday}: {self.opens}–{self.closes}"


class Holiday(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "date"], name="holiday_once")]
        ordering = ["practice", "date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class TargetUnit(models.TextChoices):
    HOURS = "hours", "Hours (around the clock)"
    BUSINESS_HOURS = "business_hours", "Business hours"
    BUSINESS_DAYS = "business_days", "Business days"


class ResponseTarget(models.Model):
    """How soon a practice answers one urgency (optionally one category); overrides the defaults.

    Defaults: emergency 1 hour around the clock, urgent 4 business hours, routine the practice's
    response_target_hours (whole days become business days).
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="response_targets")
    urgency = models.CharField(max_length=10)
    category = models.CharField(max_length=20, blank=True, help_text="Blank: every category.")
    amount = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=16, choices=TargetUnit.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "urgency", "category"], name="response_target_once"),
            models.CheckConstraint(condition=Q(amount__gte=1), name="response_target_positive"),
            models.CheckConstraint(condition=Q(unit__in=TargetUnit.values), name="response_target_unit_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.urgency}/{self.category or '*'}: {self.amount} {self.unit}"


class Coverage(models.Model):
    """A clinician away from STARTS_AT to ENDS_AT, with a colleague of the same practice covering."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="coverages")
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences")
    covering = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="covers")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="coverage_ends_after_start"),
            models.CheckConstraint(condition=~Q(clinician=F("covering")), name="coverage_not_self"),
        ]
        indexes = [models.Index(fields=["clinician", "starts_at"], name="coverage_clinician")]

    def __str__(self) -> str:
        return f"coverage {self.pk}: {self.clinician_id} → {self.covering_id}"


class EscalationLevel(models.IntegerChoices):
    NEARING = 1, "75% of the response window has passed (assignee)"
    OVERDUE = 2, "Past its target (pool lead)"
    LONG_OVERDUE = 3, "Half a window past its target (practice administrators)"


class Escalation(models.Model):
    """One escalation step of one response window; the unique row is the claim.

    Two workers that both decide to escalate insert the same (thread, due_at, level): the
    database lets one in and refuses the other, so nobody is notified twice.
    """

    thread = models.ForeignKey("messaging.Thread", on_delete=models.CASCADE, related_name="escalations")
    due_at = models.DateTimeField(help_text="The target this step belongs to (a new window starts over).")
    level = models.PositiveSmallIntegerField(choices=EscalationLevel.choices)
    created_at = models.DateTimeField(default=timezone.now)
    notified = models.PositiveSmallIntegerField(default=0, help_text="How many people were told.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "due_at", "level"], name="escalation_once"),
        ]

    def __str__(self) -> str:
        return f"thread {self.thread_id} level {self.level}"
