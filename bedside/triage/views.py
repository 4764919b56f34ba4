"""Web pages for triage: the response-time metrics of a practice and a clinician's coverage.

Metrics are for the practice's care team and administrators (others get 404); coverage is
for clinicians, about themselves only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bedside.accounts.models import CARE_TEAM_ROLES, Practice, Role
from bedside.audit.services import audit_record, client_ip
from bedside.core.errors import BedsideError, NotFound
from bedside.core.web import current_user, posted
from bedside.triage import metrics as metrics_lib
from bedside.triage import selectors, services
from bedside.triage.forms import CoverageForm

METRICS_VIEW = "metrics.view"


def _metrics_practice(request: HttpRequest) -> Practice:
    """Return the practice whose metrics USER asked for (their first one by default), or 404."""
    user = current_user(request)
    if user.role not in CARE_TEAM_ROLES:
        raise Http404()
    practices = Practice.objects.filter(memberships__user=user, memberships__is_active=True).order_by("name")
    wanted = request.GET.get("practice")
    if wanted:
        try:
            practice = practices.filter(pk=int(wanted)).first()
        except ValueError:
            practice = None
    else:
        practice = practices.first()
    if practice is None:
        raise Http404()
    return practice


@login_required
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    practice = _metrics_practice(request)
    user = current_user(request)
    try:
        days = min(max(int(request.GET.get("days", metrics_lib.DEFAULT_DAYS)), 1), 365)
    except ValueError:
        days = metrics_lib.DEFAULT_DAYS
    data = metrics_lib.practice_metrics(practice=practice, days=days)
    audit_record(action=METRICS_VIEW, actor=user, object_type="practice", object_id=practice.pk,
                 practice_id=practice.pk, request=request, detail={"days": days})
    practices = Practice.objects.filter(memberships__user=user, memberships__is_active=True).order_by("name")
    return render(request, "triage/metrics.html", {"m": data, "days": days, "practices": practices})


def _require_clinician(request: HttpRequest) -> None:
    if current_user(request).role != Role.CLINICIAN:
        raise Http404()


@login_required
@require_http_methods(["GET", "POST"])
def coverage(request: HttpRequest) -> HttpResponse:
    """List the clinician's time away and arrange a new one."""
    _require_clinician(request)
    user = current_user(request)
    practice = Practice.objects.filter(memberships__user=user, memberships__is_active=True).order_by("name").first()
    zone = selectors.practice_zone(practice) if practice else selectors.practice_zone(Practice())
    form = CoverageForm(posted(request), colleagues=selectors.colleagues_for_cover(user=user), zone=zone)
    if request.method == "POST" and form.is_valid():
        try:
            services.coverage_set(clinician=user, covering=form.cleaned_data["covering"],
                                  starts_at=form.cleaned_data["starts_at"], ends_at=form.cleaned_data["ends_at"],
                                  ip=client_ip(request))
        except BedsideError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Your time away is saved. New messages for you go to your colleague.")
            return redirect("triage:coverage")
    status = 400 if request.method == "POST" else 200
    return render(request, "triage/coverage.html",
                  {"form": form, "coverages": selectors.coverages_of(user=user), "zone": zone}, status=status)


@login_required
@require_POST
def coverage_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    _require_clinician(request)
    try:
        services.coverage_cancel(actor=current_user(request), coverage_id=pk, ip=client_ip(request))
    except NotFound:
        raise Http404() from None
    messages.success(request, "Your time away was cancelled.")
    return redirect("triage:coverage")
