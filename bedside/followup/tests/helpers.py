"""Shared helpers for the follow-up tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from bedside.accounts.models import Practice, User
from bedside.followup import services
from bedside.followup.models import CheckIn, Enrolment, Plan
from bedside.followup.rules import Answers
from bedside.followup.schedule import zone_of


def riverside() -> Practice:
    return Practice.objects.get(name="Riverside Family Medicine")


def knee(practice: Practice | None = None) -> Plan:
    return Plan.objects.get(practice=practice or riverside(), name=services.KNEE_PLAN)


def local_today(practice: Practice) -> date:
    return timezone.now().astimezone(zone_of(practice.timezone)).date()


def enrol(clinician: User, patient: User, *, days_ago: int = 0, now: datetime | None = None) -> Enrolment:
    plan = knee()
    surgery = local_today(plan.practice) - timedelta(days=days_ago)
    return services.enrolment_create(actor=clinician, patient=patient, plan=plan, surgery_date=surgery, now=now)


def sent_check_in(clinician: User, patient: User, day: int = 1) -> CheckIn:
    """Enrol the patient with surgery today and send the day-DAY check-in at its due time."""
    enrolment = enrol(clinician, patient)
    check_in = enrolment.check_ins.get(day=day)
    assert services.check_in_send(check_in_id=check_in.pk, now=check_in.due_at)
    check_in.refresh_from_db()
    return check_in


def answers(**changes: object) -> Answers:
    base: dict[str, object] = {"pain": 3, "fever": False, "temperature_c": None, "wound": False, "calf": False,
                               "breathing": False, "notes": ""}
    base.update(changes)
    return Answers(**base)  # type: ignore[arg-type]
