"""Writes for post-operative follow-up: enrol, stop, send check-ins, take answers, remind, alert.

Messages go through bedside.messaging.services (gate, audit, PHI-free notifications, EHR push),
triage through the screening engine inside message_send plus the plan's rules here: the thread
keeps the higher urgency, and urgent or emergency answers alert the on-call clinician as
messages do. Every state change is a compare-and-set on the check-in row, inside the same
transaction as its message and audit row, so a retried or concurrent worker does nothing twice.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from bedside.accounts.models import Practice, Role, User
from bedside.audit.models import Action, Outcome
from bedside.audit.services import audit_record
from bedside.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from bedside.core.queue import enqueue_after_commit
from bedside.followup.models import (
    CheckIn,
    CheckInState,
    Enrolment,
    EnrolmentStatus,
    Plan,
    Question,
    Rule,
)
from bedside.followup.rules import Answers, RuleSpec, answers_text, rules_urgency
from bedside.followup.schedule import check_in_schedule, zone_of
from bedside.messaging.models import (
    Category,
    CategoryRoute,
    Message,
    MessageKind,
    NotificationKind,
    Thread,
    ThreadStatus,
    Urgency,
)
from bedside.messaging.notifications import notification_enqueue
from bedside.messaging.services import (
    MessagingRefused,
    auto_reply_text,
    message_send,
    messaging_gate,
)
from bedside.triage import services as triage

log = logging.getLogger(__name__)

# Audit action codes of this app (ids and codes only in the trail, never answers).
ENROL = "followup.enrol"
STOP = "followup.stop"
VIEW = "followup.view"
SEND = "followup.checkin_send"
SKIP = "followup.checkin_skip"
ANSWER = "followup.answer"
REMIND = "followup.remind"
TEAM_ALERT = "followup.team_alert"

SURGERY_PAST_DAYS = 60
SURGERY_FUTURE_DAYS = 365
KNEE_PLAN = "Total knee replacement"


def knee_plan_seed(*, practice: Practice) -> Plan:
    """Create the knee-replacement template for PRACTICE if it has none (idempotent); return it."""
    plan, created = Plan.objects.get_or_create(
        practice=practice, name=KNEE_PLAN,
        defaults={"check_in_days": [1, 3, 7, 14, 30], "check_in_time": time(9), "remind_after_hours": 24,
                  "alert_after_hours": 24},
    )
    if created:
        Rule.objects.bulk_create([
            Rule(plan=plan, question=Question.BREATHING, urgency=Urgency.EMERGENCY),
            Rule(plan=plan, question=Question.CALF, urgency=Urgency.URGENT),
            Rule(plan=plan, question=Question.FEVER, threshold=Decimal("38.0"), urgency=Urgency.URGENT),
            Rule(plan=plan, question=Question.PAIN, threshold=Decimal(8), urgency=Urgency.URGENT),
            Rule(plan=plan, question=Question.WOUND, urgency=Urgency.ROUTINE),
        ])
    return plan


def faq_url(plan: Plan) -> str | None:
    """Return the address of the plan's FAQ article when it is public, else None."""
    article = plan.faq_article
    if article is None or not article.is_public:
        return None
    from django.urls import reverse

    return reverse("publishing:article", args=[article.slug])


def _site(path: str) -> str:
    return settings.BEDSIDE_SITE_URL.rstrip("/") + path


def _is_practice_clinician(user: User, practice: Practice) -> bool:
    return (
        user.is_active and user.role == Role.CLINICIAN
        and user.memberships.filter(practice=practice, is_active=True).exists()
    )


def _thread_for(enrolment: Enrolment, now: datetime) -> Thread:
    """Return the enrolment's open post-op thread, opening a new one when there is none or it was closed.

    The enrolling clinician is the thread's clinician, so the check-ins they send and the answers
    reach them even when the practice routes post-op messages to a pool.
    """
    thread = enrolment.thread
    if thread is not None:
        thread.refresh_from_db(fields=["status"])
        if thread.status == ThreadStatus.OPEN:
            return thread
    pool_id = (
        CategoryRoute.objects.filter(practice_id=enrolment.practice_id, category=Category.POST_OP)
        .values_list("pool_id", flat=True).first()
    )
    thread = Thread.objects.create(
        practice_id=enrolment.practice_id, patient_id=enrolment.patient_id, clinician_id=enrolment.clinician_id,
        subject=f"Follow-up after your surgery ({enrolment.plan.name})", category=Category.POST_OP,
        pool_id=pool_id, created_at=now, last_message_at=now,
    )
    audit_record(action=Action.THREAD_CREATE, actor=enrolment.clinician, obj=thread, patient_id=enrolment.patient_id,
                 practice_id=enrolment.practice_id, channel="worker",
                 detail={"category": Category.POST_OP, "enrolment": enrolment.pk})
    Enrolment.objects.filter(pk=enrolment.pk).update(thread=thread)
    enrolment.thread = thread
    return thread


def _local_today(enrolment_zone: str, now: datetime) -> date:
    return now.astimezone(zone_of(enrolment_zone)).date()


def _welcome_text(enrolment: Enrolment, days: list[int]) -> str:
    plan, practice = enrolment.plan, enrolment.practice
    when = ", ".join(str(d) for d in days)
    text = (
        f"{enrolment.clinician.display_name} has enrolled you in follow-up after your surgery on "
        f"{enrolment.surgery_date:%B} {enrolment.surgery_date.day}, {enrolment.surgery_date.year}. "
        f"On days {when} after surgery, at {enrolment.local_time:%H:%M} ({enrolment.zone}), we will send you "
        "five short questions here: it takes a minute, and your answers go straight to your care team."
    )
    url = faq_url(plan)
    if url:
        text += f"\n\nQuestions about recovery? Read our FAQ: {_site(url)}"
    text += (
        f"\n\nSecure messages are not for emergencies. If you have chest pain or trouble breathing, "
        f"call {practice.emergency_number} now."
    )
    return text


def _refusal_for_clinician(exc: MessagingRefused) -> Forbidden:
    if exc.code == "consent_required":
        return Forbidden("This patient has not signed the practice's portal-messaging consent, so check-ins "
                         "cannot be sent. Ask them to sign it (Consents page) first.", code="consent_required",
                         field="patient")
    return Forbidden("This patient has no active care relationship with the practice.", code="no_relationship",
                     field="patient")


@transaction.atomic
def enrolment_create(
    *, actor: User, patient: User, plan: Plan, surgery_date: date, ip: str | None = None, now: datetime | None = None,
) -> Enrolment:
    """Enrol PATIENT in PLAN: check who may, schedule the check-ins in the practice's zone, open the
    post-op thread with a welcome message, audit. Check-ins on days already past are skipped."""
    now = now or timezone.now()
    practice = plan.practice
    if not _is_practice_clinician(actor, practice):
        raise Forbidden("Only a clinician of the practice can enrol patients in follow-up.")
    if not plan.is_active:
        raise InvalidInput("This plan is no longer in use; choose another.", field="plan")
    if patient.role != Role.PATIENT or not patient.is_active:
        raise InvalidInput("Choose one of the practice's patients.", field="patient")
    try:
        messaging_gate(patient=patient, practice=practice)
    except MessagingRefused as exc:
        raise _refusal_for_clinician(exc) from None
    zone = practice.timezone
    today = _local_today(zone, now)
    if surgery_date < today - timedelta(days=SURGERY_PAST_DAYS):
        raise InvalidInput(f"The surgery date is more than {SURGERY_PAST_DAYS} days ago.", field="surgery_date")
    if surgery_date > today + timedelta(days=SURGERY_FUTURE_DAYS):
        raise InvalidInput("The surgery date is more than a year away.", field="surgery_date")
    if Enrolment.objects.filter(patient=patient, plan=plan, status=EnrolmentStatus.ACTIVE).exists():
        raise Conflict("This patient is already enrolled in this plan. Stop that enrolment first to start again.",
                       code="already_enrolled", field="plan")
    try:
        schedule = check_in_schedule(surgery_date=surgery_date, days=plan.check_in_days,
                                     local_time=plan.check_in_time, zone=zone)
    except ValueError as exc:
        raise InvalidInput(f"This plan's check-in days are not valid ({exc}); fix the plan in the admin.",
                           field="plan") from None
    if all(surgery_date + timedelta(days=day) < today for day, _ in schedule):
        raise InvalidInput("Every check-in of this plan would be in the past for that surgery date.",
                           field="surgery_date")
    enrolment = Enrolment.objects.create(
        plan=plan, practice=practice, patient=patient, clinician=actor, surgery_date=surgery_date,
        zone=zone, local_time=plan.check_in_time, created_at=now,
    )
    CheckIn.objects.bulk_create([
        CheckIn(enrolment=enrolment, day=day, due_at=at,
                state=CheckInState.SKIPPED if surgery_date + timedelta(days=day) < today else CheckInState.SCHEDULED)
        for day, at in schedule
    ])
    thread = _thread_for(enrolment, now)
    message_send(author=actor, thread=thread, body=_welcome_text(enrolment, [d for d, _ in schedule]), ip=ip,
                 channel="web")
    audit_record(action=ENROL, actor=actor, obj=enrolment, patient_id=patient.pk, practice_id=practice.pk, ip=ip,
                 detail={"plan": plan.pk, "thread": thread.pk, "check_ins": len(schedule)})
    due_now = list(enrolment.check_ins.filter(state=CheckInState.SCHEDULED, due_at__lte=now).values_list("pk", flat=True))
    if due_now:
        # Today's check-in time has passed already: send it now rather than at the next sweep.
        from bedside.followup.tasks import send_check_in

        for pk in due_now:
            enqueue_after_commit(send_check_in, pk)
    return enrolment


@transaction.atomic
def enrolment_stop(*, actor: User, enrolment: Enrolment, ip: str | None = None) -> Enrolment:
    """Stop the plan: no more check-ins, reminders or alerts; the patient is told in the thread."""
    if not _is_practice_clinician(actor, enrolment.practice):
        raise Forbidden("Only a clinician of the practice can stop a follow-up plan.")
    now = timezone.now()
    if Enrolment.objects.filter(pk=enrolment.pk, status=EnrolmentStatus.ACTIVE).update(
        status=EnrolmentStatus.STOPPED, stopped_at=now, stopped_by=actor
    ) != 1:
        raise Conflict("This follow-up plan is already stopped.", code="already_stopped")
    cancelled = enrolment.check_ins.filter(state__in=[CheckInState.SCHEDULED, CheckInState.SENT]).update(
        state=CheckInState.CANCELLED
    )
    enrolment.refresh_from_db()
    thread = enrolment.thread
    if thread is not None and thread.status == ThreadStatus.OPEN and thread.clinician_id == actor.pk:
        message_send(author=actor, thread=thread, ip=ip, channel="web",
                     body="Your follow-up check-ins have ended; you will not get more questions. "
                          "You can still write to us here.")
    audit_record(action=STOP, actor=actor, obj=enrolment, patient_id=enrolment.patient_id,
                 practice_id=enrolment.practice_id, ip=ip, detail={"cancelled": cancelled})
    return enrolment


def _check_in_text(check_in: CheckIn, practice: Practice) -> str:
    url = _site(reverse("followup:check_in", args=[check_in.pk]))
    return (
        f"Day {check_in.day} after your surgery: how are you doing? Please answer five short questions "
        f"(pain, fever, wound, calf, breathing): {url}\n\n"
        f"If you have chest pain or trouble breathing, do not wait: call {practice.emergency_number} now."
    )


def _active_enrolments() -> QuerySet[Enrolment, int]:
    """Return the ids of active enrolments, for claims.

    A claim must not join: Django turns an UPDATE with a join into `WHERE id IN (SELECT …)`, and
    PostgreSQL re-checks only the outer WHERE after waiting for a concurrent claim's lock, so the
    state test has to stay on the updated table itself.
    """
    return Enrolment.objects.filter(status=EnrolmentStatus.ACTIVE).values_list("pk", flat=True)


def _load(check_in_id: int) -> CheckIn | None:
    return (
        CheckIn.objects.select_related("enrolment", "enrolment__plan", "enrolment__practice", "enrolment__patient",
                                       "enrolment__clinician", "enrolment__thread")
        .filter(pk=check_in_id).first()
    )


def _skip(check_in: CheckIn, reason: str) -> None:
    CheckIn.objects.filter(pk=check_in.pk).update(state=CheckInState.SKIPPED)
    enrolment = check_in.enrolment
    audit_record(action=SKIP, obj=check_in, object_type="checkin", patient_id=enrolment.patient_id,
                 practice_id=enrolment.practice_id, channel="worker", outcome=Outcome.FAILURE,
                 detail={"reason": reason, "enrolment": enrolment.pk})


def check_in_send(*, check_in_id: int, now: datetime | None = None) -> bool:
    """Send one due check-in if nobody has (compare-and-set scheduled → sent); return whether this call sent it.

    Without the patient's portal consent or the enrolling clinician, the check-in is skipped
    (audited) rather than sent behind the guidelines' back.
    """
    now = now or timezone.now()
    with transaction.atomic():
        claimed = CheckIn.objects.filter(
            pk=check_in_id, state=CheckInState.SCHEDULED, due_at__lte=now, enrolment_id__in=_active_enrolments(),
        ).update(state=CheckInState.SENT, sent_at=now)
        if claimed != 1:
            return False
        check_in = _load(check_in_id)
        assert check_in is not None
        enrolment = check_in.enrolment
        try:
            messaging_gate(patient=enrolment.patient, practice=enrolment.practice)
        except MessagingRefused as exc:
            _skip(check_in, exc.code)
            return False
        if not _is_practice_clinician(enrolment.clinician, enrolment.practice):
            _skip(check_in, "clinician_unavailable")
            return False
        thread = _thread_for(enrolment, now)
        result = message_send(author=enrolment.clinician, thread=thread, body=_check_in_text(check_in, enrolment.practice),
                              channel="worker")
        CheckIn.objects.filter(pk=check_in.pk).update(message=result.message)
        audit_record(action=SEND, obj=check_in, object_type="checkin", patient_id=enrolment.patient_id,
                     practice_id=enrolment.practice_id, channel="worker",
                     detail={"enrolment": enrolment.pk, "day": check_in.day, "message": result.message.pk})
    return True


@dataclass(frozen=True)
class AnswerResult:
    check_in: CheckIn
    thread: Thread
    message: Message
    urgency: str
    rule_urgency: str


def check_in_answer(
    *, patient: User, check_in: CheckIn, answers: Answers, ip: str | None = None, channel: str = "web",
) -> AnswerResult:
    """Store PATIENT's answers, post them in the thread as their message, and triage them.

    The screening engine runs inside message_send; the plan's rules run here; the thread keeps the
    higher urgency. The patient gets the automatic reply for that urgency (emergency guidance for an
    emergency) and urgent or emergency answers alert the on-call clinician, once.
    """
    enrolment = check_in.enrolment
    if enrolment.patient_id != patient.pk:
        raise NotFound()
    if check_in.state == CheckInState.ANSWERED:
        raise Conflict("You have already answered this check-in. To add anything, write in the conversation.",
                       code="already_answered")
    if check_in.state != CheckInState.SENT or enrolment.status != EnrolmentStatus.ACTIVE:
        raise Conflict("This check-in is not open for answers. To tell us anything, write in the conversation.",
                       code="check_in_closed")
    specs = [RuleSpec(r.question, r.threshold, r.urgency) for r in enrolment.plan.rules.all()]
    rule_urgency, fired = rules_urgency(specs, answers)
    body = answers_text(day=check_in.day, answers=answers)
    now = timezone.now()
    with transaction.atomic():
        if CheckIn.objects.filter(pk=check_in.pk, state=CheckInState.SENT).update(
            state=CheckInState.ANSWERED, answered_at=now, answers=json.dumps(answers.as_dict()),
            rule_urgency=rule_urgency,
        ) != 1:
            raise Conflict("You have already answered this check-in.", code="already_answered")
        thread = _thread_for(enrolment, now)
        # The plan's rules set the least urgency; the screening may raise it (message_send decides,
        # with targets, coverage, the emergency reply and the on-call alert as for any message).
        sent = message_send(author=patient, thread=thread, body=body, ip=ip, channel=channel,
                            urgency_floor=rule_urgency)
        thread, message = sent.thread, sent.message
        urgency = message.urgency or Urgency.ROUTINE
        if sent.auto_reply is None:
            # message_send answers only emergencies and crises itself; a check-in always tells the
            # patient what happens next, and an urgent answer reaches on-call too (plan policy).
            Message.objects.create(thread=thread, author=None, kind=MessageKind.AUTO_REPLY,
                                   body=auto_reply_text(practice=thread.practice, urgency=urgency), sent_at=now)
            if urgency == Urgency.URGENT:
                triage.oncall_alert(thread=thread, message=message, reason=urgency)
        CheckIn.objects.filter(pk=check_in.pk).update(answer_message=message, urgency=urgency)
        audit_record(action=ANSWER, actor=patient, obj=check_in, object_type="checkin", patient_id=patient.pk,
                     practice_id=enrolment.practice_id, ip=ip, channel=channel,
                     detail={"enrolment": enrolment.pk, "message": message.pk, "rule_urgency": rule_urgency,
                             "urgency": urgency, "rules_fired": len(fired)})
    check_in.refresh_from_db()
    return AnswerResult(check_in=check_in, thread=thread, message=message, urgency=urgency, rule_urgency=rule_urgency)


def check_in_remind(*, check_in_id: int, now: datetime | None = None) -> bool:
    """Remind the patient once about an unanswered check-in (compare-and-set on reminded_at)."""
    now = now or timezone.now()
    with transaction.atomic():
        if CheckIn.objects.filter(
            pk=check_in_id, state=CheckInState.SENT, reminded_at__isnull=True, enrolment_id__in=_active_enrolments(),
        ).update(reminded_at=now) != 1:
            return False
        check_in = _load(check_in_id)
        assert check_in is not None
        enrolment = check_in.enrolment
        sent_message: int | None = None
        try:
            messaging_gate(patient=enrolment.patient, practice=enrolment.practice)
        except MessagingRefused:
            pass  # no message behind the guidelines' back; the team alert still follows
        else:
            if _is_practice_clinician(enrolment.clinician, enrolment.practice):
                url = _site(reverse("followup:check_in", args=[check_in.pk]))
                result = message_send(
                    author=enrolment.clinician, thread=_thread_for(enrolment, now), channel="worker",
                    body=f"Reminder: we have not yet heard back about your day {check_in.day} check-in. "
                         f"Please answer the five short questions: {url}",
                )
                sent_message = result.message.pk
        audit_record(action=REMIND, obj=check_in, object_type="checkin", patient_id=enrolment.patient_id,
                     practice_id=enrolment.practice_id, channel="worker",
                     detail={"enrolment": enrolment.pk, "message": sent_message})
    return True


def _team(enrolment: Enrolment, thread: Thread | None) -> list[User]:
    people: dict[int, User] = {}
    if enrolment.clinician.is_active:
        people[enrolment.clinician.pk] = enrolment.clinician
    if thread is not None and thread.pool_id is not None and thread.pool is not None:
        for member in thread.pool.members.filter(is_active=True):
            people[member.pk] = member
    return list(people.values())


def check_in_team_alert(*, check_in_id: int, now: datetime | None = None) -> bool:
    """Alert the care team once that a check-in is still unanswered after the reminder (PHI-free)."""
    now = now or timezone.now()
    with transaction.atomic():
        if CheckIn.objects.filter(
            pk=check_in_id, state=CheckInState.SENT, reminded_at__isnull=False, team_alerted_at__isnull=True,
            enrolment_id__in=_active_enrolments(),
        ).update(team_alerted_at=now) != 1:
            return False
        check_in = _load(check_in_id)
        assert check_in is not None
        enrolment = check_in.enrolment
        thread = enrolment.thread
        people = _team(enrolment, thread) if thread is not None else []
        if thread is not None:
            for person in people:
                notification_enqueue(recipient=person, thread=thread, message=check_in.message,
                                     kind=NotificationKind.ESCALATION)
        audit_record(action=TEAM_ALERT, obj=check_in, object_type="checkin", patient_id=enrolment.patient_id,
                     practice_id=enrolment.practice_id, channel="worker",
                     detail={"enrolment": enrolment.pk, "recipient_count": len(people)})
    return True


@dataclass
class SweepResult:
    sent: int = 0
    reminded: int = 0
    alerted: int = 0
    failed: int = 0


def followup_sweep(*, now: datetime | None = None, limit: int = 500) -> SweepResult:
    """Send due check-ins, remind about unanswered ones, alert the team about those still unanswered.

    Each step is its own transaction and claim: one failing check-in never blocks the others, and
    a second worker running the same sweep changes nothing.
    """
    now = now or timezone.now()
    result = SweepResult()
    due = list(
        CheckIn.objects.filter(state=CheckInState.SCHEDULED, due_at__lte=now, enrolment__status=EnrolmentStatus.ACTIVE)
        .order_by("due_at").values_list("pk", flat=True)[:limit]
    )
    open_rows = list(
        CheckIn.objects.filter(state=CheckInState.SENT, enrolment__status=EnrolmentStatus.ACTIVE)
        .filter(team_alerted_at__isnull=True)
        .values_list("pk", "sent_at", "reminded_at", "enrolment__plan__remind_after_hours",
                     "enrolment__plan__alert_after_hours")[:limit]
    )
    steps: list[tuple[str, int]] = [("send", pk) for pk in due]
    for pk, sent_at, reminded_at, remind_hours, alert_hours in open_rows:
        if reminded_at is None and sent_at is not None and now >= sent_at + timedelta(hours=remind_hours):
            steps.append(("remind", pk))
        elif reminded_at is not None and now >= reminded_at + timedelta(hours=alert_hours):
            steps.append(("alert", pk))
    for step, pk in steps:
        try:
            if step == "send" and check_in_send(check_in_id=pk, now=now):
                result.sent += 1
            elif step == "remind" and check_in_remind(check_in_id=pk, now=now):
                result.reminded += 1
            elif step == "alert" and check_in_team_alert(check_in_id=pk, now=now):
                result.alerted += 1
        except Exception as exc:  # one bad row must not stop the sweep; ids only in the log
            result.failed += 1
            log.warning("follow-up %s of check-in %s failed: %s", step, pk, type(exc).__name__)
    return result


@transaction.atomic
def enrolment_viewed(*, user: User, enrolment: Enrolment, ip: str | None = None) -> None:
    audit_record(action=VIEW, actor=user, obj=enrolment, patient_id=enrolment.patient_id,
                 practice_id=enrolment.practice_id, ip=ip)
