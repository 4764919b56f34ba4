"""Submission, screening outcomes, moderation rules, bulk decisions, audit rows and the notice email."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core import mail

from bedside.accounts.models import User
from bedside.audit.models import AuditEvent
from bedside.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from bedside.moderation import services
from bedside.moderation.models import Comment, CommentStatus, ModerationAction, NoticeState
from bedside.moderation.selectors import comments_public
from bedside.moderation.tests.conftest import ADVICE, GENERAL, PHONE_TEXT
from bedside.publishing.models import Article, ArticleStatus

pytestmark = pytest.mark.django_db


def test_general_comment_is_published_and_audited(submit: Callable[..., Comment], article: Article) -> None:
    comment = submit(GENERAL, ip="203.0.113.5")
    assert comment.status == CommentStatus.PUBLISHED
    assert comment.published_body == GENERAL
    assert comments_public(article=article) == [comment]
    event = AuditEvent.objects.get(action="comment.submit", object_id=str(comment.pk))
    assert event.detail == {"article_id": article.pk, "status": "published", "decision": "publish"}
    assert event.practice_id == article.practice_id and event.actor_id is None
    # the address is kept only as a keyed digest
    assert comment.ip_digest and "203.0.113.5" not in comment.ip_digest
    assert comment.ip_digest == services.ip_digest("203.0.113.5")


def test_identifiers_are_held_never_public(submit: Callable[..., Comment], article: Article) -> None:
    comment = submit(PHONE_TEXT)
    assert comment.status == CommentStatus.HELD
    assert comment.published_body == "" and comment.published_at is None
    assert comments_public(article=article) == []
    summary = comment.screening
    assert "PHONE" in summary["categories"]
    # the summary holds spans and labels, never the text
    assert "555" not in str(summary)


def test_thanking_the_practice_clinician_by_name_is_published(submit: Callable[..., Comment], article: Article,
                                                              lakeside_article: Article) -> None:
    thanks = submit("Alice Moreno explains this better than anyone; it cleared up a lot for our walking group.")
    assert thanks.status == CommentStatus.PUBLISHED
    # her patient's relative tells of care: the name is health information there
    care = submit("Thank you Dr. Moreno for seeing my father last week.")
    assert care.status == CommentStatus.HELD and "NAME" in care.screening["categories"]
    # Alice Moreno is not one of Lakeside's clinicians: on their page her name is just a name
    elsewhere = submit("Alice Moreno explains this better than anyone; it cleared up a lot for our walking group.",
                       on=lakeside_article)
    assert elsewhere.status == CommentStatus.HELD
    assert comments_public(article=article) == [thanks]


def test_advice_request_is_held_with_kind_redirection(article: Article) -> None:
    result = services.comment_submit(article=article, body=ADVICE, display_name="J.", email="j@example.org")
    assert result.comment.status == CommentStatus.HELD
    assert comments_public(article=article) == []
    text = result.guidance.kind_redirection
    assert "can't give personal medical advice in public" in text
    assert "secure patient portal" in text and "your own doctor" in text and "call 911" in text


def test_crisis_and_emergency_guidance_given_at_once(article: Article) -> None:
    crisis = services.comment_submit(article=article, body="I don't want to live anymore, what is the point.",
                                     display_name="A", email="a@example.org")
    assert crisis.comment.status == CommentStatus.HELD
    assert "988" in crisis.guidance.crisis
    emergency = services.comment_submit(article=article, body="I have crushing chest pain and my left arm is numb right now.",
                                        display_name="B", email="b@example.org")
    assert emergency.comment.status == CommentStatus.HELD
    assert "911" in emergency.guidance.emergency


def test_a_crisis_told_of_someone_else_gets_guidance_for_the_worried(article: Article) -> None:
    result = services.comment_submit(article=article, body="@nightowl please don't hurt yourself, we want you here",
                                     display_name="C", email="c@example.org")
    assert result.comment.status == CommentStatus.HELD and comments_public(article=article) == []
    assert "988" in result.guidance.crisis and "worried about someone" in result.guidance.crisis


def test_spam_is_rejected(submit: Callable[..., Comment], article: Article) -> None:
    comment = submit("Buy cheap viagra online without prescription!!! Best prices, click here www.pills.example")
    assert comment.status in (CommentStatus.REJECTED, CommentStatus.HELD)
    assert comments_public(article=article) == []


def test_honeypot_refuses_and_stores_nothing(article: Article) -> None:
    with pytest.raises(services.SpamSuspected):
        services.comment_submit(article=article, body=GENERAL, display_name="Bot", email="bot@example.org",
                                honeypot="http://spam.example")
    assert not Comment.objects.filter(article=article).exists()


def test_rate_limit_per_ip_and_per_email(article: Article, settings: object) -> None:
    for n in range(5):
        services.comment_submit(article=article, body=f"{GENERAL} {n}", display_name="Sam", email=f"s{n}@example.org",
                                ip="198.51.100.7")
    with pytest.raises(services.RateLimited) as caught:
        services.comment_submit(article=article, body=GENERAL, display_name="Sam", email="new@example.org", ip="198.51.100.7")
    assert caught.value.status == 429 and "wait" in caught.value.message
    for n in range(5):
        services.comment_submit(article=article, body=f"{GENERAL} {n}", display_name="Sam", email="same@example.org",
                                ip=f"192.0.2.{n}")
    with pytest.raises(services.RateLimited):
        services.comment_submit(article=article, body=GENERAL, display_name="Sam", email="SAME@example.org", ip="192.0.2.99")


def test_closed_draft_and_bad_input(make_article: Callable[..., Article], article: Article) -> None:
    closed = make_article(comments_open=False)
    with pytest.raises(Forbidden) as caught:
        services.comment_submit(article=closed, body=GENERAL, display_name="Sam", email="s@example.org")
    assert caught.value.code == "comments_closed"
    draft = make_article(status=ArticleStatus.DRAFT)
    with pytest.raises(NotFound):
        services.comment_submit(article=draft, body=GENERAL, display_name="Sam", email="s@example.org")
    for kwargs, field in (
        ({"body": " ", "display_name": "Sam", "email": "s@example.org"}, "body"),
        ({"body": GENERAL, "display_name": "", "email": "s@example.org"}, "display_name"),
        ({"body": GENERAL, "display_name": "Sam", "email": ""}, "email"),
        ({"body": GENERAL, "display_name": "Sam", "email": "not-an-email"}, "email"),
        ({"body": "x" * 5001, "display_name": "Sam", "email": "s@example.org"}, "body"),
    ):
        with pytest.raises(InvalidInput) as bad:
            services.comment_submit(article=article, **kwargs)
        assert bad.value.field == field


def test_signed_in_commenter_needs_no_email_but_chooses_the_shown_name(article: Article, pat_bob: User) -> None:
    with pytest.raises(InvalidInput) as missing:
        services.comment_submit(article=article, body=GENERAL, author=pat_bob)
    assert missing.value.field == "display_name"  # never the account's real name by default
    result = services.comment_submit(article=article, body=GENERAL, author=pat_bob, display_name="Runner")
    assert result.comment.author == pat_bob and result.comment.display_name == "Runner"
    assert result.comment.email == pat_bob.email  # kept privately, for the reply


@pytest.mark.parametrize("name", ["HIV+ since 2019", "Jo 555-0100", "jo@example.org", "Type 1 diabetic"])
def test_a_shown_name_that_discloses_is_refused_or_held(article: Article, name: str) -> None:
    try:
        result = services.comment_submit(article=article, body=GENERAL, display_name=name, email="n@example.org")
    except InvalidInput as exc:
        assert exc.field == "display_name"
    else:
        assert result.comment.status != "published"


def test_notice_email_has_no_comment_text(article: Article, django_capture_on_commit_callbacks: Callable[..., object]) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        result = services.comment_submit(article=article, body=PHONE_TEXT, display_name="Rosa", email="rosa@example.org")
    comment = Comment.objects.get(pk=result.comment.pk)
    assert comment.notice_state == NoticeState.SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rosa@example.org"]
    assert "can't give personal medical advice in public" in message.body
    for secret in ("555-201-7788", "husband", "Rosa", article.title):
        assert secret not in message.body and secret not in message.subject
    assert AuditEvent.objects.filter(action="comment.notice", object_id=str(comment.pk)).count() == 1
    # claimed once: a second delivery sends nothing
    assert services.comment_notice_deliver(comment_id=comment.pk) is False
    assert len(mail.outbox) == 1


def test_approve_refuses_identifiers_without_redaction(submit: Callable[..., Comment], maya: User) -> None:
    comment = submit(PHONE_TEXT)
    with pytest.raises(Conflict) as caught:
        services.comment_approve(moderator=maya, comment=comment)
    assert caught.value.code == "redaction_required"
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HELD


def test_approve_with_redaction_publishes_without_identifiers(submit: Callable[..., Comment], maya: User, article: Article) -> None:
    comment = submit(PHONE_TEXT)
    approved = services.comment_approve(moderator=maya, comment=comment, redact_identifiers=True)
    assert approved.status == CommentStatus.PUBLISHED
    assert approved.moderation_action == ModerationAction.APPROVE_REDACTED
    assert "555-201-7788" not in approved.published_body and "[PHONE]" in approved.published_body
    assert [c.published_body for c in comments_public(article=article)] == [approved.published_body]
    event = AuditEvent.objects.get(action="comment.approve", object_id=str(comment.pk))
    assert event.actor_id == maya.pk
    assert event.detail["redacted"] is True


def test_override_required_for_advice_request(submit: Callable[..., Comment], maya: User) -> None:
    comment = submit(ADVICE)
    assert comment.status == CommentStatus.HELD
    with pytest.raises(InvalidInput) as caught:
        services.comment_approve(moderator=maya, comment=comment)
    assert caught.value.code == "override_required"
    approved = services.comment_approve(moderator=maya, comment=comment, redact_identifiers=True,
                                        override_reason="general_question")
    assert approved.status == CommentStatus.PUBLISHED and approved.override_reason == "general_question"
    event = AuditEvent.objects.get(action="comment.approve", object_id=str(comment.pk))
    assert event.detail["override"] is True and event.detail["override_reason"] == "general_question"


def test_reject_and_no_second_decision(submit: Callable[..., Comment], maya: User, article: Article) -> None:
    comment = submit(PHONE_TEXT)
    services.comment_reject(moderator=maya, comment=comment)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REJECTED
    assert AuditEvent.objects.filter(action="comment.reject", object_id=str(comment.pk), actor_id=maya.pk).exists()
    with pytest.raises(Conflict):
        services.comment_approve(moderator=maya, comment=comment, redact_identifiers=True)
    assert comments_public(article=article) == []


def test_bulk_skips_what_the_rules_refuse(submit: Callable[..., Comment], maya: User) -> None:
    phone = submit(PHONE_TEXT)
    advice = submit(ADVICE, email="j@example.org")
    outcome = services.comments_moderate_bulk(moderator=maya, comments=[phone, advice], action="approve")
    assert outcome.done == []
    assert dict(outcome.refused) == {phone.pk: "redaction_required", advice.pk: outcome.refused[1][1]}
    outcome = services.comments_moderate_bulk(moderator=maya, comments=[phone, advice], action="reject")
    assert sorted(outcome.done) == sorted([phone.pk, advice.pk])
    assert AuditEvent.objects.filter(action="comment.reject").count() == 2


def test_bulk_reads_the_clinicians_names_once_per_practice(submit: Callable[..., Comment], maya: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    held = [submit(f"{PHONE_TEXT} ({n})", email=f"s{n}@example.org") for n in range(3)]
    with CaptureQueriesContext(connection) as queries:
        outcome = services.comments_moderate_bulk(moderator=maya, comments=held, action="approve_redacted", override_reason="")
    assert len(outcome.done) + len(outcome.refused) == 3
    assert sum("accounts_clinicianprofile" in q["sql"] for q in queries.captured_queries) == 1


@pytest.mark.parametrize("name", ["Sam 555-201-7788", "sam@example.org", "Sam https://x.example"])
def test_contact_details_in_the_name_are_refused(article: Article, name: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.comment_submit(article=article, body=GENERAL, display_name=name, email="s@example.org")
    assert refused.value.field == "display_name"
    assert comments_public(article=article) == [] and not Comment.objects.filter(article=article).exists()


def test_held_message_names_what_was_found(article: Article) -> None:
    # a staff member's first name alone is a personal detail, not health information
    named = services.comment_submit(article=article, body="Mark from billing sorted out the claim in five minutes.",
                                    display_name="J.", email="j@example.org")
    assert named.comment.status == CommentStatus.HELD
    assert "personal details" in named.guidance.message and "health" not in named.guidance.message
    advice = services.comment_submit(article=article, body=ADVICE, display_name="K.", email="k@example.org")
    assert "personal health information or a request for personal advice" in advice.guidance.message
    notice = services.notice_text(practice=article.practice, summary=named.comment.screening)
    assert "it seemed to include personal details" in notice and "Mark" not in notice
