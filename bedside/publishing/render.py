"""Markdown to safe HTML: clinicians' and staff's Markdown is treated as untrusted input.

Markdown is rendered first and the HTML is then cleaned with nh3 against an allowlist, so raw
HTML typed into the Markdown (script, style, iframes, on* handlers, javascript: URLs) never
reaches a visitor. Every link gets rel="noopener nofollow ugc".
"""

from __future__ import annotations

import html as html_lib

import markdown  # type: ignore[import-untyped]
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "dl", "dt", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": set[str]()}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def markdown_to_html(text: str) -> SafeString:
    """Return sanitised HTML for Markdown TEXT (safe to insert into a page)."""
    html = markdown.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={key: set(value) for key, value in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener nofollow ugc",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 output against the allowlist above


def plain_text(text: str, limit: int = 300) -> str:
    """Return the visible text of Markdown TEXT, shortened to LIMIT characters (for meta descriptions)."""
    html = markdown.markdown(text or "", extensions=["extra"])
    # nh3 returns escaped text; templates escape again, so unescape here.
    words = html_lib.unescape(nh3.clean(html, tags=set(), clean_content_tags={"script", "style"})).split()
    out = " ".join(words)
    if len(out) > limit:
        out = out[: limit - 1].rsplit(" ", 1)[0] + "…"
    return out
