"""The poller against a real local HTTP server serving good, malformed, hostile, slow and huge feeds."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from bedside.reputation import services, tasks
from bedside.reputation.models import Mention, WatchedFeed, WatchTerm

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Alerts: Dr. Alice Moreno</title>
<item><title>Dr. Alice Moreno opens a flu clinic</title><link>https://news.example.org/flu?utm_source=alert</link>
<description>Riverside's &lt;b&gt;Dr. Alice Moreno&lt;/b&gt; said walk-ins are welcome.</description></item>
<item><title>Waited two hours</title><link>https://reviews.example.org/r/2</link>
<description>Dr. Alice Moreno was rushed and rude. Terrible, awful visit.</description></item>
<item><title>Unrelated</title><link>https://news.example.org/other</link><description>Nothing about her.</description></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Reviews</title>
<entry><title>Five stars for Dr. Alice Moreno</title><link href="https://reviews.example.org/r/9"/>
<id>urn:r9</id><updated>2026-11-01T10:00:00Z</updated><summary>Kind, thorough, wonderful doctor.</summary></entry></feed>"""
MALFORMED = "<rss><channel><item><title>Dr. Alice Moreno <<< &bogus; </channel"
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
          '<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">'
          ']><rss><channel><item><title>Dr. Alice Moreno &lol6;</title><link>https://x.example.org/</link></item></channel></rss>')


class Handler(BaseHTTPRequestHandler):
    seen: list[tuple[str, str]] = []

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the slow feed): expected

    def do_GET(self) -> None:
        Handler.seen.append((self.path, self.headers.get("If-None-Match", "")))
        if self.path == "/good.rss":
            if self.headers.get("If-None-Match") == '"v1"':
                self._send(304, b"")
            else:
                self._send(200, RSS.encode(), {"ETag": '"v1"', "Content-Type": "application/rss+xml"})
        elif self.path == "/good.atom":
            self._send(200, ATOM.encode(), {"Content-Type": "application/atom+xml"})
        elif self.path == "/malformed":
            self._send(200, MALFORMED.encode())
        elif self.path == "/laughs":
            self._send(200, LAUGHS.encode())
        elif self.path == "/html":
            self._send(200, b"<html><body><h1>Not a feed</h1></body></html>", {"Content-Type": "text/html"})
        elif self.path == "/error":
            self._send(500, b"oops")
        elif self.path == "/redirect":
            self._send(302, b"", {"Location": "/good.atom"})
        elif self.path == "/loop":
            self._send(302, b"", {"Location": "/loop"})
        elif self.path == "/slow":
            time.sleep(3)
            self._send(200, RSS.encode())
        elif self.path == "/huge":
            self.send_response(200)
            self.end_headers()  # no Content-Length: the size cap must hold while streaming
            try:
                for _ in range(400):
                    self.wfile.write(b"<item>" + b"x" * 16_000 + b"</item>")
            except (BrokenPipeError, ConnectionResetError):
                pass
        else:
            self._send(404, b"")


@pytest.fixture
def feed_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Handler.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def feed_settings(settings):
    settings.BEDSIDE_FEEDS_ALLOW_PRIVATE = True
    settings.BEDSIDE_FEED_TIMEOUT_SECONDS = 1
    settings.BEDSIDE_FEED_MAX_BYTES = 256 * 1024
    settings.BEDSIDE_FEED_HOST_INTERVAL_SECONDS = 0
    return settings


@pytest.fixture
def alice_watching(dr_alice):
    practice = dr_alice.memberships.get().practice
    WatchTerm.objects.get_or_create(owner=dr_alice, phrase="Dr. Alice Moreno", defaults={"practice": practice})
    return dr_alice, practice


def _feed(alice_watching, url):
    alice, practice = alice_watching
    return WatchedFeed.objects.create(owner=alice, practice=practice, url=url)


def test_every_kind_of_bad_feed_gets_a_status_and_none_blocks_the_others(feed_server, feed_settings, alice_watching,
                                                                        django_capture_on_commit_callbacks):
    paths = ["/good.rss", "/good.atom", "/malformed", "/laughs", "/html", "/error", "/redirect", "/loop", "/slow",
             "/huge", "/missing"]
    feeds = {path: _feed(alice_watching, feed_server + path) for path in paths}
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.poll_due_feeds()
    elapsed = time.monotonic() - started
    status = {path: WatchedFeed.objects.get(pk=feed.pk).last_status for path, feed in feeds.items()}
    assert status == {
        "/good.rss": "ok", "/good.atom": "ok", "/malformed": "malformed", "/laughs": status["/laughs"],
        "/html": "malformed", "/error": "http_500", "/redirect": "ok", "/loop": "too_many_redirects",
        "/slow": "timeout", "/huge": "too_large", "/missing": "http_404",
    }
    assert status["/laughs"] in ("malformed", "ok")  # refused by expat, or parsed without the expansion
    assert elapsed < 15  # the slow feed cost its own timeout, not the round
    mentions = Mention.objects.filter(owner=alice_watching[0], feed__in=list(feeds.values())) \
        .exclude(feed=feeds["/laughs"])
    # RSS: 2 of 3 items name her; Atom 1; the redirect leads to the same Atom entry (same URL: stored once).
    assert mentions.count() == 3
    assert {m.tone for m in mentions} == {"positive", "negative"} | ({"neutral"} & {m.tone for m in mentions})
    flu = mentions.get(url__startswith="https://news.example.org/flu")
    assert flu.summary == "Riverside's Dr. Alice Moreno said walk-ins are welcome."  # tags gone
    assert flu.matches[0]["term"] == "Dr. Alice Moreno"
    # Failing feeds back off; good ones come back at the normal interval.
    bad = WatchedFeed.objects.get(pk=feeds["/error"].pk)
    good = WatchedFeed.objects.get(pk=feeds["/good.rss"].pk)
    assert bad.consecutive_failures == 1 and good.consecutive_failures == 0
    assert bad.next_fetch_at > good.next_fetch_at
    # The negative one alerted its owner, once, without quoting it.
    [alert] = [m for m in mail.outbox if "negative" in m.subject]
    assert "rude" not in alert.body and "Waited" not in alert.body


def test_conditional_get_and_no_duplicates_on_the_next_round(feed_server, feed_settings, alice_watching):
    feed = _feed(alice_watching, feed_server + "/good.rss")
    assert services.feed_poll(feed_id=feed.pk) == "ok"
    WatchedFeed.objects.filter(pk=feed.pk).update(next_fetch_at=timezone.now())
    assert services.feed_poll(feed_id=feed.pk) == "not_modified"
    assert Handler.seen[-1] == ("/good.rss", '"v1"')
    # Even when the server ignores the ETag, known URLs are not stored again.
    WatchedFeed.objects.filter(pk=feed.pk).update(next_fetch_at=timezone.now(), etag="")
    assert services.feed_poll(feed_id=feed.pk) == "ok"
    assert Mention.objects.filter(feed=feed).count() == 2


def test_near_duplicate_text_at_another_url_is_linked_not_counted(alice_watching):
    feed = _feed(alice_watching, "https://example.org/feed")
    entry = {"title": "Dr. Alice Moreno opens a Saturday flu clinic in Riverside this winter",
             "summary": "Walk-ins welcome, she said, from nine to noon every Saturday through March.", "published": None}
    services.mentions_store(feed=feed, entries=[{**entry, "link": "https://a.example.org/1"}])
    services.mentions_store(feed=feed, entries=[{**entry, "summary": entry["summary"] + "!", "link": "https://b.example.org/x"}])
    first, second = Mention.objects.filter(feed=feed).order_by("pk")
    assert second.duplicate_of_id == first.pk


def test_a_feed_is_claimed_once_and_hosts_are_polled_politely(feed_server, feed_settings, alice_watching):
    feed_settings.BEDSIDE_FEED_HOST_INTERVAL_SECONDS = 60
    one = _feed(alice_watching, feed_server + "/good.rss")
    two = _feed(alice_watching, feed_server + "/good.atom")
    assert services.feed_poll(feed_id=one.pk) == "ok"
    assert services.feed_poll(feed_id=one.pk) is None  # not due any more: claimed
    assert services.feed_poll(feed_id=two.pk) is None  # same host a moment ago: later
    two.refresh_from_db()
    assert two.last_fetched_at is None and two.next_fetch_at > timezone.now() + timedelta(seconds=30)
    assert [path for path, _ in Handler.seen] == ["/good.rss"]


def test_private_addresses_are_refused_unless_allowed(settings, alice_watching, feed_server):
    settings.BEDSIDE_FEEDS_ALLOW_PRIVATE = False
    from bedside.core.errors import InvalidInput

    alice, practice = alice_watching
    for url in (feed_server + "/good.rss", "http://169.254.169.254/latest/meta-data/", "http://[::1]/x",
                "http://10.0.0.5/feed", "file:///etc/passwd", "gopher://example.org/"):
        with pytest.raises(InvalidInput):
            services.watched_feed_add(user=alice, practice=practice, url=url, kind="news")
    # A feed added while allowed and later pointing inside is refused at fetch time too.
    feed = _feed(alice_watching, feed_server + "/good.rss")
    assert services.feed_poll(feed_id=feed.pk) == "blocked_address"
    assert Handler.seen == []


def test_dns_rebinding_is_caught_at_connect_time(settings, alice_watching, feed_server, monkeypatch):
    """The name resolved to a public address when checked, to a private one when connected."""
    from bedside.reputation import fetch

    settings.BEDSIDE_FEEDS_ALLOW_PRIVATE = False
    settings.BEDSIDE_FEED_HOST_INTERVAL_SECONDS = 0
    feed = _feed(alice_watching, feed_server + "/good.rss")
    monkeypatch.setattr(fetch, "feed_url_check", lambda url: url)  # the resolver said "public"
    assert services.feed_poll(feed_id=feed.pk) == "blocked_address"
    assert not Mention.objects.filter(feed=feed).exists()


@pytest.mark.parametrize("url", ["http://[", "http://[::1", "http://exa mple.org:99999/", "https://", "ftp://x.org/f"])
def test_malformed_feed_urls_are_a_clear_error(alice_watching, url):
    from bedside.core.errors import InvalidInput

    alice, practice = alice_watching
    with pytest.raises(InvalidInput):
        services.watched_feed_add(user=alice, practice=practice, url=url, kind="news")
