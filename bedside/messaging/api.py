from __future__ import annotations

import base64
import binascii
from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from bedside.accounts.models import Practice, Role, User
from bedside.audit.models import Action
from bedside.audit.services import audit_record, client_ip
from bedside.consent.selectors import practices_of_patient
from bedside.core.errors import Forbidden, InvalidInput
from bedside.messaging import selectors, services
from bedside.messaging.access import access_thread
from bedside.messaging.models import MessageKind

router = Router(tags=["threads"])


class ErrorOut(Schema):
    code: str
    message: str


class ThreadIn(Schema):
    subject: str = Field(max_length=1000)
    category: str = Field(max_length=40)
    body: str = Field(max_length=200_000)
    practice_id: int | None = Field(default=None, description="Needed only when the patient has several practices.")


class ThreadCreated(Schema):
    id: int
    urgency: str
    auto_reply: str
    due_at: datetime | None


class ThreadItem(Schema):
    id: int
    subject: str
    category: str
    urgency: str
    status: str
    due_at: datetime | None
    unread: bool
    last_message_at: datetime


class ThreadPage(Schema):
    items: list[ThreadItem]
    next: str | None


class MessageOut(Schema):
    id: int
    author: str
    author_id: int | None
    kind: str
    body: str
    sent_at: datetime


class ThreadDetail(Schema):
    id: int
    subject: str
    category: str
    urgency: str
    status: str
    due_at: datetime | None
    messages: list[MessageOut]


class MessageIn(Schema):
    body: str = Field(max_length=200_000)


class MessageCreated(Schema):
    id: int
    urgency: str | None
    auto_reply: str | None


class PageQuery(Schema):
    cursor: str | None = Field(default=None, max_length=200, description="The `next` of the previous page.")
    next: str | None = Field(default=None, max_length=200, description="Same as `cursor`.")
    limit: int = Field(default=50, ge=1, le=100)


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _practice_for(request: HttpRequest, patient: User, practice_id: int | None) -> Practice:
    if patient.role != Role.PATIENT:
        raise Forbidden("Only patients start conversations.", code="forbidden")
    practices = list(practices_of_patient(patient=patient))
    chosen = [p for p in practices if practice_id is None or p.pk == practice_id]
    if not chosen:
        services.message_refusal_record(
            patient=patient, practice=None, code="no_relationship", ip=client_ip(request), channel="api"
        )
        raise Forbidden(
            "You can message a practice only after an established visit with them. "
            "Please call the office to set up care.",
            code="no_relationship",
        )
    if practice_id is not None:
        return chosen[0]
    if len(practices) > 1:
        raise InvalidInput("You see several practices; say which one with practice_id.", field="practice_id")
    return practices[0]


def _encode_cursor(at: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{pk}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, pk = raw.split("|")
        parsed = datetime.fromisoformat(at)
        if parsed.tzinfo is None:
            raise ValueError("naive")
        number = int(pk)
        if not 0 < number < 2**63:
            raise ValueError("id out of range")
        return parsed, number
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise InvalidInput("The cursor is not one this API gave out.", field="cursor") from exc


def _author_label(message: object) -> str:
    author = getattr(message, "author", None)
    if author is None:
        return "Automatic reply"
    return str(author.display_name)


@router.post("", response={201: ThreadCreated, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut})
def thread_create(request: HttpRequest, payload: ThreadIn) -> Status[ThreadCreated]:
    """Start a secure conversation with your practice (patients only)."""
    patient = _user(request)
    practice = _practice_for(request, patient, payload.practice_id)
    result = services.thread_create(
        patient=patient, practice=practice, subject=payload.subject, category=payload.category,
        body=payload.body, ip=client_ip(request), channel="api",
    )
    assert result.auto_reply is not None
    return Status(201, ThreadCreated(
        id=result.thread.pk, urgency=result.thread.urgency, auto_reply=result.auto_reply.body,
        due_at=result.thread.due_at,
    ))


@router.get("", response={200: ThreadPage, 400: ErrorOut, 401: ErrorOut})
def thread_list(request: HttpRequest, q: Query[PageQuery]) -> ThreadPage:
    """List your threads, newest activity first; follow `next` for the following page."""
    user = _user(request)
    cursor = q.cursor or q.next
    after = _decode_cursor(cursor) if cursor else None
    rows = selectors.thread_list_api(user=user, after=after, limit=q.limit + 1)
    page, more = rows[: q.limit], len(rows) > q.limit
    audit_record(action=Action.THREAD_LIST, actor=user, object_type="thread", request=request,
                 detail={"count": len(page)})
    items = [
        ThreadItem(id=t.pk, subject=t.subject, category=t.category, urgency=t.urgency, status=t.status,
                   due_at=t.due_at, unread=bool(getattr(t, "unread", False)), last_message_at=t.last_message_at)
        for t in page
    ]
    last = page[-1] if page else None
    return ThreadPage(items=items, next=_encode_cursor(last.last_message_at, last.pk) if more and last else None)


@router.get("/{thread_id}", response={200: ThreadDetail, 401: ErrorOut, 404: ErrorOut})
def thread_detail(request: HttpRequest, thread_id: str) -> ThreadDetail:
    """Read one thread with its messages (marks it read and is audited)."""
    user = _user(request)
    thread = access_thread(user, thread_id)
    services.thread_read(user=user, thread=thread, ip=client_ip(request), channel="api")
    messages = [
        MessageOut(id=m.pk, author=_author_label(m), author_id=m.author_id, kind=m.kind, body=m.body, sent_at=m.sent_at)
        for m in selectors.thread_messages(thread=thread)
    ]
    return ThreadDetail(id=thread.pk, subject=thread.subject, category=thread.category, urgency=thread.urgency,
                        status=thread.status, due_at=thread.due_at, messages=messages)


@router.post("/{thread_id}/messages", response={201: MessageCreated, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def message_create(request: HttpRequest, thread_id: str, payload: MessageIn) -> Status[MessageCreated]:
    """Add a message to a thread you may see."""
    user = _user(request)
    thread = access_thread(user, thread_id)
    result = services.message_send(author=user, thread=thread, body=payload.body, ip=client_ip(request), channel="api")
    is_patient = result.message.kind == MessageKind.PATIENT
    return Status(201, MessageCreated(
        id=result.message.pk,
        urgency=result.message.urgency if is_patient else None,
        auto_reply=result.auto_reply.body if result.auto_reply else None,
    ))
