"""Admin: read-only views of articles (review and publication go through the editor's services);
topics, series and the library can be tidied here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bedside.publishing.models import (
    Article,
    Channel,
    PlannedPost,
    PracticePublishing,
    PublicProfile,
    Series,
    Topic,
    TrustedResource,
)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Read-only: an edit here would bypass the second-person review."""

    list_display = ("title", "practice", "kind", "status", "author", "reviewer", "published_at")
    list_filter = ("practice", "kind", "status")
    search_fields = ("title", "slug")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PublicProfile)
class PublicProfileAdmin(admin.ModelAdmin):
    list_display = ("slug", "clinician", "is_public", "updated_at")
    readonly_fields = ("photo_updated_at", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ("title", "practice", "slug")


@admin.register(TrustedResource)
class TrustedResourceAdmin(admin.ModelAdmin):
    list_display = ("title", "publisher", "practice", "url")
    list_filter = ("practice", "publisher")
    filter_horizontal = ("topics",)
    exclude = ("articles",)


@admin.register(PracticePublishing)
class PracticePublishingAdmin(admin.ModelAdmin):
    list_display = ("practice", "slug", "stale_after_days")


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "practice", "kind", "owner", "last_published_at", "reminded_at")
    readonly_fields = ("last_published_at", "reminded_at")


@admin.register(PlannedPost)
class PlannedPostAdmin(admin.ModelAdmin):
    list_display = ("title", "channel", "planned_for", "status")
    list_filter = ("status",)
