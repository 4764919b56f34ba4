from __future__ import annotations

from datetime import datetime

from allauth.core.internal import ratelimit
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from bedside.accounts import services
from bedside.audit.services import client_ip

router = Router(tags=["accounts"])


class TokenIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)
    otp: str | None = Field(default=None, max_length=64)


class TokenOut(Schema):
    token: str
    expires_at: datetime


class ErrorOut(Schema):
    code: str
    message: str


class MeOut(Schema):
    id: int
    email: str
    role: str


@router.post("/auth/token", auth=None, response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 429: ErrorOut})
def token_create(request: HttpRequest, payload: TokenIn) -> TokenOut:
    """Exchange email, password and (for MFA accounts) a TOTP code for a bearer token.

    Failed attempts count against the same limits as the web sign-in (ACCOUNT_RATE_LIMITS
    "login_failed", per address and per account): the API is no way around them, and a
    six-digit code must not be guessable by brute force.
    """
    key = "api-token:" + payload.email.strip().lower()
    usage = ratelimit.consume(request, app="allauth.account", action="login_failed", key=key)
    if usage is None:
        raise services.TooManyAttempts(
            "Too many failed sign-in attempts. Wait a few minutes and try again.",
        )
    raw, token = services.api_token_issue(
        email=payload.email, password=payload.password, otp=payload.otp, ip=client_ip(request)
    )
    usage.rollback()  # a success does not count; failures stay counted
    return TokenOut(token=raw, expires_at=token.expires_at)


@router.post("/auth/revoke", response={204: None, 401: ErrorOut})
def token_revoke(request: HttpRequest) -> Status[None]:
    """Revoke the bearer token this request was made with."""
    raw = request.headers.get("Authorization", "").partition(" ")[2].strip()
    services.api_token_revoke(user=request.auth, raw=raw, ip=client_ip(request))  # type: ignore[attr-defined]
    return Status(204, None)


@router.get("/me", response={200: MeOut, 401: ErrorOut})
def me(request: HttpRequest) -> MeOut:
    user = request.auth  # type: ignore[attr-defined]
    return MeOut(id=user.pk, email=user.email, role=user.role)
