"""Public pages: no sign-in. Only public objects are reachable; anything else is a plain 404.

Every page carries the practice's disclaimer, a canonical URL on BEDSIDE_SITE_URL, Open Graph
tags, and (profiles and articles) schema.org JSON-LD. Everything here is indexable; every
other page of bedside says noindex (see middleware.py).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from bedside.accounts.models import Practice
from bedside.core.errors import NotFound
from bedside.publishing import access, selectors, seo
from bedside.publishing.models import (
    DEFAULT_COMMENT_POLICY_MD,
    DEFAULT_DISCLAIMER_MD,
    PracticePublishing,
)
from bedside.publishing.render import plain_text


def _disclaimer(practice: Practice | None) -> str:
    if practice is not None:
        return selectors.practice_settings(practice).disclaimer_md
    rows = list(PracticePublishing.objects.all()[:2])
    return rows[0].disclaimer_md if len(rows) == 1 else DEFAULT_DISCLAIMER_MD


def _page(request: HttpRequest, template: str, *, title: str, description: str, path: str,
          practice: Practice | None = None, og_type: str = "website", image: str | None = None,
          **context: Any) -> HttpResponse:
    context.update({
        "page_title": title,
        "page_description": description,
        "canonical_url": seo.absolute(path),
        "og_type": og_type,
        "og_image": image,
        "disclaimer_md": _disclaimer(practice),
        "site_name": practice.name if practice else "bedside",
    })
    return render(request, template, context)


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    articles = list(selectors.articles_public()[:30])
    return _page(
        request, "publishing/public/index.html", title="Health information from our clinicians",
        description="Articles, FAQ pages and education series written and reviewed by our clinicians.",
        path=reverse("publishing:index"), articles=articles, profiles=selectors.profiles_public(),
        series_list=selectors.series_public(), topics=selectors.topics_public(),
    )


@require_safe
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        found = access.access_public_profile(slug)
    except NotFound:
        raise Http404() from None
    clinician = found.clinician
    articles = selectors.articles_public().filter(author_id=clinician.user_id)[:20]
    return _page(
        request, "publishing/public/profile.html",
        title=f"{clinician.display_name}, {clinician.credentials}",
        description=plain_text(found.bio_md, 200) or f"{clinician.display_name} — {clinician.specialty}, {clinician.practice.name}",
        path=reverse("publishing:profile", args=[found.slug]), practice=clinician.practice, og_type="profile",
        image=seo.profile_photo_url(found), profile=found, clinician=clinician, articles=articles,
        photo_url=seo.profile_photo_url(found), jsonld=seo.ld_json(seo.physician_ld(found)),
    )


@require_safe
def profile_photo(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        found = access.access_public_profile(slug)
    except NotFound:
        raise Http404() from None
    if not found.photo:
        raise Http404()
    response = HttpResponse(bytes(found.photo), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def article(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        found = access.access_public_article(slug)
    except NotFound:
        raise Http404() from None
    author_profile = selectors.profile_of_author(found)
    author_url = seo.absolute(reverse("publishing:profile", args=[author_profile.slug])) if author_profile else None
    parts = list(selectors.series_parts_public(found.series)) if found.series is not None else []
    return _page(
        request, "publishing/public/article.html", title=found.title,
        description=found.summary or plain_text(found.body_md, 200),
        path=reverse("publishing:article", args=[found.slug]), practice=found.practice, og_type="article",
        article=found, author_profile=author_profile, resources=selectors.article_resources(found),
        tags=list(found.tags.all()), series_parts=parts,
        jsonld=seo.ld_json(seo.article_ld(found, author_url=author_url)),
    )


@require_safe
def series(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        found = access.access_public_series(slug)
    except NotFound:
        raise Http404() from None
    return _page(
        request, "publishing/public/series.html", title=found.title,
        description=plain_text(found.description_md, 200) or f"An education series by {found.practice.name}",
        path=reverse("publishing:series", args=[found.slug]), practice=found.practice,
        series=found, parts=selectors.series_parts_public(found),
    )


@require_safe
def topics(request: HttpRequest) -> HttpResponse:
    return _page(
        request, "publishing/public/topics.html", title="Topics", description="Health topics our clinicians write about.",
        path=reverse("publishing:topics"), topics=selectors.topics_public(),
    )


@require_safe
def topic(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        found = access.access_public_topic(slug)
    except NotFound:
        raise Http404() from None
    return _page(
        request, "publishing/public/topic.html", title=found.name, description=f"Articles about {found.name}.",
        path=reverse("publishing:topic", args=[found.slug]), topic=found,
        articles=selectors.articles_public().filter(tags=found),
        resources=selectors.resources_for_topic(found)[:20],
    )


@require_safe
def comment_policy(request: HttpRequest) -> HttpResponse:
    policies = list(PracticePublishing.objects.select_related("practice").order_by("practice__name"))
    return _page(
        request, "publishing/public/comment_policy.html", title="Comment policy",
        description="What we publish in comments, and why we never give personal medical advice in public.",
        path=reverse("publishing:comment_policy"), policies=policies, default_policy=DEFAULT_COMMENT_POLICY_MD,
        practice=policies[0].practice if len(policies) == 1 else None,
    )


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        # Signed-in areas say noindex too; disallowing them also saves crawlers the trip.
        "Disallow: /accounts/",
        "Disallow: /api/",
        "Disallow: /admin/",
        "Disallow: /publishing/",
        "Allow: /",
        "",
        f"Sitemap: {seo.absolute(reverse('publishing:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
