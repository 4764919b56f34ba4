from __future__ import annotations

from django.contrib import admin

from bedside.messaging.models import CategoryRoute, ReplyTemplate


@admin.register(CategoryRoute)
class CategoryRouteAdmin(admin.ModelAdmin):
    list_display = ("practice", "category", "pool")
    list_filter = ("practice",)


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "practice")
    list_filter = ("practice",)
