"""Reads for inboxes, queues and thread pages (no N+1: counts come from subqueries)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from bedside.accounts.models import Pool, Role, User
from bedside.messaging.access import threads_visible
from bedside.messaging.models import Message, Thread, ThreadReadState, Urgency


def _with_unread(qs: QuerySet[Thread], user: User) -> QuerySet[Thread]:
    # Resolved inside the Message subquery below, so the outer reference is the message's
    # thread_id (OuterRef("pk") there would be the message's own id).
    last_read = ThreadReadState.objects.filter(thread_id=OuterRef("thread_id"), user=user).values("last_read_at")[:1]
    never = Value(datetime(1970, 1, 1, tzinfo=UTC), output_field=DateTimeField())
    unread = Message.objects.filter(
        thread=OuterRef("pk"), sent_at__gt=Coalesce(Subquery(last_read), never)
    ).exclude(author_id=user.pk)
    return qs.annotate(unread=Exists(unread))


def thread_list_for_patient(*, user: User) -> QuerySet[Thread]:
    return _with_unread(threads_visible(user), user).select_related("practice").order_by("-last_message_at", "-pk")


def thread_queue(
    *,
    user: User,
    status: str = "open",
    pool_id: int | None = None,
    assignee: str | None = None,
    category: str | None = None,
) -> QuerySet[Thread]:
    """Return the care-team queue, most urgent first (emergency, urgent, routine), then by due
    time (soonest, overdue first; answered last), then oldest; optionally filtered."""
    qs = threads_visible(user)
    if status in {"open", "closed"}:
        qs = qs.filter(status=status)
    if pool_id is not None:
        qs = qs.filter(pool_id=pool_id)
    if assignee == "me":
        qs = qs.filter(assignee_id=user.pk)
    elif assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    if category:
        qs = qs.filter(category=category)
    rank = Case(
        When(urgency=Urgency.EMERGENCY, then=Value(0)), When(urgency=Urgency.URGENT, then=Value(1)),
        default=Value(2), output_field=IntegerField(),
    )
    return (
        _with_unread(qs, user)
        .select_related("patient", "assignee__clinician_profile", "pool", "practice")
        .annotate(urgency_rank=rank)
        .order_by("urgency_rank", F("due_at").asc(nulls_last=True), "created_at", "pk")
    )


def thread_list_api(*, user: User, after: tuple[datetime, int] | None, limit: int) -> list[Thread]:
    """Return a keyset page of the user's threads, newest activity first."""
    visible = threads_visible(user)
    if user.role != Role.PATIENT:
        # The care-team filter joins pool members and so needs DISTINCT over whole rows, which
        # made PostgreSQL sort every visible thread of the practice, history included (290 ms
        # at 1M messages, bench/inbox.py). Instead, walk the practice's threads newest first
        # on thread_practice_recent and keep those access.py lets the user see (an EXISTS
        # probe per row, so access.py stays the one place that says who sees what); the walk
        # stops after one page. Every visible thread is in one of the user's practices.
        practice_ids = list(user.memberships.filter(is_active=True).values_list("practice_id", flat=True))
        visible = Thread.objects.filter(practice_id__in=practice_ids).filter(
            Exists(visible.filter(pk=OuterRef("pk")))
        )
    qs = _with_unread(visible, user).order_by("-last_message_at", "-pk")
    if after is not None:
        at, pk = after
        qs = qs.filter(Q(last_message_at__lt=at) | Q(last_message_at=at, pk__lt=pk))
    return list(qs[:limit])


def thread_messages(*, thread: Thread) -> QuerySet[Message]:
    return thread.messages.select_related("author", "author__clinician_profile").prefetch_related("attachments").order_by("sent_at", "pk")


def read_receipts(*, thread: Thread, viewer: User) -> dict[int, datetime]:
    """Return {user_id: last_read_at} of the thread's other readers (for "Read by …")."""
    return dict(
        ThreadReadState.objects.filter(thread=thread).exclude(user_id=viewer.pk).values_list("user_id", "last_read_at")
    )


def pools_of(user: User) -> QuerySet[Pool]:
    return Pool.objects.filter(practice__memberships__user=user, practice__memberships__is_active=True).distinct()


def assignable_members(*, thread: Thread) -> QuerySet[User]:
    from bedside.accounts.models import CARE_TEAM_ROLES

    return User.objects.filter(
        memberships__practice_id=thread.practice_id, memberships__is_active=True,
        role__in=list(CARE_TEAM_ROLES), is_active=True,
    ).order_by("full_name")
