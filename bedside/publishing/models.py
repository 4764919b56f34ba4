"""Public presence: clinician profiles, articles, FAQs, series, trusted resources, editorial calendar.

Nothing here is PHI: it is what a practice chooses to publish. Drafts are still private until a
second person has reviewed them, and everything not yet public is hidden from the public and
from other practices by the access helpers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from bedside.accounts.models import ClinicianProfile, Practice

DEFAULT_DISCLAIMER_MD = (
    "This page offers **general health information**, not personal medical advice. "
    "It does not create a doctor–patient relationship. Talk to your own physician about your situation. "
    "**In an emergency, call 911** (or your local emergency number)."
)

DEFAULT_COMMENT_POLICY_MD = """\
We welcome comments and general questions. Every comment is screened before it appears; a moderator reads any comment the screening holds back.

**Please do not share personal health information** — yours or anyone else's: names, dates of birth,
phone numbers, addresses, record numbers, diagnoses, medications or test results. Comments that do
are not published; we reply privately instead.

**We cannot give personal medical advice in public.** If you are a patient of the practice, use the
secure patient portal or call the office. Otherwise, please talk to your own doctor.

**In an emergency call 911.** If you are thinking about harming yourself, call or text 988.

We do not publish spam, advertising, undisclosed promotion, personal attacks or off-topic comments.
"""


class ArticleKind(models.TextChoices):
    ARTICLE = "article", "Article"
    FAQ = "faq", "FAQ page"
    SERIES_PART = "series_part", "Part of a series"


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved (scheduled)"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class Topic(models.Model):
    """A shared topic vocabulary ("diabetes", "knee replacement") for articles and resources."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PracticePublishing(models.Model):
    """A practice's publishing settings: its public slug, disclaimer, comment policy and staleness."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="publishing")
    slug = models.SlugField(max_length=80, unique=True)
    disclaimer_md = models.TextField(default=DEFAULT_DISCLAIMER_MD)
    comment_policy_md = models.TextField(default=DEFAULT_COMMENT_POLICY_MD)
    stale_after_days = models.PositiveSmallIntegerField(default=30)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(stale_after_days__gte=1), name="practicepublishing_stale_positive"),
        ]

    def __str__(self) -> str:
        return f"publishing settings of {self.practice}"


class PublicProfile(models.Model):
    """The public page of a clinician; credentials and NPI come from the ClinicianProfile."""

    clinician = models.OneToOneField(ClinicianProfile, on_delete=models.CASCADE, related_name="public_profile")
    slug = models.SlugField(max_length=80, unique=True)
    # Re-encoded JPEG without metadata (see publishing.photos); served by a view, never from user files.
    photo = models.BinaryField(null=True, blank=True, editable=False)
    photo_updated_at = models.DateTimeField(null=True, blank=True)
    bio_md = models.TextField(blank=True)
    specialties = models.CharField(max_length=300, blank=True, help_text="Comma-separated.")
    board_certifications = models.TextField(blank=True, help_text="One per line.")
    languages = models.CharField(max_length=200, blank=True, help_text="Comma-separated.")
    locations = models.TextField(blank=True, help_text="One office per line.")
    accepted_insurance = models.TextField(blank=True, help_text="One plan per line.")
    conflicts_of_interest = models.TextField(
        blank=True, help_text="Financial relationships and other disclosures; “None” is a disclosure too."
    )
    how_to_reach = models.TextField(blank=True)
    is_public = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"public profile {self.slug}"


class Series(models.Model):
    """An education series ("Living with diabetes") whose parts are articles."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="series")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    description_md = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return self.title


class Article(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="articles")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="articles")
    kind = models.CharField(max_length=12, choices=ArticleKind.choices, default=ArticleKind.ARTICLE)
    series = models.ForeignKey(Series, on_delete=models.SET_NULL, null=True, blank=True, related_name="parts")
    series_position = models.PositiveSmallIntegerField(null=True, blank=True)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    summary = models.CharField(max_length=300, blank=True)
    body_md = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="reviewed_articles"
    )
    review_note = models.TextField(blank=True, help_text="What the reviewer asked to change.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    publish_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    comments_open = models.BooleanField(default=True)
    tags = models.ManyToManyField(Topic, blank=True, related_name="articles")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ArticleKind.values), name="article_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ArticleStatus.values), name="article_status_valid"),
            # The four-eyes rule: nobody reviews their own article.
            models.CheckConstraint(
                condition=Q(reviewer__isnull=True) | ~Q(reviewer=F("author")), name="article_reviewer_not_author"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "published"]) | Q(reviewer__isnull=False),
                name="article_public_needs_reviewer",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False), name="article_published_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(publish_at__isnull=False), name="article_approved_has_time"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "publish_at"], name="article_due"),
            models.Index(fields=["practice", "status", "-published_at"], name="article_listing"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED


class TrustedResource(models.Model):
    """An outside page the practice trusts (MedlinePlus, CDC, a specialty society), tagged by topic."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="trusted_resources")
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500)
    publisher = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="resources")
    articles = models.ManyToManyField(Article, blank=True, related_name="resources")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "url"], name="trustedresource_url_unique"),
        ]
        ordering = ["publisher", "title"]

    def __str__(self) -> str:
        return f"{self.publisher}: {self.title}"


class ChannelKind(models.TextChoices):
    SITE = "site", "Web site"
    BLOG = "blog", "Blog"
    SOCIAL = "social", "Social account"


class Channel(models.Model):
    """Somewhere the practice publishes; each needs care and feeding (a stale channel hurts)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="channels")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=8, choices=ChannelKind.choices)
    url = models.URLField(max_length=500, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="channels")
    stale_after_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave empty to use the practice's setting."
    )
    last_published_at = models.DateTimeField(null=True, blank=True)
    # Compare-and-set claim of the stale reminder: one reminder per staleness period.
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="channel_name_unique"),
            models.CheckConstraint(condition=Q(kind__in=ChannelKind.values), name="channel_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class PlannedPostStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DONE = "done", "Published"
    DROPPED = "dropped", "Dropped"


class PlannedPost(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="planned_posts")
    title = models.CharField(max_length=200)
    planned_for = models.DateField()
    status = models.CharField(max_length=8, choices=PlannedPostStatus.choices, default=PlannedPostStatus.PLANNED)
    article = models.ForeignKey(Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="planned_posts")
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(status__in=PlannedPostStatus.values), name="plannedpost_status_valid"),
        ]
        ordering = ["planned_for", "pk"]

    def __str__(self) -> str:
        return self.title
