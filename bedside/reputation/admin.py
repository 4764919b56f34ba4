from django.contrib import admin

from bedside.reputation.models import Mention, WatchedFeed, WatchTerm


@admin.register(WatchedFeed)
class WatchedFeedAdmin(admin.ModelAdmin):
    list_display = ("url", "owner", "kind", "last_status", "last_fetched_at", "consecutive_failures", "is_active")
    list_filter = ("kind", "is_active", "last_status")
    readonly_fields = ("etag", "last_modified", "last_fetched_at", "last_status", "consecutive_failures")


@admin.register(WatchTerm)
class WatchTermAdmin(admin.ModelAdmin):
    list_display = ("phrase", "owner", "practice")


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "tone", "found_at", "duplicate_of")
    list_filter = ("tone",)
    readonly_fields = [f.name for f in Mention._meta.fields]
