"""Writes for secure messaging. Every write checks the guidelines, is audited in its own
transaction, and notifies only after commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bedside.accounts.models import CARE_TEAM_ROLES, Practice, Role, User
from bedside.audit.models import Action, Outcome
from bedside.audit.services import audit_record
from bedside.consent.models import Scope
from bedside.consent.selectors import consent_live, messaging_allowed, relationship_active
from bedside.core.errors import Conflict, Forbidden, InvalidInput
from bedside.core.queue import enqueue_after_commit
from bedside.messaging.access import break_glass_only, is_care_team_of
from bedside.messaging.attachments import MAX_FILES_PER_MESSAGE, CleanFile, blob_delete, blob_write
from bedside.messaging.models import (
    Attachment,
    Category,
    CategoryRoute,
    Message,
    MessageKind,
    Notification,
    NotificationChannel,
    NotificationKind,
    Thread,
    ThreadReadState,
    ThreadStatus,
    Urgency,
)
from bedside.records.services import record_changed
from bedside.screening import screen
from bedside.triage import services as triage
from bedside.triage.models import Coverage
from bedside.triage.selectors import coverage_in_force, practice_zone

SUBJECT_MAX = 200
_LEVEL = {Urgency.ROUTINE: 0, Urgency.URGENT: 1, Urgency.EMERGENCY: 2}


class MessagingRefused(Forbidden):
    """Raise when the guidelines forbid a patient to message the practice (no relationship or consent)."""


@dataclass(frozen=True)
class SendResult:
    thread: Thread
    message: Message
    auto_reply: Message | None


def _clean_body(body: str | None) -> str:
    text = (body or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if not text:
        raise InvalidInput("Write your message before sending.", field="body")
    limit = settings.BEDSIDE_MESSAGE_MAX_CHARS
    if len(text) > limit:
        raise InvalidInput(
            f"Your message is {len(text):,} characters long; the limit is {limit:,}. "
            "Please shorten it or split it into two messages.",
            field="body",
        )
    return text


def _clean_subject(subject: str | None) -> str:
    text = " ".join((subject or "").replace("\x00", "").split())
    if not text:
        raise InvalidInput("Give your message a short subject.", field="subject")
    if len(text) > SUBJECT_MAX:
        raise InvalidInput(f"The subject is limited to {SUBJECT_MAX} characters.", field="subject")
    return text


def messaging_gate(*, patient: User, practice: Practice) -> None:
    """Raise MessagingRefused unless PATIENT may message PRACTICE now (relationship + live consent)."""
    if patient.role != Role.PATIENT:
        raise Forbidden("Only patients start conversations with a practice.")
    related, signed = messaging_allowed(patient=patient, practice=practice, scope=Scope.PORTAL_MESSAGING)
    if not related:
        raise MessagingRefused(
            "You can message a practice only after an established visit with them. "
            "Please call the office to set up care.",
            code="no_relationship",
        )
    if not signed:
        raise MessagingRefused(
            "Before you can send secure messages, please read and sign the practice's "
            "portal-messaging consent (Consents page).",
            code="consent_required",
        )


def message_refusal_record(
    *, patient: User, practice: Practice | None, code: str, ip: str | None = None, channel: str | None = None
) -> None:
    """Audit that the guidelines refused PATIENT's message (PRACTICE is None when they have none).

    Call it outside the transaction that is about to roll back, or the row goes with it.
    """
    with transaction.atomic():
        audit_record(
            action=Action.MESSAGE_REFUSED, actor=patient, object_type="practice",
            object_id=practice.pk if practice else "", patient_id=patient.pk,
            practice_id=practice.pk if practice else None, ip=ip, channel=channel,
            outcome=Outcome.DENIED, detail={"reason": code},
        )


def _refuse(patient: User, practice: Practice, code: str, ip: str | None, channel: str | None) -> None:
    message_refusal_record(patient=patient, practice=practice, code=code, ip=ip, channel=channel)


def _coverage_note(practice: Practice, coverage: Coverage) -> str:
    until = timezone.localtime(coverage.ends_at, practice_zone(practice))
    return (
        f" {coverage.clinician.display_name} is away until {until:%A, %B} {until.day}; "
        f"{coverage.covering.display_name} is covering and will look after your message."
    )


def auto_reply_text(
    *, practice: Practice, urgency: str, crisis: bool = False, coverage: Coverage | None = None
) -> str:
    """Return the automatic reply: crisis guidance first, emergency guidance, or the response promise;
    with who is covering when the patient's clinician is away."""
    emergency = practice.emergency_number
    crisis_line = f"call or text {practice.crisis_line} ({practice.crisis_line_name})"
    cover = _coverage_note(practice, coverage) if coverage is not None else ""
    if crisis:
        return (
            "IMPORTANT: You are not alone, and help is available right now. If you are thinking about "
            f"suicide or harming yourself, {crisis_line}; it is free and open day and night. If you are "
            f"in immediate danger or have taken something, call {emergency} or go to the nearest emergency "
            f"department now. The on-call team at {practice.name} has been alerted and will read your "
            "message, but secure messages are not monitored around the clock." + cover
        )
    if urgency == Urgency.EMERGENCY:
        return (
            f"IMPORTANT: What you wrote may describe an emergency. Do not wait for a reply: call "
            f"{emergency} or go to the nearest emergency department now. If you are thinking about "
            f"suicide or harming yourself, {crisis_line}. "
            f"The on-call team at {practice.name} has been alerted and will read your message, "
            "but secure messages are not monitored around the clock." + cover
        )
    if urgency == Urgency.URGENT:
        return (
            f"Thank you. Your message looks like it needs attention today; {practice.name} will try to "
            f"answer within a few hours during business hours. If you get worse, call the office"
            f"{' at ' + practice.phone if practice.phone else ''} or, in an emergency, {emergency}." + cover
        )
    return (
        f"Thank you, your message reached {practice.name}. We answer secure messages "
        f"{practice.response_promise}. Secure messaging is not for emergencies: if you have an "
        f"emergency, call {emergency}. Your messages become part of your medical record." + cover
    )


def _route_pool(practice: Practice, category: str) -> int | None:
    route = CategoryRoute.objects.filter(practice=practice, category=category).values_list("pool_id", flat=True).first()
    return route


def _store_attachments(message: Message, files: Sequence[CleanFile], written: list[str]) -> list[Attachment]:
    stored: list[Attachment] = []
    for clean in files:
        name = blob_write(clean.data)
        written.append(name)
        stored.append(
            Attachment.objects.create(
                message=message, filename=clean.filename, content_type=clean.content_type,
                size=len(clean.data), sha256=clean.sha256, storage_name=name,
            )
        )
    return stored


def _check_files(*, author: User, practice: Practice, files: Sequence[CleanFile]) -> None:
    if len(files) > MAX_FILES_PER_MESSAGE:
        raise InvalidInput(f"At most {MAX_FILES_PER_MESSAGE} files can be attached to one message.", field="attachments")
    if author.role == Role.PATIENT and any(f.content_type.startswith("image/") for f in files):
        if not consent_live(patient=author, practice=practice, scope=Scope.PHOTO_SHARING):
            raise MessagingRefused(
                "To send photos, please first sign the practice's photo-sharing consent (Consents page). "
                "Your message was not sent; nothing you wrote was lost.",
                code="consent_required",
            )


def _notify(*, thread: Thread, message: Message, recipients: Sequence[User]) -> None:
    """Queue PHI-free notifications, delivered by the worker after commit."""
    from bedside.messaging.tasks import deliver_notification

    # MESSAGE was created in this very transaction, so none of its rows can exist yet: one
    # multi-row INSERT (ids returned) replaces a get_or_create — four statements — per recipient.
    notes = Notification.objects.bulk_create([
        Notification(recipient=recipient, message=message, thread=thread, kind=NotificationKind.MESSAGE,
                     channel=NotificationChannel.EMAIL)
        for recipient in recipients
        if recipient.pk != message.author_id and recipient.is_active
    ])
    ids = [note.pk for note in notes]
    for pk in ids:
        # Robust: the message is committed by now; a queue that is down must not turn that into
        # an error page (the patient would send again) nor skip the other recipients. The
        # periodic redelivery picks up what was not enqueued.
        enqueue_after_commit(deliver_notification, pk)


def _care_team_recipients(thread: Thread) -> list[User]:
    if thread.assignee_id:
        return [thread.assignee] if thread.assignee else []
    people: dict[int, User] = {}
    if thread.pool_id:
        for user in thread.pool.members.filter(is_active=True) if thread.pool else []:
            people[user.pk] = user
    if thread.clinician_id and thread.clinician:
        people[thread.clinician.pk] = thread.clinician
    if not people and thread.pool_id is None:
        # Unrouted and unaddressed: the practice's clinicians handle it (see access.py), so
        # they are the ones told; otherwise nobody would hear of the message.
        people = {
            user.pk: user
            for user in User.objects.filter(
                role=Role.CLINICIAN, is_active=True,
                memberships__practice_id=thread.practice_id, memberships__is_active=True,
            )
        }
    return list(people.values())


def _patient_recipients(thread: Thread) -> list[User]:
    patient = thread.patient
    if not consent_live(patient=patient, practice=thread.practice, scope=Scope.EMAIL_NOTIFICATIONS):
        return []
    return [patient]


def _mark_read(thread: Thread, user: User, at: datetime) -> None:
    # One INSERT … ON CONFLICT DO UPDATE instead of update_or_create's SAVEPOINT, SELECT, UPDATE
    # and RELEASE: it is on every send and every read, and it cannot race a concurrent reader.
    ThreadReadState.objects.bulk_create(
        [ThreadReadState(thread=thread, user=user, last_read_at=at)],
        update_conflicts=True, unique_fields=["thread", "user"], update_fields=["last_read_at"],
    )


def thread_create(
    *,
    patient: User,
    practice: Practice,
    subject: str,
    category: str,
    body: str,
    files: Sequence[CleanFile] = (),
    ip: str | None = None,
    channel: str | None = None,
) -> SendResult:
    """Start a thread with the practice: gate, screen, route, store, auto-reply, audit, notify."""
    try:
        messaging_gate(patient=patient, practice=practice)
    except MessagingRefused as refusal:
        _refuse(patient, practice, refusal.code, ip, channel)
        raise
    subject = _clean_subject(subject)
    if category not in Category.values:
        raise InvalidInput(
            f"Unknown category {category!r}; choose one of: {', '.join(Category.values)}.", field="category"
        )
    body = _clean_body(body)
    _check_files(author=patient, practice=practice, files=files)
    return _thread_create_atomic(
        patient=patient, practice=practice, subject=subject, category=category, body=body,
        files=files, ip=ip, channel=channel,
    )


def _thread_create_atomic(
    *, patient: User, practice: Practice, subject: str, category: str, body: str,
    files: Sequence[CleanFile], ip: str | None, channel: str | None,
) -> SendResult:
    # Screening is pure and takes about a millisecond: do it before taking any database lock.
    screened = screen(f"{subject}\n{body}", "message")
    urgency, crisis = screened.urgency, screened.crisis
    written: list[str] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            relationship = relationship_active(patient=patient, practice=practice)
            clinician = relationship.clinician if relationship else None
            # The patient's clinician is away: the thread goes to whoever covers (triage coverage).
            coverage = coverage_in_force(clinician_id=clinician.pk if clinician else None, at=now)
            targets = triage.thread_targets(practice=practice, urgency=urgency, category=category, start=now)
            thread = Thread.objects.create(
                practice=practice, patient=patient, clinician=clinician,
                subject=subject, category=category, urgency=urgency, crisis=crisis,
                pool_id=_route_pool(practice, category), created_at=now, last_message_at=now,
                assignee=coverage.covering if coverage else None,
                due_at=targets.due_at, warn_at=targets.warn_at, first_due_at=targets.due_at,
            )
            message = Message.objects.create(
                thread=thread, author=patient, kind=MessageKind.PATIENT, body=body, sent_at=now, urgency=urgency
            )
            attachments = _store_attachments(message, files, written)
            reply = Message.objects.create(
                thread=thread, author=None, kind=MessageKind.AUTO_REPLY,
                body=auto_reply_text(practice=practice, urgency=urgency, crisis=crisis, coverage=coverage),
                sent_at=now,
            )
            _mark_read(thread, patient, now)
            audit_record(action=Action.THREAD_CREATE, actor=patient, obj=thread, patient_id=patient.pk,
                         practice_id=practice.pk, ip=ip, channel=channel,
                         detail={"category": category, "urgency": urgency})
            audit_record(action=Action.MESSAGE_SEND, actor=patient, obj=message, patient_id=patient.pk,
                         practice_id=practice.pk, ip=ip, channel=channel,
                         detail={"thread": thread.pk, "attachments": len(attachments)})
            _notify(thread=thread, message=message, recipients=_care_team_recipients(thread))
            record_changed(kind="message", pk=message.pk, practice_id=practice.pk)  # EHR push after commit
            if urgency == Urgency.EMERGENCY or crisis:
                triage.oncall_alert(thread=thread, message=message, reason="crisis" if crisis else "emergency")
    except BaseException:
        for name in written:
            blob_delete(name)
        raise
    return SendResult(thread=thread, message=message, auto_reply=reply)


def message_send(
    *,
    author: User,
    thread: Thread,
    body: str,
    files: Sequence[CleanFile] = (),
    ip: str | None = None,
    channel: str | None = None,
    urgency_floor: str | None = None,
) -> SendResult:
    """Add a message to a thread the author may see (the caller loaded it through access_thread).

    URGENCY_FLOOR (a patient's message only) is the least urgency the message gets whatever the
    screening says: e.g. the answers of a post-operative check-in that the plan's rules flagged.
    """
    is_patient = author.role == Role.PATIENT
    if is_patient:
        if thread.patient_id != author.pk:
            raise Forbidden("This is not your conversation.")
        try:
            messaging_gate(patient=author, practice=thread.practice)
        except MessagingRefused as refusal:
            _refuse(author, thread.practice, refusal.code, ip, channel)
            raise
    elif author.role not in CARE_TEAM_ROLES or not is_care_team_of(author, thread):
        raise Forbidden("Only the patient and their care team write in this conversation.")
    body = _clean_body(body)
    _check_files(author=author, practice=thread.practice, files=files)
    screened = screen(body, "message") if is_patient else None  # before the row lock, as above
    written: list[str] = []
    try:
        with transaction.atomic():
            # Lock the thread row only: PostgreSQL refuses FOR UPDATE on the nullable side of
            # the outer joins that select_related adds for pool, assignee and clinician.
            # Practice, patient and subject never change: take them from the thread the caller
            # loaded rather than joining and decrypting them again under the lock.
            locked = (
                Thread.objects.select_for_update(of=("self",))
                .select_related("pool", "assignee", "clinician")
                .defer("subject")
                .get(pk=thread.pk)
            )
            locked.practice, locked.patient, locked.subject = thread.practice, thread.patient, thread.subject
            if locked.status == ThreadStatus.CLOSED:
                raise Conflict(
                    "This conversation is closed. Start a new message instead; your text is kept below."
                    if is_patient else "This conversation is closed; reopen it before replying.",
                    code="thread_closed",
                )
            now = timezone.now()
            reply: Message | None = None
            alert_reason = ""
            if screened is not None:
                urgency, crisis = screened.urgency, screened.crisis
                if urgency_floor is not None and _LEVEL[Urgency(urgency_floor)] > _LEVEL[Urgency(urgency)]:
                    urgency = urgency_floor
                message = Message.objects.create(thread=locked, author=author, kind=MessageKind.PATIENT,
                                                 body=body, sent_at=now, urgency=urgency)
                if _LEVEL[Urgency(urgency)] > _LEVEL[Urgency(locked.urgency)]:
                    locked.urgency = urgency
                locked.crisis = locked.crisis or crisis
                targets = triage.thread_targets(practice=locked.practice, urgency=urgency,
                                                category=locked.category, start=now)
                if locked.due_at is None or targets.due_at < locked.due_at:
                    locked.due_at, locked.warn_at = targets.due_at, targets.warn_at
                coverage = coverage_in_force(clinician_id=locked.clinician_id, at=now)
                if coverage is not None and locked.assignee_id in {None, locked.clinician_id}:
                    locked.assignee = coverage.covering
                if urgency == Urgency.EMERGENCY or crisis:
                    reply = Message.objects.create(
                        thread=locked, author=None, kind=MessageKind.AUTO_REPLY,
                        body=auto_reply_text(practice=locked.practice, urgency=urgency, crisis=crisis,
                                             coverage=coverage),
                        sent_at=now,
                    )
                    alert_reason = "crisis" if crisis else "emergency"
                recipients = _care_team_recipients(locked)
            else:
                message = Message.objects.create(thread=locked, author=author, kind=MessageKind.CARE_TEAM,
                                                 body=body, sent_at=now)
                locked.due_at = locked.warn_at = None  # answered: the response-time clock stops
                recipients = _patient_recipients(locked)
            locked.last_message_at = now
            locked.save(update_fields=["urgency", "due_at", "warn_at", "crisis", "assignee", "last_message_at"])
            attachments = _store_attachments(message, files, written)
            _mark_read(locked, author, now)
            audit_record(action=Action.MESSAGE_SEND, actor=author, obj=message, patient_id=locked.patient_id,
                         practice_id=locked.practice_id, ip=ip, channel=channel,
                         detail={"thread": locked.pk, "attachments": len(attachments)})
            _notify(thread=locked, message=message, recipients=recipients)
            record_changed(kind="message", pk=message.pk, practice_id=locked.practice_id)  # EHR push after commit
            if alert_reason:
                triage.oncall_alert(thread=locked, message=message, reason=alert_reason)
    except BaseException:
        for name in written:
            blob_delete(name)
        raise
    return SendResult(thread=locked, message=message, auto_reply=reply)


@transaction.atomic
def thread_read(*, user: User, thread: Thread, ip: str | None = None, channel: str | None = None) -> None:
    """Record that USER opened the thread: read receipt and audit row, together."""
    _mark_read(thread, user, timezone.now())
    # Opened only thanks to emergency access: say so in the trail the privacy officer reviews.
    detail = {"break_glass": True} if break_glass_only(user, thread) else None
    audit_record(action=Action.THREAD_VIEW, actor=user, obj=thread, patient_id=thread.patient_id,
                 practice_id=thread.practice_id, ip=ip, channel=channel, detail=detail)


def _require_care_team(actor: User, thread: Thread) -> None:
    if actor.role not in CARE_TEAM_ROLES or not is_care_team_of(actor, thread):
        raise Forbidden("Only the care team can do this.")


@transaction.atomic
def thread_assign(*, actor: User, thread: Thread, assignee: User | None, ip: str | None = None) -> Thread:
    """Assign the thread to a care-team member of its practice (or clear the assignment)."""
    _require_care_team(actor, thread)
    if assignee is not None and (
        assignee.role not in CARE_TEAM_ROLES
        or not assignee.is_active
        or not assignee.memberships.filter(practice_id=thread.practice_id, is_active=True).exists()
    ):
        raise InvalidInput("Threads can be assigned only to the practice's care team.", field="assignee")
    Thread.objects.filter(pk=thread.pk).update(assignee=assignee)
    thread.assignee = assignee
    audit_record(action=Action.THREAD_ASSIGN, actor=actor, obj=thread, patient_id=thread.patient_id,
                 practice_id=thread.practice_id, ip=ip, detail={"assignee": assignee.pk if assignee else None})
    return thread


@transaction.atomic
def thread_close(*, actor: User, thread: Thread, ip: str | None = None) -> Thread:
    _require_care_team(actor, thread)
    now = timezone.now()
    if Thread.objects.filter(pk=thread.pk, status=ThreadStatus.OPEN).update(
        status=ThreadStatus.CLOSED, closed_at=now, closed_by=actor, due_at=None, warn_at=None
    ) != 1:
        raise Conflict("This conversation is already closed.")
    thread.refresh_from_db()
    audit_record(action=Action.THREAD_CLOSE, actor=actor, obj=thread, patient_id=thread.patient_id,
                 practice_id=thread.practice_id, ip=ip)
    record_changed(kind="thread", pk=thread.pk, actor=actor)  # transcript + EHR push after commit
    return thread


@transaction.atomic
def thread_reopen(*, actor: User, thread: Thread, ip: str | None = None) -> Thread:
    _require_care_team(actor, thread)
    if Thread.objects.filter(pk=thread.pk, status=ThreadStatus.CLOSED).update(
        status=ThreadStatus.OPEN, closed_at=None, closed_by=None
    ) != 1:
        raise Conflict("This conversation is already open.")
    thread.refresh_from_db()
    audit_record(action=Action.THREAD_REOPEN, actor=actor, obj=thread, patient_id=thread.patient_id,
                 practice_id=thread.practice_id, ip=ip)
    record_changed(kind="thread", pk=thread.pk, actor=actor)  # EHR push after commit
    return thread


@transaction.atomic
def attachment_downloaded(*, user: User, attachment: Attachment, ip: str | None = None, channel: str | None = None) -> None:
    thread = attachment.message.thread
    audit_record(action=Action.ATTACHMENT_DOWNLOAD, actor=user, obj=attachment, patient_id=thread.patient_id,
                 practice_id=thread.practice_id, ip=ip, channel=channel)
