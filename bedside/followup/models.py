"""Post-operative follow-up: plan templates, enrolments and their scheduled check-ins.

A plan is practice-level and edited in the admin; an enrolment copies the timing it needs
(zone, local time) so that a later edit of the plan or the practice never moves check-ins that
were already promised to the patient. Check-in instants are stored in UTC, computed from local
calendar dates with zoneinfo (see schedule.py). Answers are PHI and are encrypted at rest.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bedside.accounts.models import Practice
from bedside.core.models import EncryptedTextField
from bedside.messaging.models import Message, Thread, Urgency


class Question(models.TextChoices):
    PAIN = "pain", "Pain score (0–10) at or above"
    FEVER = "fever", "Fever (yes, or a temperature at or above)"
    WOUND = "wound", "Wound redness or discharge"
    CALF = "calf", "Calf pain or swelling"
    BREATHING = "breathing", "Shortness of breath or chest pain"


class Plan(models.Model):
    """A practice's follow-up template, e.g. "Total knee replacement": days, time, rules, FAQ."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="followup_plans")
    name = models.CharField(max_length=120)
    check_in_days = models.JSONField(
        default=list, help_text="Days after surgery on which to check in, e.g. [1, 3, 7, 14, 30]."
    )
    check_in_time = models.TimeField(default=time(9), help_text="Local time of day (practice time zone).")
    remind_after_hours = models.PositiveSmallIntegerField(
        default=24, validators=[MinValueValidator(1)],
        help_text="Remind the patient once when a check-in is unanswered this long.",
    )
    alert_after_hours = models.PositiveSmallIntegerField(
        default=24, validators=[MinValueValidator(1)],
        help_text="Alert the care team once when still unanswered this long after the reminder.",
    )
    faq_article = models.ForeignKey(
        "publishing.Article", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The FAQ article patients on this plan are pointed to.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "name"], name="followup_plan_name_unique")]

    def __str__(self) -> str:
        return self.name


class Rule(models.Model):
    """One triage rule of a plan: an answer that makes the check-in at least URGENCY."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="rules")
    question = models.CharField(max_length=12, choices=Question.choices)
    threshold = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True,
        help_text="Pain: the score from which the rule applies; fever: the temperature in °C. Empty for yes/no.",
    )
    urgency = models.CharField(max_length=10, choices=Urgency.choices)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(question__in=Question.values), name="followup_rule_question_valid"),
            models.CheckConstraint(condition=Q(urgency__in=Urgency.values), name="followup_rule_urgency_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_question_display()} → {self.urgency}"


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    STOPPED = "stopped", "Stopped"


class Enrolment(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="enrolments")
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="followups")
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    surgery_date = models.DateField()
    # Copied at enrolment: the check-in instants below were computed from them.
    zone = models.CharField(max_length=64)
    local_time = models.TimeField()
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    stopped_at = models.DateTimeField(null=True, blank=True)
    stopped_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "plan"], condition=Q(status="active"),
                                    name="followup_one_active_per_plan"),
            models.CheckConstraint(
                condition=Q(status="active", stopped_at__isnull=True) | Q(status="stopped", stopped_at__isnull=False),
                name="followup_stopped_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"enrolment {self.pk}"


class CheckInState(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    SENT = "sent", "Sent, awaiting answers"
    ANSWERED = "answered", "Answered"
    SKIPPED = "skipped", "Skipped"
    CANCELLED = "cancelled", "Cancelled"


class CheckIn(models.Model):
    """One scheduled check-in. State moves by compare-and-set: scheduled → sent → answered."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="check_ins")
    day = models.PositiveSmallIntegerField(validators=[MaxValueValidator(366)])
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=CheckInState.choices, default=CheckInState.SCHEDULED)
    sent_at = models.DateTimeField(null=True, blank=True)
    message = models.ForeignKey(Message, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                help_text="The message that asked the questions.")
    reminded_at = models.DateTimeField(null=True, blank=True)
    team_alerted_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_message = models.ForeignKey(Message, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answers = EncryptedTextField(blank=True, default="")
    # What the plan's rules said; the thread holds the higher of this and the screening engine.
    rule_urgency = models.CharField(max_length=10, choices=Urgency.choices, blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "day"], name="followup_checkin_day_unique"),
            models.CheckConstraint(condition=~Q(state="answered") | Q(answered_at__isnull=False),
                                   name="followup_answered_has_time"),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="followup_checkin_due"),
            models.Index(fields=["state", "sent_at"], name="followup_checkin_sent"),
        ]

    def __str__(self) -> str:
        return f"check-in {self.pk} (day {self.day})"
