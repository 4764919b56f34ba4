"""The comments API: published only in the list, screening at once on POST, JSON errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from bedside.accounts.models import User
from bedside.moderation.models import Comment, CommentStatus
from bedside.moderation.tests.conftest import ADVICE, GENERAL, PHONE_TEXT
from bedside.publishing.models import Article, ArticleStatus

pytestmark = pytest.mark.django_db


def _url(article: Article) -> str:
    return f"/api/v1/articles/{article.slug}/comments"


def _post(client: Client, article: Article, body: str, **extra: str) -> object:
    payload = {"body": body, "display_name": "Sam", "email": "sam@example.org"}
    payload.update(extra)
    return client.post(_url(article), payload, content_type="application/json")


def test_general_comment_is_published_and_listed(article: Article) -> None:
    response = _post(Client(), article, GENERAL)
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "published" and data["decision"] == "publish"
    listed = Client().get(_url(article)).json()["items"]
    assert [c["body"] for c in listed] == [GENERAL] and listed[0]["author"] == "Sam"


@pytest.mark.parametrize("text", [PHONE_TEXT, ADVICE])
def test_personal_comment_held_with_guidance_and_never_listed(article: Article, text: str) -> None:
    response = _post(Client(), article, text)
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "held" and data["decision"] == "hold"
    guidance = data["guidance"]
    assert "can't give personal medical advice in public" in guidance["kind_redirection"]
    assert "911" in guidance["kind_redirection"]
    assert text not in response.content.decode()
    listed = Client().get(_url(article))
    assert listed.status_code == 200 and listed.json()["items"] == []
    assert text not in listed.content.decode()


def test_crisis_guidance_in_the_api(article: Article) -> None:
    data = _post(Client(), article, "I want to kill myself tonight.").json()
    assert data["status"] == "held" and "988" in data["guidance"]["crisis"]


def test_errors_are_json(article: Article, make_article: Callable[..., Article]) -> None:
    bad = _post(Client(), article, "", display_name="Sam")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_input"
    assert _post(Client(), article, GENERAL, email="nope").json()["code"] == "invalid_input"
    trap = _post(Client(), article, GENERAL, website="x")
    assert trap.status_code == 400 and trap.json()["code"] == "rejected_as_spam"
    draft = make_article(status=ArticleStatus.DRAFT)
    assert _post(Client(), draft, GENERAL).status_code == 404
    assert Client().get(_url(draft)).json()["code"] == "not_found"
    closed = make_article(comments_open=False)
    assert _post(Client(), closed, GENERAL).json()["code"] == "comments_closed"
    wrong = Client().post(_url(article), "not json", content_type="application/json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_input"
    token = Client(HTTP_AUTHORIZATION="Bearer nonsense").post(_url(article), {"body": GENERAL}, content_type="application/json")
    assert token.status_code == 401


def test_rate_limit_is_429_json(article: Article) -> None:
    client = Client()
    for n in range(5):
        assert _post(client, article, f"{GENERAL} {n}", email=f"s{n}@example.org").status_code == 201
    limited = _post(client, article, GENERAL, email="z@example.org")
    assert limited.status_code == 429 and limited.json()["code"] == "too_many_comments"


def test_signed_in_patient_posts_with_token(article: Article, pat_bob: User, api: Callable[[User], Client]) -> None:
    response = api(pat_bob).post(_url(article), {"body": GENERAL, "display_name": "Runner"},
                                 content_type="application/json")
    assert response.status_code == 201
    assert Comment.objects.get(pk=response.json()["id"]).author == pat_bob


def test_held_then_redacted_shows_no_identifier_in_the_api(article: Article, maya: User) -> None:
    from bedside.moderation.services import comment_approve

    created = _post(Client(), article, PHONE_TEXT).json()
    comment = Comment.objects.get(pk=created["id"])
    comment_approve(moderator=maya, comment=comment, redact_identifiers=True)
    listed = Client().get(_url(article))
    assert "555-201-7788" not in listed.content.decode()
    assert listed.json()["items"][0]["body"].count("[PHONE]") == 1
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.PUBLISHED


def test_charlie_and_dana_see_only_published_comments(
    article: Article, dr_charlie: User, pat_dana: User, api: Callable[[User], Client]
) -> None:
    _post(Client(), article, PHONE_TEXT)
    for user in (dr_charlie, pat_dana):
        listed = api(user).get(_url(article))
        assert listed.status_code == 200 and listed.json()["items"] == []
        assert "555-201-7788" not in listed.content.decode()
