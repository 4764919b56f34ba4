"""Writes for comments: submission with synchronous screening, moderation decisions, public replies.

Invariants kept here (and tested at every surface):
- a comment becomes `published` only after screening said `publish`, or a moderator approved it;
- nothing with identifiers is published unredacted: approval re-screens the text that would be
  shown and refuses while identifiers remain;
- publishing a comment flagged as a health disclosure, an advice request, an emergency, a crisis
  or spam needs an explicit override reason, which is audited (as a code);
- every submission and decision writes an audit row in the same transaction (ids and codes only);
- the commenter's notice email goes out after commit and never carries the comment's text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from bedside.accounts.models import Practice, User
from bedside.audit.services import audit_record
from bedside.core.errors import BedsideError, Conflict, Forbidden, InvalidInput, NotFound
from bedside.moderation.access import may_reply
from bedside.moderation.linter import Finding, lint_reply
from bedside.moderation.models import (
    Comment,
    CommentKind,
    CommentStatus,
    Decision,
    ModerationAction,
    NoticeState,
    OverrideReason,
)
from bedside.moderation.selectors import public_names, trusted_publishers, trusted_urls
from bedside.publishing.models import Article
from bedside.screening import Identifier, Screening, redact, screen

log = logging.getLogger(__name__)

BODY_MAX = 5000
NAME_MAX = 80
EMAIL_MAX = 254
QUEUE_STATUSES = (CommentStatus.HELD, CommentStatus.PENDING)

# Audit actions (plain codes: the audit app's Action enum lists the messaging ones).
AUDIT_SUBMIT = "comment.submit"
AUDIT_APPROVE = "comment.approve"
AUDIT_REJECT = "comment.reject"
AUDIT_REPLY = "comment.reply"
AUDIT_NOTICE = "comment.notice"


class RateLimited(BedsideError):
    code = "too_many_comments"
    status = 429


class SpamSuspected(BedsideError):
    code = "rejected_as_spam"
    status = 400


class ReplyNeedsConfirmation(BedsideError):
    """Raise when a reply has linter findings and the clinician has not confirmed posting it."""

    code = "reply_needs_confirmation"
    status = 409

    def __init__(self, message: str, *, findings: list[Finding]) -> None:
        super().__init__(message)
        self.findings = findings


# --- rate limits -------------------------------------------------------------------------------


def ip_digest(ip: str | None) -> str:
    """Return a keyed digest of the client address: rate limits work, the address is never kept."""
    return salted_hmac("bedside.comment-ip", ip, algorithm="sha256").hexdigest() if ip else ""


def _email_digest(email: str) -> str:
    return salted_hmac("bedside.comment-email", email.strip().lower(), algorithm="sha256").hexdigest()


def _count(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def _rate_check(*, ip_hash: str, email: str) -> None:
    """Count one submission per IP digest and per email; raise RateLimited past either limit."""
    checks = []
    if ip_hash:
        checks.append(("comment-rate:ip:" + ip_hash, settings.BEDSIDE_COMMENT_RATE_IP))
    if email:
        checks.append(("comment-rate:email:" + _email_digest(email), settings.BEDSIDE_COMMENT_RATE_EMAIL))
    for key, (limit, window) in checks:
        if _count(key, window) > limit:
            minutes = max(1, window // 60)
            raise RateLimited(
                f"You have sent several comments in a short time. Please wait about {minutes} minutes "
                "and try again; your comment is kept below so you can send it then."
            )


# --- screening and guidance --------------------------------------------------------------------


def screening_summary(result: Screening) -> dict[str, Any]:
    """Return what moderation keeps of a screening: labels, categories, spans and flags — no text."""
    labels = sorted({r.label for r in result.reasons})
    for flag in ("health_disclosure", "advice_request", "spam", "crisis"):
        if getattr(result, flag, False) and flag not in labels:
            labels.append(flag)
    return {
        "urgency": result.urgency,
        "crisis": bool(result.crisis),
        "health_disclosure": bool(result.health_disclosure),
        "advice_request": bool(result.advice_request),
        "spam": bool(result.spam),
        "labels": labels,
        "categories": sorted({i.category for i in result.identifiers}),
        "identifiers": [{"category": i.category, "start": i.start, "end": i.end} for i in result.identifiers],
        "reasons": [{"label": r.label, "start": r.start, "end": r.end} for r in result.reasons],
    }


@dataclass(frozen=True)
class Guidance:
    """What a commenter is told at once about a comment that was not published."""

    status: str
    message: str
    kind_redirection: str = ""
    emergency: str = ""
    crisis: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"message": self.message, "kind_redirection": self.kind_redirection,
                "emergency": self.emergency, "crisis": self.crisis}


def kind_redirection_text(practice: Practice) -> str:
    return (
        "We can't give personal medical advice in public. If you are a patient of "
        f"{practice.name}, please use the secure patient portal or call the office; otherwise, "
        f"please talk to your own doctor. In an emergency, call {practice.emergency_number}."
    )


def emergency_text(practice: Practice) -> str:
    return (
        f"What you describe may need care right away: call {practice.emergency_number} now or go to the "
        "nearest emergency department. Please do not wait for a reply to a comment."
    )


def crisis_text(practice: Practice) -> str:
    # a crisis comment is as often about someone else ("my husband keeps saying we'd be better off
    # without him", a reply to another commenter at risk): the line helps them and those worried about them
    return (
        f"If you are thinking about suicide or harming yourself, or are worried about someone who is, call or "
        f"text {practice.crisis_line} ({practice.crisis_line_name}) now; it is free, confidential and open day "
        f"and night. If anyone is in immediate danger, call {practice.emergency_number}."
    )


def held_for(summary: dict[str, Any]) -> str:
    """Return what a held comment seemed to include, in the commenter's words: health information
    or a request for advice, or (a name, a town, a phone number alone) personal details."""
    health = summary.get("health_disclosure") or summary.get("advice_request") or summary.get("crisis") or summary.get("urgency", "routine") != "routine"
    if health or not summary.get("identifiers"):
        return "personal health information or a request for personal advice"
    return "personal details (a name, a place, a date, a contact or a link)"


def guidance_for(*, practice: Practice, comment: Comment) -> Guidance:
    """Return the on-page (and API) answer for COMMENT just submitted."""
    summary = comment.screening or {}
    emergency = emergency_text(practice) if summary.get("urgency") == "emergency" else ""
    crisis = crisis_text(practice) if summary.get("crisis") else ""
    if comment.status == CommentStatus.PUBLISHED:
        return Guidance(comment.status, "Thank you — your comment is published.")
    if comment.status == CommentStatus.REJECTED:
        return Guidance(comment.status, "Your comment was not published: it looks like advertising or spam, "
                        "which our comment policy does not allow.", emergency=emergency, crisis=crisis)
    return Guidance(
        comment.status,
        f"Thank you. Your comment has not been published: it seems to include {held_for(summary)}, so a moderator will review it first.",
        kind_redirection=kind_redirection_text(practice), emergency=emergency, crisis=crisis,
    )


# --- submission --------------------------------------------------------------------------------


@dataclass
class SubmitResult:
    comment: Comment
    guidance: Guidance


def _clean_submission(*, body: str, display_name: str, email: str, author: User | None) -> tuple[str, str, str]:
    body = (body or "").strip()
    display_name = " ".join((display_name or "").split())
    email = (email or "").strip()
    if not body:
        raise InvalidInput("Write your comment before sending it.", field="body")
    if len(body) > BODY_MAX:
        raise InvalidInput(f"A comment can be at most {BODY_MAX} characters; yours has {len(body)}.", field="body")
    if author is not None and author.is_authenticated:
        # The private reply may go to the account's address; the public name is never taken from
        # the account: a patient's real name next to a health question is exactly what must not appear.
        email = email or author.email
    if not display_name:
        raise InvalidInput("Give a name to show with your comment (a first name or nickname is fine).", field="display_name")
    if len(display_name) > NAME_MAX:
        raise InvalidInput(f"The name can be at most {NAME_MAX} characters.", field="display_name")
    if not _NAME_SHAPE.fullmatch(display_name):
        raise InvalidInput("Use a first name or nickname: letters, spaces, hyphens, apostrophes and dots only.",
                           field="display_name")
    if author is None or not author.is_authenticated:
        if not email:
            raise InvalidInput("Give your email address; it is never shown, and we use it only to reply to you privately.", field="email")
    if email:
        if len(email) > EMAIL_MAX:
            raise InvalidInput("The email address is too long.", field="email")
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput("Enter a valid email address, like name@example.com.", field="email") from None
    return body, display_name, email


CONTACT_CATEGORIES = ("PHONE", "EMAIL", "URL", "ADDRESS", "ID")
# A shown name is a name: no digits or symbols ("HIV+ since 2019", "Jo 555-0100"), at most four words.
_NAME_SHAPE = re.compile(r"[^\W\d_]+(?:[ .'’-]{1,2}[^\W\d_]+){0,3}\.?")


def _name_contact_details(display_name: str) -> list[Identifier]:
    return [i for i in screen(display_name, "comment").identifiers if i.category in CONTACT_CATEGORIES]


def _name_discloses(display_name: str) -> bool:
    """Return whether the shown name carries contact details or health information (or can't be checked)."""
    try:
        if _name_contact_details(display_name):
            return True
        as_sentence = screen(f"I am {display_name}.", "comment")
        return as_sentence.health_disclosure or as_sentence.urgency != "routine"
    except Exception:
        return True


def comment_screening(text: str, *, practice_id: int, names: Sequence[str] | None = None) -> Screening:
    """Screen TEXT as a public comment on one of the practice's pages, where its clinicians'
    names are public already (`engine.screen` keeps them when the text tells of care). NAMES
    are those names when the caller has them already (a bulk action reads them once)."""
    if names is None:
        names = public_names(practice_id=practice_id)
    return screen(text, "comment", public_names=names)


@transaction.atomic
def comment_submit(
    *,
    article: Article,
    body: str,
    display_name: str = "",
    email: str = "",
    author: User | None = None,
    ip: str | None = None,
    honeypot: str = "",
    channel: str = "web",
) -> SubmitResult:
    """Screen and store a comment on a public article; publish it only if screening says so.

    Held comments are never public; their writer gets the kind redirection (and emergency or
    crisis guidance) at once, and by email after commit when an address was given.
    """
    if not article.is_public:
        raise NotFound()
    if not article.comments_open:
        raise Forbidden("Comments are closed on this article.", code="comments_closed")
    if author is not None and not author.is_authenticated:
        author = None
    body, display_name, email = _clean_submission(body=body, display_name=display_name, email=email, author=author)
    ip_hash = ip_digest(ip)
    if honeypot and honeypot.strip():
        _rate_check(ip_hash=ip_hash, email="")
        raise SpamSuspected(
            "Your comment looks automated and was not accepted. If you are a person, leave the field "
            "labelled “Leave this empty” empty and send it again.",
        )
    _rate_check(ip_hash=ip_hash, email=email)

    try:
        result: Screening | None = comment_screening(body, practice_id=article.practice_id)
    except Exception as exc:  # a screening bug must not publish anything, nor lose what was written
        # The type only: an exception message could quote the comment.
        log.error("comment screening failed (%s); the comment waits for a moderator", type(exc).__name__)
        result = None
    now = timezone.now()
    comment = Comment(
        article=article, practice_id=article.practice_id, kind=CommentKind.COMMENT,
        author=author, display_name=display_name, email=email, body=body, ip_digest=ip_hash, created_at=now,
    )
    if result is None:
        comment.status, comment.decision = CommentStatus.PENDING, ""
    else:
        comment.screening = screening_summary(result)
        comment.decision = result.decision
        if result.decision == Decision.PUBLISH and _name_discloses(display_name):
            # A phone number, email or link in the shown name is as public as one in the text.
            comment.decision = Decision.HOLD
            comment.screening["labels"].append("identifier_in_name")
        if comment.decision == Decision.PUBLISH:
            comment.status, comment.published_body, comment.published_at = CommentStatus.PUBLISHED, body, now
        elif comment.decision == Decision.REJECT:
            comment.status = CommentStatus.REJECTED
        else:
            comment.status = CommentStatus.HELD
    if comment.status == CommentStatus.HELD and email:
        comment.notice_state = NoticeState.PENDING
    comment.save()
    audit_record(
        action=AUDIT_SUBMIT, actor=author, obj=comment, practice_id=article.practice_id, channel=channel,
        detail={"article_id": article.pk, "status": comment.status, "decision": comment.decision or "none"},
    )
    if comment.notice_state == NoticeState.PENDING:
        from bedside.moderation.tasks import send_comment_notice

        pk = comment.pk
        transaction.on_commit(lambda: send_comment_notice(pk))
    return SubmitResult(comment=comment, guidance=guidance_for(practice=article.practice, comment=comment))


# --- the commenter's private notice ------------------------------------------------------------

NOTICE_SUBJECT = "About your comment"


def notice_text(*, practice: Practice, summary: dict[str, Any]) -> str:
    """Return the notice email: guidance only — never the comment, the article or the name."""
    parts = [
        f"Thank you for your comment. It has not been published, because it seemed to include {held_for(summary)}.",
        kind_redirection_text(practice),
    ]
    if summary.get("urgency") == "emergency":
        parts.append(emergency_text(practice))
    if summary.get("crisis"):
        parts.append(crisis_text(practice))
    parts.append("You received this email because this address was given with a comment. "
                 "If that was not you, you can ignore it.")
    return "\n\n".join(parts) + "\n"


def comment_notice_deliver(*, comment_id: int) -> bool:
    """Send the held-comment notice once (compare-and-set claim); return whether it was sent now."""
    claimed = Comment.objects.filter(pk=comment_id, notice_state=NoticeState.PENDING).update(notice_state=NoticeState.SENT)
    if claimed != 1:
        return False
    comment = Comment.objects.select_related("practice").get(pk=comment_id)
    try:
        send_mail(NOTICE_SUBJECT, notice_text(practice=comment.practice, summary=comment.screening),
                  settings.DEFAULT_FROM_EMAIL, [comment.email], fail_silently=False)
    except Exception:
        Comment.objects.filter(pk=comment_id).update(notice_state=NoticeState.PENDING)  # retried by the task
        raise
    audit_record(action=AUDIT_NOTICE, obj=comment, practice_id=comment.practice_id, channel="worker",
                 detail={"kind": "held_comment"})
    return True


# --- moderation --------------------------------------------------------------------------------


def needs_override(result: Screening) -> bool:
    """Return whether publishing text screened as RESULT needs a moderator's stated reason."""
    return bool(result.health_disclosure or result.advice_request or result.spam or result.crisis
                or result.urgency != "routine")


def _lock(comment: Comment) -> Comment:
    locked = Comment.objects.select_for_update().filter(pk=comment.pk).first()
    if locked is None:
        raise NotFound()
    if locked.status not in QUEUE_STATUSES:
        raise Conflict("Someone has already decided on this comment; reload the queue.", code="already_moderated")
    return locked


@dataclass
class ApprovalPreview:
    text: str
    screening: Screening
    needs_redaction: bool
    needs_override: bool


def approval_preview(*, comment: Comment, redact_identifiers: bool, names: Sequence[str] | None = None) -> ApprovalPreview:
    """Return the text that approving would publish, re-screened (redacted first when asked)."""
    try:
        if names is None:
            names = public_names(practice_id=comment.practice_id)
        result = comment_screening(comment.body, practice_id=comment.practice_id, names=names)
        text = comment.body
        if redact_identifiers and result.identifiers:
            text = redact(comment.body, result.identifiers)
            result = comment_screening(text, practice_id=comment.practice_id, names=names)
    except Exception as exc:  # never publish what could not be checked
        log.error("screening failed on comment %s (%s)", comment.pk, type(exc).__name__)
        raise InvalidInput("Screening is unavailable for this comment: it cannot be published now, only rejected.") \
            from exc
    return ApprovalPreview(text=text, screening=result, needs_redaction=bool(result.identifiers),
                           needs_override=needs_override(result))


@transaction.atomic
def comment_approve(
    *,
    moderator: User,
    comment: Comment,
    redact_identifiers: bool = False,
    override_reason: str = "",
    channel: str = "web",
    names: Sequence[str] | None = None,
) -> Comment:
    """Publish a held comment: redacted when asked, never with identifiers, overrides stated."""
    comment = _lock(comment)
    preview = approval_preview(comment=comment, redact_identifiers=redact_identifiers, names=names)
    if preview.needs_redaction:
        if redact_identifiers:
            raise Conflict("Identifiers remain after redaction; this comment cannot be published. Reject it.",
                           code="identifiers_remain")
        raise Conflict("This comment contains personal identifiers: approve it with redaction, or reject it.",
                       code="redaction_required")
    name = comment.display_name
    in_name = _name_contact_details(name)
    if in_name:
        if not redact_identifiers:
            raise Conflict("The name shown contains contact details: approve with redaction, or reject it.",
                           code="redaction_required")
        name = redact(name, in_name)
    override = ""
    if preview.needs_override:
        if override_reason not in OverrideReason.values:
            raise InvalidInput(
                "This comment was flagged as personal health information, a request for advice, an emergency "
                "or spam. Choose why it may be published anyway, or reject it.",
                code="override_required", field="override_reason",
            )
        override = override_reason
    now = timezone.now()
    redacted = preview.text != comment.body or name != comment.display_name
    comment.display_name = name
    comment.status, comment.published_body, comment.published_at = CommentStatus.PUBLISHED, preview.text, now
    comment.moderated_by, comment.moderated_at = moderator, now
    comment.moderation_action = ModerationAction.APPROVE_REDACTED if redacted else ModerationAction.APPROVE
    comment.override_reason = override
    comment.save(update_fields=["display_name", "status", "published_body", "published_at", "moderated_by", "moderated_at",
                                "moderation_action", "override_reason"])
    audit_record(
        action=AUDIT_APPROVE, actor=moderator, obj=comment, practice_id=comment.practice_id, channel=channel,
        detail={"article_id": comment.article_id, "redacted": redacted, "override": bool(override),
                "override_reason": override or "none"},
    )
    return comment


@transaction.atomic
def comment_reject(*, moderator: User, comment: Comment, channel: str = "web") -> Comment:
    """Reject a held comment: it is never published."""
    comment = _lock(comment)
    now = timezone.now()
    comment.status, comment.moderated_by, comment.moderated_at = CommentStatus.REJECTED, moderator, now
    comment.moderation_action = ModerationAction.REJECT
    comment.save(update_fields=["status", "moderated_by", "moderated_at", "moderation_action"])
    audit_record(action=AUDIT_REJECT, actor=moderator, obj=comment, practice_id=comment.practice_id,
                 channel=channel, detail={"article_id": comment.article_id})
    return comment


BULK_ACTIONS = ("approve", "approve_redacted", "reject")


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


@transaction.atomic
def comments_moderate_bulk(
    *, moderator: User, comments: Iterable[Comment], action: str, override_reason: str = "", channel: str = "web"
) -> BulkResult:
    """Apply ACTION to each comment; one that the rules refuse is skipped and reported, not fatal."""
    if action not in BULK_ACTIONS:
        raise InvalidInput("Choose approve, approve with redaction or reject.", field="action")
    outcome = BulkResult()
    names: dict[int, list[str]] = {}  # the clinicians' public names, read once per practice
    for comment in comments:
        if action != "reject" and comment.practice_id not in names:
            names[comment.practice_id] = public_names(practice_id=comment.practice_id)
        try:
            with transaction.atomic():
                if action == "reject":
                    comment_reject(moderator=moderator, comment=comment, channel=channel)
                else:
                    comment_approve(moderator=moderator, comment=comment, redact_identifiers=action == "approve_redacted",
                                    override_reason=override_reason, channel=channel,
                                    names=names[comment.practice_id])
        except BedsideError as exc:
            outcome.refused.append((comment.pk, exc.code))
        else:
            outcome.done.append(comment.pk)
    return outcome


# --- clinicians' public replies ----------------------------------------------------------------

KNOWN_PUBLISHERS = frozenset({
    "medlineplus", "cdc", "nih", "mayo clinic", "cleveland clinic", "who", "fda", "american heart association",
    "american diabetes association", "national cancer institute", "american cancer society", "aafp",
})
IDENTIFIER_IN_REPLY = "Personal identifiers in a public reply: remove names, dates, numbers and places."


def reply_lint(*, practice_id: int, text: str) -> list[Finding]:
    """Return the linter's findings plus any personal identifier (links excepted) screening sees."""
    findings = lint_reply(text, trusted_urls=trusted_urls(practice_id=practice_id))
    publishers = {p.lower() for p in trusted_publishers(practice_id=practice_id)} | KNOWN_PUBLISHERS
    for ident in comment_screening(text, practice_id=practice_id).identifiers:
        # Links are checked by the linter; a resource's publisher ("MedlinePlus") is no one's name.
        if ident.category != "URL" and text[ident.start : ident.end].strip().lower() not in publishers:
            findings.append(Finding("identifier", IDENTIFIER_IN_REPLY, ident.start, ident.end))
    findings.sort(key=lambda f: (f.end == 0, f.start, f.end))
    return findings


@transaction.atomic
def comment_reply_post(
    *, clinician: User, comment: Comment, body: str, confirmed: bool = False, channel: str = "web"
) -> Comment:
    """Publish CLINICIAN's public reply to a published comment, under their name.

    The linter runs first; a reply with findings is posted only when the clinician confirmed it.
    """
    if not may_reply(clinician, comment):
        raise Forbidden("Only the practice's clinicians reply to comments in public.", code="not_a_clinician")
    if comment.status != CommentStatus.PUBLISHED or comment.kind != CommentKind.COMMENT:
        raise Conflict("Only a published comment can get a public reply.", code="comment_not_published")
    body = (body or "").strip()
    if not body:
        raise InvalidInput("Write the reply first.", field="body")
    if len(body) > BODY_MAX:
        raise InvalidInput(f"A reply can be at most {BODY_MAX} characters.", field="body")
    findings = reply_lint(practice_id=comment.practice_id, text=body)
    if findings and not confirmed:
        raise ReplyNeedsConfirmation(
            "The reply checker found problems (listed below). Edit the reply, or confirm that you want to post it as it is.",
            findings=findings,
        )
    now = timezone.now()
    reply = Comment.objects.create(
        article_id=comment.article_id, practice_id=comment.practice_id, kind=CommentKind.REPLY, parent=comment,
        author=clinician, display_name=clinician.display_name, email="", body=body, published_body=body,
        status=CommentStatus.PUBLISHED, decision=Decision.PUBLISH, published_at=now, created_at=now,
        moderated_by=clinician, moderated_at=now, moderation_action=ModerationAction.APPROVE,
        screening={"lint": [{"code": f.code, "start": f.start, "end": f.end} for f in findings]},
    )
    audit_record(
        action=AUDIT_REPLY, actor=clinician, obj=reply, practice_id=comment.practice_id, channel=channel,
        detail={"comment_id": comment.pk, "findings": len(findings), "confirmed": bool(findings)},
    )
    return reply
