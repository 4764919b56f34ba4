"""The payer rules as pure functions: codes, 7-day windows (boundaries, DST), every exclusion alone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bedside.billing import rules
from bedside.billing.rules import NPP, PHYSICIAN, ConsentSpan, Entry, GlobalSpan, ThreadFacts

NY = ZoneInfo("America/New_York")
T0 = datetime(2026, 6, 1, 9, 0, tzinfo=NY)  # Monday, no DST change nearby
LATER = datetime(2027, 6, 1, tzinfo=UTC)  # "now": every window closed
ALICE, NINA, ERIN, OMAR = 1, 2, 3, 4


def facts(entries: list[Entry] | None = None, **overrides: Any) -> ThreadFacts:
    data: dict[str, Any] = {
        "thread_id": 7,
        "category": "medical_question",
        "tz": NY,
        "patient_initiated": True,
        "inquiries": [T0],
        "replies": [],
        "entries": entries if entries is not None else [],
        "established_on": date(2025, 1, 1),
        "consents": [ConsentSpan(signed_at=datetime(2026, 1, 1, tzinfo=UTC))],
        "visits": [],
        "global_periods": [],
    }
    data.update(overrides)
    return ThreadFacts(**data)


def doc(minutes: int, at: datetime = T0 + timedelta(hours=1), user: int = ALICE, cls: str = PHYSICIAN) -> Entry:
    return Entry(user_id=user, at=at, minutes=minutes, billing_class=cls)


def one(f: ThreadFacts) -> rules.Line:
    lines = rules.roll_up(f, now=LATER)
    assert len(lines) == 1
    return lines[0]


@pytest.mark.parametrize(
    ("minutes", "code"),
    [(1, None), (4, None), (5, "99421"), (10, "99421"), (11, "99422"), (20, "99422"), (21, "99423"), (95, "99423")],
)
def test_physician_bands(minutes: int, code: str | None) -> None:
    line = one(facts([doc(minutes)]))
    assert line.code == code
    assert line.minutes == minutes
    if code is None:
        assert any("under the 5-minute minimum" in r for r in line.reasons)
    else:
        assert any(f"→ {code}" in r for r in line.reasons)


@pytest.mark.parametrize(("minutes", "code"), [(4, None), (5, "98970"), (10, "98970"), (11, "98971"),
                                               (20, "98971"), (21, "98972")])
def test_npp_bands(minutes: int, code: str | None) -> None:
    line = one(facts([doc(minutes, user=NINA, cls=NPP)]))
    assert line.code == code and line.billing_class == NPP
    if code:
        assert line.provider_id == NINA and "non-physician" in line.reasons[0]


def test_time_is_cumulative_across_entries_and_physicians() -> None:
    line = one(facts([doc(3), doc(3, at=T0 + timedelta(days=2)), doc(7, at=T0 + timedelta(days=3), user=OMAR)]))
    assert line.minutes == 13 and line.code == "99422"
    assert line.provider_id == OMAR  # the most time takes the claim
    assert line.minutes_by_user == {ALICE: 6, OMAR: 7}


def test_provider_tie_is_stable() -> None:
    line = one(facts([doc(5, user=OMAR), doc(5, user=ALICE, at=T0 + timedelta(hours=2))]))
    assert line.provider_id == ALICE


def test_physician_time_takes_the_single_claim_npp_time_is_explained() -> None:
    line = one(facts([doc(6), doc(30, user=NINA, cls=NPP)]))
    assert line.code == "99421" and line.minutes == 6
    assert any("30 min of non-physician time not counted" in r for r in line.reasons)


def test_staff_time_never_counts() -> None:
    line = one(facts([doc(4), doc(30, user=ERIN, cls="")]))
    assert line.code is None and line.minutes == 4
    assert any("30 min of clinical staff time not counted" in r for r in line.reasons)


def test_window_starts_at_first_clinician_action_reply_or_entry() -> None:
    reply = T0 + timedelta(hours=3)
    f = facts([doc(5, at=T0 + timedelta(days=6, hours=23))], replies=[reply])
    line = one(f)
    assert line.start == reply.astimezone(UTC)
    assert line.end == (reply + timedelta(days=7)).astimezone(UTC)
    # The entry 6 d 23 h after the inquiry is 6 d 20 h after the reply: inside.
    assert line.code == "99421"


def test_window_end_minus_and_plus_one_minute() -> None:
    start = T0 + timedelta(hours=1)
    inside = start + timedelta(days=7) - timedelta(minutes=1)
    outside = start + timedelta(days=7) + timedelta(minutes=1)
    line = one(facts([doc(5, at=start), doc(6, at=inside), doc(30, at=outside)]))
    assert line.minutes == 11 and line.code == "99422"
    f = facts([doc(5, at=start), doc(6, at=inside), doc(30, at=outside)])
    assert rules.unassigned_minutes(f) == 30  # after the window, without a new inquiry: not billable


def test_window_end_is_exclusive() -> None:
    start = T0 + timedelta(hours=1)
    line = one(facts([doc(5, at=start), doc(6, at=start + timedelta(days=7))]))
    assert line.minutes == 5


def test_new_inquiry_after_window_opens_a_new_window() -> None:
    start = T0 + timedelta(hours=1)
    second_inquiry = start + timedelta(days=8)
    f = facts([doc(6, at=start), doc(3, at=start + timedelta(days=7, hours=1)),
               doc(12, at=second_inquiry + timedelta(hours=2))], inquiries=[T0, second_inquiry])
    lines = rules.roll_up(f, now=LATER)
    assert [ln.code for ln in lines] == ["99421", "99422"]
    assert lines[1].start == (second_inquiry + timedelta(hours=2)).astimezone(UTC)
    assert rules.unassigned_minutes(f) == 3  # logged between the windows


def test_inquiry_inside_a_window_does_not_open_another() -> None:
    start = T0 + timedelta(hours=1)
    f = facts([doc(6, at=start), doc(6, at=start + timedelta(days=3, hours=1))],
              inquiries=[T0, start + timedelta(days=3)])
    line = one(f)
    assert line.minutes == 12 and line.code == "99422"


def test_window_across_autumn_dst_lasts_169_hours() -> None:
    # US DST ends Sunday 1 Nov 2026: the window ends at the same wall-clock time, 169 real hours later.
    start = datetime(2026, 10, 30, 10, 0, tzinfo=NY)
    # Real elapsed time: aware arithmetic within one tzinfo would count wall-clock hours.
    in_extra_hour = start.astimezone(UTC) + timedelta(hours=168, minutes=30)  # 09:30 EST on 6 Nov: inside
    assert in_extra_hour.astimezone(NY).hour == 9
    f = facts([doc(5, at=start), doc(6, at=in_extra_hour)], inquiries=[start - timedelta(hours=1)])
    line = one(f)
    assert line.end - line.start == timedelta(hours=169)
    assert line.end.astimezone(NY).replace(tzinfo=None) == datetime(2026, 11, 6, 10, 0)
    assert line.minutes == 11 and line.code == "99422"


def test_window_across_spring_dst_lasts_167_hours() -> None:
    # US DST starts Sunday 8 Mar 2026: the window is one real hour shorter.
    start = datetime(2026, 3, 6, 10, 0, tzinfo=NY)
    after_local_end = start.astimezone(UTC) + timedelta(hours=167, minutes=30)  # 10:30 EDT on 13 Mar: outside
    f = facts([doc(5, at=start), doc(6, at=after_local_end)], inquiries=[start - timedelta(hours=1)])
    line = one(f)
    assert line.end - line.start == timedelta(hours=167)
    assert line.minutes == 5 and line.code == "99421"


def test_window_end_needs_aware_times() -> None:
    with pytest.raises(ValueError):
        rules.window_end(datetime(2026, 1, 1), NY)


# ---- exclusions, each alone (everything else billable: 12 physician minutes)


def _excluded(f: ThreadFacts, phrase: str) -> None:
    line = one(f)
    assert line.code is None
    assert any(phrase in r for r in line.reasons), line.reasons


BILLABLE = [doc(12)]


def test_baseline_is_billable() -> None:
    line = one(facts(BILLABLE))
    assert line.code == "99422" and line.billable and line.closed


def test_clinician_initiated_is_not_billable() -> None:
    _excluded(facts(BILLABLE, patient_initiated=False), "clinician-initiated")


@pytest.mark.parametrize("category", ["appointment", "prescription", "billing"])
def test_non_clinical_categories(category: str) -> None:
    _excluded(facts(BILLABLE, category=category), f"non-clinical category ({category})")


@pytest.mark.parametrize("category", ["medical_question", "post_op", "other"])
def test_clinical_categories_bill(category: str) -> None:
    assert one(facts(BILLABLE, category=category)).code == "99422"


def test_em_visit_in_previous_seven_days() -> None:
    _excluded(facts(BILLABLE, visits=[date(2026, 5, 25)]), "related E/M visit on 2026-05-25")  # 7 days before
    _excluded(facts(BILLABLE, visits=[date(2026, 6, 1)]), "related E/M visit")  # same day
    assert one(facts(BILLABLE, visits=[date(2026, 5, 24)])).code == "99422"  # 8 days before: billable
    assert one(facts(BILLABLE, visits=[date(2026, 6, 2)])).code == "99422"  # after the start: not "previous"


def test_global_period() -> None:
    _excluded(facts(BILLABLE, global_periods=[GlobalSpan(date(2026, 5, 22), 10)]), "10-day post-operative")
    _excluded(facts(BILLABLE, global_periods=[GlobalSpan(date(2026, 3, 3), 90)]), "90-day post-operative")
    assert one(facts(BILLABLE, global_periods=[GlobalSpan(date(2026, 5, 21), 10)])).code == "99422"  # ended 31 May


def test_no_consent() -> None:
    _excluded(facts(BILLABLE, consents=[]), "no signed e-visit consent")


def test_revoked_consent() -> None:
    revoked = ConsentSpan(signed_at=datetime(2026, 1, 1, tzinfo=UTC), revoked_at=datetime(2026, 6, 2, tzinfo=UTC))
    _excluded(facts(BILLABLE, consents=[revoked]), "no signed e-visit consent")


def test_consent_older_than_a_year() -> None:
    _excluded(facts(BILLABLE, consents=[ConsentSpan(signed_at=datetime(2025, 5, 1, tzinfo=UTC))]), "annual consent")


def test_consent_signed_during_the_window_counts() -> None:
    assert one(facts(BILLABLE, consents=[ConsentSpan(signed_at=datetime(2026, 6, 3, tzinfo=UTC))])).code == "99422"


def test_not_established() -> None:
    _excluded(facts(BILLABLE, established_on=None), "not an established patient")
    _excluded(facts(BILLABLE, established_on=date(2026, 6, 2)), "not an established patient")


def test_several_reasons_are_all_given() -> None:
    line = one(facts([doc(3)], category="billing", consents=[]))
    assert len([r for r in line.reasons if "billing" in r or "consent" in r or "minimum" in r]) == 3


def test_no_action_no_window_and_open_window_is_provisional() -> None:
    assert rules.roll_up(facts([]), now=LATER) == []
    assert rules.roll_up(facts([doc(5)], inquiries=[]), now=LATER) == []
    line = rules.roll_up(facts([doc(5)]), now=T0 + timedelta(days=2))[0]
    assert not line.closed and any("provisional" in r for r in line.reasons)
