"""Site-wide pages: the role-based home redirect and the error handlers."""

from __future__ import annotations

import sys

from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from bedside.accounts.models import CARE_TEAM_ROLES, Role


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to where its work is: patients to their inbox, the care team to the queue,
    auditors to the audit trail."""
    role = getattr(request.user, "role", None)
    if role == Role.PATIENT:
        return redirect("messaging:inbox")
    if role in CARE_TEAM_ROLES:
        return redirect("messaging:queue")
    if role == Role.AUDITOR:
        return redirect("audit:events")
    return render(request, "core/home_other.html", {"role_label": Role(role).label if role in Role.values else ""})


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


DATABASE_DOWN_MESSAGE = "The service is briefly unavailable; nothing was saved. Please try again in a minute."


def error_500(request: HttpRequest) -> HttpResponse:
    """Render the error page; a lost database connection is a 503 that says nothing was saved.

    Called by Django inside the `except` of the failed request, so the exception is at hand. A
    database that went away (restart, fail-over, network) is not a bug in the request: the client
    is told to retry, and the connection is re-established on the next request (CONN_HEALTH_CHECKS).
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, (OperationalError, InterfaceError)):
        if request.path.startswith(("/api/", "/fhir/")):
            response: HttpResponse = JsonResponse({"code": "service_unavailable", "message": DATABASE_DOWN_MESSAGE},
                                                  status=503)
        else:
            # No request context: context processors would reach for the session, in the database.
            response = HttpResponse(render_to_string("errors/503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return render(request, "errors/500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Explain a refused form in the site's layout (signed-in navigation kept); nothing technical."""
    return render(request, "403_csrf.html", status=403)
