"""RSS 2.0 and Atom feeds of published articles, and the sitemap of public pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from bedside.publishing import selectors, seo
from bedside.publishing.models import Article, PublicProfile, Series, Topic
from bedside.publishing.render import plain_text

FEED_SIZE = 50


class ArticlesRss(Feed):  # type: ignore[type-arg]
    feed_type: type[Rss201rev2Feed | Atom1Feed] = Rss201rev2Feed
    title = "Health information from our clinicians"
    description = "Articles, FAQ pages and education series, reviewed by a second clinician before publication."

    def link(self) -> str:
        return seo.absolute(reverse("publishing:index"))

    def feed_url(self) -> str:
        return seo.absolute(reverse("publishing:feed_rss"))

    def items(self) -> list[Article]:
        return list(selectors.articles_public()[:FEED_SIZE])

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        # Summaries only: the page carries the disclaimer and the sanitised full text.
        return item.summary or plain_text(item.body_md, 300)

    def item_link(self, item: Article) -> str:
        return seo.absolute(reverse("publishing:article", args=[item.slug]))

    def item_guid(self, item: Article) -> str:
        return self.item_link(item)

    def item_pubdate(self, item: Article) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Article) -> datetime | None:
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return item.author.display_name

    def item_categories(self, item: Article) -> list[str]:
        return [t.name for t in item.tags.all()]


class ArticlesAtom(ArticlesRss):
    feed_type = Atom1Feed
    subtitle = ArticlesRss.description

    def feed_url(self) -> str:
        return seo.absolute(reverse("publishing:feed_atom"))


class _SiteSitemap(Sitemap):  # type: ignore[type-arg]
    """Absolute URLs on BEDSIDE_SITE_URL, whatever Host the crawler sent."""

    def get_domain(self, site: Any = None) -> str:
        return seo.site_url().split("://", 1)[-1]

    def get_protocol(self, protocol: str | None = None) -> str:
        return seo.site_url().split("://", 1)[0]


class ArticleSitemap(_SiteSitemap):
    changefreq = "monthly"

    def items(self) -> list[Article]:
        return list(selectors.articles_public())

    def location(self, item: Article) -> str:
        return reverse("publishing:article", args=[item.slug])

    def lastmod(self, item: Article) -> datetime:
        return item.updated_at


class ProfileSitemap(_SiteSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self) -> list[PublicProfile]:
        return list(selectors.profiles_public())

    def location(self, item: PublicProfile) -> str:
        return reverse("publishing:profile", args=[item.slug])

    def lastmod(self, item: PublicProfile) -> datetime:
        return item.updated_at


class SeriesSitemap(_SiteSitemap):
    def items(self) -> list[Series]:
        return list(selectors.series_public())

    def location(self, item: Series) -> str:
        return reverse("publishing:series", args=[item.slug])


class TopicSitemap(_SiteSitemap):
    def items(self) -> list[Topic]:
        return list(selectors.topics_public())

    def location(self, item: Topic) -> str:
        return reverse("publishing:topic", args=[item.slug])


class StaticSitemap(_SiteSitemap):
    def items(self) -> list[str]:
        return ["publishing:index", "publishing:topics", "publishing:comment_policy"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS: dict[str, type[_SiteSitemap]] = {
    "static": StaticSitemap,
    "profiles": ProfileSitemap,
    "articles": ArticleSitemap,
    "series": SeriesSitemap,
    "topics": TopicSitemap,
}
