"""Reputation pages: mentions dashboard, watch lists, self-audit checklist (clinicians and admins)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from bedside.accounts.models import Practice
from bedside.core.errors import BedsideError
from bedside.core.web import current_user, posted
from bedside.reputation import selectors, services
from bedside.reputation.forms import FeedForm, SelfAuditForm, SettingsForm, TermForm
from bedside.reputation.models import ReputationSettings, Tone, WatchedFeed, WatchTerm


def _practice(request: HttpRequest) -> Practice:
    practice = selectors.reputation_practices(current_user(request)).first()
    if practice is None:
        raise Http404()
    return practice


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    _practice(request)
    tone = request.GET.get("tone", "")
    tone = tone if tone in Tone.values else ""
    duplicates = request.GET.get("duplicates") == "1"
    page = Paginator(selectors.mentions_for(user, tone=tone, duplicates=duplicates), 25).get_page(request.GET.get("page"))
    rows = [{"mention": m, "title": selectors.highlighted(m.title, m.matches, "title"),
             "summary": selectors.highlighted(m.summary, m.matches, "summary")} for m in page]
    terms, feeds = selectors.watch_lists(user)
    return render(request, "reputation/dashboard.html", {
        "page": page, "rows": rows, "tone": tone, "duplicates": duplicates, "tones": Tone.choices,
        "counts": selectors.tone_counts(user, timezone.now() - timedelta(days=30)),
        "terms": terms, "feeds": feeds,
    })


@login_required
@require_http_methods(["GET", "POST"])
def watch(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    practice = _practice(request)
    term_form = TermForm(posted(request) if request.POST.get("form") == "term" else None, prefix="term")
    feed_form = FeedForm(posted(request) if request.POST.get("form") == "feed" else None, prefix="feed")
    status = 200
    if request.method == "POST":
        status = 400
        form = term_form if request.POST.get("form") == "term" else feed_form
        if form.is_valid():
            try:
                if form is term_form:
                    services.watch_term_add(user=user, practice=practice, phrase=form.cleaned_data["phrase"])
                    messages.success(request, "Now watching that name.")
                else:
                    services.watched_feed_add(user=user, practice=practice, url=form.cleaned_data["url"],
                                              kind=form.cleaned_data["kind"], title=form.cleaned_data["title"])
                    messages.success(request, "Feed added; it is checked within the next few minutes.")
                return redirect("reputation:watch")
            except BedsideError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = exc.status
    terms, feeds = selectors.watch_lists(user)
    return render(request, "reputation/watch.html", {"term_form": term_form, "feed_form": feed_form,
                                                     "terms": terms, "feeds": feeds}, status=status)


@login_required
@require_POST
def term_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    term = WatchTerm.objects.filter(pk=pk, owner=user).first()
    if term is None:
        raise Http404()
    services.watch_term_remove(user=user, term=term)
    messages.success(request, "No longer watching that name.")
    return redirect("reputation:watch")


@login_required
@require_POST
def feed_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    feed = WatchedFeed.objects.filter(pk=pk, owner=user).first()
    if feed is None:
        raise Http404()
    services.watched_feed_remove(user=user, feed=feed)
    messages.success(request, "Feed removed.")
    return redirect("reputation:watch")


@login_required
@require_http_methods(["GET", "POST"])
def self_audit(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    _practice(request)
    prefs = ReputationSettings.objects.filter(user=user).first()
    is_settings = request.POST.get("form") == "settings"
    form = SelfAuditForm(posted(request) if request.method == "POST" and not is_settings else None)
    settings_form = SettingsForm(
        posted(request) if is_settings else None,
        initial={"self_audit_every_days": prefs.self_audit_every_days if prefs else 91,
                 "weekly_digest": prefs.weekly_digest if prefs else True},
    )
    status = 200
    if request.method == "POST":
        status = 400
        bound = settings_form if is_settings else form
        if bound.is_valid():
            try:
                if is_settings:
                    services.reputation_settings_set(user=user, **settings_form.cleaned_data)
                    messages.success(request, "Saved.")
                else:
                    done = services.self_audit_complete(user=user, checked=form.cleaned_data["items"])
                    messages.success(request, f"Self-audit recorded. The next one is due on "
                                              f"{timezone.localtime(done.next_self_audit_at):%Y-%m-%d}.")
                return redirect("reputation:self_audit")
            except BedsideError as exc:
                bound.add_error(exc.field if exc.field in bound.fields else None, exc.message)
                status = exc.status
    facts = selectors.self_audit_facts(user)
    return render(request, "reputation/self_audit.html", {"form": form, "settings_form": settings_form,
                                                          "facts": facts, "now": timezone.now()}, status=status)
