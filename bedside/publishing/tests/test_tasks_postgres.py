"""Two workers at once (PostgreSQL, real commits): each due article is published once, and each
stale channel's owner gets one reminder."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from bedside.accounts.models import User
from bedside.audit.models import AuditEvent
from bedside.conftest import run_concurrently
from bedside.publishing import services
from bedside.publishing.models import Article, ArticleStatus, Channel

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: set BEDSIDE_TEST_DB=postgres and TEST_DATABASE_URL to run it",
    ),
]


def test_two_workers_publish_each_due_article_once(committed_demo: dict[str, User]) -> None:
    alice, admin = committed_demo["alice"], committed_demo["admin"]
    practice = alice.clinician_profile.practice
    when = timezone.now() + timedelta(hours=1)
    ids = []
    for n in range(6):
        article = services.article_create(author=alice, practice=practice, title=f"Scheduled {n}", body_md="Text.")
        services.article_submit(actor=alice, article=article)
        services.article_review(reviewer=admin, article=article, approve=True, publish_at=when)
        ids.append(article.pk)
    later = when + timedelta(minutes=1)
    counts: list[int] = []
    assert run_concurrently(lambda: counts.append(services.articles_publish_due(now=later)),
                            lambda: counts.append(services.articles_publish_due(now=later))) == []
    assert sum(counts) == 6
    assert Article.objects.filter(pk__in=ids, status=ArticleStatus.PUBLISHED).count() == 6
    for pk in ids:
        assert AuditEvent.objects.filter(action="publishing.article_publish", object_id=str(pk)).count() == 1


def test_two_workers_send_one_stale_reminder(committed_demo: dict[str, User]) -> None:
    now = timezone.now()
    Channel.objects.update(last_published_at=now, reminded_at=None)
    Channel.objects.filter(name="Riverside on Facebook").update(last_published_at=now - timedelta(days=60))
    mail.outbox.clear()
    counts: list[int] = []
    assert run_concurrently(lambda: counts.append(services.channel_reminders_run(now=now)),
                            lambda: counts.append(services.channel_reminders_run(now=now))) == []
    assert sum(counts) == 1
    assert len(mail.outbox) == 1
