from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from bedside.followup.models import Plan, Rule
from bedside.followup.schedule import clean_days


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ("practice", "name", "check_in_days", "check_in_time", "remind_after_hours", "alert_after_hours",
                  "faq_article", "is_active")

    def clean_check_in_days(self) -> list[int]:
        raw: Any = self.cleaned_data.get("check_in_days")
        try:
            return clean_days(raw if isinstance(raw, list) else [])
        except ValueError as exc:
            raise forms.ValidationError(f"Enter a list of days such as [1, 3, 7, 14, 30]: {exc}.") from None


class RuleInline(admin.TabularInline):
    model = Rule
    extra = 1


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    form = PlanForm
    list_display = ("name", "practice", "check_in_days", "check_in_time", "is_active")
    list_filter = ("practice", "is_active")
    raw_id_fields = ("faq_article",)
    inlines = [RuleInline]
