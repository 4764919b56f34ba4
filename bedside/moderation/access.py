"""Who may moderate which comments, and which articles take comments.

Moderators, clinicians and practice administrators moderate the comments of their own practices'
articles (active membership); nobody else — patients, staff, auditors, other practices — learns
that a held comment exists: every lookup by id raises the same NotFound as a missing one.
Only clinicians post public replies, and only under their own name. Public articles are loaded
with bedside.publishing.access.access_public_article.
"""

from __future__ import annotations

from django.db.models import QuerySet

from bedside.accounts.models import Role, User
from bedside.core.errors import NotFound, object_pk
from bedside.moderation.models import Comment, CommentKind

MODERATOR_ROLES = frozenset({Role.MODERATOR, Role.CLINICIAN, Role.PRACTICE_ADMIN})


def is_moderator(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in MODERATOR_ROLES)


def moderated_practice_ids(user: User) -> list[int]:
    if not is_moderator(user):
        return []
    return list(user.memberships.filter(is_active=True).values_list("practice_id", flat=True))


def comments_moderatable(user: User) -> QuerySet[Comment]:
    """Return the commenters' comments (not replies) USER may moderate."""
    practice_ids = moderated_practice_ids(user)
    if not practice_ids:
        return Comment.objects.none()
    return Comment.objects.filter(practice_id__in=practice_ids, kind=CommentKind.COMMENT)


def access_comment(user: User, comment_id: int | str) -> Comment:
    """Return the comment if USER may moderate it, else raise NotFound (same for missing)."""
    comment = (
        comments_moderatable(user).select_related("article", "practice", "moderated_by").filter(pk=object_pk(comment_id)).first()
    )
    if comment is None:
        raise NotFound()
    return comment


def may_reply(user: User, comment: Comment) -> bool:
    """Return whether USER may answer COMMENT in public: a clinician of its practice."""
    return user.role == Role.CLINICIAN and comment.practice_id in moderated_practice_ids(user)

