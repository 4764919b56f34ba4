"""Web pages for comments: the article page's comment form (public), the moderators' queue and
comment page, and the clinician's public-reply editor with the reply linter.

Objects named in URLs go through access helpers (NotFound becomes the same 404 for "missing"
and "not yours"); every write goes through a service; a refused write re-renders the form with
everything the person typed.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from bedside.accounts.models import User
from bedside.audit.services import audit_record, client_ip
from bedside.core.errors import BedsideError, NotFound
from bedside.core.web import current_user, form_error, posted
from bedside.moderation import selectors, services
from bedside.moderation.access import access_comment, comments_moderatable, is_moderator, may_reply
from bedside.moderation.forms import BulkForm, CommentForm, DecisionForm, ReplyForm
from bedside.moderation.highlight import highlight, label_text
from bedside.moderation.models import Comment, CommentStatus
from bedside.publishing.access import access_public_article
from bedside.publishing.models import Article
from bedside.screening import Screening

PAGE_SIZE = 50
AUDIT_QUEUE_VIEW = "comment.queue_view"
AUDIT_VIEW = "comment.view"

log = logging.getLogger(__name__)


def article_url(article: Article) -> str:
    try:
        return reverse("publishing:article", args=[article.slug])
    except NoReverseMatch:  # publishing's pages not mounted (a trimmed deployment)
        return "/"


def _signed_in(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


# ---------------------------------------------------------------------------------------------
# public: posting a comment


@require_http_methods(["GET", "POST"])
def comment_post(request: HttpRequest, slug: str) -> HttpResponse:
    """Take a comment from the article page; show the kind redirection when it is held."""
    try:
        article = access_public_article(slug)
    except NotFound:
        raise Http404() from None
    if request.method == "GET":
        return HttpResponseRedirect(article_url(article) + "#comments")
    user = _signed_in(request)
    form = CommentForm(request.POST, signed_in=user is not None)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = services.comment_submit(
                article=article, body=data["body"], display_name=data["display_name"], email=data["email"],
                author=user, ip=client_ip(request), honeypot=data["website"], channel="web",
            )
        except BedsideError as exc:
            form_error(form, exc)
            status = exc.status
        else:
            if result.comment.status == CommentStatus.PUBLISHED:
                messages.success(request, result.guidance.message)
                return HttpResponseRedirect(article_url(article) + f"#comment-{result.comment.pk}")
            return render(request, "moderation/comment_received.html",
                          {"article": article, "article_url": article_url(article), "guidance": result.guidance})
    return render(request, "moderation/comment_form.html",
                  {"article": article, "article_url": article_url(article), "form": form}, status=status)


# ---------------------------------------------------------------------------------------------
# moderators: the queue, one comment, bulk decisions

STATUS_VIEWS = {
    "waiting": ("Waiting for a decision", (CommentStatus.HELD, CommentStatus.PENDING)),
    "published": ("Published", (CommentStatus.PUBLISHED,)),
    "rejected": ("Rejected", (CommentStatus.REJECTED,)),
}


REFUSAL_TEXT = {
    "redaction_required": "it contains identifiers — approve it with redaction or reject it.",
    "identifiers_remain": "identifiers remain after redaction — reject it.",
    "override_required": "it was flagged as personal; open it and choose an override reason, or reject it.",
    "already_moderated": "someone else has already decided on it.",
}


def _require_moderator(user: User) -> None:
    if not is_moderator(user) or not user.memberships.filter(is_active=True).exists():
        raise Http404()


def _row(comment: Comment) -> dict[str, Any]:
    summary = comment.screening or {}
    spans = [(i["start"], i["end"], i["category"]) for i in summary.get("identifiers", [])]
    spans += [(r["start"], r["end"], r["label"]) for r in summary.get("reasons", [])]
    return {
        "comment": comment,
        "text": highlight(comment.body, spans),
        "labels": [label_text(x) for x in summary.get("labels", [])] + [label_text(c) for c in summary.get("categories", [])],
        "urgency": summary.get("urgency", ""),
        "crisis": bool(summary.get("crisis")),
    }


@login_required
@require_http_methods(["GET", "POST"])
def queue(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    _require_moderator(user)
    view = request.GET.get("status", "waiting")
    if view not in STATUS_VIEWS:
        view = "waiting"
    title, statuses = STATUS_VIEWS[view]
    waiting = comments_moderatable(user).filter(status__in=selectors.QUEUE_STATUSES)
    bulk = BulkForm(posted(request), choices=[(pk, str(pk)) for pk in waiting.values_list("pk", flat=True)])
    status = 200
    if request.method == "POST":
        if bulk.is_valid():
            chosen = list(waiting.filter(pk__in=bulk.cleaned_data["ids"]).order_by("pk"))
            try:
                outcome = services.comments_moderate_bulk(
                    moderator=user, comments=chosen, action=bulk.cleaned_data["action"],
                    override_reason=bulk.cleaned_data["override_reason"], channel="web",
                )
            except BedsideError as exc:
                form_error(bulk, exc)
                status = exc.status
            else:
                if outcome.done:
                    messages.success(request, f"{len(outcome.done)} comment{'s' if len(outcome.done) != 1 else ''} done.")
                for pk, code in outcome.refused:
                    messages.warning(request, f"Comment #{pk} was left in the queue: {REFUSAL_TEXT.get(code, code)}")
                return HttpResponseRedirect(reverse("moderation:queue"))
        else:
            status = 400
    page = Paginator(selectors.moderation_queue(user=user, statuses=statuses), PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(action=AUDIT_QUEUE_VIEW, actor=user, object_type="comment", request=request,
                 detail={"count": len(page.object_list)})
    return render(request, "moderation/queue.html", {
        "page": page, "rows": [_row(c) for c in page.object_list], "bulk": bulk, "view": view, "title": title,
        "views": [(k, v[0]) for k, v in STATUS_VIEWS.items()], "now": timezone.now(),
    }, status=status)


def _comment_or_404(user: User, pk: int) -> Comment:
    try:
        return access_comment(user, pk)
    except NotFound:
        raise Http404() from None


@login_required
@require_http_methods(["GET", "POST"])
def comment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    _require_moderator(user)
    comment = _comment_or_404(user, pk)
    form = DecisionForm(posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            action = form.cleaned_data["action"]
            try:
                if action == "reject":
                    services.comment_reject(moderator=user, comment=comment)
                    messages.success(request, f"Comment #{comment.pk} rejected; it will never be published.")
                else:
                    services.comment_approve(moderator=user, comment=comment,
                                             redact_identifiers=action == "approve_redacted",
                                             override_reason=form.cleaned_data["override_reason"])
                    messages.success(request, f"Comment #{comment.pk} published.")
            except BedsideError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                return HttpResponseRedirect(reverse("moderation:queue"))
        else:
            status = 400
        comment.refresh_from_db()
    try:
        fresh = services.comment_screening(comment.body, practice_id=comment.practice_id)
    except Exception as exc:  # the page must still open so the comment can be rejected
        log.error("screening failed on comment %s (%s)", comment.pk, type(exc).__name__)
        fresh = Screening(decision="hold")
        messages.error(request, "Screening is unavailable for this comment; it can only be rejected for now.")
    spans = [(i.start, i.end, i.category) for i in fresh.identifiers] + [(r.start, r.end, r.label) for r in fresh.reasons]
    preview = services.approval_preview(comment=comment, redact_identifiers=True) if fresh.identifiers else None
    audit_record(action=AUDIT_VIEW, actor=user, obj=comment, practice_id=comment.practice_id, request=request)
    return render(request, "moderation/comment.html", {
        "comment": comment, "text": highlight(comment.body, spans), "screening": fresh,
        "reasons": sorted({label_text(r.label) for r in fresh.reasons}),
        "categories": sorted({label_text(i.category) for i in fresh.identifiers}),
        "needs_override": services.needs_override(fresh), "preview": preview, "form": form,
        "waiting": comment.status in selectors.QUEUE_STATUSES, "may_reply": may_reply(user, comment),
        "article_url": article_url(comment.article), "replies": comment.replies.filter(status=CommentStatus.PUBLISHED),
    }, status=status)


# ---------------------------------------------------------------------------------------------
# clinicians: the public reply with the linter


@login_required
@require_http_methods(["GET", "POST"])
def comment_reply(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    _require_moderator(user)
    comment = _comment_or_404(user, pk)
    if not may_reply(user, comment):
        raise Http404()
    templates = selectors.reply_templates(practice_id=comment.practice_id)
    initial: dict[str, str] = {}
    chosen = request.GET.get("template")
    if request.method == "GET" and chosen:
        template = next((t for t in templates if str(t.pk) == chosen), None)
        if template is not None:
            initial["body"] = template.body
    form = ReplyForm(posted(request), initial=initial)
    findings: list[Any] = []
    draft = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            draft = form.cleaned_data["body"]
            if "check" in request.POST:
                findings = services.reply_lint(practice_id=comment.practice_id, text=draft)
            else:
                try:
                    services.comment_reply_post(clinician=user, comment=comment, body=draft,
                                                confirmed=form.cleaned_data["confirm"])
                except services.ReplyNeedsConfirmation as exc:
                    findings = exc.findings
                    form.add_error(None, exc.message)
                    status = exc.status
                except BedsideError as exc:
                    form_error(form, exc)
                    status = exc.status
                else:
                    messages.success(request, "Your reply is published under your name.")
                    return HttpResponseRedirect(article_url(comment.article) + f"#comment-{comment.pk}")
        else:
            status = 400
    elif initial.get("body"):
        draft = initial["body"]
        findings = services.reply_lint(practice_id=comment.practice_id, text=draft)
    spans = [(f.start, f.end, f.code) for f in findings if f.end > f.start]
    return render(request, "moderation/reply.html", {
        "comment": comment, "form": form, "templates": templates, "findings": findings,
        "finding_rows": [(f, draft[f.start:f.end]) for f in findings],
        "checked": bool(draft), "draft_marked": highlight(draft, spans) if draft else "",
        "article_url": article_url(comment.article),
    }, status=status)
