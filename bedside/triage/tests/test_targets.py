"""Targets from the database: defaults, practice hours, holidays, overrides; threads carry them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bedside.accounts.models import Pool, Practice
from bedside.core.demo import demo_load
from bedside.triage.models import BusinessHours, Holiday, ResponseTarget, TargetUnit
from bedside.triage.selectors import response_target
from bedside.triage.services import practice_triage_configure, thread_targets
from bedside.triage.tests.helpers import lakeside, riverside, send

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")


def test_defaults(demo):
    assert response_target(riverside(), "emergency", "other").describe() == "1 hour"
    assert response_target(riverside(), "urgent", "other").describe() == "4 business hours"
    assert response_target(riverside(), "routine", "other").describe() == "2 business days"
    assert response_target(lakeside(), "routine", "other").describe() == "3 business days"


def test_category_override_beats_general_override(demo):
    ResponseTarget.objects.create(practice=riverside(), urgency="routine", category="", amount=3,
                                  unit=TargetUnit.BUSINESS_DAYS)
    ResponseTarget.objects.create(practice=riverside(), urgency="routine", category="prescription", amount=8,
                                  unit=TargetUnit.BUSINESS_HOURS)
    assert response_target(riverside(), "routine", "billing").describe() == "3 business days"
    assert response_target(riverside(), "routine", "prescription").describe() == "8 business hours"


def test_urgent_friday_afternoon_is_due_monday_in_new_york(demo):
    friday = datetime(2026, 3, 6, 15, tzinfo=NY)  # the weekend the clocks change
    targets = thread_targets(practice=riverside(), urgency="urgent", category="other", start=friday)
    assert targets.due_at == datetime(2026, 3, 9, 10, tzinfo=NY)
    assert targets.warn_at == datetime(2026, 3, 9, 9, tzinfo=NY)  # 3 of the 4 business hours


def test_holidays_and_zone_come_from_the_practice(demo):
    practice = riverside()
    Practice.objects.filter(pk=practice.pk).update(timezone="Europe/Berlin")
    practice.refresh_from_db()
    Holiday.objects.create(practice=practice, date=date(2026, 12, 28), name="Closed")
    start = datetime(2026, 12, 24, 16, tzinfo=ZoneInfo("Europe/Berlin"))  # Thursday
    targets = thread_targets(practice=practice, urgency="urgent", category="other", start=start)
    # Thu 16–17 (1 h), Fri 25 Dec is a demo holiday, Mon 28 closed: Tue 29 08:00 + 3 h.
    assert targets.due_at == datetime(2026, 12, 29, 11, tzinfo=ZoneInfo("Europe/Berlin"))
    assert targets.due_at.astimezone(UTC).hour == 10


def test_emergency_counts_real_hours_at_night(demo):
    saturday_night = datetime(2026, 11, 21, 23, tzinfo=NY)
    targets = thread_targets(practice=riverside(), urgency="emergency", category="other", start=saturday_night)
    assert targets.due_at - saturday_night == timedelta(hours=1)
    assert targets.due_at - targets.warn_at == timedelta(minutes=15)


def test_new_thread_carries_due_warn_and_first_due(pat_bob):
    thread = send(pat_bob, "I have had a fever of 102 since yesterday").thread
    assert thread.due_at is not None and thread.warn_at is not None
    assert thread.created_at < thread.warn_at < thread.due_at and thread.first_due_at == thread.due_at


def test_demo_configuration_is_idempotent(demo, dr_alice, staff_nora):
    users = demo_load()
    practice = riverside()
    assert practice.on_call == users["alice"]
    assert list(BusinessHours.objects.filter(practice=practice).values_list("weekday", "opens", "closes")) == [
        (d, time(8), time(17)) for d in range(5)
    ]
    assert Holiday.objects.filter(practice=practice).count() == 2
    assert Pool.objects.get(practice=practice, name="Nursing").lead == staff_nora
    assert Pool.objects.get(practice=practice, name="Front desk").lead == dr_alice


def test_on_call_must_be_a_clinician_of_the_practice(demo, dr_charlie):
    from bedside.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        practice_triage_configure(practice=riverside(), on_call=dr_charlie)
