"""REST API for e-visit time and the billing report (JSON; same access rules and audit as the web)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from bedside.accounts.models import Role, User
from bedside.audit.services import client_ip
from bedside.billing import rules, selectors, services
from bedside.billing.access import access_thread_for_time, billing_practice
from bedside.core.errors import InvalidInput

router = Router(tags=["billing"])


class ErrorOut(Schema):
    code: str
    message: str


class TimeIn(Schema):
    minutes: int = Field(ge=1, le=600)
    performed_at: datetime | None = Field(default=None, description="When the work started; default now.")
    note: str = Field(default="", max_length=500)


class TimeEntryOut(Schema):
    id: int
    user_id: int
    minutes: int
    performed_at: datetime
    source: str


class LineOut(Schema):
    start: datetime
    end: datetime
    minutes: int
    billing_class: str
    provider_id: int | None
    code: str | None
    billable: bool
    final: bool
    reasons: list[str]


class ThreadTimeOut(Schema):
    entries: list[TimeEntryOut]
    lines: list[LineOut]


class ReportQuery(Schema):
    start: date
    end: date
    clinician: int | None = Field(default=None, ge=1, le=2**63 - 1)


class ReportLineOut(LineOut):
    patient_ref: str
    thread_id: int


class ReportOut(Schema):
    items: list[ReportLineOut]


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _line(line: rules.Line) -> dict[str, object]:
    return {"start": line.start, "end": line.end, "minutes": line.minutes, "billing_class": line.billing_class,
            "provider_id": line.provider_id, "code": line.code, "billable": line.billable, "final": line.closed,
            "reasons": line.reasons}


@router.post("/threads/{thread_id}/time", response={201: TimeEntryOut, 400: ErrorOut, 401: ErrorOut,
                                                    403: ErrorOut, 404: ErrorOut})
def time_add(request: HttpRequest, thread_id: str, payload: TimeIn) -> Status[TimeEntryOut]:
    """Log minutes of your time on a thread you handle (care team)."""
    user = _user(request)
    thread = access_thread_for_time(user, thread_id)
    performed_at = payload.performed_at or timezone.now()
    if timezone.is_naive(performed_at):
        raise InvalidInput("Give performed_at with its time zone offset.", field="performed_at")
    entry = services.time_entry_add(actor=user, thread=thread, minutes=payload.minutes, performed_at=performed_at,
                                    note=payload.note, ip=client_ip(request), channel="api")
    return Status(201, TimeEntryOut(id=entry.pk, user_id=entry.user_id, minutes=entry.minutes,
                                    performed_at=entry.performed_at, source=entry.source))


@router.get("/threads/{thread_id}/time", response={200: ThreadTimeOut, 401: ErrorOut, 404: ErrorOut})
def time_list(request: HttpRequest, thread_id: str) -> ThreadTimeOut:
    """List the time logged on a thread and its 7-day periods with codes and reasons."""
    user = _user(request)
    thread = access_thread_for_time(user, thread_id)
    panel = selectors.time_panel(thread=thread, user=user)
    return ThreadTimeOut(
        entries=[TimeEntryOut(id=e.pk, user_id=e.user_id, minutes=e.minutes, performed_at=e.performed_at,
                              source=e.source) for e in panel.entries],
        lines=[LineOut(**_line(line)) for line in panel.lines],  # type: ignore[arg-type]
    )


@router.get("/report", response={200: ReportOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut})
def report(request: HttpRequest, q: Query[ReportQuery]) -> ReportOut:
    """Return the e-visit periods starting within START..END (clinicians: their own; admins: any)."""
    user = _user(request)
    practice = billing_practice(user)
    selectors.report_period_check(q.start, q.end)
    clinician = q.clinician
    if user.role != Role.PRACTICE_ADMIN:
        if clinician not in (None, user.pk):
            raise InvalidInput("Clinicians see their own billing lines only.", field="clinician")
        clinician = user.pk
    rows = selectors.billing_report(practice=practice, start=q.start, end=q.end, clinician_id=clinician)
    services.billing_report_viewed(actor=user, practice=practice, export=True, rows=len(rows),
                                   ip=client_ip(request), channel="api")
    return ReportOut(items=[
        ReportLineOut(**_line(r.line), patient_ref=r.patient_ref, thread_id=r.thread.pk)  # type: ignore[arg-type]
        for r in rows
    ])
