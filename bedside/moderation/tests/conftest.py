"""Fixtures of the moderation tests: public articles of both practices and their moderators."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from bedside.accounts import services as accounts
from bedside.accounts.models import Practice, Role, User
from bedside.core.demo import demo_totp_secret
from bedside.moderation.models import Comment
from bedside.moderation.services import comment_submit
from bedside.publishing.models import Article, ArticleStatus

GENERAL = "Thank you for this clear article, it answered the questions I had about winter exercise."
PHONE_TEXT = "Please call my husband at 555-201-7788 about this, thanks."
ADVICE = "My A1C was 9.1 last month. Should I stop my metformin before surgery?"


@pytest.fixture
def maya(demo: dict[str, User]) -> User:
    return demo["maya"]


@pytest.fixture
def make_article(demo: dict[str, User]) -> Callable[..., Article]:
    counter = iter(range(1, 1000))

    def _make(practice: str = "Riverside Family Medicine", status: str = ArticleStatus.PUBLISHED, **extra: Any) -> Article:
        author = demo["alice"] if practice.startswith("Riverside") else demo["charlie"]
        n = next(counter)
        public = status == ArticleStatus.PUBLISHED
        return Article.objects.create(
            practice=Practice.objects.get(name=practice), author=author, title=f"Staying active in winter {n}",
            slug=f"staying-active-{n}-{practice[:4].lower()}", body_md="Walk every day.", status=status,
            reviewer=demo["admin"] if public else None, published_at=timezone.now() if public else None, **extra,
        )

    return _make


@pytest.fixture
def article(make_article: Callable[..., Article]) -> Article:
    return make_article()


@pytest.fixture
def lakeside_article(make_article: Callable[..., Article]) -> Article:
    return make_article("Lakeside Orthopedics")


@pytest.fixture
def mod_lakeside(demo: dict[str, User]) -> User:
    """A moderator of the other practice (Lakeside): must see nothing of Riverside's comments."""
    user = User.objects.create_user(email="lena@demo.bedside", password="x-unused-1", full_name="Lena Lake",
                                    role=Role.MODERATOR)
    accounts.membership_add(practice=Practice.objects.get(name="Lakeside Orthopedics"), user=user)
    TOTP.activate(user, demo_totp_secret())
    return user


@pytest.fixture
def submit(article: Article) -> Callable[..., Comment]:
    """Submit a comment through the service (anonymous unless author is given)."""

    def _submit(body: str, *, on: Article | None = None, **extra: Any) -> Comment:
        extra.setdefault("display_name", "Sam")
        extra.setdefault("email", "sam@example.org")
        return comment_submit(article=on or article, body=body, **extra).comment

    return _submit
