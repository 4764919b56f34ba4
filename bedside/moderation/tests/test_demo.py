"""The demo loader: Maya, reply templates, demo comments; idempotent; nothing personal published."""

from __future__ import annotations

import pytest

from bedside.accounts.mfa import has_totp
from bedside.accounts.models import Role, User
from bedside.core.demo import demo_load
from bedside.moderation.demo import HELD
from bedside.moderation.models import Comment, CommentStatus, PublicReplyTemplate

pytestmark = pytest.mark.django_db


def test_demo_moderator_templates_and_comments(demo: dict[str, User]) -> None:
    maya = demo["maya"]
    assert maya.email == "maya@demo.bedside" and maya.role == Role.MODERATOR and has_totp(maya)
    assert maya.memberships.filter(practice__name="Riverside Family Medicine", is_active=True).exists()
    assert PublicReplyTemplate.objects.filter(practice__name="Riverside Family Medicine").count() >= 3
    before = (Comment.objects.count(), PublicReplyTemplate.objects.count())
    demo_load()
    assert (Comment.objects.count(), PublicReplyTemplate.objects.count()) == before
    published = Comment.objects.filter(status=CommentStatus.PUBLISHED)
    for _, _, text in HELD:
        assert not any(text == c.published_body for c in published)
