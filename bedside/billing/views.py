"""Web pages for e-visit time (the panel on the thread page posts here), billing facts, the
billing report (with CSV export) and e-consults for both the requesting clinician and the specialist.

Every object named in a URL goes through an access helper (NotFound becomes the uniform 404);
every write goes through a service; a refused write re-renders the form with what was typed.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bedside.accounts.models import Role, User
from bedside.audit.services import client_ip
from bedside.billing import selectors, services
from bedside.billing.access import (
    access_econsult,
    access_own_time_entry,
    access_thread_for_time,
    billing_practice,
    is_requester,
    is_specialist,
)
from bedside.billing.forms import (
    AnswerForm,
    DeclineForm,
    EConsultForm,
    GlobalPeriodForm,
    ReportForm,
    TimeEntryForm,
    VisitForm,
)
from bedside.billing.models import EConsult, EConsultStatus, TimeEntry
from bedside.core.errors import BedsideError, Conflict, NotFound
from bedside.core.web import current_user, form_error, or_404, posted
from bedside.messaging.attachments import blob_read
from bedside.messaging.models import Attachment, Message, Thread
from bedside.triage.selectors import practice_zone


def _thread(user: User, pk: int) -> Thread:
    thread: Thread = or_404(lambda: access_thread_for_time(user, pk))
    return thread


# ---------------------------------------------------------------------------------------------
# time on a thread


@login_required
@require_POST
def time_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    thread = _thread(user, pk)
    form = TimeEntryForm(request.POST, tz=practice_zone(thread.practice))
    status = 400
    if form.is_valid():
        try:
            services.time_entry_add(actor=user, thread=thread, minutes=form.cleaned_data["minutes"],
                                    performed_at=form.performed_at(), note=form.cleaned_data["note"],
                                    ip=client_ip(request))
        except BedsideError as exc:
            form_error(form, exc)
            status = exc.status
        else:
            messages.success(request, f"{form.cleaned_data['minutes']} min logged.")
            return redirect("messaging:thread", pk=thread.pk)
    return render(request, "billing/time_form.html", {"form": form, "thread": thread, "entry": None}, status=status)


@login_required
@require_POST
def timer_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = current_user(request)
    thread = _thread(user, pk)
    ip = client_ip(request)
    try:
        if action == "start":
            services.timer_start(actor=user, thread=thread, ip=ip)
            messages.success(request, "Timer started.")
        elif action == "stop":
            entry = services.timer_stop(actor=user, thread=thread, ip=ip)
            if entry is None:
                messages.warning(request, "The timer ran for more than 600 minutes and was discarded; "
                                          "enter the time you really spent by hand.")
            else:
                messages.success(request, f"Timer stopped: {entry.minutes} min logged.")
        elif action == "cancel":
            services.timer_cancel(actor=user, thread=thread, ip=ip)
            messages.info(request, "Timer discarded; nothing was logged.")
        else:
            raise Http404()
    except BedsideError as exc:
        messages.error(request, exc.message)
    return redirect("messaging:thread", pk=thread.pk)


@login_required
@require_http_methods(["GET", "POST"])
def time_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    entry: TimeEntry = or_404(lambda: access_own_time_entry(user, pk))
    tz = practice_zone(entry.thread.practice)
    local = entry.performed_at.astimezone(tz)
    initial = {"minutes": entry.minutes, "day": local.date(), "at": local.time().replace(second=0, microsecond=0),
               "note": entry.note}
    form = TimeEntryForm(posted(request), initial=initial, tz=tz)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.time_entry_update(actor=user, entry=entry, minutes=form.cleaned_data["minutes"],
                                           performed_at=form.performed_at(), note=form.cleaned_data["note"],
                                           ip=client_ip(request))
            except BedsideError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, "Time entry updated.")
                return redirect("messaging:thread", pk=entry.thread_id)
    return render(request, "billing/time_form.html", {"form": form, "thread": entry.thread, "entry": entry},
                  status=status)


@login_required
@require_POST
def time_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    entry: TimeEntry = or_404(lambda: access_own_time_entry(user, pk))
    try:
        services.time_entry_delete(actor=user, entry=entry, ip=client_ip(request))
    except BedsideError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Time entry deleted.")
    return redirect("messaging:thread", pk=entry.thread_id)


# ---------------------------------------------------------------------------------------------
# billing facts of a thread: roll-up detail, visits, global periods


@login_required
@require_http_methods(["GET", "POST"])
def thread_billing(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    thread = _thread(user, pk)
    visit_form = VisitForm(request.POST if request.POST.get("form") == "visit" else None, prefix="visit")
    global_form = GlobalPeriodForm(request.POST if request.POST.get("form") == "global" else None, prefix="global")
    status = 200
    if request.method == "POST":
        status = 400
        form: Any = visit_form if request.POST.get("form") == "visit" else global_form
        if form.is_bound and form.is_valid():
            try:
                if form is visit_form:
                    services.visit_record(actor=user, patient=thread.patient, practice=thread.practice,
                                          visit_date=form.cleaned_data["visit_date"], ip=client_ip(request))
                else:
                    services.global_period_record(
                        actor=user, patient=thread.patient, practice=thread.practice,
                        procedure_date=form.cleaned_data["procedure_date"], days=form.cleaned_data["days"],
                        procedure=form.cleaned_data["procedure"], ip=client_ip(request),
                    )
            except BedsideError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, "Saved.")
                return redirect("billing:thread", pk=thread.pk)
        elif not form.is_bound:
            messages.error(request, "Choose what to record.")
    panel = selectors.time_panel(thread=thread, user=user)
    return render(request, "billing/thread_billing.html", {
        "thread": thread, "panel": panel, "visit_form": visit_form, "global_form": global_form,
        "facts": selectors.thread_facts(thread), "tz": practice_zone(thread.practice),
    }, status=status)


# ---------------------------------------------------------------------------------------------
# the billing report


def _report_form(request: HttpRequest, user: User, clinicians: list[User]) -> ReportForm:
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("start", (today.replace(day=1)).isoformat())
    data.setdefault("end", today.isoformat())
    allow_all = user.role == Role.PRACTICE_ADMIN
    if not allow_all:
        clinicians = [c for c in clinicians if c.pk == user.pk]
        data.setdefault("clinician", str(user.pk))
    return ReportForm(data, clinicians=clinicians, allow_all=allow_all)


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponseBase:
    """Show (or with ?format=csv, export) the e-visit lines of a period; clinicians see their own."""
    user = current_user(request)
    practice = or_404(lambda: billing_practice(user))
    form = _report_form(request, user, list(selectors.report_clinicians(practice)))
    rows: list[selectors.ReportRow] = []
    if form.is_valid():
        rows = selectors.billing_report(practice=practice, start=form.cleaned_data["start"],
                                        end=form.cleaned_data["end"], clinician_id=form.cleaned_data["clinician"])
    export = request.GET.get("format") == "csv" and form.is_valid()
    services.billing_report_viewed(actor=user, practice=practice, export=export, rows=len(rows), ip=client_ip(request))
    if export:
        return _csv(rows, practice_zone(practice), form)
    status = 200 if form.is_valid() else 400
    billable = [r for r in rows if r.line.billable]
    return render(request, "billing/report.html", {
        "form": form, "rows": rows, "practice": practice, "billable_count": len(billable),
        "csv_query": request.GET.urlencode(), "tz": practice_zone(practice),
    }, status=status)


CSV_COLUMNS = ["period_start", "period_end", "patient_ref", "thread_ref", "provider_npi", "billing_class",
               "minutes", "code", "billable", "final", "reasons"]


def _csv(rows: list[selectors.ReportRow], tz: Any, form: ReportForm) -> FileResponse:
    """Write the report as CSV: pseudonymous patient ids, codes and reasons; no names, no message text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        line = row.line
        profile = getattr(row.provider, "clinician_profile", None) if row.provider else None
        writer.writerow([
            line.start.astimezone(tz).isoformat(timespec="minutes"),
            line.end.astimezone(tz).isoformat(timespec="minutes"),
            row.patient_ref,
            f"T{row.thread.pk}",
            profile.npi if profile else "",
            line.billing_class,
            line.minutes,
            line.code or "",
            "yes" if line.billable else "no",
            "yes" if line.closed else "no",
            " | ".join(line.reasons),
        ])
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    response = FileResponse(io.BytesIO(out.getvalue().encode("utf-8")), as_attachment=True,
                            filename=f"evisits-{start.isoformat()}-{end.isoformat()}.csv", content_type="text/csv")
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------
# e-consults


def _require_clinician(user: User) -> None:
    if user.role != Role.CLINICIAN:
        raise Http404()


@login_required
@require_GET
def econsult_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    _require_clinician(user)
    return render(request, "billing/econsult_list.html", {
        "requested": list(selectors.econsults_requested(user)),
        "received": selectors.econsults_received(user),
        "now": timezone.now(),
    })


def _message_label(message: Message) -> str:
    who = "Patient" if message.kind == "patient" else (message.author.display_name if message.author else "Practice")
    snippet = " ".join(message.body.split())[:80]
    return f"{message.sent_at:%b %d, %Y} — {who}: {snippet}"


@login_required
@require_http_methods(["GET", "POST"])
def econsult_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask a specialist about the patient of thread PK, choosing the parts of the record to share."""
    user = current_user(request)
    _require_clinician(user)
    thread = _thread(user, pk)
    threads = selectors.shareable_threads(user=user, patient=thread.patient, practice=thread.practice)
    msgs = list(Message.objects.filter(thread__in=threads).exclude(kind="auto_reply")
                .select_related("author__clinician_profile").order_by("thread_id", "sent_at"))
    files = list(Attachment.objects.filter(message__in=msgs).order_by("pk"))
    form = EConsultForm(
        posted(request),
        specialists=list(selectors.specialists_for(user)),
        threads=[(t.pk, f"{t.subject} (started {t.created_at:%b %d, %Y})") for t in threads],
        messages=[(m.pk, _message_label(m)) for m in msgs],
        attachments=[(a.pk, f"{a.filename} ({a.size:,} bytes)") for a in files],
        initial={"threads": [thread.pk]},
    )
    consented = selectors.sharing_signed(patient=thread.patient, practice=thread.practice)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            specialist = User.objects.filter(pk=form.cleaned_data["specialist"]).first()
            try:
                if specialist is None:
                    raise NotFound()
                econsult = services.econsult_create(
                    actor=user, thread=thread, specialist=specialist, question=form.cleaned_data["question"],
                    thread_ids=form.cleaned_data["threads"], message_ids=form.cleaned_data["messages"],
                    attachment_ids=form.cleaned_data["attachments"], ip=client_ip(request),
                )
            except NotFound:
                form.add_error("specialist", "Choose a specialist from the list.")
            except BedsideError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, "E-consult sent. The specialist sees only the parts you chose.")
                return redirect("billing:econsult", pk=econsult.pk)
    return render(request, "billing/econsult_new.html", {
        "form": form, "thread": thread, "consented": consented,
    }, status=status)


def _econsult_page(request: HttpRequest, user: User, econsult: EConsult, *, answer_form: AnswerForm | None = None,
                   decline_form: DeclineForm | None = None, status: int = 200) -> HttpResponse:
    return render(request, "billing/econsult_detail.html", {
        "econsult": econsult,
        "shared": selectors.shared_parts(econsult),
        "turnaround": selectors.turnaround(econsult),
        "is_requester": is_requester(user, econsult),
        "is_specialist": is_specialist(user, econsult),
        "answer_form": answer_form or AnswerForm(),
        "decline_form": decline_form or DeclineForm(),
        "can_answer": is_specialist(user, econsult) and econsult.status == EConsultStatus.REQUESTED,
        "can_close": is_requester(user, econsult) and econsult.status in (EConsultStatus.REQUESTED, EConsultStatus.ANSWERED),
    }, status=status)


@login_required
@require_GET
def econsult_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    econsult: EConsult = or_404(lambda: access_econsult(user, pk))
    services.econsult_viewed(actor=user, econsult=econsult, ip=client_ip(request))
    return _econsult_page(request, user, econsult)


@login_required
@require_POST
def econsult_respond(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = current_user(request)
    econsult: EConsult = or_404(lambda: access_econsult(user, pk))
    ip = client_ip(request)
    if action == "close":
        try:
            services.econsult_close(actor=user, econsult=econsult, ip=ip)
        except NotFound:
            raise Http404() from None
        except BedsideError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "E-consult closed.")
        return redirect("billing:econsult", pk=econsult.pk)
    if not is_specialist(user, econsult):
        raise Http404()
    answer_form: AnswerForm | None = None
    decline_form: DeclineForm | None = None
    form: AnswerForm | DeclineForm
    if action == "answer":
        form = answer_form = AnswerForm(request.POST)
    elif action == "decline":
        form = decline_form = DeclineForm(request.POST)
    else:
        raise Http404()
    status = 400
    if form.is_valid():
        try:
            if action == "answer":
                services.econsult_answer(actor=user, econsult=econsult, answer=form.cleaned_data["answer"], ip=ip)
            else:
                services.econsult_decline(actor=user, econsult=econsult, reason=form.cleaned_data["reason"], ip=ip)
        except Conflict as exc:  # answered or declined meanwhile: the page no longer offers the form
            messages.error(request, exc.message)
            return redirect("billing:econsult", pk=econsult.pk)
        except BedsideError as exc:
            form_error(form, exc)
            status = exc.status
        else:
            messages.success(request, "Answer sent." if action == "answer" else "E-consult declined.")
            return redirect("billing:econsult", pk=econsult.pk)
    econsult.refresh_from_db()
    return _econsult_page(request, user, econsult, answer_form=answer_form, decline_form=decline_form, status=status)


@login_required
@require_GET
def econsult_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    """Download a file of the e-consult: only one that was shared (the uniform 404 otherwise)."""
    user = current_user(request)
    econsult: EConsult = or_404(lambda: access_econsult(user, pk))
    if attachment_pk not in selectors.shared_parts(econsult).attachment_ids:
        raise Http404()
    attachment = Attachment.objects.get(pk=attachment_pk)
    try:
        data = blob_read(attachment.storage_name)
    except FileNotFoundError:
        raise Http404() from None
    services.econsult_attachment_downloaded(actor=user, econsult=econsult, attachment=attachment, ip=client_ip(request))
    response = FileResponse(io.BytesIO(data), as_attachment=True, filename=attachment.filename,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response

