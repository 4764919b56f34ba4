"""Fetch one feed politely and safely: timeouts, a size cap, conditional GET, few redirects.

feedparser has no timeouts of its own and would happily read a 10 GB body, so the bytes are
fetched here with httpx (streamed, capped) and only then handed to feedparser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import feedparser
import httpx
from django.conf import settings

from bedside.core.errors import InvalidInput
from bedside.core.net import address_is_public, public_url_check

USER_AGENT = "bedside-reputation/1.0 (+self-hosted; watches feeds its users configured)"


@dataclass
class FetchResult:
    status: str  # ok, not_modified, or an error code
    entries: list[dict[str, Any]] = field(default_factory=list)
    etag: str = ""
    last_modified: str = ""
    title: str = ""


def feed_url_check(url: str) -> str:
    return public_url_check(url, allow_private=settings.BEDSIDE_FEEDS_ALLOW_PRIVATE, field="url",
                            what="feed URL", allow_setting="BEDSIDE_FEEDS_ALLOW_PRIVATE")


def _peer_is_public(response: httpx.Response) -> bool:
    stream = response.extensions.get("network_stream")
    peer: Any = stream.get_extra_info("server_addr") if stream is not None else None
    return bool(peer) and address_is_public(str(peer[0]))


def fetch(url: str, *, etag: str = "", last_modified: str = "") -> FetchResult:
    """Return the parsed entries of the feed at URL, or an error status; never raise for bad feeds."""
    headers = {"User-Agent": USER_AGENT, "Accept": "application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    limit = settings.BEDSIDE_FEED_MAX_BYTES
    timeout = httpx.Timeout(settings.BEDSIDE_FEED_TIMEOUT_SECONDS, connect=min(5.0, settings.BEDSIDE_FEED_TIMEOUT_SECONDS))
    target = url
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, headers=headers) as client:
            for _hop in range(4):
                feed_url_check(target)  # every hop: a redirect must not lead inside the network
                with client.stream("GET", target) as response:
                    if not settings.BEDSIDE_FEEDS_ALLOW_PRIVATE and not _peer_is_public(response):
                        # DNS rebinding: the name was public when checked, private when connected.
                        return FetchResult("blocked_address")
                    if response.is_redirect and response.headers.get("location"):
                        target = str(response.url.join(response.headers["location"]))
                        continue
                    if response.status_code == 304:
                        return FetchResult("not_modified", etag=etag, last_modified=last_modified)
                    if response.status_code >= 400:
                        return FetchResult(f"http_{response.status_code}")
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > limit:
                        return FetchResult("too_large")
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > limit:
                            return FetchResult("too_large")
                    new_etag = response.headers.get("etag", "")[:300]
                    new_modified = response.headers.get("last-modified", "")[:100]
                    break
            else:
                return FetchResult("too_many_redirects")
    except InvalidInput:
        return FetchResult("blocked_address")
    except httpx.TimeoutException:
        return FetchResult("timeout")
    except (httpx.HTTPError, OSError, ValueError):
        return FetchResult("unreachable")
    return parse(bytes(body), etag=new_etag, last_modified=new_modified)


def parse(body: bytes, *, etag: str = "", last_modified: str = "") -> FetchResult:
    """Parse BODY with feedparser; a document with no usable entries and a parse error is "malformed"."""
    try:
        parsed = feedparser.parse(body, sanitize_html=True, resolve_relative_uris=False)
    except Exception:  # feedparser's own bugs on hostile input must not stop the poller
        return FetchResult("malformed")
    entries = []
    for entry in parsed.entries[: settings.BEDSIDE_FEED_MAX_ENTRIES]:
        link = str(entry.get("link") or "")
        title = str(entry.get("title") or "")
        if not link.startswith(("http://", "https://")) or not (title or entry.get("summary")):
            continue
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        entries.append({"link": link[:1000], "title": title[:500], "summary": str(entry.get("summary") or ""),
                        "published": tuple(published[:6]) if published else None})
    if not entries and (parsed.get("bozo") or not parsed.get("version")):
        return FetchResult("malformed")  # broken, or not a feed at all (an HTML page)
    title = str(parsed.feed.get("title") or "")[:200] if parsed.get("feed") else ""
    return FetchResult("ok", entries=entries, etag=etag, last_modified=last_modified, title=title)
