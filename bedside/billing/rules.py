"""Payer rules for online digital E/M services (e-visits): pure functions over plain values.

No database here, so every rule is tested with plain values. The rules (CPT 2020+, CMS):

- The service is a patient-initiated inquiry through the portal from an established patient,
  with the patient's signed (annual) consent to billed e-visits.
- Time is the cumulative time of the billing clinicians during a 7-day period that starts at
  the first clinician action on the inquiry (a time entry or a reply). The period ends at the
  same wall-clock time seven days later in the practice's time zone (so it lasts 167 or 169
  real hours across a daylight-saving change). Time after the period starts a new period only
  when the patient sends a new inquiry; until then it is logged but not billable.
- One claim per period. Physicians and other qualified health professionals report
  99421 (5–10 min), 99422 (11–20), 99423 (21+); qualified non-physician professionals report
  98970, 98971, 98972 for the same bands. Under 5 minutes nothing is billable. When a period has
  physician time, the claim counts physician time only (one claim, one code family).
- Not billable: a clinician-initiated conversation, a non-clinical category (scheduling,
  refills, billing), an E/M visit in the 7 days before the period, a post-operative global
  period covering the period's start, no established relationship, no e-visit consent.

Every line carries the reasons it is or is not billable, in words a biller can check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

PHYSICIAN = "physician"
NPP = "npp"

PHYSICIAN_CODES = ("99421", "99422", "99423")
NPP_CODES = ("98970", "98971", "98972")
# Categories that are not clinical questions: scheduling, refills and billing.
NON_CLINICAL = frozenset({"appointment", "prescription", "billing"})
WINDOW_DAYS = 7
MINIMUM_MINUTES = 5
CONSENT_DAYS = 365


@dataclass(frozen=True)
class Entry:
    """One logged stretch of time: who (and their billing class, '' when none), when, how long."""

    user_id: int
    at: datetime
    minutes: int
    billing_class: str = ""


@dataclass(frozen=True)
class ConsentSpan:
    signed_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class GlobalSpan:
    procedure_date: date
    days: int


@dataclass(frozen=True)
class ThreadFacts:
    """Everything the rules need about one conversation."""

    thread_id: int
    category: str
    tz: ZoneInfo
    patient_initiated: bool
    # Patient messages (the inquiries) and care-team replies, as instants.
    inquiries: Sequence[datetime]
    replies: Sequence[datetime]
    entries: Sequence[Entry]
    # When the care relationship was established (None: no active relationship).
    established_on: date | None
    consents: Sequence[ConsentSpan] = ()
    visits: Sequence[date] = ()
    global_periods: Sequence[GlobalSpan] = ()


@dataclass
class Line:
    """One 7-day period of one thread: the claim it supports, or why it supports none."""

    thread_id: int
    start: datetime
    end: datetime
    minutes: int
    billing_class: str
    provider_id: int | None
    code: str | None
    closed: bool
    reasons: list[str] = field(default_factory=list)
    minutes_by_user: dict[int, int] = field(default_factory=dict)

    @property
    def billable(self) -> bool:
        return self.code is not None


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("billing rules need aware datetimes")
    return moment.astimezone(UTC)


def window_end(start: datetime, tz: ZoneInfo) -> datetime:
    """Return the end of the 7-day period starting at START: same wall-clock time 7 days later."""
    local = _utc(start).astimezone(tz)
    naive_end = local.replace(tzinfo=None) + timedelta(days=WINDOW_DAYS)
    return naive_end.replace(tzinfo=tz).astimezone(UTC)


def code_for(minutes: int, billing_class: str) -> str | None:
    """Return the CPT code for MINUTES of BILLING_CLASS time, or None under 5 minutes."""
    codes = NPP_CODES if billing_class == NPP else PHYSICIAN_CODES
    if minutes < MINIMUM_MINUTES:
        return None
    if minutes <= 10:
        return codes[0]
    if minutes <= 20:
        return codes[1]
    return codes[2]


def windows(facts: ThreadFacts) -> list[tuple[datetime, datetime]]:
    """Return the 7-day periods of a thread, each opened by the first clinician action after an inquiry."""
    actions = sorted([_utc(e.at) for e in facts.entries] + [_utc(r) for r in facts.replies])
    inquiries = sorted(_utc(i) for i in facts.inquiries)
    if not inquiries:
        return []
    out: list[tuple[datetime, datetime]] = []
    inquiry: datetime | None = inquiries[0]
    while inquiry is not None:
        start = next((a for a in actions if a >= inquiry), None)
        if start is None:
            break
        end = window_end(start, facts.tz)
        out.append((start, end))
        inquiry = next((i for i in inquiries if i >= end), None)
    return out


def _consent_reason(facts: ThreadFacts, start: datetime, end: datetime) -> str | None:
    for span in facts.consents:
        signed = _utc(span.signed_at)
        revoked = _utc(span.revoked_at) if span.revoked_at else None
        if signed <= end and signed > start - timedelta(days=CONSENT_DAYS) and (revoked is None or revoked > end):
            return None
    return "no signed e-visit consent in force for this period (annual consent required)"


def _exclusions(facts: ThreadFacts, start: datetime, end: datetime) -> list[str]:
    reasons: list[str] = []
    start_day = start.astimezone(facts.tz).date()
    if not facts.patient_initiated:
        reasons.append("clinician-initiated conversation: e-visits must be initiated by the patient")
    if facts.category in NON_CLINICAL:
        reasons.append(f"non-clinical category ({facts.category}): scheduling, refills and billing are not e-visits")
    if facts.established_on is None or facts.established_on > start_day:
        reasons.append("not an established patient of the practice when the period started")
    for visit in sorted(facts.visits):
        if start_day - timedelta(days=WINDOW_DAYS) <= visit <= start_day:
            reasons.append(f"related E/M visit on {visit.isoformat()}, within the 7 days before the period")
            break
    for span in facts.global_periods:
        last = span.procedure_date + timedelta(days=span.days)
        if span.procedure_date <= start_day <= last:
            reasons.append(
                f"within the {span.days}-day post-operative global period of the procedure on "
                f"{span.procedure_date.isoformat()} (through {last.isoformat()})"
            )
            break
    consent = _consent_reason(facts, start, end)
    if consent:
        reasons.append(consent)
    return reasons


def _band(minutes: int) -> str:
    if minutes <= 10:
        return "5–10"
    if minutes <= 20:
        return "11–20"
    return "21 or more"


def roll_up(facts: ThreadFacts, *, now: datetime) -> list[Line]:
    """Return one line per 7-day period of the thread, billable or not, each with its reasons."""
    lines: list[Line] = []
    for start, end in windows(facts):
        inside = [e for e in facts.entries if start <= _utc(e.at) < end]
        by_class: dict[str, dict[int, int]] = {PHYSICIAN: {}, NPP: {}}
        unbilled_staff = 0
        for entry in inside:
            if entry.billing_class in by_class:
                users = by_class[entry.billing_class]
                users[entry.user_id] = users.get(entry.user_id, 0) + entry.minutes
            else:
                unbilled_staff += entry.minutes
        billing_class = PHYSICIAN if by_class[PHYSICIAN] or not by_class[NPP] else NPP
        counted = by_class[billing_class]
        minutes = sum(counted.values())
        # The claim goes to the clinician with the most time (earliest id on a tie: stable).
        provider = min(counted, key=lambda uid: (-counted[uid], uid)) if counted else None
        reasons = _exclusions(facts, start, end)
        if minutes < MINIMUM_MINUTES:
            reasons.append(f"{minutes} min of clinician time: under the 5-minute minimum")
        code = code_for(minutes, billing_class) if not reasons else None
        explained: list[str] = []
        if code:
            family = "qualified non-physician professional" if billing_class == NPP else "physician/QHP"
            explained.append(
                f"patient-initiated, established patient, consent on file; {minutes} min of {family} "
                f"time in the 7-day period ({_band(minutes)} min) → {code}"
            )
        if billing_class == PHYSICIAN and by_class[NPP]:
            explained.append(
                f"{sum(by_class[NPP].values())} min of non-physician time not counted: one claim per period, "
                "physician time takes it"
            )
        if unbilled_staff:
            explained.append(f"{unbilled_staff} min of clinical staff time not counted (not a billing provider)")
        closed = end <= _utc(now)
        if not closed:
            explained.append("period still open: provisional until it ends")
        lines.append(Line(
            thread_id=facts.thread_id, start=start, end=end, minutes=minutes, billing_class=billing_class,
            provider_id=provider, code=code, closed=closed, reasons=explained + reasons,
            minutes_by_user={**by_class[PHYSICIAN], **by_class[NPP]},
        ))
    return lines


def unassigned_minutes(facts: ThreadFacts) -> int:
    """Return the minutes logged outside every 7-day period (no new inquiry opened one)."""
    spans = windows(facts)
    return sum(e.minutes for e in facts.entries if not any(s <= _utc(e.at) < t for s, t in spans))
