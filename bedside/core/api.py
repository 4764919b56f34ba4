"""The REST API root: bearer-token auth, one JSON error shape, routers from each app."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from bedside.core.errors import BedsideError


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from bedside.accounts.services import api_token_authenticate

        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        request.bedside_channel = "api"  # type: ignore[attr-defined]
        return user


api = NinjaAPI(
    title="bedside API",
    version="1",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=BearerAuth(),
)


def _error(request: HttpRequest, status: int, code: str, message: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(BedsideError)
def _bedside_error(request: HttpRequest, exc: BedsideError) -> HttpResponse:
    extra = {"field": exc.field} if exc.field else {}
    return _error(request, exc.status, exc.code, exc.message, **extra)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")]
        problems.append({"field": ".".join(loc), "message": str(err.get("msg", "invalid"))})
    summary = "; ".join(f"{p['field'] or 'request'}: {p['message']}" for p in problems[:5])
    return _error(request, 400, "invalid_input", f"The request is not valid — {summary}.", errors=problems)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthorized", "Sign in: send a valid, unexpired bearer token.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "error", str(exc))


def _register() -> None:
    from bedside.accounts.api import router as accounts_router
    from bedside.messaging.api import router as messaging_router

    api.add_router("/", accounts_router)
    api.add_router("/threads", messaging_router)


_register()
