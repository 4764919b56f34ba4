"""Practice configuration for triage (hours, holidays, targets), coverage, and the escalation log."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from bedside.triage.models import BusinessHours, Coverage, Escalation, Holiday, ResponseTarget


@admin.register(BusinessHours)
class BusinessHoursAdmin(admin.ModelAdmin):
    list_display = ("practice", "weekday", "opens", "closes")
    list_filter = ("practice",)


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("practice", "date", "name")
    list_filter = ("practice",)


@admin.register(ResponseTarget)
class ResponseTargetAdmin(admin.ModelAdmin):
    list_display = ("practice", "urgency", "category", "amount", "unit")
    list_filter = ("practice", "urgency")


@admin.register(Coverage)
class CoverageAdmin(admin.ModelAdmin):
    list_display = ("clinician", "covering", "starts_at", "ends_at", "cancelled_at")
    raw_id_fields = ("clinician", "covering")


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ("thread", "level", "due_at", "created_at", "notified")
    raw_id_fields = ("thread",)

    def has_change_permission(self, request: HttpRequest, obj: Escalation | None = None) -> bool:
        # The escalation log is a record of who was told; nobody edits it.
        return False
