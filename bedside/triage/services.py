"""Writes for triage: response targets on threads, on-call alerts, coverage, escalation.

Targets count business hours in the practice's zone (calendar.py); emergencies count real
hours, because an emergency does not wait for the office to open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from bedside.accounts.models import Pool, Practice, Role, User
from bedside.audit.services import audit_record
from bedside.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from bedside.messaging.models import (
    Message,
    NotificationChannel,
    NotificationKind,
    Thread,
    ThreadStatus,
)
from bedside.messaging.notifications import notification_enqueue
from bedside.triage.calendar import add_business_days, add_business_time, warn_point
from bedside.triage.models import (
    BusinessHours,
    Coverage,
    Escalation,
    EscalationLevel,
    Holiday,
    TargetUnit,
)
from bedside.triage.selectors import (
    colleagues_for_cover,
    practice_admins,
    practice_calendar,
    practice_clinicians,
    response_target,
)

# Audit actions of this app (codes only; the audit row never carries text a person wrote).
ALERT = "triage.alert"
ESCALATE = "triage.escalate"
COVERAGE_SET = "coverage.set"
COVERAGE_CANCEL = "coverage.cancel"

WARN_FRACTION = 0.75


def _recipients_detail(people: list[User]) -> dict[str, object]:
    """Return audit detail naming who was told: ids joined by "-" (a short code), and how many."""
    ids = "-".join(str(person.pk) for person in people)
    # Audit detail codes are capped at 64 characters; past that the count alone is kept, never a cut id.
    return {"recipients": ids if len(ids) <= 64 else "", "recipient_count": len(people)}


@dataclass(frozen=True)
class Targets:
    """When to warn (75% of the window) and when the reply is due."""

    warn_at: datetime
    due_at: datetime


def thread_targets(*, practice: Practice, urgency: str, category: str, start: datetime) -> Targets:
    """Return the warning point and the due time of a patient message sent at START."""
    target = response_target(practice, urgency, category)
    if target.unit == TargetUnit.HOURS:
        due = start + timedelta(hours=target.amount)
        return Targets(warn_at=warn_point(start, due, None, WARN_FRACTION), due_at=due)
    calendar = practice_calendar(practice)
    if target.unit == TargetUnit.BUSINESS_DAYS:
        due = add_business_days(start, target.amount, calendar)
    else:
        due = add_business_time(start, timedelta(hours=target.amount), calendar)
    return Targets(warn_at=warn_point(start, due, calendar, WARN_FRACTION), due_at=due)


# ---------------------------------------------------------------------------------------------
# on-call alerts


def on_call_people(practice: Practice) -> list[User]:
    """Return who is alerted at once: the practice's on-call clinician (or, if away, their cover);
    without one, every active clinician of the practice, so that an emergency is never unheard."""
    from bedside.triage.selectors import coverage_in_force

    person = practice.on_call
    if person is not None and person.is_active:
        cover = coverage_in_force(clinician_id=person.pk, at=timezone.now())
        return [cover.covering if cover else person]
    return practice_clinicians(practice.pk)


def oncall_alert(*, thread: Thread, message: Message, reason: str) -> int:
    """Alert the on-call clinician about THREAD by email and, where they have a mobile number,
    by text; sent after commit; audited. REASON is "emergency" or "crisis". Return how many alerts."""
    count = 0
    people = on_call_people(thread.practice)
    for person in people:
        notification_enqueue(recipient=person, thread=thread, message=message, kind=NotificationKind.ALERT)
        count += 1
        if person.mobile_phone:
            notification_enqueue(recipient=person, thread=thread, message=message, kind=NotificationKind.ALERT,
                                 channel=NotificationChannel.SMS)
            count += 1
    audit_record(action=ALERT, object_type="thread", object_id=thread.pk, patient_id=thread.patient_id,
                 practice_id=thread.practice_id, channel="worker",
                 detail={"reason": reason, "message": message.pk, **_recipients_detail(people)})
    return count


# ---------------------------------------------------------------------------------------------
# coverage


@transaction.atomic
def coverage_set(
    *, clinician: User, covering: User, starts_at: datetime, ends_at: datetime, ip: str | None = None
) -> Coverage:
    """Record that CLINICIAN is away from STARTS_AT to ENDS_AT with COVERING, a colleague of the same practice."""
    if clinician.role != Role.CLINICIAN:
        raise Forbidden("Only clinicians arrange cover for themselves.")
    if ends_at <= starts_at:
        raise InvalidInput("The end of your time away must be after its start.", field="ends_at")
    if ends_at <= timezone.now():
        raise InvalidInput("That time away is already over; choose dates in the future.", field="ends_at")
    if covering.pk == clinician.pk:
        raise InvalidInput("Choose a colleague other than yourself to cover.", field="covering")
    if not colleagues_for_cover(user=clinician).filter(pk=covering.pk).exists():
        raise InvalidInput("The covering colleague must be an active clinician of your practice.", field="covering")
    overlap = Coverage.objects.filter(clinician=clinician, cancelled_at__isnull=True, starts_at__lt=ends_at,
                                      ends_at__gt=starts_at)
    if overlap.exists():
        raise Conflict("You already have time away in those dates; cancel it first or choose other dates.")
    practice_id = (
        covering.memberships.filter(is_active=True, practice__memberships__user=clinician,
                                    practice__memberships__is_active=True)
        .values_list("practice_id", flat=True).first()
    )
    if practice_id is None:
        raise InvalidInput("The covering colleague must be an active clinician of your practice.", field="covering")
    coverage = Coverage.objects.create(practice_id=practice_id, clinician=clinician, covering=covering,
                                       starts_at=starts_at, ends_at=ends_at)
    audit_record(action=COVERAGE_SET, actor=clinician, obj=coverage, practice_id=practice_id, ip=ip,
                 detail={"covering": covering.pk})
    return coverage


@transaction.atomic
def coverage_cancel(*, actor: User, coverage_id: int, ip: str | None = None) -> Coverage:
    """Cancel ACTOR's own time away (NotFound for anyone else's: they learn nothing about it)."""
    updated = Coverage.objects.filter(pk=coverage_id, clinician=actor, cancelled_at__isnull=True).update(
        cancelled_at=timezone.now()
    )
    if updated != 1:
        raise NotFound()
    coverage = Coverage.objects.get(pk=coverage_id)
    audit_record(action=COVERAGE_CANCEL, actor=actor, obj=coverage, practice_id=coverage.practice_id, ip=ip)
    return coverage


# ---------------------------------------------------------------------------------------------
# escalation


def _level_due(thread: Thread, level: int, now: datetime) -> bool:
    assert thread.due_at is not None and thread.warn_at is not None
    if level == EscalationLevel.NEARING:
        return now >= thread.warn_at
    if level == EscalationLevel.OVERDUE:
        return now >= thread.due_at
    # Long overdue: twice the warning lead (half of a 75% window) after the due time.
    return now >= thread.due_at + 2 * (thread.due_at - thread.warn_at)


def _escalation_recipients(thread: Thread, level: int) -> list[User]:
    people: list[User] = []
    if level == EscalationLevel.NEARING:
        first = thread.assignee or thread.clinician
        if first is not None:
            people = [first]
        elif thread.pool is not None:
            people = list(thread.pool.members.filter(is_active=True))
        else:
            people = practice_clinicians(thread.practice_id)
    elif level == EscalationLevel.OVERDUE:
        lead = thread.pool.lead if thread.pool is not None else None
        people = [lead] if lead is not None else practice_clinicians(thread.practice_id)
    else:
        people = practice_admins(thread.practice_id)
    return [person for person in people if person.is_active]


def escalation_claim(*, thread: Thread, level: int) -> Escalation | None:
    """Claim one escalation step of the thread's current window and notify; None if already claimed.

    The unique (thread, due_at, level) row is the compare-and-set: a second worker's insert
    fails (on PostgreSQL it waits for the first to commit, then fails), so it notifies nobody.
    """
    assert thread.due_at is not None
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(thread=thread, due_at=thread.due_at, level=level)
            people = _escalation_recipients(thread, level)
            for person in people:
                notification_enqueue(recipient=person, thread=thread, message=None, kind=NotificationKind.ESCALATION)
            Escalation.objects.filter(pk=escalation.pk).update(notified=len(people))
            escalation.notified = len(people)
            audit_record(action=ESCALATE, obj=thread, patient_id=thread.patient_id, practice_id=thread.practice_id,
                         channel="worker", detail={"level": level, **_recipients_detail(people)})
    except IntegrityError:
        return None
    return escalation


def escalations_due(*, now: datetime | None = None, limit: int = 500) -> list[tuple[int, int]]:
    """Return (thread id, next level) for open threads whose next escalation step has come.

    Steps go one at a time: a thread found long overdue after an outage is first told to the
    assignee, then (next run) to the pool lead, then to the administrators.
    """
    now = now or timezone.now()
    threads = (
        Thread.objects.filter(status=ThreadStatus.OPEN, due_at__isnull=False, warn_at__lte=now)
        .select_related("pool", "assignee", "clinician")
        .order_by("due_at")[:limit]
    )
    due_by_id = {t.pk: t.due_at for t in threads}
    done: dict[int, int] = {}
    for thread_id, due_at, level in Escalation.objects.filter(thread_id__in=list(due_by_id)).values_list(
        "thread_id", "due_at", "level"
    ):
        if due_by_id[thread_id] == due_at:
            done[thread_id] = max(done.get(thread_id, 0), level)
    work: list[tuple[int, int]] = []
    for thread in threads:
        level = done.get(thread.pk, 0) + 1
        if level <= EscalationLevel.LONG_OVERDUE and _level_due(thread, level, now):
            work.append((thread.pk, level))
    return work


def escalations_run(*, now: datetime | None = None) -> int:
    """Run every escalation step that has come; return how many steps this call claimed."""
    now = now or timezone.now()
    claimed = 0
    for thread_id, level in escalations_due(now=now):
        thread = (
            Thread.objects.select_related("pool__lead", "assignee", "clinician", "practice")
            .filter(pk=thread_id, status=ThreadStatus.OPEN, due_at__isnull=False)
            .first()
        )
        if thread is None or not _level_due(thread, level, now):
            continue
        if escalation_claim(thread=thread, level=level) is not None:
            claimed += 1
    return claimed



# ---------------------------------------------------------------------------------------------
# configuration


@transaction.atomic
def practice_triage_configure(
    *,
    practice: Practice,
    hours: dict[int, tuple[time, time]] | None = None,
    holidays: dict[date, str] | None = None,
    on_call: User | None = None,
    pool_leads: dict[int, User] | None = None,
) -> Practice:
    """Set a practice's weekly hours (replacing them), add holidays, its on-call clinician and pool
    leads; running it twice with the same values changes nothing."""
    if hours is not None:
        BusinessHours.objects.filter(practice=practice).exclude(weekday__in=list(hours)).delete()
        for weekday, (opens, closes) in hours.items():
            BusinessHours.objects.update_or_create(practice=practice, weekday=weekday,
                                                   defaults={"opens": opens, "closes": closes})
    for day, name in (holidays or {}).items():
        Holiday.objects.update_or_create(practice=practice, date=day, defaults={"name": name})
    if on_call is not None:
        if on_call.role != Role.CLINICIAN or not on_call.memberships.filter(practice=practice, is_active=True).exists():
            raise InvalidInput("The on-call clinician must be an active clinician of the practice.", field="on_call")
        Practice.objects.filter(pk=practice.pk).update(on_call=on_call)
        practice.on_call = on_call
    for pool_id, lead in (pool_leads or {}).items():
        Pool.objects.filter(pk=pool_id, practice=practice).update(lead=lead)
    return practice
