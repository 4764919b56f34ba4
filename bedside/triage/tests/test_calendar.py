"""Business-hours arithmetic without the database: weekends, holidays, zones and DST days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bedside.triage.calendar import (
    DEFAULT_HOURS,
    Calendar,
    NoBusinessHours,
    add_business_days,
    add_business_time,
    business_time_between,
    warn_point,
)

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
H = timedelta(hours=1)


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)


def cal(tz: ZoneInfo = NY, holidays: frozenset[date] = frozenset(), hours=DEFAULT_HOURS) -> Calendar:
    return Calendar(tz=tz, hours=hours, holidays=holidays)


def test_within_one_day():
    assert add_business_time(ny(2026, 11, 23, 9), 4 * H, cal()) == ny(2026, 11, 23, 13)


def test_before_opening_and_after_closing_start_at_the_next_opening():
    assert add_business_time(ny(2026, 11, 23, 6), H, cal()) == ny(2026, 11, 23, 9)
    assert add_business_time(ny(2026, 11, 23, 18), H, cal()) == ny(2026, 11, 24, 9)


def test_weekend_is_skipped():
    # Friday 15:00 + 4 business hours: 2 on Friday, 2 on Monday.
    assert add_business_time(ny(2026, 11, 20, 15), 4 * H, cal()) == ny(2026, 11, 23, 10)
    assert add_business_time(ny(2026, 11, 21, 10), H, cal()) == ny(2026, 11, 23, 9)


def test_holidays_are_skipped():
    thanksgiving = frozenset({date(2026, 11, 26)})
    assert add_business_time(ny(2026, 11, 25, 16), 4 * H, cal(holidays=thanksgiving)) == ny(2026, 11, 27, 11)
    both = thanksgiving | {date(2026, 11, 27)}
    assert add_business_time(ny(2026, 11, 25, 16), 4 * H, cal(holidays=both)) == ny(2026, 11, 30, 11)


def test_march_dst_weekend_new_york():
    # Friday 6 March 15:00 EST (20:00Z) + 4h: Monday 9 March 10:00 EDT, which is 14:00Z (not 15:00Z).
    due = add_business_time(datetime(2026, 3, 6, 20, tzinfo=UTC), 4 * H, cal())
    assert due == datetime(2026, 3, 9, 14, tzinfo=UTC)
    assert due.astimezone(NY).hour == 10
    assert due - datetime(2026, 3, 6, 20, tzinfo=UTC) == timedelta(hours=66)  # the night lost an hour


def test_november_dst_weekend_new_york():
    # Friday 30 October 15:00 EDT (19:00Z) + 4h: Monday 2 November 10:00 EST = 15:00Z.
    due = add_business_time(datetime(2026, 10, 30, 19, tzinfo=UTC), 4 * H, cal())
    assert due == datetime(2026, 11, 2, 15, tzinfo=UTC)
    assert due - datetime(2026, 10, 30, 19, tzinfo=UTC) == timedelta(hours=68)  # the night gained one


def test_hours_across_the_change_itself_count_real_time():
    sunday_morning = {6: (time(0), time(12))}
    spring, autumn = cal(hours=sunday_morning), cal(hours=sunday_morning)
    assert business_time_between(ny(2026, 3, 8, 0), ny(2026, 3, 8, 12), spring) == 11 * H
    assert business_time_between(ny(2026, 11, 1, 0), ny(2026, 11, 1, 12), autumn) == 13 * H
    # Three real hours after midnight on the March change is 04:00 on the wall.
    due = add_business_time(ny(2026, 3, 8, 0), 3 * H, spring)
    assert due == datetime(2026, 3, 8, 8, tzinfo=UTC) and due.astimezone(NY).hour == 4
    # In November, three hours after midnight is 02:00 (01:00 happened twice).
    due = add_business_time(ny(2026, 11, 1, 0), 3 * H, autumn)
    assert due == datetime(2026, 11, 1, 7, tzinfo=UTC) and due.astimezone(NY).hour == 2


def test_europe_berlin_changes_on_its_own_day():
    # Berlin moves its clocks on 29 March 2026, three weeks after New York.
    berlin = cal(tz=BERLIN)
    due = add_business_time(datetime(2026, 3, 27, 15, tzinfo=UTC), 2 * H, berlin)  # Friday 16:00 CET
    assert due == datetime(2026, 3, 30, 7, tzinfo=UTC)  # Monday 09:00 CEST
    assert due.astimezone(BERLIN).hour == 9
    # The same instant is 11:00 EDT for a New York practice: two hours later is 13:00 that Friday.
    assert add_business_time(datetime(2026, 3, 27, 15, tzinfo=UTC), 2 * H, cal()) == ny(2026, 3, 27, 13)


def test_business_days_end_at_the_close_of_the_nth_day_after_arrival():
    assert add_business_days(ny(2026, 11, 23, 10), 2, cal()) == ny(2026, 11, 25, 17)
    assert add_business_days(ny(2026, 11, 20, 16), 2, cal()) == ny(2026, 11, 24, 17)  # Friday → Tuesday
    assert add_business_days(ny(2026, 11, 21, 12), 2, cal()) == ny(2026, 11, 24, 17)  # Saturday → Tuesday
    closed_monday = frozenset({date(2026, 11, 23)})
    assert add_business_days(ny(2026, 11, 20, 16), 2, cal(holidays=closed_monday)) == ny(2026, 11, 25, 17)


def test_business_time_between_and_warn_point():
    start, due = ny(2026, 11, 23, 16), ny(2026, 11, 24, 11)
    assert business_time_between(start, due, cal()) == 4 * H
    assert warn_point(start, due, cal()) == ny(2026, 11, 24, 10)
    assert business_time_between(due, start, cal()) == timedelta(0)
    # Without a calendar (emergencies), the window is real time.
    assert warn_point(ny(2026, 11, 23, 16), ny(2026, 11, 23, 17), None) == ny(2026, 11, 23, 16, 45)


def test_refuses_naive_datetimes_and_calendars_that_never_open():
    with pytest.raises(ValueError):
        add_business_time(datetime(2026, 11, 23, 9), H, cal())
    with pytest.raises(NoBusinessHours):
        add_business_time(ny(2026, 11, 23, 9), H, cal(hours={}))
