"""Emergency (break-glass) access pages: a clinician opens a record with a stated reason; the
privacy officer, practice admins and auditors review every use."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from bedside.accounts import services
from bedside.accounts.forms import BreakGlassForm
from bedside.accounts.models import BreakGlassGrant, Practice, Role, User
from bedside.audit.models import Action
from bedside.audit.services import audit_record, client_ip
from bedside.core.errors import BedsideError
from bedside.core.web import current_user, posted


def _clinician_practices(user: User) -> QuerySet[Practice]:
    if user.role != Role.CLINICIAN:
        raise Http404()
    return Practice.objects.filter(memberships__user=user, memberships__is_active=True).order_by("name")


def _own_grant(user: User, pk: int) -> BreakGlassGrant:
    grant = BreakGlassGrant.objects.select_related("patient", "practice").filter(pk=pk, user_id=user.pk).first()
    if grant is None:
        raise Http404()
    return grant


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    practices = list(_clinician_practices(user))
    if not practices:
        raise Http404()
    form = BreakGlassForm(posted(request), practices=practices)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                grant = services.break_glass_open(
                    user=user, practice=form.chosen_practice(), patient_email=form.cleaned_data["patient_email"],
                    reason_code=form.cleaned_data["reason_code"], reason=form.cleaned_data["reason"],
                    minutes=form.cleaned_data["minutes"], ip=client_ip(request),
                )
            except BedsideError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = exc.status
            else:
                messages.warning(request, "Emergency access is open. Every page you open is recorded.")
                return redirect("accounts:break_glass_detail", pk=grant.pk)
    active = BreakGlassGrant.objects.filter(user=user, ended_at__isnull=True, expires_at__gt=timezone.now()) \
        .select_related("patient", "practice").order_by("-created_at")
    return render(request, "accounts/break_glass.html", {"form": form, "active": active}, status=status)


@login_required
def break_glass_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    _clinician_practices(user)
    grant = _own_grant(user, pk)
    from bedside.messaging.access import threads_visible

    threads = []
    if grant.is_active():
        threads = list(threads_visible(user).filter(practice_id=grant.practice_id, patient_id=grant.patient_id)
                       .order_by("-last_message_at")[:100])
        audit_record(action=Action.THREAD_LIST, actor=user, object_type="breakglassgrant", object_id=grant.pk,
                     patient_id=grant.patient_id, practice_id=grant.practice_id, request=request,
                     detail={"break_glass": grant.pk, "count": len(threads)})
    return render(request, "accounts/break_glass_detail.html", {"grant": grant, "threads": threads})


@login_required
@require_POST
def break_glass_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    _clinician_practices(user)
    grant = _own_grant(user, pk)
    services.break_glass_end(user=user, grant=grant, ip=client_ip(request))
    messages.success(request, "Emergency access ended.")
    return redirect("accounts:break_glass")


def _reviewable(user: User) -> QuerySet[BreakGlassGrant]:
    """Grants of the practices where USER is the privacy officer, a practice admin or an auditor."""
    member_of = Practice.objects.filter(memberships__user=user, memberships__is_active=True)
    if user.role in (Role.PRACTICE_ADMIN, Role.AUDITOR):
        practices = member_of
    else:
        practices = member_of.filter(privacy_officer=user)
    # Nobody reviews their own emergency access.
    return BreakGlassGrant.objects.filter(practice__in=practices).exclude(user=user)


@login_required
def break_glass_review(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    grants_qs = _reviewable(user)
    if user.role not in (Role.PRACTICE_ADMIN, Role.AUDITOR) and not Practice.objects.filter(
        Q(privacy_officer=user), memberships__user=user, memberships__is_active=True
    ).exists():
        raise Http404()
    show = request.GET.get("show", "open")
    if show == "open":
        grants_qs = grants_qs.filter(reviewed_at__isnull=True)
    grants = list(grants_qs.select_related("user", "patient", "practice", "reviewed_by").order_by("-created_at")[:200])
    audit_record(action=Action.BREAK_GLASS_LIST, actor=user, object_type="breakglassgrant", request=request,
                 detail={"count": len(grants)})
    return render(request, "accounts/break_glass_review.html", {"grants": grants, "show": show, "now": timezone.now()})


@login_required
@require_POST
def break_glass_mark_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    grant = _reviewable(user).filter(pk=pk).first()
    if grant is None:
        raise Http404()
    services.break_glass_review(reviewer=user, grant=grant, ip=client_ip(request))
    messages.success(request, "Marked as reviewed.")
    return redirect("accounts:break_glass_review")
