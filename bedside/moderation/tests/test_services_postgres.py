"""Two moderators deciding on the same comment at once: exactly one decision lands (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone

from bedside.accounts.models import Practice, User
from bedside.audit.models import AuditEvent
from bedside.conftest import run_concurrently
from bedside.moderation import services
from bedside.moderation.models import Comment, CommentStatus
from bedside.moderation.tests.conftest import PHONE_TEXT
from bedside.publishing.models import Article, ArticleStatus

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: set BEDSIDE_TEST_DB=postgres and TEST_DATABASE_URL to run it",
    ),
]


def test_one_decision_wins(committed_demo: dict[str, User]) -> None:
    riverside = Practice.objects.get(name="Riverside Family Medicine")
    article = Article.objects.create(
        practice=riverside, author=committed_demo["alice"], title="Race", slug="race-article", body_md="x",
        status=ArticleStatus.PUBLISHED, reviewer=committed_demo["admin"], published_at=timezone.now(),
    )
    comment = services.comment_submit(article=article, body=PHONE_TEXT, display_name="K", email="k@example.org").comment
    assert comment.status == CommentStatus.HELD
    jobs: list[Callable[[], object]] = [
        lambda: services.comment_approve(moderator=committed_demo["maya"], comment=comment, redact_identifiers=True),
        lambda: services.comment_reject(moderator=committed_demo["alice"], comment=comment),
    ]
    errors = run_concurrently(*jobs)
    assert len(errors) == 1 and getattr(errors[0], "code", "") == "already_moderated"
    final = Comment.objects.get(pk=comment.pk)
    assert final.status in (CommentStatus.PUBLISHED, CommentStatus.REJECTED)
    decided = AuditEvent.objects.filter(object_type="comment", object_id=str(comment.pk),
                                        action__in=["comment.approve", "comment.reject"])
    assert decided.count() == 1
