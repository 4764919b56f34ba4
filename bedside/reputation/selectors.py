"""Reads for reputation pages: mentions with their highlights, watch lists, the self-audit facts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from bedside.accounts.models import Practice, Role, User
from bedside.publishing.models import Channel, PublicProfile
from bedside.publishing.selectors import channel_is_stale, practice_settings
from bedside.reputation.models import Mention, ReputationSettings, WatchedFeed, WatchTerm


def reputation_practices(user: User) -> QuerySet[Practice]:
    """Return the practices whose reputation USER may watch (clinicians and admins only)."""
    if user.role not in (Role.CLINICIAN, Role.PRACTICE_ADMIN):
        return Practice.objects.none()
    return Practice.objects.filter(memberships__user=user, memberships__is_active=True).order_by("name")


def mentions_for(user: User, *, tone: str = "", duplicates: bool = False) -> QuerySet[Mention]:
    qs = Mention.objects.filter(owner=user).select_related("feed")
    if not duplicates:
        qs = qs.filter(duplicate_of__isnull=True)
    if tone:
        qs = qs.filter(tone=tone)
    return qs.order_by("-found_at", "-pk")


def tone_counts(user: User, since: datetime) -> dict[str, int]:
    rows = Mention.objects.filter(owner=user, duplicate_of__isnull=True, found_at__gte=since) \
        .values("tone").annotate(n=Count("pk"))
    counts = {"positive": 0, "neutral": 0, "negative": 0}
    counts.update({row["tone"]: row["n"] for row in rows})
    return counts


def highlighted(text: str, matches: list[dict[str, Any]], field: str) -> SafeString:
    """Return TEXT escaped, with the matched watched names of FIELD wrapped in <mark>."""
    spans = sorted({(int(m["start"]), int(m["end"])) for m in matches if m.get("field") == field})
    out: list[str] = []
    pos = 0
    for start, end in spans:
        if start < pos or end > len(text):
            continue
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


def watch_lists(user: User) -> tuple[QuerySet[WatchTerm], QuerySet[WatchedFeed]]:
    return (WatchTerm.objects.filter(owner=user).order_by("phrase"),
            WatchedFeed.objects.filter(owner=user).order_by("created_at"))


def self_audit_facts(user: User) -> dict[str, Any]:
    """Return what the checklist should show: profile age, stale channels, failing feeds."""
    prefs = ReputationSettings.objects.filter(user=user).first()
    facts: dict[str, Any] = {"prefs": prefs, "profile_updated_at": None, "stale_channels": [],
                             "failing_feeds": WatchedFeed.objects.filter(owner=user, consecutive_failures__gte=3)}

    profile = PublicProfile.objects.filter(clinician__user=user).first()
    if profile is not None:
        facts["profile_updated_at"] = profile.updated_at
    now = timezone.now()
    stale = []
    defaults: dict[int, int] = {}
    for channel in Channel.objects.filter(owner=user).select_related("practice"):
        if channel.practice_id not in defaults:  # once per practice, as the editorial calendar does
            defaults[channel.practice_id] = practice_settings(channel.practice).stale_after_days
        if channel_is_stale(channel, now=now, default_days=defaults[channel.practice_id]):
            stale.append(channel)
    facts["stale_channels"] = stale
    return facts
