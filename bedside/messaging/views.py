"""Web pages for secure messaging: the patient's inbox and compose page, the thread page shared
by patients and their care team, attachment downloads and the care-team queue.

Every object named in a URL is loaded through an access helper (NotFound becomes a 404, the
same for "missing" and "not yours"); every write goes through a service. A refused or failed
write re-renders the form with everything the person typed.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.timesince import timesince, timeuntil
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bedside.accounts.models import CARE_TEAM_ROLES, Practice, Role, User
from bedside.audit.models import Action
from bedside.audit.services import audit_record, client_ip
from bedside.consent.selectors import practices_of_patient
from bedside.core.errors import BedsideError, NotFound
from bedside.core.web import (
    current_user,
    form_error,
    posted,
    require_care_team,
    require_patient,
)
from bedside.messaging import selectors, services
from bedside.messaging.access import access_attachment, access_thread, is_care_team_of
from bedside.messaging.attachments import blob_read
from bedside.messaging.forms import (
    CATEGORY_LABELS,
    AssignForm,
    NewThreadForm,
    QueueFilterForm,
    ReplyForm,
)
from bedside.messaging.models import MessageKind, ReplyTemplate, Thread, ThreadStatus, Urgency
from bedside.messaging.services import MessagingRefused

PAGE_SIZE = 50
FILES_LOST = "For your security, attached files are not kept when a page reloads: please attach them again."


def _thread_or_404(user: User, pk: int) -> Thread:
    try:
        return access_thread(user, pk)
    except NotFound:
        raise Http404() from None


# ---------------------------------------------------------------------------------------------
# patient: inbox and compose


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.role in CARE_TEAM_ROLES:
        return redirect("messaging:queue")
    require_patient(user)
    page = Paginator(selectors.thread_list_for_patient(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(action=Action.THREAD_LIST, actor=user, object_type="thread", request=request,
                 detail={"count": len(page.object_list)})
    return render(request, "messaging/inbox.html", {"page": page, "now": timezone.now()})


def _gate(patient: User, practices: list[Practice]) -> tuple[list[Practice], dict[int, MessagingRefused]]:
    """Split the patient's practices into those they may message now and those refused (with why)."""
    allowed: list[Practice] = []
    refused: dict[int, MessagingRefused] = {}
    for practice in practices:
        try:
            services.messaging_gate(patient=patient, practice=practice)
        except MessagingRefused as exc:
            refused[practice.pk] = exc
        else:
            allowed.append(practice)
    return allowed, refused


def _cannot_message(
    request: HttpRequest, code: str, message: str, practice: Practice | None, kept: dict[str, str] | None = None
) -> HttpResponse:
    return render(
        request,
        "messaging/cannot_message.html",
        {"code": code, "message": message, "practice": practice, "kept": kept or {}},
        status=403,
    )


@login_required
@require_http_methods(["GET", "POST"])
def thread_new(request: HttpRequest) -> HttpResponse:
    """Compose a new message. Patients without a relationship or consent get the reason instead."""
    user = current_user(request)
    require_patient(user)
    practices = list(practices_of_patient(patient=user))
    allowed, refused = _gate(user, practices)
    if not allowed:
        first = practices[0] if practices else None
        refusal = refused[first.pk] if first else MessagingRefused(
            "You can message a practice only after an established visit with them. "
            "Please call the office to set up care.",
            code="no_relationship",
        )
        kept: dict[str, str] = {}
        if request.method == "POST":
            # Nothing is stored; the refusal is audited, and the text is shown back to be copied.
            services.message_refusal_record(
                patient=user, practice=first, code=refusal.code, ip=client_ip(request), channel="web"
            )
            kept = {"subject": request.POST.get("subject", ""), "body": request.POST.get("body", "")}
        return _cannot_message(request, refusal.code, refusal.message, first, kept)

    files = request.FILES if request.method == "POST" else None
    form = NewThreadForm(posted(request), files, practices=allowed)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            practice_id = form.chosen_practice_id()
            practice = next(p for p in allowed if p.pk == practice_id)
            try:
                result = services.thread_create(
                    patient=user, practice=practice, subject=form.cleaned_data["subject"],
                    category=form.cleaned_data["category"], body=form.cleaned_data["body"],
                    files=form.cleaned_data["attachments"], ip=client_ip(request), channel="web",
                )
            except MessagingRefused as exc:
                try:
                    services.messaging_gate(patient=user, practice=practice)
                except MessagingRefused as gate:
                    kept = {"subject": form.data.get("subject", ""), "body": form.data.get("body", "")}
                    return _cannot_message(request, gate.code, gate.message, practice, kept)
                form_error(form, exc)  # e.g. photos without the photo-sharing consent
                status = exc.status
            except BedsideError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, f"Your message was sent to {practice.name}.")
                return HttpResponseRedirect(reverse("messaging:thread", args=[result.thread.pk]) + "?sent=1")
        else:
            status = 400
    refused_practices = [p for p in practices if p.pk in refused]
    return render(
        request,
        "messaging/new.html",
        {
            "form": form,
            "practices": allowed,
            "refused_practices": refused_practices,
            "files_lost": FILES_LOST if request.method == "POST" and request.FILES else "",
        },
        status=status,
    )


# ---------------------------------------------------------------------------------------------
# the thread page (patients and care team)


def _receipts(thread: Thread, viewer: User) -> dict[int, tuple[str, Any]]:
    """Return {user_id: (display name, last read at)} of the thread's other readers."""
    raw = selectors.read_receipts(thread=thread, viewer=viewer)
    if not raw:
        return {}
    readers = User.objects.filter(pk__in=list(raw)).select_related("clinician_profile")
    return {u.pk: (u.display_name, raw[u.pk]) for u in readers}


def _thread_context(request: HttpRequest, user: User, thread: Thread, reply_form: ReplyForm) -> dict[str, Any]:
    care_team = user.role in CARE_TEAM_ROLES
    receipts = _receipts(thread, user)
    timeline = []
    for message in selectors.thread_messages(thread=thread):
        mine = message.author_id == user.pk
        read_by = (
            [(name, at) for _, (name, at) in sorted(receipts.items()) if at >= message.sent_at] if mine else []
        )
        timeline.append({"message": message, "mine": mine, "read_by": read_by,
                         "auto": message.kind == MessageKind.AUTO_REPLY})
    auto_replies = [row["message"] for row in timeline if row["auto"]]
    context: dict[str, Any] = {
        "thread": thread,
        "timeline": timeline,
        "reply_form": reply_form,
        "is_care_team_view": care_team,
        "is_emergency": thread.urgency == Urgency.EMERGENCY,
        "is_open": thread.status == ThreadStatus.OPEN,
        "now": timezone.now(),
        "category_label": CATEGORY_LABELS.get(thread.category, thread.get_category_display()),
        "just_sent": request.GET.get("sent") == "1" and user.role == Role.PATIENT,
        "latest_auto_reply": auto_replies[-1] if auto_replies else None,
        "files_lost": "",
    }
    if care_team:
        members = list(selectors.assignable_members(thread=thread).select_related("clinician_profile"))
        context["assign_form"] = AssignForm(initial={"assignee": thread.assignee_id or ""}, members=members)
        context["templates"] = list(ReplyTemplate.objects.filter(practice_id=thread.practice_id).order_by("title"))
        context["patient"] = thread.patient
    return context


def _template_body(thread: Thread, raw: str | None) -> str | None:
    """Return the body of reply template RAW if it belongs to the thread's practice."""
    if not raw:
        return None
    try:
        pk = int(raw)
    except ValueError:
        return None
    template = ReplyTemplate.objects.filter(pk=pk, practice_id=thread.practice_id).first()
    return template.body if template else None


@login_required
@require_GET
def thread_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    thread = _thread_or_404(user, pk)
    services.thread_read(user=user, thread=thread, ip=client_ip(request), channel="web")
    initial: dict[str, str] = {}
    if user.role in CARE_TEAM_ROLES:
        body = _template_body(thread, request.GET.get("template"))
        if body is not None:
            initial["body"] = body
        elif request.GET.get("template"):
            messages.warning(request, "That reply template was not found.")
    form = ReplyForm(initial=initial)
    return render(request, "messaging/thread.html", _thread_context(request, user, thread, form))


@login_required
@require_POST
def thread_reply(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    thread = _thread_or_404(user, pk)
    form = ReplyForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            services.message_send(
                author=user, thread=thread, body=form.cleaned_data["body"],
                files=form.cleaned_data["attachments"], ip=client_ip(request), channel="web",
            )
        except BedsideError as exc:
            form_error(form, exc)
            status = exc.status
        else:
            messages.success(request, "Your message was sent.")
            return redirect("messaging:thread", pk=thread.pk)
    # Show the page as it is now (e.g. closed meanwhile), with the text kept in the reply box.
    thread = _thread_or_404(user, pk)
    context = _thread_context(request, user, thread, form)
    context["files_lost"] = FILES_LOST if request.FILES else ""
    context["reply_failed"] = True
    return render(request, "messaging/thread.html", context, status=status)


def _back_to_thread(user: User, thread: Thread) -> HttpResponse:
    # After an assignment the actor may no longer see the thread: go to the queue then.
    if is_care_team_of(user, thread):
        return redirect("messaging:thread", pk=thread.pk)
    return redirect("messaging:queue")


@login_required
@require_POST
def thread_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require_care_team(user)
    thread = _thread_or_404(user, pk)
    members = list(selectors.assignable_members(thread=thread).select_related("clinician_profile"))
    form = AssignForm(request.POST, members=members)
    if not form.is_valid():
        messages.error(request, "Choose a member of the care team from the list.")
        return redirect("messaging:thread", pk=thread.pk)
    assignee_id = form.cleaned_data["assignee"]
    assignee = next((m for m in members if m.pk == assignee_id), None)
    try:
        services.thread_assign(actor=user, thread=thread, assignee=assignee, ip=client_ip(request))
    except BedsideError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Assigned to {assignee.display_name}." if assignee else "The assignment was cleared.")
    return _back_to_thread(user, thread)


def _change_status(request: HttpRequest, pk: int, change: Callable[..., Thread], done: str) -> HttpResponse:
    """Close or reopen a thread for the care team; a refusal is shown, never a 500."""
    user = current_user(request)
    require_care_team(user)
    thread = _thread_or_404(user, pk)
    try:
        change(actor=user, thread=thread, ip=client_ip(request))
    except BedsideError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return _back_to_thread(user, thread)


@login_required
@require_POST
def thread_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_status(request, pk, services.thread_close,
                          "The conversation was closed. The patient can start a new message at any time.")


@login_required
@require_POST
def thread_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_status(request, pk, services.thread_reopen, "The conversation was reopened.")


# ---------------------------------------------------------------------------------------------
# attachments


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = current_user(request)
    try:
        attachment = access_attachment(user, pk)
    except NotFound:
        raise Http404() from None
    try:
        data = blob_read(attachment.storage_name)
    except FileNotFoundError:
        raise Http404() from None
    services.attachment_downloaded(user=user, attachment=attachment, ip=client_ip(request), channel="web")
    response = FileResponse(
        io.BytesIO(data), as_attachment=True, filename=attachment.filename, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------
# care team: the queue


def _queue_rows(threads: Any, *, now: Any, several_practices: bool) -> None:
    """Precompute each queue row's link, labels and times (same text as the filters would give).

    Per-row includes, {% url %} and date filters were the largest part of rendering the
    queue's 50 rows (bench/inbox.py); one reverse with a placeholder and plain Python here
    cost a fraction of it (docs/performance.md).
    """
    prefix, _, suffix = reverse("messaging:thread", args=[0]).rpartition("0")
    for thread in threads:
        thread.url = f"{prefix}{thread.pk}{suffix}"
        thread.waiting = timesince(thread.created_at, now)
        pool = thread.pool
        thread.pool_label = (f"{thread.practice.name}: {pool.name}" if several_practices else pool.name) if pool else "Clinicians"  # practice already joined
        if thread.due_at:
            local = timezone.localtime(thread.due_at)
            thread.overdue = thread.due_at < now
            thread.due_in = timesince(thread.due_at, now) if thread.overdue else timeuntil(thread.due_at, now)
            thread.due_iso = local.isoformat()
            thread.due_label = dateformat.format(local, "M j, g:i a")


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_care_team(user)
    pools = list(selectors.pools_of(user).select_related("practice").order_by("practice__name", "name"))
    form = QueueFilterForm(request.GET or None, pools=pools)
    filters, ignored = form.filters() if request.GET else (
        {"status": ThreadStatus.OPEN, "pool_id": None, "assignee": None, "category": None}, []
    )
    threads = selectors.thread_queue(user=user, **filters)
    page = Paginator(threads, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(action=Action.THREAD_LIST, actor=user, object_type="thread", request=request,
                 detail={"count": len(page.object_list)})
    query = {k: v for k, v in request.GET.items() if k != "page" and k not in form.errors}
    if ignored:
        # Show the filters actually applied; the notice above the form names the ignored ones.
        form = QueueFilterForm(initial={k: v for k, v in query.items() if k in form.fields}, pools=pools)
    now = timezone.now()
    several_practices = len({p.practice_id for p in pools}) > 1
    _queue_rows(page.object_list, now=now, several_practices=several_practices)
    return render(
        request,
        "messaging/queue.html",
        {
            "form": form,
            "page": page,
            "ignored": ignored,
            "now": now,
            "filtered": any(filters[k] for k in ("pool_id", "assignee", "category")),
            "status": filters["status"],
            "page_query": urlencode(query),
            "several_practices": several_practices,
        },
    )
