"""Admin: reply templates are edited here; comments are read-only (decisions go through the queue)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from bedside.moderation.models import Comment, PublicReplyTemplate


@admin.register(PublicReplyTemplate)
class PublicReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "practice")
    list_filter = ("practice",)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    # Text fields are left out: the queue shows them with the screening highlights, audited.
    list_display = ("pk", "practice", "article", "kind", "status", "decision", "created_at")
    list_filter = ("status", "kind", "practice")
    fields = ("practice", "article", "kind", "status", "decision", "created_at", "published_at",
              "moderated_by", "moderated_at", "moderation_action", "override_reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Comment | None = None) -> bool:
        return False
