"""Reads for follow-up: progress per enrolment, lists for the care team and the patient."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from bedside.accounts.models import Practice, Role, User
from bedside.consent.models import CareRelationship
from bedside.followup.access import enrolments_visible
from bedside.followup.models import CheckIn, CheckInState, Enrolment, EnrolmentStatus, Plan
from bedside.followup.rules import Answers


@dataclass(frozen=True)
class Progress:
    answered: int
    missed: int
    due: int
    upcoming: int
    total: int


def check_in_status(check_in: CheckIn, *, now: datetime | None = None) -> str:
    """Return what a person should read for a check-in: answered, due, missed, upcoming, skipped or cancelled.

    "Missed" starts when the patient reminder is due (the plan's remind_after_hours after sending).
    """
    now = now or timezone.now()
    if check_in.state == CheckInState.SENT:
        plan = check_in.enrolment.plan
        assert check_in.sent_at is not None
        if now >= check_in.sent_at + timedelta(hours=plan.remind_after_hours):
            return "missed"
        return "due"
    if check_in.state == CheckInState.SCHEDULED:
        return "upcoming"
    return str(check_in.state)


def check_in_answers(check_in: CheckIn) -> Answers | None:
    """Return the stored answers of an answered check-in (decrypted), else None."""
    if not check_in.answers:
        return None
    return Answers.from_dict(json.loads(check_in.answers))


def with_check_ins(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """ENROLMENTS with all their check-ins fetched in one more query, ordered by day (list pages:
    `enrolment_check_ins` then reads them instead of one query per enrolment)."""
    return enrolments.prefetch_related(Prefetch("check_ins", queryset=CheckIn.objects.order_by("day"), to_attr="check_ins_by_day"))


def enrolment_check_ins(*, enrolment: Enrolment) -> list[CheckIn]:
    prefetched = getattr(enrolment, "check_ins_by_day", None)
    if prefetched is not None:
        return list(prefetched)
    return list(enrolment.check_ins.select_related("enrolment__plan").order_by("day"))


def enrolment_progress(*, enrolment: Enrolment, now: datetime | None = None) -> Progress:
    counts = {"answered": 0, "missed": 0, "due": 0, "upcoming": 0}
    rows = enrolment_check_ins(enrolment=enrolment)
    for row in rows:
        status = check_in_status(row, now=now)
        if status in counts:
            counts[status] += 1
    return Progress(total=len(rows), **counts)


def enrolment_list(*, user: User) -> QuerySet[Enrolment]:
    return (
        enrolments_visible(user).select_related("plan", "patient", "clinician", "practice")
        .order_by("status", "-created_at")
    )


def plans_for(*, user: User) -> QuerySet[Plan]:
    """Return the active plans of the practices USER belongs to."""
    practices = user.memberships.filter(is_active=True).values("practice_id")
    return Plan.objects.filter(practice_id__in=practices, is_active=True).select_related("practice").order_by("name")


def enrolable_patients(*, user: User) -> QuerySet[User]:
    """Return the patients with an active care relationship at a practice of USER."""
    practices = user.memberships.filter(is_active=True).values("practice_id")
    patient_ids = CareRelationship.objects.filter(practice_id__in=practices, ended_at__isnull=True).values("patient_id")
    return User.objects.filter(pk__in=patient_ids, role=Role.PATIENT, is_active=True).order_by("full_name", "pk")


def active_enrolments_of(*, patient: User, practice: Practice) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(patient=patient, practice=practice, status=EnrolmentStatus.ACTIVE)


def sent_check_ins_open(*, enrolment: Enrolment) -> QuerySet[CheckIn]:
    return enrolment.check_ins.filter(state=CheckInState.SENT)
