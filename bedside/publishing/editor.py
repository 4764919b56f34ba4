"""The editor of the public presence (signed in, MFA, care team of the practice): articles and their
review, the trusted-resources library, public profiles, the editorial calendar and settings.

Every object named in a URL is loaded through an access helper (404 alike for missing and not
yours); every write goes through a service; a refused write re-renders the form as typed.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bedside.accounts.models import ClinicianProfile, Practice, User
from bedside.core.errors import BedsideError, NotFound, object_pk
from bedside.core.web import current_user, form_error, or_404, posted
from bedside.publishing import access, selectors, services
from bedside.publishing.forms import (
    ArticleForm,
    ArticleResourcesForm,
    ChannelForm,
    PlannedPostForm,
    ProfileForm,
    ResourceForm,
    ReviewForm,
    SettingsForm,
)
from bedside.publishing.models import Article, ArticleStatus, PublicProfile
from bedside.publishing.render import markdown_to_html


def _editor(request: HttpRequest) -> tuple[User, Any]:
    """Return the user and their practices; anyone who is not an editor gets a 404."""
    user = current_user(request)
    practices = access.editor_practices(user)
    if not practices.exists():
        raise Http404()
    return user, practices


# ---------------------------------------------------------------------------------------------
# articles


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user, practices = _editor(request)
    articles = list(selectors.articles_for_editor(practices=practices)[:300])
    groups = [(label, [a for a in articles if a.status == status]) for status, label in ArticleStatus.choices]
    to_review = [a for a in articles if a.status == ArticleStatus.IN_REVIEW and access.may_review(user, a)]
    now = timezone.now()
    default_days = {p.pk: selectors.practice_settings(p).stale_after_days for p in practices}
    stale = [c for c in selectors.channels_for_editor(practices=practices)
             if selectors.channel_is_stale(c, now=now, default_days=default_days[c.practice_id])]
    return render(request, "publishing/editor/dashboard.html",
                  {"groups": groups, "to_review": to_review, "stale": stale})


def _article_values(form: ArticleForm, user: User) -> dict[str, Any]:
    data = form.cleaned_data
    series = data["series"]
    if data["kind"] == "series_part" and not series and data["new_series"].strip():
        series = services.series_create(actor=user, practice=data["practice"], title=data["new_series"])
    return {
        "title": data["title"], "body_md": data["body_md"], "kind": data["kind"], "summary": data["summary"],
        "series": series, "series_position": data["series_position"], "tags": services.topics_from_text(data["tags"]),
        "comments_open": data["comments_open"], "publish_at": data["publish_at"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    user, practices = _editor(request)
    form = ArticleForm(posted(request), practices=practices)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = markdown_to_html(form.cleaned_data["body_md"])
        else:
            try:
                article = services.article_create(author=user, practice=form.cleaned_data["practice"],
                                                  **_article_values(form, user))
            except BedsideError as exc:
                form_error(form, exc)
            else:
                messages.success(request, "Draft saved.")
                return redirect("publishing:editor_article", article.pk)
    return render(request, "publishing/editor/article_form.html", {"form": form, "preview": preview, "article": None},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user, practices = _editor(request)
    article: Article = or_404(access.access_editor_article, user, pk)
    if article.status != ArticleStatus.DRAFT:
        messages.info(request, "Only drafts can be edited: return the article to draft first.")
        return redirect("publishing:editor_article", article.pk)
    initial = {
        "practice": article.practice, "kind": article.kind, "title": article.title, "summary": article.summary,
        "body_md": article.body_md, "series": article.series, "series_position": article.series_position,
        "tags": ", ".join(t.name for t in article.tags.all()), "comments_open": article.comments_open,
        "publish_at": timezone.localtime(article.publish_at) if article.publish_at else None,
    }
    form = ArticleForm(posted(request), initial=initial, practices=practices.filter(pk=article.practice_id))
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = markdown_to_html(form.cleaned_data["body_md"])
        else:
            try:
                services.article_update(actor=user, article=article, **_article_values(form, user))
            except BedsideError as exc:
                form_error(form, exc)
            else:
                messages.success(request, "Draft saved.")
                return redirect("publishing:editor_article", article.pk)
    return render(request, "publishing/editor/article_form.html",
                  {"form": form, "preview": preview, "article": article}, status=400 if form.errors else 200)


@login_required
@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, _ = _editor(request)
    article: Article = or_404(access.access_editor_article, user, pk)
    return _article_page(request, user, article)


def _article_page(request: HttpRequest, user: User, article: Article, *, review_form: ReviewForm | None = None,
                  status: int = 200) -> HttpResponse:
    resources_form = ArticleResourcesForm(
        initial={"resources": list(article.resources.all())}, practice_id=article.practice_id
    )
    return render(request, "publishing/editor/article.html", {
        "article": article,
        "body_html": markdown_to_html(article.body_md),
        "tags": list(article.tags.all()),
        "may_review": access.may_review(user, article) and article.status == ArticleStatus.IN_REVIEW,
        "is_author": article.author_id == user.pk,
        "review_form": review_form or ReviewForm(),
        "resources_form": resources_form,
        "attached": list(article.resources.all()),
        "suggestions": selectors.resource_suggestions(article),
    }, status=status)


@login_required
@require_POST
def article_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user, _ = _editor(request)
    article: Article = or_404(access.access_editor_article, user, pk)
    try:
        if action == "submit":
            services.article_submit(actor=user, article=article)
            messages.success(request, "Sent for review by a second person.")
        elif action == "withdraw":
            services.article_withdraw(actor=user, article=article)
            messages.success(request, "Returned to draft; it is not public.")
        elif action == "archive":
            services.article_archive(actor=user, article=article)
            messages.success(request, "Archived: the page is no longer public.")
        elif action == "review":
            form = ReviewForm(request.POST)
            if not form.is_valid():
                return _article_page(request, user, article, review_form=form, status=400)
            try:
                services.article_review(
                    reviewer=user, article=article, approve=form.cleaned_data["decision"] == "approve",
                    note=form.cleaned_data["note"], publish_at=form.cleaned_data["publish_at"],
                )
            except BedsideError as exc:
                form_error(form, exc)
                return _article_page(request, user, article, review_form=form, status=exc.status)
            messages.success(request, "Review recorded.")
        elif action == "resources":
            rform = ArticleResourcesForm(request.POST, practice_id=article.practice_id)
            if not rform.is_valid():
                messages.error(request, "Choose resources from your practice's library.")
            else:
                services.article_resources_set(actor=user, article=article,
                                               resource_ids=[r.pk for r in rform.cleaned_data["resources"]])
                messages.success(request, "Trusted resources saved.")
        elif action == "add_resource":
            ids = set(article.resources.values_list("pk", flat=True))
            try:
                ids.add(object_pk(request.POST.get("resource", "")))
            except NotFound:
                raise Http404() from None
            services.article_resources_set(actor=user, article=article, resource_ids=ids)
            messages.success(request, "Resource added.")
        else:
            raise Http404()
    except BedsideError as exc:
        messages.error(request, exc.message)
    return redirect("publishing:editor_article", article.pk)


@login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """Return the sanitised HTML of the posted Markdown (the editor's live preview)."""
    _editor(request)
    text = request.POST.get("body_md", "")
    if len(text) > services.BODY_MAX:
        return HttpResponse("The text is too long to preview.", status=400, content_type="text/plain; charset=utf-8")
    return HttpResponse(markdown_to_html(text), content_type="text/html; charset=utf-8")


# ---------------------------------------------------------------------------------------------
# trusted resources


@login_required
@require_GET
def resources(request: HttpRequest) -> HttpResponse:
    _, practices = _editor(request)
    items = selectors.resources_for_editor(practices=practices)
    return render(request, "publishing/editor/resources.html", {"resources": items})


@login_required
@require_http_methods(["GET", "POST"])
def resource_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user, practices = _editor(request)
    resource = or_404(access.access_editor_resource, user, pk) if pk is not None else None
    initial = {}
    if resource is not None:
        initial = {"practice": resource.practice, "title": resource.title, "url": resource.url,
                   "publisher": resource.publisher, "description": resource.description,
                   "topics": ", ".join(t.name for t in resource.topics.all())}
        practices = practices.filter(pk=resource.practice_id)
    form = ResourceForm(posted(request), initial=initial, practices=practices)
    if request.method == "POST" and "delete" in request.POST and resource is not None:
        services.resource_delete(actor=user, resource=resource)
        messages.success(request, "Resource removed from the library.")
        return redirect("publishing:resources")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.resource_save(
                actor=user, practice=data["practice"], title=data["title"], url=data["url"],
                publisher=data["publisher"], description=data["description"],
                topics=services.topics_from_text(data["topics"]), resource=resource,
            )
        except BedsideError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Resource saved.")
            return redirect("publishing:resources")
    return render(request, "publishing/editor/resource_form.html", {"form": form, "resource": resource},
                  status=400 if form.errors else 200)


# ---------------------------------------------------------------------------------------------
# public profiles


@login_required
@require_GET
def profiles(request: HttpRequest) -> HttpResponse:
    user, _ = _editor(request)
    editable = list(selectors.clinician_profiles_editable(user).select_related("public_profile"))
    if len(editable) == 1:
        return redirect("publishing:profile_edit", editable[0].pk)
    return render(request, "publishing/editor/profiles.html", {"clinicians": editable})


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, clinician_id: int) -> HttpResponse:
    user, _ = _editor(request)
    clinician: ClinicianProfile = or_404(access.access_editor_clinician, user, clinician_id)
    profile = PublicProfile.objects.filter(clinician=clinician).first()
    fields = ["slug", "bio_md", "specialties", "board_certifications", "languages", "locations",
              "accepted_insurance", "conflicts_of_interest", "how_to_reach", "is_public"]
    initial = {name: getattr(profile, name) for name in fields} if profile else {
        "specialties": clinician.specialty,
        "how_to_reach": "Patients of the practice: please use the secure patient portal or call the office. "
                        "I cannot answer personal medical questions in comments or on social media.",
    }
    form = ProfileForm(posted(request), request.FILES if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("photo")
        try:
            photo = upload.read(5 * 1024 * 1024 + 1) if upload else None
            saved = services.profile_update(actor=user, clinician=clinician, photo=photo, **data)
        except BedsideError as exc:
            form_error(form, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Profile saved." + (" It is public." if saved.is_public else " It is not public."))
            return redirect("publishing:profile_edit", clinician.pk)
    return render(request, "publishing/editor/profile_form.html",
                  {"form": form, "clinician": clinician, "profile": profile}, status=400 if form.errors else 200)


# ---------------------------------------------------------------------------------------------
# editorial calendar and settings


def _month(value: str | None) -> date:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if not 2000 <= year <= 2200:  # the previous/next month links must exist too
            raise ValueError(year)
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


@login_required
@require_http_methods(["GET", "POST"])
def calendar_view(request: HttpRequest) -> HttpResponse:
    user, practices = _editor(request)
    month = _month(request.GET.get("month"))
    now = timezone.now()
    channel_form = ChannelForm(request.POST if "add_channel" in request.POST else None, practices=practices)
    post_form = PlannedPostForm(request.POST if "add_post" in request.POST else None, practices=practices,
                                initial={"planned_for": max(month, timezone.localdate())})
    status = 200
    if request.method == "POST":
        form: Form = channel_form if "add_channel" in request.POST else post_form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if form is channel_form:
                    services.channel_save(actor=user, practice=data["practice"], name=data["name"], kind=data["kind"],
                                          owner=data["owner"], url=data["url"], stale_after_days=data["stale_after_days"])
                else:
                    services.planned_post_save(actor=user, channel=data["channel"], title=data["title"],
                                               planned_for=data["planned_for"], status=data["status"],
                                               notes=data["notes"])
            except BedsideError as exc:
                form_error(form, exc)
            else:
                messages.success(request, "Saved.")
                return redirect(f"{request.path}?month={month:%Y-%m}")
        status = 400
    default_days = {p.pk: selectors.practice_settings(p).stale_after_days for p in practices}
    channel_list = list(selectors.channels_for_editor(practices=practices))
    channels = [
        {"channel": c, "days": selectors.channel_stale_days(c, default_days[c.practice_id]),
         "stale": selectors.channel_is_stale(c, now=now, default_days=default_days[c.practice_id])}
        for c in channel_list
    ]
    posts = list(selectors.planned_posts_in_month(practices=practices, year=month.year, month=month.month))
    by_channel = [(c, [p for p in posts if p.channel_id == c.pk]) for c in channel_list]
    prev_month = (month.replace(day=1) - timedelta(days=1)).replace(day=1)
    next_month = month.replace(day=calendar.monthrange(month.year, month.month)[1]) + timedelta(days=1)
    return render(request, "publishing/editor/calendar.html", {
        "month": month, "prev_month": prev_month, "next_month": next_month, "channels": channels,
        "by_channel": by_channel, "channel_form": channel_form, "post_form": post_form,
    }, status=status)


@login_required
@require_POST
def channel_published(request: HttpRequest, pk: int) -> HttpResponse:
    user, _ = _editor(request)
    channel = or_404(access.access_editor_channel, user, pk)
    services.channel_mark_published(actor=user, channel=channel)
    messages.success(request, f"Recorded a post on “{channel.name}” today.")
    return redirect("publishing:calendar")


@login_required
@require_POST
def planned_post_status(request: HttpRequest, pk: int) -> HttpResponse:
    user, _ = _editor(request)
    post = or_404(access.access_editor_planned_post, user, pk)
    try:
        services.planned_post_save(actor=user, channel=post.channel, title=post.title, planned_for=post.planned_for,
                                   status=request.POST.get("status", ""), article=post.article, notes=post.notes,
                                   post=post)
    except BedsideError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('publishing:calendar')}?month={post.planned_for:%Y-%m}")


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest, practice_id: int | None = None) -> HttpResponse:
    user, practices = _editor(request)
    practice: Practice = or_404(access.access_editor_practice, user, practice_id) if practice_id else practices.first()
    current = selectors.practice_settings(practice)
    form = SettingsForm(posted(request), initial={
        "disclaimer_md": current.disclaimer_md, "comment_policy_md": current.comment_policy_md,
        "stale_after_days": current.stale_after_days,
    })
    if request.method == "POST" and form.is_valid():
        try:
            services.practice_settings_update(actor=user, practice=practice, **form.cleaned_data)
        except BedsideError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Publishing settings saved.")
            return redirect("publishing:settings")
    return render(request, "publishing/editor/settings.html", {"form": form, "practice": practice},
                  status=400 if form.errors else 200)
