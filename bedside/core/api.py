"""The REST API root: bearer-token auth, one JSON error shape, routers from each app."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from bedside.core.errors import BedsideError
from bedside.core.views import DATABASE_DOWN_MESSAGE

log = logging.getLogger(__name__)

# Codes for errors django-ninja raises itself (an unparseable body, a wrong method …).
_HTTP_CODES = {
    400: "invalid_input",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    429: "too_many_attempts",
}


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from bedside.accounts.services import api_token_authenticate

        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        request.bedside_channel = "api"  # type: ignore[attr-defined]
        return user


def _json_status(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=status)


@csrf_exempt
def _unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _json_status(404, "not_found", "There is no such API endpoint; see /api/v1/docs.")


def _json_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a django-ninja view so that its plain-text 405 and HTML 404 become JSON errors."""

    @functools.wraps(view)  # keeps csrf_exempt and the other attributes ninja sets
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:  # the API root raises it
            return _unknown_path(request)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            replacement = _json_status(405, "method_not_allowed", f"Use one of: {allowed}.")
            replacement["Allow"] = allowed
            return replacement
        return response

    return wrapper


class BedsideAPI(NinjaAPI):
    """NinjaAPI whose every answer is JSON: wrong methods and unknown paths included."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls: list[URLResolver | URLPattern] = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern):
                pattern = URLPattern(pattern.pattern, _json_not_allowed(pattern.callback),
                                     pattern.default_args, pattern.name)
            urls.append(pattern)
        urls.append(re_path(r"^.*$", _unknown_path))
        return urls


api = BedsideAPI(
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
    return _error(request, exc.status_code, _HTTP_CODES.get(exc.status_code, "error"), str(exc))


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, 413, "too_large", "The request is too large.")


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return _error(request, 400, "invalid_input", "The request cannot be processed.")


@api.exception_handler(DatabaseError)
def _database_error(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
    if not isinstance(exc, (OperationalError, InterfaceError)):
        return _unexpected_error(request, exc)
    # The database went away (restart, fail-over): the write was rolled back; the client retries.
    log.warning("database unavailable on %s %s: %s", request.method, request.path, type(exc).__name__)
    response = _error(request, 503, "service_unavailable", DATABASE_DOWN_MESSAGE)
    response["Retry-After"] = "30"
    return response


@api.exception_handler(Exception)
def _unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # An API client gets JSON even for a bug; the log keeps the traceback (ids only, no PHI).
    log.exception("unhandled API error on %s %s", request.method, request.path)
    return _error(request, 500, "server_error", "Something went wrong on our side. Please try again later.")


def _register() -> None:
    from bedside.accounts.api import router as accounts_router
    from bedside.audit.api import router as audit_router
    from bedside.billing.api import router as billing_router
    from bedside.messaging.api import router as messaging_router
    from bedside.moderation.api import router as moderation_router
    from bedside.publishing.api import router as publishing_router

    api.add_router("/", accounts_router)
    api.add_router("/audit", audit_router)
    api.add_router("/billing", billing_router)
    api.add_router("/threads", messaging_router)
    api.add_router("/articles", moderation_router)
    api.add_router("/public", publishing_router)


_register()
