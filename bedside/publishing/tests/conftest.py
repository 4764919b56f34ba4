"""Helpers of the publishing tests: drafts and published articles made through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bedside.accounts.models import User
from bedside.publishing import services
from bedside.publishing.models import Article


@pytest.fixture
def admin_pat(demo: dict[str, User]) -> User:
    return demo["admin"]


@pytest.fixture
def draft(dr_alice: User) -> Callable[..., Article]:
    def _draft(title: str = "A private draft about sleep", body: str = "Sleep well.", **extra: Any) -> Article:
        practice = dr_alice.clinician_profile.practice
        return services.article_create(author=dr_alice, practice=practice, title=title, body_md=body, **extra)

    return _draft


@pytest.fixture
def published(draft: Callable[..., Article], dr_alice: User, admin_pat: User) -> Callable[..., Article]:
    def _published(title: str = "A public article about sleep", body: str = "Sleep well.", **extra: Any) -> Article:
        article = draft(title, body, **extra)
        services.article_submit(actor=dr_alice, article=article)
        return services.article_review(reviewer=admin_pat, article=article, approve=True)

    return _published
