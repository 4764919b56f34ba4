"""Public comments on articles, their screening and moderation, and clinicians' public replies.

A comment is never public unscreened: it is screened when submitted, and only a published one
(status `published`, with `published_body` set, redacted when it held identifiers) is ever shown.
The commenter's text, name and email are encrypted at rest; the IP address is kept only as a
keyed digest for rate limits; the screening summary holds labels, categories and spans, never text.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bedside.accounts.models import Practice
from bedside.core.models import EncryptedTextField


class CommentStatus(models.TextChoices):
    PENDING = "pending", "Pending screening"
    PUBLISHED = "published", "Published"
    HELD = "held", "Held for a moderator"
    REJECTED = "rejected", "Rejected"


class CommentKind(models.TextChoices):
    COMMENT = "comment", "Comment"
    REPLY = "reply", "Clinician's public reply"


class Decision(models.TextChoices):
    PUBLISH = "publish", "Publish"
    HOLD = "hold", "Hold"
    REJECT = "reject", "Reject"


class ModerationAction(models.TextChoices):
    APPROVE = "approve", "Approved"
    APPROVE_REDACTED = "approve_redacted", "Approved with redaction"
    REJECT = "reject", "Rejected"


class OverrideReason(models.TextChoices):
    """Why a moderator publishes a comment screening flagged as personal (the code is audited)."""

    GENERAL_QUESTION = "general_question", "It is a general question, not a request for personal advice"
    NOT_PERSONAL = "not_personal", "It shares no personal health information (screening was wrong)"
    PUBLIC_INTEREST = "public_interest", "It is general experience worth sharing and identifies no one"


class NoticeState(models.TextChoices):
    NONE = "none", "No notice"
    PENDING = "pending", "To send"
    SENT = "sent", "Sent"


class Comment(models.Model):
    article = models.ForeignKey("publishing.Article", on_delete=models.CASCADE, related_name="comments")
    # The article's practice, copied so the moderators' queue is one indexed filter.
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="comments")
    kind = models.CharField(max_length=8, choices=CommentKind.choices, default=CommentKind.COMMENT)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies",
        help_text="The comment a clinician's public reply answers.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments",
        help_text="Null for anonymous commenters.",
    )
    display_name = EncryptedTextField()
    email = EncryptedTextField(blank=True)
    body = EncryptedTextField()
    # The text actually shown: the body, or the body with identifiers redacted.
    published_body = EncryptedTextField(blank=True)
    status = models.CharField(max_length=10, choices=CommentStatus.choices, default=CommentStatus.PENDING)
    decision = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    screening = models.JSONField(default=dict, blank=True)
    ip_digest = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_action = models.CharField(max_length=20, choices=ModerationAction.choices, blank=True)
    override_reason = models.CharField(max_length=20, choices=OverrideReason.choices, blank=True)
    notice_state = models.CharField(max_length=8, choices=NoticeState.choices, default=NoticeState.NONE)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CommentStatus.values), name="comment_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=CommentKind.values), name="comment_kind_valid"),
            models.CheckConstraint(
                condition=Q(status="published", published_at__isnull=False) | (~Q(status="published") & Q(published_at__isnull=True)),
                name="comment_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(kind="comment") | Q(parent__isnull=False, author__isnull=False),
                name="comment_reply_has_parent_and_author",
            ),
        ]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_public"),
            models.Index(fields=["practice", "status", "created_at"], name="comment_queue"),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk}"


class PublicReplyTemplate(models.Model):
    """A compliant starting point for a clinician's public reply (general, resources, evaluation)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="public_reply_templates")
    title = models.CharField(max_length=120)
    body = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "title"], name="public_reply_template_unique")]
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title
