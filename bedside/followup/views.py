"""Web pages for post-operative follow-up.

Care team: the list of enrolments with progress, enrolment (clinicians), one enrolment's
check-ins, stopping a plan. Patients: their check-ins with the plan's FAQ, and the questionnaire.
Every object named in a URL goes through an access helper (NotFound → 404 alike for missing and
not yours); every write goes through a service; a refused write re-renders the form with what the
person typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bedside.accounts.models import Role, User
from bedside.audit.services import audit_record, client_ip
from bedside.core.errors import BedsideError, NotFound
from bedside.core.web import (
    current_user,
    form_error,
    posted,
    require_care_team,
    require_patient,
)
from bedside.followup import selectors, services
from bedside.followup.access import access_check_in, access_enrolment
from bedside.followup.forms import CheckInForm, EnrolForm
from bedside.followup.models import CheckIn, CheckInState, Enrolment, EnrolmentStatus


def _enrolment_or_404(user: User, pk: int) -> Enrolment:
    try:
        return access_enrolment(user, pk)
    except NotFound:
        raise Http404() from None


def _check_in_or_404(user: User, pk: int) -> CheckIn:
    try:
        return access_check_in(user, pk)
    except NotFound:
        raise Http404() from None


def _rows(enrolment: Enrolment, *, with_answers: bool = False) -> list[dict[str, Any]]:
    now = timezone.now()
    return [{"check_in": row, "status": selectors.check_in_status(row, now=now),
             "answers": selectors.check_in_answers(row) if with_answers else None}
            for row in selectors.enrolment_check_ins(enrolment=enrolment)]


@login_required
@require_GET
def enrolment_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.role == Role.PATIENT:
        return redirect("followup:mine")
    require_care_team(user)
    now = timezone.now()
    enrolments = list(selectors.with_check_ins(selectors.enrolment_list(user=user))[:200])
    rows = [{"enrolment": e, "progress": selectors.enrolment_progress(enrolment=e, now=now)} for e in enrolments]
    audit_record(action=services.VIEW, actor=user, object_type="enrolment", request=request,
                 detail={"count": len(rows)})
    return render(request, "followup/list.html", {"rows": rows, "can_enrol": user.role == Role.CLINICIAN})


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_care_team(user)
    if user.role != Role.CLINICIAN:
        raise Http404()
    patients = list(selectors.enrolable_patients(user=user))
    plans = list(selectors.plans_for(user=user))
    form = EnrolForm(posted(request), patients=patients, plans=plans)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            patient = next(p for p in patients if p.pk == form.cleaned_data["patient"])
            plan = next(p for p in plans if p.pk == form.cleaned_data["plan"])
            try:
                enrolment = services.enrolment_create(
                    actor=user, patient=patient, plan=plan, surgery_date=form.cleaned_data["surgery_date"],
                    ip=client_ip(request),
                )
            except BedsideError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, "Enrolled. The patient was sent a message explaining the check-ins.")
                return redirect("followup:detail", pk=enrolment.pk)
        else:
            status = 400
    return render(request, "followup/enrol.html", {"form": form, "plans": plans}, status=status)


@login_required
@require_GET
def enrolment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require_care_team(user)
    enrolment = _enrolment_or_404(user, pk)
    services.enrolment_viewed(user=user, enrolment=enrolment, ip=client_ip(request))
    return render(request, "followup/detail.html", {
        "enrolment": enrolment, "rows": _rows(enrolment, with_answers=True),
        "progress": selectors.enrolment_progress(enrolment=enrolment),
        "is_active": enrolment.status == EnrolmentStatus.ACTIVE,
        "can_stop": user.role == Role.CLINICIAN and enrolment.status == EnrolmentStatus.ACTIVE,
        "rules": list(enrolment.plan.rules.all()),
    })


@login_required
@require_POST
def enrolment_stop(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require_care_team(user)
    enrolment = _enrolment_or_404(user, pk)
    try:
        services.enrolment_stop(actor=user, enrolment=enrolment, ip=client_ip(request))
    except BedsideError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The follow-up plan was stopped; no more check-ins will be sent.")
    return redirect("followup:detail", pk=enrolment.pk)


@login_required
@require_GET
def my_check_ins(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_patient(user)
    enrolments = list(selectors.with_check_ins(selectors.enrolment_list(user=user).select_related("plan__faq_article")))
    items = [{"enrolment": e, "rows": _rows(e), "faq_url": services.faq_url(e.plan)} for e in enrolments]
    audit_record(action=services.VIEW, actor=user, object_type="enrolment", request=request,
                 patient_id=user.pk, detail={"count": len(items)})
    return render(request, "followup/mine.html", {"items": items})


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require_patient(user)
    item = _check_in_or_404(user, pk)
    form = CheckInForm(posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.check_in_answer(patient=user, check_in=item, answers=form.answers(),
                                                  ip=client_ip(request), channel="web")
            except BedsideError as exc:
                form_error(form, exc)
                status = exc.status
                item = _check_in_or_404(user, pk)  # show it as it is now (e.g. answered meanwhile)
            else:
                messages.success(request, "Thank you, your answers were sent to your care team.")
                # The thread page shows the emergency guidance and the automatic reply (messaging).
                return HttpResponseRedirect(reverse("messaging:thread", args=[result.thread.pk]) + "?sent=1")
        else:
            status = 400
    else:
        audit_record(action=services.VIEW, actor=user, obj=item, object_type="checkin", request=request,
                     patient_id=user.pk, practice_id=item.enrolment.practice_id)
    return render(request, "followup/check_in.html", {
        "check_in": item, "form": form, "enrolment": item.enrolment,
        "is_open": item.state == CheckInState.SENT and item.enrolment.status == EnrolmentStatus.ACTIVE,
        "faq_url": services.faq_url(item.enrolment.plan),
    }, status=status)
