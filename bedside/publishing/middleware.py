"""X-Robots-Tag: noindex on every response except the public pages of the public presence.

An allowlist, so a new page is private to search engines until someone decides otherwise; the
meta robots tag of base.html says the same inside HTML pages.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

PUBLIC_VIEW_NAMES = frozenset({
    "publishing:index",
    "publishing:profile",
    "publishing:profile_photo",
    "publishing:article",
    "publishing:series",
    "publishing:topic",
    "publishing:topics",
    "publishing:comment_policy",
    "publishing:feed_rss",
    "publishing:feed_atom",
    "publishing:sitemap",
    "publishing:robots",
})


def is_public_response(request: HttpRequest, response: HttpResponse) -> bool:
    match = getattr(request, "resolver_match", None)
    return (
        response.status_code == 200
        and request.method in ("GET", "HEAD")
        and match is not None
        and match.view_name in PUBLIC_VIEW_NAMES
    )


class RobotsTagMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_public_response(request, response):
            response.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response
