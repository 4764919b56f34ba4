"""When check-ins happen: local calendar dates and a local time, turned into UTC instants.

Pure functions (no database): the schedule is what patients are promised, so it is tested on its
own across zones and DST changes. A check-in is due at LOCAL_TIME on surgery day + N in the
practice's zone, whatever the UTC offset is that day. A wall time that does not exist (skipped by
a spring-forward change) is taken with the offset in force before the change, which lands just
after it (02:30 becomes 03:30); a repeated wall time (fall-back) is its first occurrence.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MAX_DAY = 366


def zone_of(name: str) -> ZoneInfo:
    """Return the zone NAME, or UTC for a name zoneinfo does not know (a bad practice setting)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def clean_days(days: Iterable[object]) -> list[int]:
    """Return the plan's days as sorted unique integers 0..MAX_DAY; raise ValueError otherwise."""
    result: set[int] = set()
    for day in days:
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= MAX_DAY:
            raise ValueError(f"check-in days are whole numbers from 0 to {MAX_DAY}")
        result.add(day)
    if not result:
        raise ValueError("a plan needs at least one check-in day")
    return sorted(result)


def check_in_instant(*, surgery_date: date, day: int, local_time: time, zone: str) -> datetime:
    """Return the UTC instant of the check-in DAY days after SURGERY_DATE at LOCAL_TIME in ZONE."""
    local = datetime.combine(surgery_date + timedelta(days=day), local_time, tzinfo=zone_of(zone))
    return local.astimezone(UTC)


def check_in_schedule(*, surgery_date: date, days: Iterable[int], local_time: time, zone: str) -> list[tuple[int, datetime]]:
    """Return (day, UTC instant) for each of the plan's days, in order."""
    return [
        (day, check_in_instant(surgery_date=surgery_date, day=day, local_time=local_time, zone=zone))
        for day in clean_days(days)
    ]
