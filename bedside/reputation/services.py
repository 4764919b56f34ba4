"""Writes for reputation: watch lists, polling feeds into mentions, alerts, digests, self-audits."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from bedside.accounts.models import Practice, Role, User
from bedside.audit.services import audit_record
from bedside.core.errors import InvalidInput
from bedside.core.queue import backoff
from bedside.reputation import analysis, fetch, selectors
from bedside.reputation.models import (
    FeedKind,
    Mention,
    ReputationSettings,
    Tone,
    WatchedFeed,
    WatchTerm,
)

log = logging.getLogger(__name__)
NEAR_DUPLICATE_BITS = 3
MAX_TERMS = 20
MAX_FEEDS = 30


def _require_member(user: User, practice: Practice) -> None:
    if not selectors.reputation_practices(user).filter(pk=practice.pk).exists():
        raise InvalidInput("Only clinicians and administrators of the practice can watch its reputation.")


@transaction.atomic
def watch_term_add(*, user: User, practice: Practice, phrase: str) -> WatchTerm:
    """Watch PHRASE (a name or phrase of at least 3 characters) for USER."""
    _require_member(user, practice)
    phrase = " ".join((phrase or "").split())
    if len(phrase) < 3:
        raise InvalidInput("Enter a name or phrase of at least 3 characters.", field="phrase")
    if len(phrase) > 120:
        raise InvalidInput("Keep the phrase under 120 characters.", field="phrase")
    if WatchTerm.objects.filter(owner=user).count() >= MAX_TERMS:
        raise InvalidInput(f"You can watch up to {MAX_TERMS} names or phrases.", field="phrase")
    if WatchTerm.objects.filter(owner=user, phrase__iexact=phrase).exists():
        raise InvalidInput("You already watch this phrase.", field="phrase")
    term = WatchTerm.objects.create(practice=practice, owner=user, phrase=phrase)
    audit_record(action="reputation.term_add", actor=user, obj=term, practice_id=practice.pk)
    return term


@transaction.atomic
def watch_term_remove(*, user: User, term: WatchTerm) -> None:
    audit_record(action="reputation.term_remove", actor=user, obj=term, practice_id=term.practice_id)
    term.delete()


@transaction.atomic
def watched_feed_add(*, user: User, practice: Practice, url: str, kind: str, title: str = "") -> WatchedFeed:
    """Watch the RSS/Atom feed at URL (checked against SSRF now and again at every fetch)."""
    _require_member(user, practice)
    if kind not in FeedKind.values:
        raise InvalidInput("Choose what kind of feed this is.", field="kind")
    url = fetch.feed_url_check(url)
    if len(url) > 1000:
        raise InvalidInput("The feed URL is too long.", field="url")
    if WatchedFeed.objects.filter(owner=user).count() >= MAX_FEEDS:
        raise InvalidInput(f"You can watch up to {MAX_FEEDS} feeds.", field="url")
    if WatchedFeed.objects.filter(owner=user, url=url).exists():
        raise InvalidInput("You already watch this feed.", field="url")
    feed = WatchedFeed.objects.create(practice=practice, owner=user, url=url, kind=kind, title=title.strip()[:200])
    audit_record(action="reputation.feed_add", actor=user, obj=feed, practice_id=practice.pk)
    return feed


@transaction.atomic
def watched_feed_remove(*, user: User, feed: WatchedFeed) -> None:
    audit_record(action="reputation.feed_remove", actor=user, obj=feed, practice_id=feed.practice_id)
    feed.delete()


# --- polling ----------------------------------------------------------------------------------------

def feeds_due(limit: int = 200) -> list[int]:
    return list(WatchedFeed.objects.filter(is_active=True, next_fetch_at__lte=timezone.now())
                .order_by("next_fetch_at").values_list("pk", flat=True)[:limit])


def _backoff(failures: int) -> timedelta:
    return backoff(failures + 1, first=timedelta(minutes=settings.BEDSIDE_FEED_POLL_MINUTES), maximum=timedelta(days=1), max_doublings=6)


def feed_poll(*, feed_id: int) -> str | None:
    """Fetch one due feed and store its new mentions; return its status, or None if not claimed.

    The claim is a compare-and-set on next_fetch_at, so two workers never fetch the same feed;
    a host contacted in the last BEDSIDE_FEED_HOST_INTERVAL_SECONDS is left for later (politeness).
    Whatever the feed holds, this returns a status instead of raising: one bad feed must not
    stop the others.
    """
    now = timezone.now()
    feed = WatchedFeed.objects.filter(pk=feed_id, is_active=True, next_fetch_at__lte=now).first()
    if feed is None:
        return None
    host = (urlsplit(feed.url).hostname or "").lower()
    interval = settings.BEDSIDE_FEED_HOST_INTERVAL_SECONDS
    if interval and not cache.add(f"reputation:host:{host}", 1, timeout=interval):
        WatchedFeed.objects.filter(pk=feed.pk, next_fetch_at=feed.next_fetch_at).update(
            next_fetch_at=now + timedelta(seconds=interval + 1))
        return None
    claimed = WatchedFeed.objects.filter(pk=feed.pk, next_fetch_at=feed.next_fetch_at).update(
        next_fetch_at=now + timedelta(minutes=settings.BEDSIDE_FEED_POLL_MINUTES))
    if claimed != 1:
        return None
    try:
        result = fetch.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        stored = 0
        if result.status == "ok":
            stored = mentions_store(feed=feed, entries=result.entries)
    except Exception as exc:  # a bug must cost one feed one round, not the poller
        log.warning("feed %s failed: %s", feed.pk, type(exc).__name__)
        result, stored = fetch.FetchResult("internal_error"), 0
    failed = result.status not in ("ok", "not_modified")
    failures = feed.consecutive_failures + 1 if failed else 0
    update: dict[str, Any] = {"last_fetched_at": now, "last_status": result.status, "consecutive_failures": failures}
    if failed:
        update["next_fetch_at"] = now + _backoff(failures)
    if result.status == "ok":
        update.update(etag=result.etag, last_modified=result.last_modified)
        if result.title and not feed.title:
            update["title"] = result.title
    WatchedFeed.objects.filter(pk=feed.pk).update(**update)
    log.info("feed %s polled: %s, %s new mentions", feed.pk, result.status, stored)
    return result.status


def _published(value: tuple[int, ...] | None) -> datetime | None:
    if not value or len(value) < 6:
        return None
    try:
        year, month, day, hour, minute, second = value[:6]
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def mentions_store(*, feed: WatchedFeed, entries: list[dict[str, Any]]) -> int:
    """Store the entries that name a watched term as mentions; skip known URLs, link near-duplicates."""
    terms = list(WatchTerm.objects.filter(owner_id=feed.owner_id).values_list("phrase", flat=True))
    if not terms:
        return 0
    recent = list(Mention.objects.filter(owner_id=feed.owner_id, duplicate_of__isnull=True,
                                         found_at__gte=timezone.now() - timedelta(days=30))
                  .values_list("pk", "fingerprint")[:2000])
    keys = {entry["link"]: analysis.url_key(entry["link"]) for entry in entries}
    known = set(Mention.objects.filter(owner_id=feed.owner_id, url_key__in=set(keys.values()))
                .values_list("url_key", flat=True))
    stored = 0
    for entry in entries:
        title = analysis.plain_text(entry["title"], 500)
        summary = analysis.plain_text(entry["summary"], 4000)
        matches = analysis.find_matches(terms, {"title": title, "summary": summary})
        if not matches:
            continue
        key = keys[entry["link"]]
        if key in known:
            continue
        known.add(key)
        tone, compound = analysis.tone_of(f"{title}. {summary}")
        fingerprint = analysis.simhash(f"{title} {summary}")
        duplicate_of = next((pk for pk, fp in recent if analysis.hamming(fp, fingerprint) <= NEAR_DUPLICATE_BITS), None)
        try:
            with transaction.atomic():
                mention = Mention.objects.create(
                    practice_id=feed.practice_id, owner_id=feed.owner_id, feed=feed, url=entry["link"], url_key=key,
                    title=title or entry["link"][:500], summary=summary, published_at=_published(entry["published"]),
                    matches=matches, tone=tone, compound=compound, fingerprint=fingerprint,
                    duplicate_of_id=duplicate_of,
                )
        except IntegrityError:  # the same URL stored a moment ago by another worker
            continue
        stored += 1
        if duplicate_of is None:
            recent.append((mention.pk, fingerprint))
            if tone == Tone.NEGATIVE:
                transaction.on_commit(partial(_negative_alert_enqueue, mention.pk))
    return stored


def _negative_alert_enqueue(mention_id: int) -> None:
    from bedside.reputation.tasks import negative_mention_alert

    negative_mention_alert(mention_id)


def _link(name: str) -> str:
    return settings.BEDSIDE_SITE_URL.rstrip("/") + reverse(name)


def negative_mention_alert_send(*, mention_id: int) -> bool:
    """Email the owner once about a new negative mention (no quote of it: sign in to read)."""
    claimed = Mention.objects.filter(pk=mention_id, alerted_at__isnull=True).update(alerted_at=timezone.now())
    if claimed != 1:
        return False
    mention = Mention.objects.select_related("owner").get(pk=mention_id)
    try:
        send_mail(subject="bedside: a new negative mention was found",
                  message=("A watched feed has a new mention of a name you watch that reads as negative.\n\n"
                           f"Read it and decide whether to respond: {_link('reputation:dashboard')}\n\n"
                           "Never discuss a patient's care in a public reply, even when they did.\n"),
                  from_email=None, recipient_list=[mention.owner.email])
    except Exception:
        # Give the claim back, so the task's retry can send it.
        Mention.objects.filter(pk=mention_id).update(alerted_at=None)
        raise
    return True


def weekly_digests_send(*, now: datetime | None = None) -> int:
    """Send each watcher the week's counts by tone (no text from the mentions). Return emails sent."""
    now = now or timezone.now()
    week_ago = now - timedelta(days=7)
    sent = 0
    for user in User.objects.filter(watch_terms__isnull=False, is_active=True).distinct():
        prefs, _ = ReputationSettings.objects.get_or_create(user=user)
        if not prefs.weekly_digest or (prefs.digest_sent_at and prefs.digest_sent_at > now - timedelta(days=6)):
            continue
        claimed = ReputationSettings.objects.filter(pk=prefs.pk, digest_sent_at=prefs.digest_sent_at).update(digest_sent_at=now)
        if claimed != 1:
            continue
        counts = selectors.tone_counts(user, week_ago)
        failing = WatchedFeed.objects.filter(owner=user, is_active=True, consecutive_failures__gte=3).count()
        body = (f"Mentions found in the last 7 days: {sum(counts.values())} "
                f"({counts['positive']} positive, {counts['neutral']} neutral, {counts['negative']} negative).\n")
        if failing:
            body += f"{failing} of your watched feeds keep failing; check them.\n"
        body += f"\nRead them: {_link('reputation:dashboard')}\n"
        try:
            send_mail(subject="bedside: your weekly mentions digest", message=body, from_email=None,
                      recipient_list=[user.email])
        except Exception as exc:  # one failure must not cost the others their digest, nor this one its turn
            ReputationSettings.objects.filter(pk=prefs.pk).update(digest_sent_at=prefs.digest_sent_at)
            log.warning("weekly digest for user %s not sent: %s", user.pk, type(exc).__name__)
            continue
        sent += 1
    return sent


# --- self-audit -----------------------------------------------------------------------------------

SELF_AUDIT_ITEMS = [
    ("searched", "I searched the web for my own name and practice"),
    ("profile", "My public profile page is current (photo, locations, insurance, how to reach me)"),
    ("disclosures", "My conflict-of-interest disclosures are current"),
    ("channels", "Every channel I publish on is up to date (none stale) or closed"),
    ("personal", "My personal accounts are private and separate from my professional presence"),
]


def self_audit_reminders_send(*, now: datetime | None = None) -> int:
    """Remind each clinician once when their self-audit falls due (default every quarter)."""
    now = now or timezone.now()
    for user in User.objects.filter(role=Role.CLINICIAN, is_active=True, reputation__isnull=True):
        ReputationSettings.objects.get_or_create(user=user, defaults={"next_self_audit_at": now + timedelta(days=7)})
    sent = 0
    due = ReputationSettings.objects.filter(next_self_audit_at__lte=now, user__is_active=True).select_related("user")
    for prefs in due:
        if prefs.self_audit_reminded_at and prefs.self_audit_reminded_at >= prefs.next_self_audit_at:
            continue
        claimed = ReputationSettings.objects.filter(pk=prefs.pk, self_audit_reminded_at=prefs.self_audit_reminded_at) \
            .update(self_audit_reminded_at=now)
        if claimed != 1:
            continue
        try:
            send_mail(subject="bedside: time for your self-audit",
                      message=("Professional guidance (ACP/FSMB) suggests searching for your own name periodically "
                               "and keeping your public presence current. Your checklist is ready:\n"
                               f"{_link('reputation:self_audit')}\n"),
                      from_email=None, recipient_list=[prefs.user.email])
        except Exception as exc:
            ReputationSettings.objects.filter(pk=prefs.pk).update(self_audit_reminded_at=prefs.self_audit_reminded_at)
            log.warning("self-audit reminder for user %s not sent: %s", prefs.user_id, type(exc).__name__)
            continue
        sent += 1
    return sent


@transaction.atomic
def self_audit_complete(*, user: User, checked: list[str]) -> ReputationSettings:
    """Record a completed self-audit (every item ticked) and schedule the next one."""
    missing = [label for key, label in SELF_AUDIT_ITEMS if key not in checked]
    if missing:
        raise InvalidInput("Tick every item once it is done: " + "; ".join(missing) + ".", field="items")
    prefs, _ = ReputationSettings.objects.select_for_update().get_or_create(user=user)
    now = timezone.now()
    prefs.last_self_audit_at = now
    prefs.last_self_audit_checklist = {key: True for key, _ in SELF_AUDIT_ITEMS}
    prefs.next_self_audit_at = now + timedelta(days=prefs.self_audit_every_days)
    prefs.save()
    audit_record(action="reputation.self_audit", actor=user, obj=prefs)
    return prefs


@transaction.atomic
def reputation_settings_set(*, user: User, self_audit_every_days: int, weekly_digest: bool) -> ReputationSettings:
    if not 7 <= self_audit_every_days <= 366:
        raise InvalidInput("Choose a self-audit interval between 7 and 366 days.", field="self_audit_every_days")
    prefs, _ = ReputationSettings.objects.select_for_update().get_or_create(user=user)
    prefs.self_audit_every_days = self_audit_every_days
    prefs.weekly_digest = weekly_digest
    base = prefs.last_self_audit_at or timezone.now()
    prefs.next_self_audit_at = base + timedelta(days=self_audit_every_days)
    prefs.save()
    return prefs
