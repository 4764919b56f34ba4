"""The schedule patients are promised: local 09:00 on each day, whatever the UTC offset that day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bedside.followup.schedule import check_in_instant, check_in_schedule, clean_days

KNEE = [1, 3, 7, 14, 30]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_new_york_spring_forward_week_keeps_nine_local():
    # DST starts Sunday 2026-03-08 at 02:00 in New York: 09:00 is 14:00 UTC before, 13:00 UTC after.
    schedule = dict(check_in_schedule(surgery_date=date(2026, 3, 6), days=[1, 2, 3, 7], local_time=time(9),
                                      zone="America/New_York"))
    assert schedule == {1: utc(2026, 3, 7, 14), 2: utc(2026, 3, 8, 13), 3: utc(2026, 3, 9, 13), 7: utc(2026, 3, 13, 13)}
    zone = ZoneInfo("America/New_York")
    assert {at.astimezone(zone).time() for at in schedule.values()} == {time(9)}


def test_berlin_across_the_european_change():
    # Europe/Berlin goes from UTC+1 to UTC+2 on Sunday 2026-03-29.
    schedule = dict(check_in_schedule(surgery_date=date(2026, 3, 27), days=KNEE, local_time=time(9),
                                      zone="Europe/Berlin"))
    assert schedule[1] == utc(2026, 3, 28, 8)
    assert schedule[3] == utc(2026, 3, 30, 7)
    assert schedule[30] == utc(2026, 4, 26, 7)


def test_auckland_autumn_change_and_a_local_date_ahead_of_utc():
    # Pacific/Auckland leaves daylight time (UTC+13 → UTC+12) on Sunday 2026-04-05; 09:00 there is
    # the previous evening in UTC.
    schedule = dict(check_in_schedule(surgery_date=date(2026, 4, 3), days=[1, 3], local_time=time(9),
                                      zone="Pacific/Auckland"))
    assert schedule == {1: utc(2026, 4, 3, 20), 3: utc(2026, 4, 5, 21)}


def test_same_surgery_date_is_a_different_instant_in_each_zone():
    instants = {
        zone: check_in_instant(surgery_date=date(2026, 7, 1), day=1, local_time=time(9), zone=zone)
        for zone in ("America/New_York", "Europe/Berlin", "Pacific/Auckland")
    }
    assert instants == {"America/New_York": utc(2026, 7, 2, 13), "Europe/Berlin": utc(2026, 7, 2, 7),
                        "Pacific/Auckland": utc(2026, 7, 1, 21)}


def test_a_skipped_wall_time_lands_just_after_the_change_and_a_repeated_one_is_the_first():
    gap = check_in_instant(surgery_date=date(2026, 3, 7), day=1, local_time=time(2, 30), zone="America/New_York")
    assert gap == utc(2026, 3, 8, 7, 30)  # 03:30 EDT
    repeated = check_in_instant(surgery_date=date(2026, 10, 31), day=1, local_time=time(1, 30),
                                zone="America/New_York")
    assert repeated == utc(2026, 11, 1, 5, 30)  # 01:30 EDT, the first of the two


def test_unknown_zone_falls_back_to_utc():
    assert check_in_instant(surgery_date=date(2026, 1, 1), day=1, local_time=time(9), zone="Mars/Olympus") == utc(2026, 1, 2, 9)


def test_days_are_cleaned_and_bad_ones_refused():
    assert clean_days([7, 1, 3, 1]) == [1, 3, 7]
    for bad in ([], [-1], [400], ["3"], [True], [1.5]):
        with pytest.raises(ValueError):
            clean_days(bad)
