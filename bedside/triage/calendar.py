"""Business-hours arithmetic: pure functions over (start, weekly hours, holidays, time zone).

No database here, so every rule can be tested with plain values. The clock runs only while
the practice is open. Each day's opening and closing times are wall-clock times in the
practice's zone, turned into instants with zoneinfo before any arithmetic; durations are then
measured in real elapsed time, so a day that changes to or from daylight saving time counts
the hours that really pass (a 00:00–12:00 day on the March change has 11 of them).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Mon–Fri 08:00–17:00 when a practice has configured no hours.
DEFAULT_HOURS: Mapping[int, tuple[time, time]] = {day: (time(8), time(17)) for day in range(5)}
# No practice is closed for longer than this; a calendar with no opening at all is refused.
_HORIZON_DAYS = 400


class NoBusinessHours(ValueError):
    """Raise when the calendar never opens within a year, so no target can be computed."""


@dataclass(frozen=True)
class Calendar:
    """When a practice is open: weekday (0 = Monday) → (opens, closes), closed dates, zone."""

    tz: ZoneInfo
    hours: Mapping[int, tuple[time, time]]
    holidays: Collection[date] = frozenset()

    def _instant(self, day: date, at: time) -> datetime:
        # A wall time inside a spring-forward gap maps past the gap (fold=0), one that occurs
        # twice in the autumn maps to its first occurrence: both are what a clock on the wall shows.
        # Returned in UTC: Python subtracts two datetimes that share a tzinfo by wall clock,
        # which would count 12 hours on a 00:00–12:00 day that really has 11.
        return datetime.combine(day, at, tzinfo=self.tz).astimezone(UTC)

    def day_interval(self, day: date) -> tuple[datetime, datetime] | None:
        """Return the open interval of DAY as aware instants, or None when closed."""
        if day in self.holidays or day.weekday() not in self.hours:
            return None
        opens, closes = self.hours[day.weekday()]
        start, end = self._instant(day, opens), self._instant(day, closes)
        if end <= start:
            return None
        return start, end

    def intervals_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Yield the open intervals that end after MOMENT, clipped to start no earlier than it."""
        day = moment.astimezone(self.tz).date()
        for offset in range(_HORIZON_DAYS):
            interval = self.day_interval(day + timedelta(days=offset))
            if interval is None:
                continue
            start, end = interval
            if end <= moment:
                continue
            yield max(start, moment), end
        return


def _aware(moment: datetime) -> datetime:
    """Return MOMENT in UTC (all arithmetic happens there); refuse naive datetimes."""
    if moment.tzinfo is None:
        raise ValueError("business-hours arithmetic needs aware datetimes")
    return moment.astimezone(UTC)


def add_business_time(start: datetime, duration: timedelta, calendar: Calendar) -> datetime:
    """Return the instant when DURATION of open time has passed since START."""
    start = _aware(start)
    remaining = duration
    if remaining <= timedelta(0):
        return start
    for opens, closes in calendar.intervals_from(start):
        span = closes - opens
        if remaining <= span:
            return opens + remaining
        remaining -= span
    raise NoBusinessHours("The practice calendar has no business hours within a year.")


def add_business_days(start: datetime, days: int, calendar: Calendar) -> datetime:
    """Return the close of the DAYS-th business day after the day START falls on (local date).

    "Within 2 business days" for a message sent Monday means by Wednesday's close; the day of
    arrival never counts, whatever the hour, so a promise never shrinks to a few minutes.
    """
    day = _aware(start).astimezone(calendar.tz).date()
    counted = 0
    for offset in range(1, _HORIZON_DAYS):
        interval = calendar.day_interval(day + timedelta(days=offset))
        if interval is None:
            continue
        counted += 1
        if counted >= max(days, 1):
            return interval[1]
    raise NoBusinessHours("The practice calendar has no business hours within a year.")


def business_time_between(start: datetime, end: datetime, calendar: Calendar) -> timedelta:
    """Return how much open time lies between START and END (zero when END is not later)."""
    start, end = _aware(start), _aware(end)
    total = timedelta(0)
    if end <= start:
        return total
    for opens, closes in calendar.intervals_from(start):
        if opens >= end:
            break
        total += min(closes, end) - opens
    return total


def warn_point(start: datetime, due: datetime, calendar: Calendar | None, fraction: float = 0.75) -> datetime:
    """Return when FRACTION of the window START→DUE has passed (in open time, or real time without a calendar)."""
    start, due = _aware(start), _aware(due)
    if calendar is None or due <= start:
        return start + (due - start) * fraction
    window = business_time_between(start, due, calendar)
    return add_business_time(start, window * fraction, calendar)
