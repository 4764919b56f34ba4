"""Template tags for the comment section that publishing's article page includes."""

from __future__ import annotations

from typing import Any

from django import template

from bedside.accounts.models import User
from bedside.moderation.forms import CommentForm
from bedside.moderation.selectors import comments_public
from bedside.publishing.models import Article

register = template.Library()


@register.simple_tag(takes_context=True)
def article_comments(context: dict[str, Any], article: Article) -> dict[str, Any]:
    """Return the published comments of ARTICLE and a blank comment form for the viewer."""
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = isinstance(user, User) and user.is_authenticated
    # No name filled in, even when signed in: a patient's real name beside a health comment is what
    # the public name rule (moderation.services._clean_submission) exists to prevent.
    return {
        "comments": comments_public(article=article) if article.is_public else [],
        "form": CommentForm(signed_in=signed_in),
        "open": bool(article.comments_open and article.is_public),
        "signed_in": signed_in,
    }
