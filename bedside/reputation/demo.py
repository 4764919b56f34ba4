"""Demo reputation data: Alice watches her name; a few mentions as a search alert would bring them.

The demo feed is inactive: the demo must not reach out to the internet.
"""

from __future__ import annotations

from bedside.accounts.models import User
from bedside.reputation.models import FeedKind, Mention, WatchedFeed, WatchTerm
from bedside.reputation.services import mentions_store

ENTRIES = [
    {"link": "https://news.example.org/riverside-flu-clinic", "title": "Riverside Family Medicine opens Saturday flu clinic",
     "summary": "Dr. Alice Moreno said the clinic will run through March; walk-ins are welcome.", "published": None},
    {"link": "https://reviews.example.org/dr-alice-moreno/review/1", "title": "Review of Dr. Alice Moreno",
     "summary": "Dr. Alice Moreno is kind, thorough and always explains things clearly. Highly recommend!", "published": None},
    {"link": "https://reviews.example.org/dr-alice-moreno/review/2", "title": "Review of Dr. Alice Moreno",
     "summary": "Waited two hours and Dr. Alice Moreno seemed rushed. Terrible front desk, very disappointed.", "published": None},
    {"link": "https://blog.example.org/repost?utm_source=x", "title": "Riverside Family Medicine opens Saturday flu clinic",
     "summary": "Dr. Alice Moreno said the clinic will run through March; walk-ins are welcome.", "published": None},
]


def demo_load(users: dict[str, User]) -> None:
    alice = users.get("alice")
    if alice is None:
        return
    practice = alice.memberships.filter(is_active=True).first()
    if practice is None:
        return
    for phrase in ("Dr. Alice Moreno", "Riverside Family Medicine"):
        WatchTerm.objects.get_or_create(owner=alice, phrase=phrase, defaults={"practice": practice.practice})
    feed, _ = WatchedFeed.objects.get_or_create(
        owner=alice, url="https://www.google.com/alerts/feeds/00000000000000000000/demo",
        defaults={"practice": practice.practice, "kind": FeedKind.SEARCH_ALERT, "title": "Search alert: Dr. Alice Moreno",
                  "is_active": False},
    )
    if not Mention.objects.filter(owner=alice).exists():
        mentions_store(feed=feed, entries=ENTRIES)
