"""Public read API of the public presence (no token): published articles and public profiles.

`GET /api/v1/public/articles?page=N` (newest first, 20 a page), `GET /api/v1/public/articles/{slug}` (the
sanitised HTML, trusted resources and the practice's disclaimer) and
`GET /api/v1/public/doctors/{slug}` (the schema.org Physician description). Anything not public
answers the uniform 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from bedside.publishing import access, selectors, seo
from bedside.publishing.models import Article
from bedside.publishing.render import markdown_to_html

router = Router(tags=["public presence"])


class ErrorOut(Schema):
    code: str
    message: str


class ArticleSummaryOut(Schema):
    slug: str
    title: str
    kind: str
    summary: str
    url: str
    author: str
    published_at: datetime | None
    tags: list[str]


class ResourceOut(Schema):
    title: str
    url: str
    publisher: str
    description: str


class ArticleOut(ArticleSummaryOut):
    html: str
    reviewed_by: str | None
    updated_at: datetime
    series: str | None
    resources: list[ResourceOut]
    disclaimer_html: str
    comments_open: bool


def _summary(article: Article) -> dict[str, Any]:
    return {
        "slug": article.slug, "title": article.title, "kind": article.kind, "summary": article.summary,
        "url": seo.absolute(reverse("publishing:article", args=[article.slug])),
        "author": article.author.display_name, "published_at": article.published_at,
        "tags": [t.name for t in article.tags.all()],
    }


class PageQuery(Schema):
    page: int = Field(default=1, ge=1, le=100_000)


class ArticlePage(Schema):
    items: list[ArticleSummaryOut]
    page: int
    pages: int
    count: int


PAGE_SIZE = 20


@router.get("/articles", auth=None, response={200: ArticlePage, 400: ErrorOut})
def article_list(request: HttpRequest, q: Query[PageQuery]) -> dict[str, Any]:
    """List published articles, FAQ pages and series parts, newest first, PAGE_SIZE per page."""
    paginator = Paginator(selectors.articles_public(), PAGE_SIZE)
    page = paginator.get_page(q.page)
    return {"items": [_summary(a) for a in page.object_list], "page": page.number,
            "pages": paginator.num_pages, "count": paginator.count}


@router.get("/articles/{slug}", auth=None, response={200: ArticleOut, 404: ErrorOut})
def article_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Return one published article with its sanitised HTML, trusted resources and the disclaimer."""
    article = access.access_public_article(slug)
    return {
        **_summary(article),
        "html": str(markdown_to_html(article.body_md)),
        "reviewed_by": article.reviewer.display_name if article.reviewer else None,
        "updated_at": article.updated_at,
        "series": article.series.title if article.series else None,
        "resources": [
            {"title": r.title, "url": r.url, "publisher": r.publisher, "description": r.description}
            for r in selectors.article_resources(article)
        ],
        "disclaimer_html": str(markdown_to_html(selectors.practice_settings(article.practice).disclaimer_md)),
        "comments_open": article.comments_open,
    }


@router.get("/doctors/{slug}", auth=None, response={200: dict[str, Any], 404: ErrorOut})
def doctor_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Return a public clinician profile as schema.org Physician JSON-LD."""
    return seo.physician_ld(access.access_public_profile(slug))
