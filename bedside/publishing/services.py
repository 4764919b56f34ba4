"""Writes of the public presence: articles and their review, resources, profiles, settings and the
editorial calendar. Publishing is not PHI, but who wrote, approved and published what is audited
(ids only), in the same transaction as the change.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from bedside.accounts.models import ClinicianProfile, Practice, User
from bedside.audit.services import audit_record
from bedside.core.errors import Conflict, Forbidden, InvalidInput
from bedside.publishing import access, selectors
from bedside.publishing.models import (
    Article,
    ArticleKind,
    ArticleStatus,
    Channel,
    ChannelKind,
    PlannedPost,
    PlannedPostStatus,
    PracticePublishing,
    PublicProfile,
    Series,
    Topic,
    TrustedResource,
)
from bedside.publishing.photos import photo_clean

log = logging.getLogger(__name__)


class AuditAction:
    """Audit actions of this app (plain strings: the audit Action choices are documentation only)."""

    ARTICLE_CREATE = "publishing.article_create"
    ARTICLE_UPDATE = "publishing.article_update"
    ARTICLE_SUBMIT = "publishing.article_submit"
    ARTICLE_APPROVE = "publishing.article_approve"
    ARTICLE_CHANGES = "publishing.article_changes"
    ARTICLE_PUBLISH = "publishing.article_publish"
    ARTICLE_WITHDRAW = "publishing.article_withdraw"
    ARTICLE_ARCHIVE = "publishing.article_archive"
    PROFILE_UPDATE = "publishing.profile_update"
    RESOURCE_CHANGE = "publishing.resource_change"
    CHANNEL_CHANGE = "publishing.channel_change"
    CHANNEL_REMINDED = "publishing.channel_reminded"
    SETTINGS_UPDATE = "publishing.settings_update"


def _unique_slug(model: type[Article] | type[Series] | type[PublicProfile] | type[PracticePublishing],
                 text: str, *, exclude_pk: int | None = None, max_length: int = 100) -> str:
    base = slugify(text)[:max_length].strip("-") or "page"
    slug, n = base, 2
    others = model.objects.exclude(pk=exclude_pk) if exclude_pk is not None else model.objects.all()
    while others.filter(slug=slug).exists():
        slug = f"{base[: max_length - 6]}-{n}"
        n += 1
    return slug


def _clean_text(value: str, *, field: str, label: str, max_length: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(f"{label} is required.", field=field)
    if len(value) > max_length:
        raise InvalidInput(f"{label} is {len(value)} characters long; the limit is {max_length}.", field=field)
    return value


BODY_MAX = 100_000


# ---------------------------------------------------------------------------------------------
# topics and settings


@transaction.atomic
def topic_ensure(*, name: str) -> Topic:
    """Return the topic NAME (case-insensitive), creating it on first use."""
    name = _clean_text(name, field="tags", label="A topic", max_length=80, required=True)
    found = Topic.objects.filter(name__iexact=name).first()
    if found is not None:
        return found
    slug = slugify(name)[:80] or "topic"
    base, n = slug, 2
    while Topic.objects.filter(slug=slug).exists():
        slug, n = f"{base[:74]}-{n}", n + 1
    return Topic.objects.create(name=name, slug=slug)


def topics_from_text(text: str) -> list[Topic]:
    """Return topics for a comma-separated list typed by an editor."""
    return [topic_ensure(name=part) for part in dict.fromkeys(p.strip() for p in (text or "").split(",")) if part]


@transaction.atomic
def practice_settings_ensure(*, practice: Practice) -> PracticePublishing:
    found = PracticePublishing.objects.filter(practice=practice).first()
    if found is not None:
        return found
    return PracticePublishing.objects.create(
        practice=practice, slug=_unique_slug(PracticePublishing, practice.slug or practice.name)
    )


@transaction.atomic
def practice_settings_update(
    *, actor: User, practice: Practice, disclaimer_md: str, comment_policy_md: str, stale_after_days: int
) -> PracticePublishing:
    if actor.role not in access.REVIEWER_ROLES or not access.editor_practices(actor).filter(pk=practice.pk).exists():
        raise Forbidden("Only a clinician or administrator of the practice can change its publishing settings.")
    if stale_after_days < 1 or stale_after_days > 3650:
        raise InvalidInput("Choose between 1 and 3650 days.", field="stale_after_days")
    disclaimer_md = _clean_text(disclaimer_md, field="disclaimer_md", label="The disclaimer", max_length=5000, required=True)
    comment_policy_md = _clean_text(
        comment_policy_md, field="comment_policy_md", label="The comment policy", max_length=20_000, required=True
    )
    settings_row = practice_settings_ensure(practice=practice)
    settings_row.disclaimer_md = disclaimer_md
    settings_row.comment_policy_md = comment_policy_md
    settings_row.stale_after_days = stale_after_days
    settings_row.save()
    audit_record(action=AuditAction.SETTINGS_UPDATE, actor=actor, obj=settings_row, practice_id=practice.pk)
    return settings_row


# ---------------------------------------------------------------------------------------------
# articles


def _check_publish_at(publish_at: datetime | None) -> None:
    """Refuse a publication time that is not a real plan (and would overflow in UTC)."""
    if publish_at is None:
        return
    now = timezone.now()
    if publish_at.year < 2000 or publish_at > now + timedelta(days=5 * 366):
        raise InvalidInput("Choose a publication date within the next five years.", field="publish_at")


def _check_article_fields(
    *, practice: Practice, kind: str, title: str, summary: str, body_md: str, series: Series | None
) -> tuple[str, str, str]:
    if kind not in ArticleKind.values:
        raise InvalidInput("Choose article, FAQ page or part of a series.", field="kind")
    title = _clean_text(title, field="title", label="The title", max_length=200, required=True)
    summary = _clean_text(summary, field="summary", label="The summary", max_length=300)
    body_md = _clean_text(body_md, field="body_md", label="The text", max_length=BODY_MAX)
    if kind == ArticleKind.SERIES_PART and series is None:
        raise InvalidInput("Choose the series this part belongs to.", field="series")
    if series is not None and series.practice_id != practice.pk:
        raise InvalidInput("Choose a series of this practice.", field="series")
    return title, summary, body_md


@transaction.atomic
def article_create(
    *,
    author: User,
    practice: Practice,
    title: str,
    body_md: str,
    kind: str = ArticleKind.ARTICLE,
    summary: str = "",
    series: Series | None = None,
    series_position: int | None = None,
    tags: Iterable[Topic] = (),
    comments_open: bool = True,
    publish_at: datetime | None = None,
    slug: str = "",
) -> Article:
    """Create a draft by AUTHOR, an editor of PRACTICE (SLUG defaults to one made from the title)."""
    if not access.editor_practices(author).filter(pk=practice.pk).exists():
        raise Forbidden("Only the practice's care team can write its articles.")
    _check_publish_at(publish_at)
    title, summary, body_md = _check_article_fields(
        practice=practice, kind=kind, title=title, summary=summary, body_md=body_md, series=series
    )
    article = Article.objects.create(
        practice=practice, author=author, kind=kind, title=title, slug=_unique_slug(Article, slug or title),
        summary=summary, body_md=body_md, series=series if kind == ArticleKind.SERIES_PART else None,
        series_position=series_position if kind == ArticleKind.SERIES_PART else None,
        comments_open=comments_open, publish_at=publish_at,
    )
    article.tags.set(list(tags))
    audit_record(action=AuditAction.ARTICLE_CREATE, actor=author, obj=article, practice_id=practice.pk)
    return article


@transaction.atomic
def article_update(
    *,
    actor: User,
    article: Article,
    title: str,
    body_md: str,
    kind: str,
    summary: str = "",
    series: Series | None = None,
    series_position: int | None = None,
    tags: Iterable[Topic] = (),
    comments_open: bool = True,
    publish_at: datetime | None = None,
) -> Article:
    """Change a draft. Text under review or public is changed only after returning it to draft,
    so nothing reaches the public without a second person having read exactly that text."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status != ArticleStatus.DRAFT:
        raise Conflict("Only drafts can be edited: return the article to draft first.")
    if article.author_id != actor.pk:
        # The reviewer must not be the writer of the text they approve: a second editor changing
        # the draft would become a writer the review rule does not see.
        raise Conflict("Only the author can change a draft; suggest changes when you review it.")
    _check_publish_at(publish_at)
    title, summary, body_md = _check_article_fields(
        practice=article.practice, kind=kind, title=title, summary=summary, body_md=body_md, series=series
    )
    article.title, article.summary, article.body_md, article.kind = title, summary, body_md, kind
    article.series = series if kind == ArticleKind.SERIES_PART else None
    article.series_position = series_position if kind == ArticleKind.SERIES_PART else None
    article.comments_open, article.publish_at = comments_open, publish_at
    article.updated_at = timezone.now()
    article.save()
    article.tags.set(list(tags))
    audit_record(action=AuditAction.ARTICLE_UPDATE, actor=actor, obj=article, practice_id=article.practice_id)
    return article


def _transition(article: Article, *, allowed: set[str], verb: str) -> Article:
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.status not in allowed:
        raise Conflict(f"This article is {locked.get_status_display().lower()}; it cannot be {verb} now.")
    return locked


@transaction.atomic
def article_submit(*, actor: User, article: Article) -> Article:
    """Send a draft to review by a second person."""
    article = _transition(article, allowed={ArticleStatus.DRAFT}, verb="submitted")
    if not article.body_md.strip():
        raise InvalidInput("Write the text before submitting it for review.", field="body_md")
    now = timezone.now()
    article.status, article.submitted_at, article.updated_at = ArticleStatus.IN_REVIEW, now, now
    article.reviewer, article.reviewed_at = None, None
    article.save()
    audit_record(action=AuditAction.ARTICLE_SUBMIT, actor=actor, obj=article, practice_id=article.practice_id)
    return article


@transaction.atomic
def article_review(
    *, reviewer: User, article: Article, approve: bool, note: str = "", publish_at: datetime | None = None
) -> Article:
    """Approve ARTICLE (scheduled for PUBLISH_AT, or published now) or send it back with NOTE.

    The reviewer must be a clinician or administrator of the practice and not the author
    (also a database constraint).
    """
    article = _transition(article, allowed={ArticleStatus.IN_REVIEW}, verb="reviewed")
    if article.author_id == reviewer.pk:
        raise Forbidden("A second person must review this article: authors cannot approve their own.")
    if not access.may_review(reviewer, article):
        raise Forbidden("Only a clinician or administrator of the practice can review articles.")
    note = _clean_text(note, field="note", label="The note", max_length=5000)
    _check_publish_at(publish_at)
    now = timezone.now()
    article.reviewer, article.reviewed_at, article.review_note = reviewer, now, note
    if not approve:
        if not note:
            raise InvalidInput("Say what should change.", field="note")
        article.status = ArticleStatus.DRAFT
        article.save()
        audit_record(action=AuditAction.ARTICLE_CHANGES, actor=reviewer, obj=article, practice_id=article.practice_id)
        return article
    article.status = ArticleStatus.APPROVED
    article.publish_at = publish_at or article.publish_at or now
    article.save()
    audit_record(action=AuditAction.ARTICLE_APPROVE, actor=reviewer, obj=article, practice_id=article.practice_id,
                 detail={"scheduled": article.publish_at > now})
    if article.publish_at <= now:
        article_publish_claim(article_id=article.pk, now=now, actor=reviewer)
        article.refresh_from_db()
    return article


@transaction.atomic
def article_publish_claim(*, article_id: int, now: datetime | None = None, actor: User | None = None) -> bool:
    """Publish one approved, due article; return False when another worker (or an edit) got there first.

    The compare-and-set UPDATE … WHERE status='approved' makes publication happen once only.
    """
    now = now or timezone.now()
    claimed = Article.objects.filter(pk=article_id, status=ArticleStatus.APPROVED, publish_at__lte=now).update(
        status=ArticleStatus.PUBLISHED, published_at=now, updated_at=now
    )
    if claimed != 1:
        return False
    article = Article.objects.get(pk=article_id)
    # Publishing on the site is news on the practice's site channels.
    Channel.objects.filter(practice_id=article.practice_id, kind=ChannelKind.SITE).filter(
        Q(last_published_at__isnull=True) | Q(last_published_at__lt=now)
    ).update(last_published_at=now)
    PlannedPost.objects.filter(article_id=article_id, status=PlannedPostStatus.PLANNED).update(
        status=PlannedPostStatus.DONE
    )
    audit_record(action=AuditAction.ARTICLE_PUBLISH, actor=actor, obj=article, practice_id=article.practice_id,
                 channel=None if actor is not None else "worker")
    return True


def articles_publish_due(*, now: datetime | None = None) -> int:
    """Publish every approved article whose time has come; return how many this call published."""
    now = now or timezone.now()
    due = list(
        Article.objects.filter(status=ArticleStatus.APPROVED, publish_at__lte=now).values_list("pk", flat=True)[:500]
    )
    return sum(1 for pk in due if article_publish_claim(article_id=pk, now=now))


@transaction.atomic
def article_withdraw(*, actor: User, article: Article) -> Article:
    """Return an article to draft (leaving review, unscheduling or unpublishing it)."""
    article = _transition(
        article, allowed={ArticleStatus.IN_REVIEW, ArticleStatus.APPROVED, ArticleStatus.PUBLISHED,
                          ArticleStatus.ARCHIVED}, verb="returned to draft",
    )
    was = article.status
    article.status, article.reviewer, article.reviewed_at = ArticleStatus.DRAFT, None, None
    article.published_at = None if was != ArticleStatus.PUBLISHED else article.published_at
    article.updated_at = timezone.now()
    article.save()
    audit_record(action=AuditAction.ARTICLE_WITHDRAW, actor=actor, obj=article, practice_id=article.practice_id,
                 detail={"from": was})
    return article


@transaction.atomic
def article_archive(*, actor: User, article: Article) -> Article:
    """Take a published article off the public site (its URL then answers 404)."""
    article = _transition(article, allowed={ArticleStatus.PUBLISHED}, verb="archived")
    article.status, article.updated_at = ArticleStatus.ARCHIVED, timezone.now()
    article.save()
    audit_record(action=AuditAction.ARTICLE_ARCHIVE, actor=actor, obj=article, practice_id=article.practice_id)
    return article


@transaction.atomic
def article_resources_set(*, actor: User, article: Article, resource_ids: Iterable[int]) -> Article:
    """Attach trusted resources of the article's practice (anything else is refused)."""
    ids = set(resource_ids)
    found = list(TrustedResource.objects.filter(practice_id=article.practice_id, pk__in=ids))
    if len(found) != len(ids):
        raise InvalidInput("Choose resources from your practice's library.", field="resources")
    article.resources.set(found)
    audit_record(action=AuditAction.ARTICLE_UPDATE, actor=actor, obj=article, practice_id=article.practice_id,
                 detail={"resources": len(found)})
    return article


@transaction.atomic
def series_create(*, actor: User, practice: Practice, title: str, description_md: str = "") -> Series:
    title = _clean_text(title, field="title", label="The series title", max_length=200, required=True)
    found = Series.objects.filter(practice=practice, title__iexact=title).first()
    if found is not None:
        return found
    return Series.objects.create(
        practice=practice, title=title, slug=_unique_slug(Series, title),
        description_md=_clean_text(description_md, field="description_md", label="The description", max_length=5000),
    )


# ---------------------------------------------------------------------------------------------
# trusted resources


def _check_url(url: str) -> str:
    url = _clean_text(url, field="url", label="The address", max_length=500, required=True)
    if not url.lower().startswith(("https://", "http://")):
        raise InvalidInput("Give a web address starting with https://.", field="url")
    return url


@transaction.atomic
def resource_save(
    *,
    actor: User,
    practice: Practice,
    title: str,
    url: str,
    publisher: str,
    description: str = "",
    topics: Iterable[Topic] = (),
    resource: TrustedResource | None = None,
) -> TrustedResource:
    """Create or change a trusted resource of PRACTICE's library."""
    title = _clean_text(title, field="title", label="The title", max_length=200, required=True)
    publisher = _clean_text(publisher, field="publisher", label="The publisher", max_length=120, required=True)
    description = _clean_text(description, field="description", label="The description", max_length=2000)
    url = _check_url(url)
    clash = TrustedResource.objects.filter(practice=practice, url=url)
    if resource is not None:
        clash = clash.exclude(pk=resource.pk)
    if clash.exists():
        raise InvalidInput("This address is already in the library.", field="url")
    if resource is None:
        resource = TrustedResource(practice=practice)
    resource.title, resource.url, resource.publisher, resource.description = title, url, publisher, description
    resource.save()
    resource.topics.set(list(topics))
    audit_record(action=AuditAction.RESOURCE_CHANGE, actor=actor, obj=resource, practice_id=practice.pk)
    return resource


@transaction.atomic
def resource_delete(*, actor: User, resource: TrustedResource) -> None:
    audit_record(action=AuditAction.RESOURCE_CHANGE, actor=actor, obj=resource, practice_id=resource.practice_id,
                 detail={"deleted": True})
    resource.delete()


# ---------------------------------------------------------------------------------------------
# public profiles


@transaction.atomic
def profile_update(
    *,
    actor: User,
    clinician: ClinicianProfile,
    bio_md: str = "",
    specialties: str = "",
    board_certifications: str = "",
    languages: str = "",
    locations: str = "",
    accepted_insurance: str = "",
    conflicts_of_interest: str = "",
    how_to_reach: str = "",
    is_public: bool = False,
    photo: bytes | None = None,
    remove_photo: bool = False,
    slug: str = "",
) -> PublicProfile:
    """Create or change CLINICIAN's public profile (their own, or any of the practice for an administrator)."""
    if not selectors.clinician_profiles_editable(actor).filter(pk=clinician.pk).exists():
        raise Forbidden("You can edit only your own profile.")
    values = {
        "bio_md": _clean_text(bio_md, field="bio_md", label="The biography", max_length=10_000),
        "specialties": _clean_text(specialties, field="specialties", label="Specialties", max_length=300),
        "board_certifications": _clean_text(board_certifications, field="board_certifications",
                                            label="Board certifications", max_length=2000),
        "languages": _clean_text(languages, field="languages", label="Languages", max_length=200),
        "locations": _clean_text(locations, field="locations", label="Locations", max_length=2000),
        "accepted_insurance": _clean_text(accepted_insurance, field="accepted_insurance", label="Insurance",
                                          max_length=4000),
        "conflicts_of_interest": _clean_text(conflicts_of_interest, field="conflicts_of_interest",
                                             label="Disclosures", max_length=4000),
        "how_to_reach": _clean_text(how_to_reach, field="how_to_reach", label="How to reach me", max_length=2000),
    }
    if is_public and not values["conflicts_of_interest"]:
        raise InvalidInput(
            "A public profile needs a conflict-of-interest disclosure (write “None” if there is none).",
            field="conflicts_of_interest",
        )
    profile = PublicProfile.objects.select_for_update().filter(clinician=clinician).first()
    if profile is None:
        profile = PublicProfile(clinician=clinician, slug=_unique_slug(PublicProfile, clinician.display_name))
    if slug:
        wanted = slugify(slug)[:80]
        if not wanted:
            raise InvalidInput("Use letters, digits and hyphens for the address.", field="slug")
        if PublicProfile.objects.filter(slug=wanted).exclude(pk=profile.pk).exists():
            raise InvalidInput("This address is taken; choose another.", field="slug")
        profile.slug = wanted
    for key, value in values.items():
        setattr(profile, key, value)
    profile.is_public = is_public
    if photo is not None:
        profile.photo, profile.photo_updated_at = photo_clean(photo), timezone.now()
    elif remove_photo:
        profile.photo, profile.photo_updated_at = None, None
    profile.updated_at = timezone.now()
    profile.save()
    audit_record(action=AuditAction.PROFILE_UPDATE, actor=actor, obj=profile, practice_id=clinician.practice_id,
                 detail={"public": is_public, "photo": photo is not None})
    return profile


# ---------------------------------------------------------------------------------------------
# editorial calendar


@transaction.atomic
def channel_save(
    *,
    actor: User,
    practice: Practice,
    name: str,
    kind: str,
    owner: User,
    url: str = "",
    stale_after_days: int | None = None,
    channel: Channel | None = None,
) -> Channel:
    name = _clean_text(name, field="name", label="The name", max_length=120, required=True)
    if kind not in ChannelKind.values:
        raise InvalidInput("Choose web site, blog or social account.", field="kind")
    if url:
        url = _check_url(url)
    if stale_after_days is not None and not 1 <= stale_after_days <= 3650:
        raise InvalidInput("Choose between 1 and 3650 days, or leave it empty.", field="stale_after_days")
    if not access.editor_practices(owner).filter(pk=practice.pk).exists():
        raise InvalidInput("The owner must be a member of the practice's care team.", field="owner")
    clash = Channel.objects.filter(practice=practice, name__iexact=name)
    if channel is not None:
        clash = clash.exclude(pk=channel.pk)
    if clash.exists():
        raise InvalidInput("The practice already has a channel of this name.", field="name")
    if channel is None:
        channel = Channel(practice=practice)
    channel.name, channel.kind, channel.owner, channel.url = name, kind, owner, url
    channel.stale_after_days = stale_after_days
    channel.save()
    audit_record(action=AuditAction.CHANNEL_CHANGE, actor=actor, obj=channel, practice_id=practice.pk)
    return channel


@transaction.atomic
def channel_mark_published(*, actor: User, channel: Channel, when: datetime | None = None) -> Channel:
    """Record that something went out on CHANNEL (social posts are made outside bedside)."""
    when = when or timezone.now()
    if when > timezone.now() + timedelta(minutes=5):
        raise InvalidInput("The date of a past post cannot be in the future.", field="when")
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    if channel.last_published_at is None or channel.last_published_at < when:
        channel.last_published_at = when
        channel.save(update_fields=["last_published_at"])
    audit_record(action=AuditAction.CHANNEL_CHANGE, actor=actor, obj=channel, practice_id=channel.practice_id,
                 detail={"published": True})
    return channel


@transaction.atomic
def planned_post_save(
    *,
    actor: User,
    channel: Channel,
    title: str,
    planned_for: date | None,
    status: str = PlannedPostStatus.PLANNED,
    article: Article | None = None,
    notes: str = "",
    post: PlannedPost | None = None,
) -> PlannedPost:
    title = _clean_text(title, field="title", label="The title", max_length=200, required=True)
    notes = _clean_text(notes, field="notes", label="Notes", max_length=300)
    if not isinstance(planned_for, date):
        raise InvalidInput("Give the planned date.", field="planned_for")
    if status not in PlannedPostStatus.values:
        raise InvalidInput("Choose planned, published or dropped.", field="status")
    if article is not None and article.practice_id != channel.practice_id:
        raise InvalidInput("Choose an article of this practice.", field="article")
    if post is None:
        post = PlannedPost(channel=channel)
    post.channel, post.title, post.planned_for, post.status = channel, title, planned_for, status
    post.article, post.notes = article, notes
    post.save()
    audit_record(action=AuditAction.CHANNEL_CHANGE, actor=actor, obj=post, practice_id=channel.practice_id)
    return post


def _send_stale_reminder(channel_id: int, claimed_at: datetime | None = None,
                         previous: datetime | None = None) -> None:
    try:
        _send_stale_reminder_mail(channel_id)
    except Exception:
        # Give the claim back so the next hourly sweep tries again, instead of losing the reminder.
        if claimed_at is not None:
            Channel.objects.filter(pk=channel_id, reminded_at=claimed_at).update(reminded_at=previous)
        raise


def _send_stale_reminder_mail(channel_id: int) -> None:
    channel = Channel.objects.select_related("owner", "practice").get(pk=channel_id)
    days = channel.stale_after_days or selectors.practice_settings(channel.practice).stale_after_days
    link = settings.BEDSIDE_SITE_URL.rstrip("/") + reverse("publishing:calendar")
    # Channel names and dates only: nothing from any patient.
    body = (
        f"Nothing has been published on the channel “{channel.name}” for {days} days or more.\n\n"
        "A stale channel tells visitors the practice is not keeping it up. Plan a post, or record one "
        f"you made elsewhere, in the editorial calendar:\n{link}\n"
    )
    send_mail(f"Channel “{channel.name}” needs a post", body, settings.DEFAULT_FROM_EMAIL, [channel.owner.email])


@transaction.atomic
def channel_reminder_claim(*, channel: Channel, now: datetime, days: int) -> bool:
    """Claim the reminder of a stale CHANNEL for this staleness period; send it after commit.

    Compare-and-set on reminded_at: the UPDATE succeeds only if no reminder went out in the
    last DAYS days, so concurrent sweeps send one email.
    """
    since = now - timedelta(days=days)
    claimed = Channel.objects.filter(pk=channel.pk).filter(
        Q(last_published_at__isnull=True) | Q(last_published_at__lte=since)
    ).filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=since)).update(reminded_at=now)
    if claimed != 1:
        return False
    audit_record(action=AuditAction.CHANNEL_REMINDED, obj=channel, practice_id=channel.practice_id, channel="worker")
    transaction.on_commit(partial(_send_stale_reminder, channel.pk, now, channel.reminded_at), robust=True)
    return True


def channel_reminders_run(*, now: datetime | None = None) -> int:
    """Remind the owner of every channel that has gone stale; return how many reminders were claimed."""
    now = now or timezone.now()
    sent = 0
    defaults: dict[int, int] = {}
    for channel in Channel.objects.select_related("practice").filter(owner__is_active=True):
        if channel.practice_id not in defaults:
            defaults[channel.practice_id] = selectors.practice_settings(channel.practice).stale_after_days
        days = selectors.channel_stale_days(channel, defaults[channel.practice_id])
        if selectors.channel_is_stale(channel, now=now, default_days=days) and channel_reminder_claim(
            channel=channel, now=now, days=days
        ):
            sent += 1
    return sent
