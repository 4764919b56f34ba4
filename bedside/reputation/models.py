"""Watched names and feeds, the mentions found in them, and each clinician's self-audit rhythm."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bedside.accounts.models import Practice


class FeedKind(models.TextChoices):
    SEARCH_ALERT = "search_alert", "Search alert (RSS/Atom)"
    REVIEWS = "reviews", "Review site"
    NEWS = "news", "News"
    SOCIAL = "social", "Own social channel"


class Tone(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEUTRAL = "neutral", "Neutral"
    NEGATIVE = "negative", "Negative"


class WatchTerm(models.Model):
    """A name or phrase to look for (e.g. "Dr. Alice Moreno", "Riverside Family Medicine")."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="watch_terms")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watch_terms")
    phrase = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "phrase"], name="watchterm_unique")]

    def __str__(self) -> str:
        return self.phrase


class WatchedFeed(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="watched_feeds")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watched_feeds")
    url = models.URLField(max_length=1000)
    kind = models.CharField(max_length=20, choices=FeedKind.choices, default=FeedKind.SEARCH_ALERT)
    title = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Conditional GET: what the server told us last time.
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    # Poll state; next_fetch_at is also the compare-and-set claim.
    next_fetch_at = models.DateTimeField(default=timezone.now)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=40, blank=True, help_text="ok, not_modified or an error code")
    consecutive_failures = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "url"], name="watchedfeed_unique")]
        indexes = [models.Index(fields=["is_active", "next_fetch_at"], name="feed_due")]

    def __str__(self) -> str:
        return self.title or self.url


class Mention(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="mentions")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions")
    feed = models.ForeignKey(WatchedFeed, on_delete=models.SET_NULL, null=True, related_name="mentions")
    url = models.URLField(max_length=1000)
    url_key = models.CharField(max_length=64, help_text="SHA-256 of the normalised URL")
    title = models.CharField(max_length=500)
    summary = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    found_at = models.DateTimeField(default=timezone.now)
    matches = models.JSONField(default=list, help_text='[{"term", "field", "start", "end"}]')
    tone = models.CharField(max_length=10, choices=Tone.choices)
    compound = models.FloatField(default=0.0)
    fingerprint = models.BigIntegerField(default=0, help_text="64-bit SimHash of the text (signed)")
    duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "url_key"], name="mention_url_unique"),
            models.CheckConstraint(condition=Q(tone__in=Tone.values), name="mention_tone_valid"),
        ]
        indexes = [models.Index(fields=["owner", "-found_at"], name="mention_owner_found")]

    def __str__(self) -> str:
        return self.title[:80]


class ReputationSettings(models.Model):
    """Per clinician: the self-audit interval (ACP/FSMB: search for yourself periodically) and digests."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reputation")
    self_audit_every_days = models.PositiveSmallIntegerField(default=91)
    next_self_audit_at = models.DateTimeField(default=timezone.now)
    self_audit_reminded_at = models.DateTimeField(null=True, blank=True)
    last_self_audit_at = models.DateTimeField(null=True, blank=True)
    last_self_audit_checklist = models.JSONField(default=dict, blank=True)
    weekly_digest = models.BooleanField(default=True)
    digest_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(self_audit_every_days__gte=7), name="selfaudit_interval_min")]

    def __str__(self) -> str:
        return f"reputation settings of user {self.user_id}"
