"""Template filters of the public pages."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from bedside.publishing.render import markdown_to_html

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Render Markdown through the sanitiser (never |safe on user text)."""
    return markdown_to_html(text)


@register.filter(name="lines")
def lines(text: str) -> list[str]:
    """Split a one-per-line field (addresses may contain commas) into its non-empty lines."""
    return [item.strip() for item in (text or "").splitlines() if item.strip()]


@register.filter(name="items")
def items(text: str) -> list[str]:
    """Split a comma-separated (or one-per-line) field into its non-empty items."""
    return [item.strip() for item in (text or "").replace("\n", ",").split(",") if item.strip()]
