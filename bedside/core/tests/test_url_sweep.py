"""Every URL the project serves, with garbage ids and garbage parameters, as each kind of user:
nothing answers with a 500 (bad input gets a 4xx or a page, never a crash).

Routes are read from the URL configuration, so a new endpoint is swept without being listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

IDS = ["0", "99999999999999999999999", "abc", "Communication"]
GARBAGE_QUERY = (
    "?page=abc&pool=x&category=zz&assignee=q&status=q&days=abc&date_from=nope&date_to=2026-13-45"
    "&patient=zz&user=zz&action=%00&_count=abc&_lastUpdated=zz&cursor=@@&next=@@&limit=-1&sort=zz&template=abc"
)
GARBAGE_FORM = {"body": "x" * 10, "assignee": "abc", "typed_name": "", "reason": "", "category": "zz",
                "practice": "abc", "starts_on": "yesterday", "ends_on": "2026-99-99", "cover": "abc"}


def _routes(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _concrete(route: str, value: str) -> str:
    route = route.replace("^", "").replace("\\Z", "").replace("/?", "/")
    route = route[:-1] if route.endswith("$") else route
    route = re.sub(r"\(\?P<\w+>(?:[^()]|\([^)]*\))*\)", value, route)
    route = re.sub(r"<(?:\w+:)?\w+>", value, route)
    return "/" + route.replace("\\", "")


def _urls() -> list[str]:
    routes = sorted(set(_routes(get_resolver())))
    return sorted({_concrete(r, v) for r in routes if not r.startswith(("admin/", "static")) for v in IDS})


@pytest.mark.django_db
@pytest.mark.parametrize("who", [None, "bob", "gus", "alice", "erin", "frank", "charlie", "dana"])
def test_no_url_answers_500_to_garbage(demo, web_login, api, client, who):
    web = web_login(demo[who]) if who else client
    bearer = api(demo[who]) if who else client
    crashes = []
    for url in _urls():
        c = bearer if url.startswith(("/api/", "/fhir/")) else web
        for method, response in (("GET", c.get(url + GARBAGE_QUERY)), ("POST", c.post(url, GARBAGE_FORM))):
            if response.status_code >= 500:
                crashes.append(f"{method} {url} -> {response.status_code}")
    assert not crashes, crashes
    assert len(_urls()) > 100  # the sweep really read the URL configuration
