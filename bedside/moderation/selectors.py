"""Reads for comments: the public list of an article and the moderators' queue."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from bedside.accounts.models import ClinicianProfile, User
from bedside.moderation.access import comments_moderatable
from bedside.moderation.models import Comment, CommentKind, CommentStatus, PublicReplyTemplate
from bedside.publishing.models import Article, TrustedResource

QUEUE_STATUSES = (CommentStatus.HELD, CommentStatus.PENDING)


def comments_public(*, article: Article) -> list[Comment]:
    """Return ARTICLE's published comments, oldest first, each with its published replies.

    This is the only read behind every public surface (article page, API): anything not
    `published` — pending, held, rejected — is never returned.
    """
    replies = Comment.objects.filter(kind=CommentKind.REPLY, status=CommentStatus.PUBLISHED).select_related(
        "author"
    ).order_by("created_at", "pk")
    return list(
        Comment.objects.filter(article=article, kind=CommentKind.COMMENT, status=CommentStatus.PUBLISHED)
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="public_replies"))
        .order_by("published_at", "pk")
    )


def moderation_queue(*, user: User, statuses: Iterable[str] = QUEUE_STATUSES) -> QuerySet[Comment]:
    """Return the comments USER may moderate in STATUSES, oldest first (first come, first served)."""
    return (
        comments_moderatable(user)
        .filter(status__in=list(statuses))
        .select_related("article", "practice", "moderated_by")
        .order_by("created_at", "pk")
    )


def reply_templates(*, practice_id: int) -> list[PublicReplyTemplate]:
    return list(PublicReplyTemplate.objects.filter(practice_id=practice_id))


def trusted_urls(*, practice_id: int) -> list[str]:
    return list(TrustedResource.objects.filter(practice_id=practice_id).values_list("url", flat=True))



def trusted_publishers(*, practice_id: int) -> list[str]:
    return list(TrustedResource.objects.filter(practice_id=practice_id).values_list("publisher", flat=True).distinct())


def public_names(*, practice_id: int) -> list[str]:
    """Return the names of the practice's clinicians ("Dr. Alice Moreno"): already public on
    their profiles and bylines, so a comment that only addresses them names nobody new."""
    return list(ClinicianProfile.objects.filter(practice_id=practice_id).values_list("display_name", flat=True))
