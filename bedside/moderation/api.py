"""Comments API: read an article's published comments and post one (anonymous allowed).

`GET /api/v1/articles/{slug}/comments` lists only published comments (and clinicians' replies);
`POST` screens the comment at once and answers with its status and the guidance a held
comment's writer needs (kind redirection, emergency and crisis), never echoing held text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import AuthenticationError
from pydantic import Field

from bedside.accounts.models import User
from bedside.audit.services import client_ip
from bedside.core.api import BearerAuth
from bedside.core.errors import NotFound
from bedside.moderation import services
from bedside.moderation.selectors import comments_public
from bedside.publishing.access import access_public_article

router = Router(tags=["comments"])


def _optional_user(request: HttpRequest) -> User | None:
    """Return the token's user when an Authorization header is sent (401 if it is not valid), else None.

    The endpoint is declared without security in OpenAPI because anonymous commenters are welcome.
    """
    if not request.headers.get("Authorization"):
        return None
    user = BearerAuth()(request)
    if not isinstance(user, User):
        raise AuthenticationError()
    return user


class ErrorOut(Schema):
    code: str
    message: str


class CommentIn(Schema):
    body: str = Field(max_length=20_000)
    display_name: str = Field(default="", max_length=500)
    email: str = Field(default="", max_length=500)
    website: str = Field(default="", max_length=500, description="Leave empty (spam trap).")


class GuidanceOut(Schema):
    message: str
    kind_redirection: str
    emergency: str
    crisis: str


class CommentCreated(Schema):
    id: int
    status: str
    decision: str
    guidance: GuidanceOut


class ReplyOut(Schema):
    id: int
    author: str
    body: str
    published_at: datetime | None


class CommentOut(Schema):
    id: int
    author: str
    body: str
    published_at: datetime | None
    replies: list[ReplyOut]


class CommentList(Schema):
    items: list[CommentOut]


def _article(slug: str) -> Any:
    try:
        return access_public_article(slug)
    except NotFound:
        raise NotFound("There is no published article with this address.") from None


@router.get("/{slug}/comments", auth=None, response={200: CommentList, 404: ErrorOut})
def comment_list(request: HttpRequest, slug: str) -> CommentList:
    """List an article's published comments, oldest first, with the clinicians' replies."""
    article = _article(slug)
    items = [
        CommentOut(
            id=c.pk, author=c.display_name, body=c.published_body, published_at=c.published_at,
            replies=[ReplyOut(id=r.pk, author=r.display_name, body=r.published_body, published_at=r.published_at)
                     for r in getattr(c, "public_replies", [])],
        )
        for c in comments_public(article=article)
    ]
    return CommentList(items=items)


@router.post("/{slug}/comments", auth=None,
             response={201: CommentCreated, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut})
def comment_create(request: HttpRequest, slug: str, payload: CommentIn) -> Status[CommentCreated]:
    """Post a comment (anonymous: display_name and email required). It is screened before anything is public."""
    author = _optional_user(request)
    article = _article(slug)
    result = services.comment_submit(
        article=article, body=payload.body, display_name=payload.display_name, email=payload.email,
        author=author, ip=client_ip(request), honeypot=payload.website, channel="api",
    )
    guidance = result.guidance
    return Status(201, CommentCreated(
        id=result.comment.pk, status=result.comment.status, decision=result.comment.decision or "hold",
        guidance=GuidanceOut(**guidance.as_dict()),
    ))
