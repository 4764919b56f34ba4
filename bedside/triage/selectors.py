"""Reads for triage: a practice's calendar and targets, coverage in force, on-call people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import QuerySet

from bedside.accounts.models import Practice, Role, User
from bedside.triage.calendar import DEFAULT_HOURS, Calendar
from bedside.triage.models import BusinessHours, Coverage, Holiday, ResponseTarget, TargetUnit


def practice_zone(practice: Practice) -> ZoneInfo:
    try:
        return ZoneInfo(practice.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        # A practice saved with a bad zone still gets targets (in UTC) rather than an error page.
        return ZoneInfo("UTC")


def practice_calendar(practice: Practice) -> Calendar:
    """Return the practice's open hours, holidays and zone (defaults: Mon–Fri 08:00–17:00)."""
    rows = list(BusinessHours.objects.filter(practice=practice).values_list("weekday", "opens", "closes"))
    hours = {weekday: (opens, closes) for weekday, opens, closes in rows} if rows else dict(DEFAULT_HOURS)
    holidays = frozenset(Holiday.objects.filter(practice=practice).values_list("date", flat=True))
    return Calendar(tz=practice_zone(practice), hours=hours, holidays=holidays)


@dataclass(frozen=True)
class Target:
    amount: int
    unit: str

    def describe(self) -> str:
        label = {TargetUnit.HOURS: "hour", TargetUnit.BUSINESS_HOURS: "business hour",
                 TargetUnit.BUSINESS_DAYS: "business day"}[TargetUnit(self.unit)]
        return f"{self.amount} {label}{'s' if self.amount != 1 else ''}"


def default_target(practice: Practice, urgency: str) -> Target:
    """Return the built-in target: emergency 1 hour, urgent 4 business hours, routine the practice promise."""
    if urgency == "emergency":
        return Target(1, TargetUnit.HOURS)
    if urgency == "urgent":
        return Target(4, TargetUnit.BUSINESS_HOURS)
    hours = practice.response_target_hours
    if hours >= 24 and hours % 24 == 0:
        return Target(hours // 24, TargetUnit.BUSINESS_DAYS)
    return Target(max(hours, 1), TargetUnit.BUSINESS_HOURS)


def response_target(practice: Practice, urgency: str, category: str) -> Target:
    """Return the practice's target for URGENCY and CATEGORY (a category rule beats a general one)."""
    rows = {
        row.category: row
        for row in ResponseTarget.objects.filter(practice=practice, urgency=urgency, category__in=[category, ""])
    }
    row = rows.get(category) or rows.get("")
    if row is not None:
        return Target(row.amount, row.unit)
    return default_target(practice, urgency)


def coverage_in_force(*, clinician_id: int | None, at: datetime) -> Coverage | None:
    """Return the coverage that has someone covering for CLINICIAN at AT, if any."""
    if clinician_id is None:
        return None
    return (
        Coverage.objects.select_related("covering", "covering__clinician_profile", "clinician__clinician_profile")
        .filter(clinician_id=clinician_id, starts_at__lte=at, ends_at__gt=at, cancelled_at__isnull=True,
                covering__is_active=True)
        .order_by("-starts_at")
        .first()
    )


def coverages_of(*, user: User) -> QuerySet[Coverage]:
    """Return USER's current and future absences, soonest first."""
    from django.utils import timezone

    return (
        Coverage.objects.select_related("covering", "covering__clinician_profile")
        .filter(clinician=user, cancelled_at__isnull=True, ends_at__gt=timezone.now() - timedelta(days=1))
        .order_by("starts_at")
    )


def colleagues_for_cover(*, user: User) -> QuerySet[User]:
    """Return active clinicians sharing an active practice with USER (who may cover for them)."""
    practice_ids = user.memberships.filter(is_active=True).values("practice_id")
    return (
        User.objects.filter(role=Role.CLINICIAN, is_active=True, memberships__practice_id__in=practice_ids,
                            memberships__is_active=True)
        .exclude(pk=user.pk)
        .distinct()
        .order_by("full_name")
    )


def practice_admins(practice_id: int) -> list[User]:
    return list(
        User.objects.filter(role=Role.PRACTICE_ADMIN, is_active=True, memberships__practice_id=practice_id,
                            memberships__is_active=True).distinct()
    )


def practice_clinicians(practice_id: int) -> list[User]:
    return list(
        User.objects.filter(role=Role.CLINICIAN, is_active=True, memberships__practice_id=practice_id,
                            memberships__is_active=True).distinct()
    )
