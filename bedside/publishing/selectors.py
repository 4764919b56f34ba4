"""Reads for the public pages, the editor and the calendar."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet

from bedside.accounts.models import ClinicianProfile, Practice, Role, User
from bedside.publishing.models import (
    Article,
    ArticleStatus,
    Channel,
    PlannedPost,
    PracticePublishing,
    PublicProfile,
    Series,
    Topic,
    TrustedResource,
)


def practice_settings(practice: Practice) -> PracticePublishing:
    """Return the practice's publishing settings, or unsaved defaults when it has none yet."""
    found = PracticePublishing.objects.filter(practice=practice).first()
    return found or PracticePublishing(practice=practice, slug=practice.slug)


def articles_public() -> QuerySet[Article]:
    return (
        Article.objects.filter(status=ArticleStatus.PUBLISHED)
        .select_related("practice", "author__clinician_profile", "series")  # feeds show author names
        .prefetch_related("tags")
        .order_by("-published_at", "-pk")
    )


def article_resources(article: Article) -> QuerySet[TrustedResource]:
    return article.resources.filter(practice_id=article.practice_id).prefetch_related("topics")


def resources_for_topic(topic: Topic) -> QuerySet[TrustedResource]:
    return TrustedResource.objects.filter(topics=topic).order_by("publisher", "title")


def series_parts_public(series: Series) -> QuerySet[Article]:
    return series.parts.filter(status=ArticleStatus.PUBLISHED).order_by("series_position", "published_at")


def topics_public() -> QuerySet[Topic]:
    return (
        Topic.objects.filter(articles__status=ArticleStatus.PUBLISHED)
        .annotate(n=Count("articles", filter=Q(articles__status=ArticleStatus.PUBLISHED)))
        .order_by("name")
    )


def profiles_public() -> QuerySet[PublicProfile]:
    # The photo bytes are served by their own view only: lists and the sitemap leave them in the database.
    return PublicProfile.objects.filter(is_public=True, clinician__user__is_active=True).select_related(
        "clinician__practice"
    ).defer("photo")


def profile_of_author(article: Article) -> PublicProfile | None:
    return profiles_public().filter(clinician__user_id=article.author_id).first()


def series_public() -> QuerySet[Series]:
    return Series.objects.filter(parts__status=ArticleStatus.PUBLISHED).distinct().order_by("title")


# --- editor -------------------------------------------------------------------------------


def articles_for_editor(*, practices: QuerySet[Practice], status: str | None = None) -> QuerySet[Article]:
    qs = Article.objects.filter(practice__in=practices).select_related("author", "reviewer", "practice")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-updated_at", "-pk")


def resources_for_editor(*, practices: QuerySet[Practice]) -> QuerySet[TrustedResource]:
    return TrustedResource.objects.filter(practice__in=practices).prefetch_related("topics")


_WORD = re.compile(r"[a-z]{4,}")
_STOP = frozenset({"your", "with", "after", "before", "what", "when", "from", "that", "this", "about", "living",
                   "into", "have", "more", "part", "guide", "know"})


def _title_words(title: str) -> set[str]:
    return {w for w in _WORD.findall(title.lower()) if w not in _STOP}


@dataclass(frozen=True)
class Suggestion:
    resource: TrustedResource
    score: int
    reasons: tuple[str, ...]


def resource_suggestions(article: Article, limit: int = 8) -> list[Suggestion]:
    """Return the practice's trusted resources that match the article's topics or title words, best first.

    A shared topic counts 3, a title word found in the resource's title, description or topic
    names counts 1; resources already attached are left out.
    """
    topic_ids = set(article.tags.values_list("pk", flat=True))
    words = _title_words(article.title)
    attached = set(article.resources.values_list("pk", flat=True))
    out: list[Suggestion] = []
    for resource in TrustedResource.objects.filter(practice_id=article.practice_id).prefetch_related("topics"):
        if resource.pk in attached:
            continue
        shared = [t.name for t in resource.topics.all() if t.pk in topic_ids]
        haystack = " ".join([resource.title, resource.description, *(t.name for t in resource.topics.all())]).lower()
        hits = sorted(w for w in words if w in haystack)
        score = 3 * len(shared) + len(hits)
        if score:
            out.append(Suggestion(resource, score, tuple([*(f"topic: {n}" for n in shared), *(f"word: {w}" for w in hits)])))
    out.sort(key=lambda s: (-s.score, s.resource.publisher, s.resource.title))
    return out[:limit]


def clinician_profiles_editable(user: User) -> QuerySet[ClinicianProfile]:
    """Clinicians may edit their own profile; administrators every profile of their practices."""
    from bedside.publishing.access import editor_practices

    qs = ClinicianProfile.objects.filter(practice__in=editor_practices(user)).select_related("user", "practice")
    if user.role == Role.PRACTICE_ADMIN:
        return qs
    return qs.filter(user=user)


# --- calendar -------------------------------------------------------------------------------


def channel_stale_days(channel: Channel, default_days: int) -> int:
    return channel.stale_after_days or default_days


def channel_is_stale(channel: Channel, *, now: datetime, default_days: int) -> bool:
    """A channel is stale when nothing was published on it for its staleness period (or ever)."""
    last = channel.last_published_at
    return last is None or last <= now - timedelta(days=channel_stale_days(channel, default_days))


def channels_for_editor(*, practices: QuerySet[Practice]) -> QuerySet[Channel]:
    return Channel.objects.filter(practice__in=practices).select_related("owner", "practice").order_by("kind", "name")


def planned_posts_in_month(*, practices: QuerySet[Practice], year: int, month: int) -> QuerySet[PlannedPost]:
    return (
        PlannedPost.objects.filter(channel__practice__in=practices, planned_for__year=year, planned_for__month=month)
        .select_related("channel", "article")
        .order_by("planned_for", "channel__name", "pk")
    )
