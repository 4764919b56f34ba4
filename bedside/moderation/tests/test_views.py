"""Web paths: the article's comment form, what the public page shows, the queue, decisions, refusals."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from bedside.accounts.models import User
from bedside.audit.models import AuditEvent
from bedside.moderation.models import Comment, CommentStatus
from bedside.moderation.tests.conftest import ADVICE, GENERAL, PHONE_TEXT
from bedside.publishing.models import Article

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _post(client: Client, article: Article, body: str, **extra: str) -> object:
    data = {"body": body, "display_name": "Sam", "email": "sam@example.org", "website": ""}
    data.update(extra)
    return client.post(reverse("moderation:post", args=[article.slug]), data)


def _page(article: Article) -> str:
    response = Client().get(reverse("publishing:article", args=[article.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_general_comment_appears_on_the_article_page(article: Article) -> None:
    response = _post(Client(), article, GENERAL)
    assert response.status_code == 302
    comment = Comment.objects.get(article=article)
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert GENERAL in _page(article)


@pytest.mark.parametrize("text", [PHONE_TEXT, ADVICE])
def test_personal_comment_never_on_the_page_and_writer_redirected_kindly(article: Article, text: str) -> None:
    response = _post(Client(), article, text)
    assert response.status_code == 200
    html = response.content.decode()
    assert "can&#x27;t give personal medical advice in public" in html or "can't give personal medical advice in public" in html
    assert "secure patient portal" in html and "your own doctor" in html and "911" in html
    assert text.split()[2] not in html or text.split()[2] in ("call", "was")  # the text itself is not echoed back
    assert Comment.objects.get(article=article).status == CommentStatus.HELD
    page = _page(article)
    assert "555-201-7788" not in page and "metformin" not in page


def test_crisis_comment_shows_988_and_911_at_once(article: Article) -> None:
    html = _post(Client(), article, "I don't want to live anymore and I have the pills ready.").content.decode()
    assert "988" in html and "911" in html and "emergency-panel" in html


def test_honeypot_keeps_what_was_typed(article: Article) -> None:
    response = _post(Client(), article, GENERAL, website="http://spam.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "looks automated" in html and GENERAL in html
    assert not Comment.objects.filter(article=article).exists()


def test_rate_limit_429_keeps_the_text(article: Article) -> None:
    client = Client()
    for n in range(5):
        assert _post(client, article, f"{GENERAL} {n}", email=f"s{n}@example.org").status_code == 302
    response = _post(client, article, "One more general thought about walking.", email="x@example.org")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Please wait" in html and "One more general thought about walking." in html


def test_form_errors_keep_input(article: Article) -> None:
    response = _post(Client(), article, GENERAL, email="not-an-email", display_name="Sam")
    assert response.status_code == 400
    assert GENERAL in response.content.decode()


def test_xss_in_comment_and_name_is_inert(article: Article, maya: User, web_login: Callable[[User], Client]) -> None:
    refused = _post(Client(), article, "Nice article", display_name=XSS)
    assert refused.status_code == 400  # not a name; shown back escaped, so nothing typed is lost
    assert "<script>alert" not in refused.content.decode() and "&lt;script&gt;" in refused.content.decode()
    _post(Client(), article, f"Nice article {XSS}", display_name="Kim")
    comment = Comment.objects.get(article=article)
    pages = [_page(article)] if comment.status == CommentStatus.PUBLISHED else []
    client = web_login(maya)
    pages.append(client.get(reverse("moderation:queue") + "?status=" + ("published" if pages else "waiting")).content.decode())
    pages.append(client.get(reverse("moderation:comment", args=[comment.pk])).content.decode())
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html


def test_queue_highlights_spans_and_audits(article: Article, maya: User, web_login: Callable[[User], Client]) -> None:
    _post(Client(), article, PHONE_TEXT)
    response = web_login(maya).get(reverse("moderation:queue"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<mark class="flag" title="phone">555-201-7788' in html
    assert AuditEvent.objects.filter(action="comment.queue_view", actor_id=maya.pk).exists()


def test_approve_with_redaction_in_the_browser(article: Article, maya: User, web_login: Callable[[User], Client]) -> None:
    _post(Client(), article, PHONE_TEXT)
    comment = Comment.objects.get(article=article)
    client = web_login(maya)
    detail = client.get(reverse("moderation:comment", args=[comment.pk])).content.decode()
    assert "[PHONE]" in detail  # the redaction preview
    refused = client.post(reverse("moderation:comment", args=[comment.pk]), {"action": "approve"})
    assert refused.status_code == 409 and "approve it with redaction" in refused.content.decode()
    done = client.post(reverse("moderation:comment", args=[comment.pk]), {"action": "approve_redacted"})
    assert done.status_code == 302
    page = _page(article)
    assert "555-201-7788" not in page and "[PHONE]" in page
    assert AuditEvent.objects.filter(action="comment.approve", object_id=str(comment.pk)).exists()


def test_bulk_reject_and_approve(article: Article, maya: User, web_login: Callable[[User], Client]) -> None:
    client = Client()
    _post(client, article, PHONE_TEXT)
    _post(client, article, "Please call my wife at 555-301-2299 about her results.", email="b@example.org")
    ids = list(Comment.objects.filter(article=article).values_list("pk", flat=True))
    mod = web_login(maya)
    response = mod.post(reverse("moderation:queue"), {"ids": ids, "action": "approve_redacted", "override_reason": "not_personal"})
    assert response.status_code == 302
    assert set(Comment.objects.filter(pk__in=ids).values_list("status", flat=True)) == {CommentStatus.PUBLISHED}
    page = _page(article)
    assert "555-201-7788" not in page and "555-301-2299" not in page
    assert AuditEvent.objects.filter(action="comment.approve", object_id__in=[str(i) for i in ids]).count() == 2


def test_bulk_without_selection_is_a_form_error(maya: User, web_login: Callable[[User], Client]) -> None:
    response = web_login(maya).post(reverse("moderation:queue"), {"action": "reject"})
    assert response.status_code == 400 and "Tick at least one comment" in response.content.decode()


def test_charlie_dana_and_other_practice_moderators_are_refused(
    article: Article, dr_charlie: User, pat_dana: User, staff_erin: User, aud_frank: User, mod_lakeside: User,
    web_login: Callable[[User], Client],
) -> None:
    _post(Client(), article, PHONE_TEXT)
    comment = Comment.objects.get(article=article)
    for user in (dr_charlie, pat_dana, staff_erin, aud_frank, mod_lakeside):
        client = web_login(user)
        for url in (reverse("moderation:comment", args=[comment.pk]), reverse("moderation:reply", args=[comment.pk])):
            assert client.get(url).status_code == 404, (user, url)
            assert client.post(url, {"action": "approve_redacted", "body": "x"}).status_code == 404, (user, url)
        queue = client.get(reverse("moderation:queue"))
        if user in (dr_charlie, mod_lakeside):  # their own (empty) queue: nothing of Riverside's
            assert queue.status_code == 200 and "555-201-7788" not in queue.content.decode()
        else:
            assert queue.status_code == 404
        client.post(reverse("moderation:queue"), {"ids": [comment.pk], "action": "approve_redacted"})
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HELD


def test_anonymous_is_sent_to_sign_in(article: Article) -> None:
    response = Client().get(reverse("moderation:queue"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_clinician_reply_with_linter(article: Article, dr_alice: User, maya: User, web_login: Callable[[User], Client]) -> None:
    _post(Client(), article, GENERAL)
    comment = Comment.objects.get(article=article)
    url = reverse("moderation:reply", args=[comment.pk])
    assert web_login(maya).get(url).status_code == 404  # moderators moderate; clinicians reply
    client = web_login(dr_alice)
    bad = "You should stop your metformin and take 500 mg twice a day."
    checked = client.post(url, {"body": bad, "check": "1"})
    assert checked.status_code == 200
    html = checked.content.decode()
    assert "A specific dose is personal advice" in html and "see their own physician" in html
    refused = client.post(url, {"body": bad, "post": "1"})
    assert refused.status_code == 409 and not comment.replies.exists()
    assert bad in refused.content.decode()  # what she typed is kept
    template = client.get(url + "?template=" + str(comment.practice.public_reply_templates.first().pk))
    assert "medlineplus.gov" in template.content.decode()
    good = ("Thanks for the question. In general this is something to discuss with your own doctor. "
            "MedlinePlus has a good overview: https://medlineplus.gov/exercise.html")
    posted = client.post(url, {"body": good, "post": "1"})
    assert posted.status_code == 302
    reply = comment.replies.get()
    assert reply.display_name == "Dr. Alice Moreno" and reply.status == CommentStatus.PUBLISHED
    assert good in _page(article) and "Dr. Alice Moreno" in _page(article)
    assert AuditEvent.objects.filter(action="comment.reply", object_id=str(reply.pk), actor_id=dr_alice.pk).exists()
    confirmed = client.post(url, {"body": bad, "post": "1", "confirm": "on"})
    assert confirmed.status_code == 302 and comment.replies.count() == 2
