"""Site-wide pages: the role-based home redirect and the error handlers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
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


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Explain a refused form in the site's layout (signed-in navigation kept); nothing technical."""
    return render(request, "403_csrf.html", status=403)
