"""The demo (idempotent, with its sample activity when conversations are on) and the thin tasks."""

from __future__ import annotations

import pytest

from bedside.core.demo import demo_load
from bedside.followup import tasks
from bedside.followup.models import CheckInState, Enrolment, Plan
from bedside.followup.tests.helpers import enrol

pytestmark = pytest.mark.django_db


def test_demo_seeds_the_template_for_both_practices_without_activity_in_tests(demo):
    assert Plan.objects.filter(name="Total knee replacement").count() == 2
    plan = Plan.objects.get(practice__name="Riverside Family Medicine")
    assert plan.check_in_days == [1, 3, 7, 14, 30]
    assert {(r.question, r.urgency) for r in plan.rules.all()} >= {("breathing", "emergency"), ("calf", "urgent")}
    assert not Enrolment.objects.exists()


def test_demo_enrols_bob_with_one_answered_and_one_due_once(settings, db):
    settings.BEDSIDE_DEMO_CONVERSATIONS = True
    users = demo_load()
    enrolment = Enrolment.objects.get(patient=users["bob"])
    states = dict(enrolment.check_ins.values_list("day", "state"))
    assert states == {1: "answered", 3: "sent", 7: "scheduled", 14: "scheduled", 30: "scheduled"}
    assert enrolment.clinician == users["alice"]
    messages = enrolment.thread.messages.count() if enrolment.thread else 0
    demo_load()
    assert Enrolment.objects.count() == 1 and Plan.objects.count() == 2
    assert enrolment.thread is not None and enrolment.thread.messages.count() == messages


def test_the_send_task_claims_like_the_sweep(dr_alice, pat_bob):
    enrolment = enrol(dr_alice, pat_bob, days_ago=1)
    day1 = enrolment.check_ins.get(day=1)
    # Surgery was yesterday: today's 09:00 check-in may be due already (the enrolment then queued
    # it); either way the task sends it at most once.
    tasks.send_check_in(day1.pk)
    tasks.send_check_in(day1.pk)
    day1.refresh_from_db()
    assert day1.state in {CheckInState.SENT, CheckInState.SCHEDULED}
    assert enrolment.check_ins.filter(state=CheckInState.SENT).count() <= 1
    tasks.followup_sweep()


def test_admin_form_checks_the_days(demo):
    from bedside.followup.admin import PlanForm

    plan = Plan.objects.get(practice__name="Riverside Family Medicine")
    data = {"practice": plan.practice_id, "name": "Hip", "check_in_time": "09:00", "remind_after_hours": 24,
            "alert_after_hours": 24, "is_active": True}
    assert not PlanForm(data=dict(data, check_in_days="[1, -3]")).is_valid()
    good = PlanForm(data=dict(data, check_in_days="[7, 1]"))
    assert good.is_valid(), good.errors
    assert good.cleaned_data["check_in_days"] == [1, 7]
