"""Response-time metrics per practice, pool and clinician, and their charts as inline SVG.

Definitions (docs/triage.md):
- volume: threads started per local day of the practice, over the period;
- time to first response: first care-team message minus the thread's start (answered threads);
- median and 90th percentile by nearest rank (the 90th percentile is a value that occurred);
- within target: answered by the first target (first_due_at), over threads answered or already
  past that target; threads still inside their window are not counted either way;
- overdue now: open threads past their current due time (whenever they started).
Groups: a pool is the thread's pool; a clinician is the thread's clinician (the patient's own).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Min, OuterRef, Subquery
from django.utils import timezone

from bedside.accounts.models import Practice
from bedside.messaging.models import Message, MessageKind, Thread, ThreadStatus
from bedside.triage.selectors import practice_zone

DEFAULT_DAYS = 30


def percentile(values: Sequence[timedelta], p: float) -> timedelta | None:
    """Return the nearest-rank P-th percentile of VALUES (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(math.ceil(p / 100 * len(ordered)), 1)
    return ordered[rank - 1]


def median(values: Sequence[timedelta]) -> timedelta | None:
    if not values:
        return None
    seconds = statistics.median(v.total_seconds() for v in values)
    return timedelta(seconds=seconds)


@dataclass
class Row:
    pk: int
    created_at: datetime
    pool_id: int | None
    pool_name: str
    clinician_id: int | None
    clinician_name: str
    status: str
    due_at: datetime | None
    first_due_at: datetime | None
    first_response_at: datetime | None


@dataclass
class Stats:
    label: str
    volume: int = 0
    median_first_response: timedelta | None = None
    p90_first_response: timedelta | None = None
    within_target: float | None = None
    overdue_now: int = 0
    answered: int = 0

    @property
    def median_text(self) -> str:
        return format_duration(self.median_first_response)

    @property
    def p90_text(self) -> str:
        return format_duration(self.p90_first_response)

    @property
    def within_text(self) -> str:
        return "—" if self.within_target is None else f"{self.within_target * 100:.0f}%"


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    peak: int
    first_label: str
    last_label: str


@dataclass
class PracticeMetrics:
    practice: Practice
    since: date
    until: date
    overall: Stats
    pools: list[Stats] = field(default_factory=list)
    clinicians: list[Stats] = field(default_factory=list)
    per_day: list[tuple[date, int]] = field(default_factory=list)
    chart: Chart | None = None
    # (label, percent, bar width, row offset) per pool with a share to show; SVG user units.
    target_chart: list[tuple[str, float, float, int]] = field(default_factory=list)

    @property
    def target_height(self) -> int:
        return 10 * len(self.target_chart) + 2


def _rows(practice: Practice, since: datetime) -> list[Row]:
    first_reply = (
        Message.objects.filter(thread=OuterRef("pk"), kind=MessageKind.CARE_TEAM)
        .values("thread").annotate(first=Min("sent_at")).values("first")[:1]
    )
    qs = (
        Thread.objects.filter(practice=practice, created_at__gte=since)
        .select_related("pool", "clinician__clinician_profile")
        .annotate(first_response_at=Subquery(first_reply))
    )
    rows = []
    for t in qs:
        rows.append(Row(
            pk=t.pk, created_at=t.created_at, pool_id=t.pool_id, pool_name=t.pool.name if t.pool else "Clinicians",
            clinician_id=t.clinician_id, clinician_name=t.clinician.display_name if t.clinician else "No clinician",
            status=t.status, due_at=t.due_at, first_due_at=t.first_due_at,
            first_response_at=t.first_response_at,  # type: ignore[attr-defined]
        ))
    return rows


def stats_for(label: str, rows: Iterable[Row], overdue: int, now: datetime) -> Stats:
    """Return the numbers for ROWS (threads started in the period) and OVERDUE (open and late now)."""
    rows = list(rows)
    waits = [r.first_response_at - r.created_at for r in rows if r.first_response_at is not None]
    judged = met = 0
    for r in rows:
        if r.first_due_at is None:
            continue
        if r.first_response_at is not None:
            judged += 1
            met += r.first_response_at <= r.first_due_at
        elif r.first_due_at < now:
            judged += 1
    return Stats(
        label=label, volume=len(rows), median_first_response=median(waits), p90_first_response=percentile(waits, 90),
        within_target=(met / judged) if judged else None, overdue_now=overdue, answered=len(waits),
    )


def volume_chart(per_day: Sequence[tuple[date, int]], *, width: int = 640, height: int = 160) -> Chart:
    """Lay out one bar per day (SVG user units); the tallest bar fills the height."""
    peak = max((n for _, n in per_day), default=0)
    slot = width / max(len(per_day), 1)
    bars = []
    for i, (day, n) in enumerate(per_day):
        h = (n / peak * (height - 10)) if peak else 0.0
        bars.append(Bar(x=round(i * slot + 1, 2), y=round(height - h, 2), width=round(max(slot - 2, 1), 2),
                        height=round(h, 2), label=f"{day:%b} {day.day}", value=n))
    return Chart(width=width, height=height, bars=bars, peak=peak,
                 first_label=bars[0].label if bars else "", last_label=bars[-1].label if bars else "")


def practice_metrics(*, practice: Practice, days: int = DEFAULT_DAYS, now: datetime | None = None) -> PracticeMetrics:
    """Return the practice's numbers over the last DAYS local days (today included)."""
    now = now or timezone.now()
    tz = practice_zone(practice)
    until = now.astimezone(tz).date()
    since_day = until - timedelta(days=days - 1)
    since = datetime.combine(since_day, datetime.min.time(), tzinfo=tz)
    rows = _rows(practice, since)
    overdue = list(
        Thread.objects.filter(practice=practice, status=ThreadStatus.OPEN, due_at__lt=now)
        .values_list("pool_id", "clinician_id")
    )
    by_pool: dict[int | None, list[Row]] = defaultdict(list)
    by_clinician: dict[int | None, list[Row]] = defaultdict(list)
    for r in rows:
        by_pool[r.pool_id].append(r)
        by_clinician[r.clinician_id].append(r)
    pool_names = {r.pool_id: r.pool_name for r in rows}
    pool_names.update({pool.pk: pool.name for pool in practice.pools.all()})
    clinician_names = {r.clinician_id: r.clinician_name for r in rows}
    pools = [
        stats_for(pool_names.get(pid, "Clinicians"), by_pool.get(pid, []), sum(1 for p, _ in overdue if p == pid), now)
        for pid in sorted(set(by_pool) | {p for p, _ in overdue} | set(pool_names), key=lambda k: pool_names.get(k, ""))
    ]
    clinicians = [
        stats_for(clinician_names.get(cid, "No clinician"), by_clinician[cid],
                  sum(1 for _, c in overdue if c == cid), now)
        for cid in sorted(by_clinician, key=lambda k: clinician_names.get(k, ""))
    ]
    counts: dict[date, int] = defaultdict(int)
    for r in rows:
        counts[r.created_at.astimezone(tz).date()] += 1
    per_day = [(since_day + timedelta(days=i), counts.get(since_day + timedelta(days=i), 0)) for i in range(days)]
    overall = stats_for(practice.name, rows, len(overdue), now)
    shown = [s for s in pools if s.within_target is not None]
    target_chart = [
        (s.label, round((s.within_target or 0) * 100, 1), round((s.within_target or 0) * 300, 1), 10 * i)
        for i, s in enumerate(shown)
    ]
    return PracticeMetrics(practice=practice, since=since_day, until=until, overall=overall, pools=pools,
                           clinicians=clinicians, per_day=per_day, chart=volume_chart(per_day),
                           target_chart=target_chart)


def format_duration(value: timedelta | None) -> str:
    """Return "2 h 05 min", "35 min" or "3 d 4 h" (— when there is nothing to show)."""
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"
