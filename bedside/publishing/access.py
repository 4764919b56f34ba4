"""Who may see what. Public objects are visible to anyone once public; everything else only to
the editors of the owning practice. Missing and "not yours" raise the same NotFound.

Editors are the care team (clinicians, staff, practice administrators) with an active
membership of the practice. Reviewers are the practice's clinicians and administrators.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from bedside.accounts.models import CARE_TEAM_ROLES, ClinicianProfile, Practice, Role, User
from bedside.core.errors import NotFound, object_pk
from bedside.publishing.models import (
    Article,
    ArticleStatus,
    Channel,
    PlannedPost,
    PublicProfile,
    Series,
    Topic,
    TrustedResource,
)

REVIEWER_ROLES = frozenset({Role.CLINICIAN, Role.PRACTICE_ADMIN})

M = TypeVar("M", bound=Model)


def editor_practices(user: User) -> QuerySet[Practice]:
    """Return the practices whose public presence USER may edit."""
    if not user.is_authenticated or not user.is_active or user.role not in CARE_TEAM_ROLES:
        return Practice.objects.none()
    return Practice.objects.filter(memberships__user=user, memberships__is_active=True).distinct()


def is_editor(user: User) -> bool:
    return editor_practices(user).exists()


def may_review(user: User, article: Article) -> bool:
    """Return whether USER may approve ARTICLE: a clinician or administrator of its practice, not its author."""
    return (
        user.role in REVIEWER_ROLES
        and article.author_id != user.pk
        and editor_practices(user).filter(pk=article.practice_id).exists()
    )


def _editor_object(user: User, queryset: QuerySet[M], object_id: int | str, practice_field: str) -> M:
    pk = object_pk(object_id)
    found = queryset.filter(pk=pk, **{f"{practice_field}__in": editor_practices(user)}).first()
    if found is None:
        raise NotFound()
    return found


def access_editor_article(user: User, article_id: int | str) -> Article:
    qs = Article.objects.select_related("practice", "author", "reviewer", "series")
    return _editor_object(user, qs, article_id, "practice")


def access_editor_resource(user: User, resource_id: int | str) -> TrustedResource:
    return _editor_object(user, TrustedResource.objects.all(), resource_id, "practice")


def access_editor_channel(user: User, channel_id: int | str) -> Channel:
    return _editor_object(user, Channel.objects.select_related("owner"), channel_id, "practice")


def access_editor_planned_post(user: User, post_id: int | str) -> PlannedPost:
    return _editor_object(user, PlannedPost.objects.select_related("channel"), post_id, "channel__practice")


def access_editor_practice(user: User, practice_id: int | str) -> Practice:
    return _editor_object(user, Practice.objects.all(), practice_id, "pk")


def access_editor_clinician(user: User, clinician_id: int | str) -> ClinicianProfile:
    """Return a clinician profile USER may edit: their own, or any of the practice for an administrator."""
    pk = object_pk(clinician_id)
    qs = ClinicianProfile.objects.filter(pk=pk, practice__in=editor_practices(user)).select_related("user", "practice")
    if user.role != Role.PRACTICE_ADMIN:
        qs = qs.filter(user=user)
    found = qs.first()
    if found is None:
        raise NotFound()
    return found


# --- public -------------------------------------------------------------------------------


def access_public_article(slug: str) -> Article:
    """Return the published article SLUG; drafts, reviews, scheduled and archived ones are NotFound."""
    article = (
        Article.objects.select_related("practice", "author", "reviewer", "series")
        .filter(slug=slug, status=ArticleStatus.PUBLISHED)
        .first()
    )
    if article is None:
        raise NotFound()
    return article


def access_public_profile(slug: str) -> PublicProfile:
    profile = (
        PublicProfile.objects.select_related("clinician__user", "clinician__practice")
        .defer("photo")  # loaded on access by the photo view alone
        .filter(slug=slug, is_public=True, clinician__user__is_active=True)
        .first()
    )
    if profile is None:
        raise NotFound()
    return profile


def access_public_series(slug: str) -> Series:
    series = Series.objects.select_related("practice").filter(
        slug=slug, parts__status=ArticleStatus.PUBLISHED
    ).first()
    if series is None:
        raise NotFound()
    return series


def access_public_topic(slug: str) -> Topic:
    topic = Topic.objects.filter(slug=slug, articles__status=ArticleStatus.PUBLISHED).first()
    if topic is None:
        raise NotFound()
    return topic
