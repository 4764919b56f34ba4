"""Reputation pages: Alice's own mentions and lists; everyone else refused; digests and reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from bedside.audit.models import AuditEvent
from bedside.reputation import demo as reputation_demo
from bedside.reputation import services
from bedside.reputation.models import Mention, ReputationSettings, WatchedFeed, WatchTerm


@pytest.fixture
def alice_demo(dr_alice, demo):
    reputation_demo.demo_load(demo)
    return dr_alice


def test_dashboard_shows_highlighted_mentions_and_hides_near_duplicates(alice_demo, web_login):
    page = web_login(alice_demo).get("/reputation/").content.decode()
    assert "<mark>Dr. Alice Moreno</mark>" in page
    assert page.count("opens Saturday flu clinic") == 1  # the repost is a near-duplicate
    assert "badge--negative" in page and "badge--positive" in page
    page = web_login(alice_demo).get("/reputation/?duplicates=1").content.decode()
    assert page.count("opens Saturday flu clinic") == 2


@pytest.mark.parametrize("persona", ["dr_charlie", "pat_dana", "pat_bob", "staff_erin", "aud_frank"])
def test_others_are_refused_and_see_nothing_of_alices(request, persona, alice_demo, web_login):
    client = web_login(request.getfixturevalue(persona))
    term = WatchTerm.objects.filter(owner=alice_demo).first()
    feed = WatchedFeed.objects.filter(owner=alice_demo).first()
    for url in ("/reputation/", "/reputation/watch/", "/reputation/self-audit/"):
        response = client.get(url)
        if persona == "dr_charlie":  # a clinician elsewhere has his own (empty) pages
            assert response.status_code == 200 and "Dr. Alice Moreno" not in response.content.decode()
        else:
            assert response.status_code == 404
    assert client.post(f"/reputation/watch/terms/{term.pk}/remove/").status_code == 404
    assert client.post(f"/reputation/watch/feeds/{feed.pk}/remove/").status_code == 404
    assert WatchTerm.objects.filter(pk=term.pk).exists() and WatchedFeed.objects.filter(pk=feed.pk).exists()


def test_adding_terms_and_feeds_validates_and_keeps_input(dr_alice, web_login, settings):
    client = web_login(dr_alice)
    response = client.post("/reputation/watch/", {"form": "term", "term-phrase": "ab"})
    assert response.status_code == 400 and "at least 3 characters" in response.content.decode()
    response = client.post("/reputation/watch/", {"form": "feed", "feed-url": "http://127.0.0.1:9/feed",
                                                  "feed-kind": "news", "feed-title": "My local feed"})
    body = response.content.decode()
    assert response.status_code == 400 and "private, loopback or link-local" in body
    assert "http://127.0.0.1:9/feed" in body and "My local feed" in body
    settings.BEDSIDE_FEEDS_ALLOW_PRIVATE = True
    assert client.post("/reputation/watch/", {"form": "term", "term-phrase": "Alice Moreno MD"}).status_code == 302
    assert client.post("/reputation/watch/", {"form": "feed", "feed-url": "http://127.0.0.1:9/feed",
                                              "feed-kind": "news"}).status_code == 302
    assert AuditEvent.objects.filter(action="reputation.feed_add", actor_id=dr_alice.pk).exists()


def test_weekly_digest_counts_only_and_is_sent_once(alice_demo):
    assert services.weekly_digests_send() == 1
    assert services.weekly_digests_send() == 0
    [digest] = mail.outbox
    assert "positive" in digest.body and "negative" in digest.body
    for mention in Mention.objects.all():
        assert mention.title not in digest.body and mention.summary[:30] not in digest.body


def test_self_audit_reminder_once_then_checklist_reschedules(dr_alice, web_login, demo):
    now = timezone.now()
    ReputationSettings.objects.create(user=dr_alice, next_self_audit_at=now - timedelta(days=1))
    assert services.self_audit_reminders_send(now=now) >= 1
    assert services.self_audit_reminders_send(now=now) == 0
    assert any("self-audit" in m.subject and m.to == [dr_alice.email] for m in mail.outbox)
    client = web_login(dr_alice)
    partial = client.post("/reputation/self-audit/", {"items": ["searched", "profile"]})
    assert partial.status_code == 400 and "Tick every item" in partial.content.decode()
    done = client.post("/reputation/self-audit/", {"items": [k for k, _ in services.SELF_AUDIT_ITEMS]})
    assert done.status_code == 302
    prefs = ReputationSettings.objects.get(user=dr_alice)
    assert prefs.next_self_audit_at > now + timedelta(days=90)
