"""Reads for billing and e-consults: the facts the payer rules need, the report, shared parts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from bedside.accounts.models import Practice, Role, User
from bedside.billing import rules
from bedside.billing.models import (
    BillingProvider,
    EConsult,
    EConsultShare,
    EConsultStatus,
    GlobalPeriod,
    RunningTimer,
    ShareKind,
    TimeEntry,
    Visit,
)
from bedside.consent.models import CareRelationship, ConsentSignature, Scope
from bedside.consent.selectors import consent_live, document_current
from bedside.core.errors import InvalidInput
from bedside.messaging.models import Attachment, Message, MessageKind, Thread
from bedside.triage.calendar import business_time_between
from bedside.triage.selectors import practice_calendar, practice_zone

ECONSULT_TARGET_BUSINESS_DAYS = 3


def pseudonym(patient_id: int) -> str:
    """Return a stable pseudonymous patient id for exports: no MRN, no name, not reversible without the key."""
    return "P-" + salted_hmac("bedside.billing.pseudonym", str(patient_id)).hexdigest()[:12].upper()


def billing_classes(user_ids: Iterable[int]) -> dict[int, str]:
    return dict(BillingProvider.objects.filter(user_id__in=list(user_ids)).values_list("user_id", "billing_class"))


def thread_facts(thread: Thread) -> rules.ThreadFacts:
    """Collect what the payer rules need about THREAD (every date in the practice's zone)."""
    return threads_facts([thread])[thread.pk]


def threads_facts(threads: list[Thread]) -> dict[int, rules.ThreadFacts]:
    """`thread_facts` for many threads at once: one query per kind of fact, not per thread (the
    billing report reads hundreds of threads)."""
    if not threads:
        return {}
    thread_ids = [t.pk for t in threads]
    patients = {t.patient_id for t in threads}
    practices = {t.practice_id: t.practice for t in threads}
    by_practice = Q(patient_id__in=patients, practice_id__in=list(practices))

    messages: dict[int, list[tuple[str, datetime]]] = {}
    for thread_id, kind, at in (
        Message.objects.filter(thread_id__in=thread_ids).exclude(kind=MessageKind.AUTO_REPLY)
        .order_by("sent_at", "pk").values_list("thread_id", "kind", "sent_at")
    ):
        messages.setdefault(thread_id, []).append((kind, at))
    entries: dict[int, list[tuple[int, datetime, int]]] = {}
    for thread_id, user_id, at, minutes in TimeEntry.objects.filter(thread_id__in=thread_ids).values_list(
        "thread_id", "user_id", "performed_at", "minutes"
    ):
        entries.setdefault(thread_id, []).append((user_id, at, minutes))
    classes = billing_classes({uid for rows in entries.values() for uid, _, _ in rows})
    established: dict[tuple[int, int], date] = {}
    for patient_id, practice_id, on in (
        CareRelationship.objects.filter(by_practice, ended_at__isnull=True)
        .order_by("-established_on").values_list("patient_id", "practice_id", "established_on")
    ):
        established[(patient_id, practice_id)] = on  # the earliest wins (ordered latest first)
    consents: dict[tuple[int, int], list[rules.ConsentSpan]] = {}
    for practice_id, practice in practices.items():
        current = document_current(practice=practice, scope=Scope.EVISIT_BILLING)
        if current is None:
            continue
        for patient_id, signed, revoked in ConsentSignature.objects.filter(
            patient_id__in=patients, practice_id=practice_id, scope=Scope.EVISIT_BILLING,
            document=current, superseded_at__isnull=True,
        ).values_list("patient_id", "signed_at", "revoked_at"):
            consents.setdefault((patient_id, practice_id), []).append(rules.ConsentSpan(signed_at=signed, revoked_at=revoked))
    visits: dict[tuple[int, int], list[date]] = {}
    for patient_id, practice_id, day in Visit.objects.filter(by_practice).values_list("patient_id", "practice_id", "visit_date"):
        visits.setdefault((patient_id, practice_id), []).append(day)
    periods: dict[tuple[int, int], list[rules.GlobalSpan]] = {}
    for patient_id, practice_id, day, days in GlobalPeriod.objects.filter(by_practice).values_list(
        "patient_id", "practice_id", "procedure_date", "days"
    ):
        periods.setdefault((patient_id, practice_id), []).append(rules.GlobalSpan(procedure_date=day, days=days))

    zones = {practice_id: practice_zone(practice) for practice_id, practice in practices.items()}
    out: dict[int, rules.ThreadFacts] = {}
    for thread in threads:
        key = (thread.patient_id, thread.practice_id)
        sent = messages.get(thread.pk, [])
        out[thread.pk] = rules.ThreadFacts(
            thread_id=thread.pk,
            category=thread.category,
            tz=zones[thread.practice_id],
            patient_initiated=bool(sent) and sent[0][0] == MessageKind.PATIENT,
            inquiries=[at for kind, at in sent if kind == MessageKind.PATIENT],
            replies=[at for kind, at in sent if kind == MessageKind.CARE_TEAM],
            entries=[rules.Entry(user_id=u, at=at, minutes=m, billing_class=classes.get(u, "")) for u, at, m in entries.get(thread.pk, [])],
            established_on=established.get(key),
            consents=consents.get(key, []),
            visits=visits.get(key, []),
            global_periods=periods.get(key, []),
        )
    return out



@dataclass(frozen=True)
class TimePanel:
    entries: list[TimeEntry]
    timer: RunningTimer | None
    total_minutes: int
    lines: list[rules.Line]


def time_panel(*, thread: Thread, user: User) -> TimePanel:
    entries = list(TimeEntry.objects.filter(thread=thread).select_related("user").order_by("-performed_at", "-pk"))
    timer = RunningTimer.objects.filter(thread=thread, user=user).first()
    lines = rules.roll_up(thread_facts(thread), now=timezone.now())
    return TimePanel(entries=entries, timer=timer, total_minutes=sum(e.minutes for e in entries), lines=lines)


@dataclass(frozen=True)
class ReportRow:
    line: rules.Line
    thread: Thread
    patient_ref: str
    provider: User | None


def report_period_check(start: date, end: date) -> None:
    """Raise InvalidInput unless START..END is a sensible report period (ordered, ≤ 1 year, 1900–2999)."""
    if not (date(1900, 1, 1) <= start <= date(2999, 12, 31) and date(1900, 1, 1) <= end <= date(2999, 12, 31)):
        raise InvalidInput("Choose dates between 1900 and 2999.", field="start")
    if end < start:
        raise InvalidInput("The end date must be on or after the start date.", field="end")
    if end - start > timedelta(days=366):
        raise InvalidInput("Choose a period of at most one year.", field="end")


def _period_bounds(practice: Practice, start: date, end: date) -> tuple[datetime, datetime]:
    tz = practice_zone(practice)
    return (datetime.combine(start, time(0), tzinfo=tz), datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz))


def report_clinicians(practice: Practice) -> QuerySet[User]:
    return User.objects.filter(
        role=Role.CLINICIAN, memberships__practice=practice, memberships__is_active=True
    ).select_related("clinician_profile").order_by("full_name")


def billing_report(*, practice: Practice, start: date, end: date, clinician_id: int | None) -> list[ReportRow]:
    """Return every 7-day period of the practice's threads that starts within START..END (local dates).

    With CLINICIAN_ID, only the periods attributed to that clinician (the one with the most time).
    """
    report_period_check(start, end)
    lower, upper = _period_bounds(practice, start, end)
    # A period starts at a clinician action, which is never before the thread was created, and
    # entries logged up to 7 days after the period start can belong to it.
    threads = Thread.objects.filter(practice=practice, created_at__lt=upper).filter(
        Q(time_entries__performed_at__gte=lower - timedelta(days=8)) | Q(last_message_at__gte=lower)
    ).distinct().select_related("practice")
    rows: list[ReportRow] = []
    now = timezone.now()
    listed = list(threads)
    facts = threads_facts(listed)
    for thread in listed:
        for line in rules.roll_up(facts[thread.pk], now=now):
            if not (lower <= line.start < upper):
                continue
            if clinician_id is not None and line.provider_id != clinician_id:
                continue
            rows.append(ReportRow(line=line, thread=thread, patient_ref=pseudonym(thread.patient_id), provider=None))
    providers = {u.pk: u for u in User.objects.filter(pk__in={r.line.provider_id for r in rows if r.line.provider_id})
                 .select_related("clinician_profile")}
    rows = [ReportRow(r.line, r.thread, r.patient_ref, providers.get(r.line.provider_id or 0)) for r in rows]
    rows.sort(key=lambda r: (r.line.start, r.thread.pk))
    return rows


# ---------------------------------------------------------------------------------------------
# e-consults


def sharing_signed(*, patient: User, practice: Practice) -> bool:
    """Return whether the patient's specialist-sharing consent with PRACTICE is in force now."""
    return consent_live(patient=patient, practice=practice, scope=Scope.SPECIALIST_SHARING)


def econsults_requested(user: User) -> QuerySet[EConsult]:
    # Only while the requester still belongs to the practice, as access_econsult requires: the list
    # names patients, and someone who left the practice must not keep seeing them.
    return (EConsult.objects.filter(requester=user, practice__memberships__user=user,
                                    practice__memberships__is_active=True)
            .select_related("patient", "specialist").order_by("-created_at"))


def econsults_received(user: User) -> list[EConsult]:
    """Return e-consults asked of USER whose patient still consents to sharing (others vanish)."""
    rows = EConsult.objects.filter(specialist=user).select_related("patient", "requester", "practice").order_by("-created_at")
    return [e for e in rows if sharing_signed(patient=e.patient, practice=e.practice)]


def specialists_for(user: User) -> QuerySet[User]:
    """Return the clinicians USER may ask: any active clinician but themselves (any practice)."""
    return (
        User.objects.filter(role=Role.CLINICIAN, is_active=True).exclude(pk=user.pk)
        .select_related("clinician_profile__practice").order_by("full_name")
    )


def shareable_threads(*, user: User, patient: User, practice: Practice) -> list[Thread]:
    from bedside.messaging.access import threads_visible

    return list(threads_visible(user).filter(patient=patient, practice=practice).order_by("-created_at"))


@dataclass(frozen=True)
class Shared:
    """What the specialist may see: whole messages (with their files) and files shared on their own."""

    messages: list[tuple[Message, list[Attachment]]]
    attachments: list[Attachment]

    @property
    def attachment_ids(self) -> set[int]:
        return {a.pk for _, files in self.messages for a in files} | {a.pk for a in self.attachments}


def shared_parts(econsult: EConsult) -> Shared:
    """Return exactly what was shared: messages of shared threads (as they stood when shared),
    shared messages with their attachments, and individually shared attachments (without the
    message text around them)."""
    message_ids: set[int] = set()
    attachment_ids: set[int] = set()
    for share in EConsultShare.objects.filter(econsult=econsult):
        if share.kind == ShareKind.THREAD and share.thread_id:
            message_ids.update(
                Message.objects.filter(thread_id=share.thread_id, sent_at__lte=share.shared_at).values_list("pk", flat=True)
            )
        elif share.kind == ShareKind.MESSAGE and share.message_id:
            message_ids.add(share.message_id)
        elif share.kind == ShareKind.ATTACHMENT and share.attachment_id:
            attachment_ids.add(share.attachment_id)
    by_message: dict[int, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(message_id__in=message_ids).order_by("pk"):
        by_message.setdefault(attachment.message_id, []).append(attachment)
    messages = Message.objects.filter(pk__in=message_ids).select_related("author").order_by("sent_at", "pk")
    loose = list(Attachment.objects.filter(pk__in=attachment_ids).exclude(message_id__in=message_ids).order_by("pk"))
    return Shared(messages=[(m, by_message.get(m.pk, [])) for m in messages], attachments=loose)


def specialist_practice(specialist: User) -> Practice | None:
    profile = getattr(specialist, "clinician_profile", None)
    if profile is not None:
        return profile.practice
    membership = specialist.memberships.filter(is_active=True).select_related("practice").first()
    return membership.practice if membership else None


@dataclass(frozen=True)
class Turnaround:
    target: str
    due_at: datetime
    business_hours: float | None
    met: bool | None


def turnaround(econsult: EConsult) -> Turnaround:
    """Return the target and, once answered or declined, the business time taken and whether it met the target."""
    practice = specialist_practice(econsult.specialist) or econsult.practice
    end = econsult.answered_at
    if end is None and econsult.status == EConsultStatus.DECLINED:
        end = econsult.closed_at
    taken = None
    met = None
    if end is not None:
        taken = round(business_time_between(econsult.created_at, end, practice_calendar(practice)).total_seconds() / 3600, 1)
        met = end <= econsult.due_at
    elif timezone.now() > econsult.due_at:
        met = False
    return Turnaround(f"{ECONSULT_TARGET_BUSINESS_DAYS} business days", econsult.due_at, taken, met)
