"""Writes for e-visit time, billing facts and e-consults; each audited in the same transaction.

Audit rows carry ids, minutes and codes only: never a note, a question or an answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from bedside.accounts.models import CARE_TEAM_ROLES, Practice, Role, User
from bedside.audit.services import audit_record
from bedside.billing.models import (
    BillingClass,
    BillingProvider,
    EConsult,
    EConsultShare,
    EConsultStatus,
    GlobalDays,
    GlobalPeriod,
    RunningTimer,
    ShareKind,
    TimeEntry,
    TimeSource,
    Visit,
)
from bedside.billing.selectors import ECONSULT_TARGET_BUSINESS_DAYS, specialist_practice
from bedside.consent.models import Scope
from bedside.consent.selectors import relationship_active, signature_live
from bedside.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from bedside.messaging.access import is_care_team_of, threads_visible
from bedside.messaging.models import Attachment, Message, Thread
from bedside.triage.calendar import NoBusinessHours, add_business_days
from bedside.triage.selectors import practice_calendar


class Act:
    """Audit action codes of this app (ids only in the rows)."""

    TIME_ADD = "billing.time_add"
    TIME_EDIT = "billing.time_edit"
    TIME_DELETE = "billing.time_delete"
    TIMER_START = "billing.timer_start"
    TIMER_CANCEL = "billing.timer_cancel"
    VISIT_RECORD = "billing.visit_record"
    GLOBAL_RECORD = "billing.global_record"
    PROVIDER_SET = "billing.provider_set"
    REPORT_VIEW = "billing.report_view"
    REPORT_EXPORT = "billing.report_export"
    ECONSULT_CREATE = "econsult.create"
    ECONSULT_VIEW = "econsult.view"
    ECONSULT_ANSWER = "econsult.answer"
    ECONSULT_DECLINE = "econsult.decline"
    ECONSULT_CLOSE = "econsult.close"
    ECONSULT_DOWNLOAD = "econsult.download"


MAX_MINUTES = 600
MAX_NOTE = 500
MAX_TEXT = 10_000


def _require_time_logger(actor: User, thread: Thread) -> None:
    if actor.role not in CARE_TEAM_ROLES or not is_care_team_of(actor, thread):
        raise Forbidden("Only the care team of this conversation can log time on it.")


def _check_minutes(minutes: int) -> int:
    if not isinstance(minutes, int) or minutes < 1:
        raise InvalidInput("Enter at least 1 minute.", field="minutes")
    if minutes > MAX_MINUTES:
        raise InvalidInput(f"Enter at most {MAX_MINUTES} minutes in one entry; split longer work.", field="minutes")
    return minutes


def _check_when(performed_at: datetime, thread: Thread) -> datetime:
    if timezone.is_naive(performed_at):
        raise InvalidInput("Give the time with its time zone.", field="performed_at")
    if performed_at > timezone.now() + timedelta(minutes=1):
        raise InvalidInput("Time cannot be logged in the future.", field="performed_at")
    if performed_at < thread.created_at - timedelta(minutes=1):
        raise InvalidInput("Time cannot be logged before the conversation started.", field="performed_at")
    return performed_at


def _check_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"Keep the activity note under {MAX_NOTE} characters.", field="note")
    return note


def _audit_time(action: str, actor: User, entry: TimeEntry, ip: str | None, channel: str, **detail: int | str) -> None:
    audit_record(channel=channel, action=action, actor=actor, obj=entry, patient_id=entry.thread.patient_id,
                 practice_id=entry.thread.practice_id, ip=ip, detail={"thread": entry.thread_id, **detail})


@transaction.atomic
def time_entry_add(
    *, actor: User, thread: Thread, minutes: int, performed_at: datetime, note: str = "",
    source: str = TimeSource.MANUAL, ip: str | None = None, channel: str = "web",
) -> TimeEntry:
    """Log MINUTES of the actor's time on THREAD starting at PERFORMED_AT."""
    _require_time_logger(actor, thread)
    entry = TimeEntry.objects.create(
        thread=thread, user=actor, minutes=_check_minutes(minutes), performed_at=_check_when(performed_at, thread),
        note=_check_note(note), source=source,
    )
    _audit_time(Act.TIME_ADD, actor, entry, ip, channel, minutes=entry.minutes, source=source)
    return entry


@transaction.atomic
def time_entry_update(
    *, actor: User, entry: TimeEntry, minutes: int, performed_at: datetime, note: str = "", ip: str | None = None, channel: str = "web"
) -> TimeEntry:
    """Change one's own entry; the audit row keeps the old and new minutes."""
    if entry.user_id != actor.pk:
        raise NotFound()
    _require_time_logger(actor, entry.thread)
    before = entry.minutes
    entry.minutes = _check_minutes(minutes)
    entry.performed_at = _check_when(performed_at, entry.thread)
    entry.note = _check_note(note)
    entry.updated_at = timezone.now()
    entry.save(update_fields=["minutes", "performed_at", "note", "updated_at"])
    _audit_time(Act.TIME_EDIT, actor, entry, ip, channel, minutes_before=before, minutes=entry.minutes)
    return entry


@transaction.atomic
def time_entry_delete(*, actor: User, entry: TimeEntry, ip: str | None = None, channel: str = "web") -> None:
    if entry.user_id != actor.pk:
        raise NotFound()
    _require_time_logger(actor, entry.thread)
    _audit_time(Act.TIME_DELETE, actor, entry, ip, channel, minutes=entry.minutes)
    if TimeEntry.objects.filter(pk=entry.pk).delete()[0] != 1:
        raise Conflict("This entry was already deleted.")


@transaction.atomic
def timer_start(*, actor: User, thread: Thread, ip: str | None = None, channel: str = "web") -> RunningTimer:
    _require_time_logger(actor, thread)
    try:
        with transaction.atomic():
            timer = RunningTimer.objects.create(thread=thread, user=actor)
    except IntegrityError as exc:
        raise Conflict("Your timer on this conversation is already running.") from exc
    audit_record(channel=channel, action=Act.TIMER_START, actor=actor, obj=thread, patient_id=thread.patient_id,
                 practice_id=thread.practice_id, ip=ip)
    return timer


@transaction.atomic
def timer_stop(*, actor: User, thread: Thread, note: str = "", ip: str | None = None, channel: str = "web") -> TimeEntry | None:
    """Stop the actor's timer: record the elapsed time, rounded up to whole minutes (at least 1).

    A timer left running past the 600-minute limit is discarded and nothing is logged (None):
    that is a forgotten timer, not billable work; the person enters the real time by hand.
    """
    _require_time_logger(actor, thread)
    timer = RunningTimer.objects.select_for_update().filter(thread=thread, user=actor).first()
    if timer is None:
        raise Conflict("Your timer on this conversation is not running.")
    elapsed = max(timezone.now() - timer.started_at, timedelta(0))
    minutes = max(1, -(-int(elapsed.total_seconds()) // 60))
    timer.delete()
    if minutes > MAX_MINUTES:
        audit_record(channel=channel, action=Act.TIMER_CANCEL, actor=actor, obj=thread, patient_id=thread.patient_id,
                     practice_id=thread.practice_id, ip=ip)
        return None
    return time_entry_add(actor=actor, thread=thread, minutes=minutes, performed_at=timer.started_at,
                          note=note, source=TimeSource.TIMER, ip=ip, channel=channel)


@transaction.atomic
def timer_cancel(*, actor: User, thread: Thread, ip: str | None = None, channel: str = "web") -> None:
    _require_time_logger(actor, thread)
    if RunningTimer.objects.filter(thread=thread, user=actor).delete()[0] != 1:
        raise Conflict("Your timer on this conversation is not running.")
    audit_record(channel=channel, action=Act.TIMER_CANCEL, actor=actor, obj=thread, patient_id=thread.patient_id,
                 practice_id=thread.practice_id, ip=ip)


def _require_member(actor: User, practice: Practice) -> None:
    if actor.role not in CARE_TEAM_ROLES or not actor.memberships.filter(practice=practice, is_active=True).exists():
        raise Forbidden("Only the practice's care team can record this.")


@transaction.atomic
def visit_record(
    *, actor: User, patient: User, practice: Practice, visit_date: date, clinician: User | None = None,
    ip: str | None = None, channel: str = "web",
) -> Visit:
    """Record an E/M visit (e-visits within 7 days after it are not billable)."""
    _require_member(actor, practice)
    if relationship_active(patient=patient, practice=practice) is None:
        raise InvalidInput("This patient has no care relationship with the practice.", field="patient")
    if visit_date > timezone.localdate() + timedelta(days=1):
        raise InvalidInput("A visit cannot be recorded in the future.", field="visit_date")
    if visit_date.year < 1900:
        raise InvalidInput("Choose a visit date after 1900.", field="visit_date")
    visit = Visit.objects.create(practice=practice, patient=patient, clinician=clinician, visit_date=visit_date,
                                 entered_by=actor)
    audit_record(channel=channel, action=Act.VISIT_RECORD, actor=actor, obj=visit, patient_id=patient.pk, practice_id=practice.pk, ip=ip)
    return visit


@transaction.atomic
def global_period_record(
    *, actor: User, patient: User, practice: Practice, procedure_date: date, days: int, procedure: str = "",
    ip: str | None = None, channel: str = "web",
) -> GlobalPeriod:
    """Record a post-operative global period (10 or 90 days after the procedure)."""
    _require_member(actor, practice)
    if days not in GlobalDays.values:
        raise InvalidInput("A global period lasts 10 or 90 days.", field="days")
    # The roll-up adds the period to the date: a date near year 9999 would overflow there, on every
    # page showing this patient's e-visit time, for as long as the row exists.
    if not date(1900, 1, 1) <= procedure_date <= timezone.localdate() + timedelta(days=366):
        raise InvalidInput("Choose a procedure date between 1900 and a year from now.", field="procedure_date")
    if relationship_active(patient=patient, practice=practice) is None:
        raise InvalidInput("This patient has no care relationship with the practice.", field="patient")
    period = GlobalPeriod.objects.create(practice=practice, patient=patient, procedure_date=procedure_date, days=days,
                                         procedure=procedure.strip()[:200], entered_by=actor)
    audit_record(channel=channel, action=Act.GLOBAL_RECORD, actor=actor, obj=period, patient_id=patient.pk, practice_id=practice.pk,
                 ip=ip, detail={"days": days})
    return period


@transaction.atomic
def billing_provider_set(*, user: User, billing_class: str, actor: User | None = None, ip: str | None = None, channel: str = "web") -> BillingProvider:
    """Set whether a clinician bills e-visits as a physician/QHP or as a non-physician professional."""
    if user.role != Role.CLINICIAN:
        raise InvalidInput("Only clinicians bill e-visits.", field="user")
    if billing_class not in BillingClass.values:
        raise InvalidInput(f"Unknown billing class {billing_class!r}.", field="billing_class")
    current = BillingProvider.objects.filter(user=user).first()
    if current is not None and current.billing_class == billing_class:
        return current
    provider, _ = BillingProvider.objects.update_or_create(
        user=user, defaults={"billing_class": billing_class, "updated_at": timezone.now()}
    )
    audit_record(channel=channel, action=Act.PROVIDER_SET, actor=actor, obj=provider, ip=ip, detail={"billing_class": billing_class})
    return provider


@transaction.atomic
def billing_report_viewed(*, actor: User, practice: Practice, export: bool, rows: int, ip: str | None = None, channel: str = "web") -> None:
    audit_record(channel=channel, action=Act.REPORT_EXPORT if export else Act.REPORT_VIEW, actor=actor, object_type="billing_report",
                 practice_id=practice.pk, ip=ip, detail={"rows": rows})


# ---------------------------------------------------------------------------------------------
# e-consults


def _clean_text(text: str, field: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(f"Write the {what}.", field=field)
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"Keep the {what} under {MAX_TEXT:,} characters.", field=field)
    return text


def _audit_econsult(
    action: str, actor: User, econsult: EConsult, ip: str | None, channel: str, **detail: int | str
) -> None:
    audit_record(channel=channel, action=action, actor=actor, obj=econsult, patient_id=econsult.patient_id,
                 practice_id=econsult.practice_id, ip=ip, detail=dict(detail))


@transaction.atomic
def econsult_create(
    *,
    actor: User,
    thread: Thread,
    specialist: User,
    question: str,
    thread_ids: Sequence[int] = (),
    message_ids: Sequence[int] = (),
    attachment_ids: Sequence[int] = (),
    ip: str | None = None, channel: str = "web",
) -> EConsult:
    """Ask SPECIALIST about THREAD's patient, sharing exactly the chosen parts of the record.

    Refused unless the patient has signed the specialist-sharing consent of the practice. Only
    threads of the same patient at the same practice that the actor may see can be shared.
    """
    if actor.role != Role.CLINICIAN or not is_care_team_of(actor, thread):
        raise Forbidden("Only a clinician on the patient's care team can request an e-consult.")
    patient, practice = thread.patient, thread.practice
    if signature_live(patient=patient, practice=practice, scope=Scope.SPECIALIST_SHARING) is None:
        raise Forbidden(
            "The patient has not signed the consent to share their record with a referred specialist; "
            "ask them to sign it on their Consents page first.", code="consent_required",
        )
    if specialist.pk == actor.pk or specialist.role != Role.CLINICIAN or not specialist.is_active:
        raise InvalidInput("Choose another clinician as the specialist.", field="specialist")
    question = _clean_text(question, "question", "question for the specialist")
    allowed = threads_visible(actor).filter(patient=patient, practice=practice)
    threads = list(allowed.filter(pk__in=set(thread_ids)))
    messages = list(Message.objects.filter(pk__in=set(message_ids), thread__in=allowed))
    attachments = list(Attachment.objects.filter(pk__in=set(attachment_ids), message__thread__in=allowed))
    if len(threads) != len(set(thread_ids)) or len(messages) != len(set(message_ids)) \
            or len(attachments) != len(set(attachment_ids)):
        raise InvalidInput("Some of the chosen parts are not in this patient's record.", field="shares")
    if not (threads or messages or attachments):
        raise InvalidInput("Choose at least one conversation, message or attachment to share.", field="shares")
    now = timezone.now()
    target_practice = specialist_practice(specialist) or practice
    try:
        due = add_business_days(now, ECONSULT_TARGET_BUSINESS_DAYS, practice_calendar(target_practice))
    except NoBusinessHours:
        due = now + timedelta(days=ECONSULT_TARGET_BUSINESS_DAYS)
    econsult = EConsult.objects.create(
        practice=practice, requester=actor, specialist=specialist, patient=patient, question=question,
        created_at=now, due_at=due, updated_at=now,
    )
    EConsultShare.objects.bulk_create(
        [EConsultShare(econsult=econsult, kind=ShareKind.THREAD, thread=t, shared_at=now) for t in threads]
        + [EConsultShare(econsult=econsult, kind=ShareKind.MESSAGE, message=m, shared_at=now) for m in messages]
        + [EConsultShare(econsult=econsult, kind=ShareKind.ATTACHMENT, attachment=a, shared_at=now) for a in attachments]
    )
    _audit_econsult(Act.ECONSULT_CREATE, actor, econsult, ip, channel, specialist=specialist.pk, threads=len(threads),
                    messages=len(messages), attachments=len(attachments))
    return econsult


@transaction.atomic
def econsult_viewed(*, actor: User, econsult: EConsult, ip: str | None = None, channel: str = "web") -> None:
    _audit_econsult(Act.ECONSULT_VIEW, actor, econsult, ip, channel)


@transaction.atomic
def econsult_attachment_downloaded(*, actor: User, econsult: EConsult, attachment: Attachment, ip: str | None = None, channel: str = "web") -> None:
    _audit_econsult(Act.ECONSULT_DOWNLOAD, actor, econsult, ip, channel, attachment=attachment.pk)


def _transition(econsult: EConsult, frm: Sequence[str], **changes: object) -> None:
    if EConsult.objects.filter(pk=econsult.pk, status__in=list(frm)).update(**changes) != 1:
        econsult.refresh_from_db()
        raise Conflict(f"This e-consult is already {econsult.get_status_display().lower()}.")
    econsult.refresh_from_db()


@transaction.atomic
def econsult_answer(*, actor: User, econsult: EConsult, answer: str, ip: str | None = None, channel: str = "web") -> EConsult:
    """Record the specialist's answer (once; the requester closes the e-consult)."""
    if econsult.specialist_id != actor.pk:
        raise NotFound()
    answer = _clean_text(answer, "answer", "answer")
    now = timezone.now()
    _transition(econsult, [EConsultStatus.REQUESTED], status=EConsultStatus.ANSWERED, answer=answer,
                answered_at=now, updated_at=now)
    _audit_econsult(Act.ECONSULT_ANSWER, actor, econsult, ip, channel, on_time=econsult.answered_at is not None
                    and econsult.answered_at <= econsult.due_at)
    return econsult


@transaction.atomic
def econsult_decline(*, actor: User, econsult: EConsult, reason: str, ip: str | None = None, channel: str = "web") -> EConsult:
    if econsult.specialist_id != actor.pk:
        raise NotFound()
    reason = _clean_text(reason, "reason", "reason for declining")
    now = timezone.now()
    _transition(econsult, [EConsultStatus.REQUESTED], status=EConsultStatus.DECLINED, decline_reason=reason,
                closed_at=now, updated_at=now)
    _audit_econsult(Act.ECONSULT_DECLINE, actor, econsult, ip, channel)
    return econsult


@transaction.atomic
def econsult_close(*, actor: User, econsult: EConsult, ip: str | None = None, channel: str = "web") -> EConsult:
    """Close the e-consult (the requester, after the answer or to withdraw the question)."""
    if econsult.requester_id != actor.pk:
        raise NotFound()
    now = timezone.now()
    _transition(econsult, [EConsultStatus.REQUESTED, EConsultStatus.ANSWERED], status=EConsultStatus.CLOSED,
                closed_at=now, updated_at=now)
    _audit_econsult(Act.ECONSULT_CLOSE, actor, econsult, ip, channel)
    return econsult
