"""Forms for time entries, the billing report, billing facts and e-consults."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from bedside.accounts.models import User
from bedside.billing.models import GlobalDays
from bedside.billing.selectors import report_period_check
from bedside.core.errors import InvalidInput


class TimeEntryForm(forms.Form):
    minutes = forms.IntegerField(label="Minutes", min_value=1, max_value=600,
                                 widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(label="Start time", required=False, widget=forms.TimeInput(attrs={"type": "time"}),
                         help_text="When you started, in the practice's time zone. Leave empty for noon.")
    note = forms.CharField(label="Activity", required=False, max_length=500,
                           help_text="Optional: what you did (e.g. reviewed labs, wrote reply).")

    def __init__(self, *args: Any, tz: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tz = tz

    def clean_day(self) -> date:
        day: date = self.cleaned_data["day"]
        if day > timezone.now().astimezone(self.tz).date():
            raise forms.ValidationError("Time cannot be logged for a future date.")
        return day

    def performed_at(self) -> datetime:
        at = self.cleaned_data.get("at") or time(12)
        return datetime.combine(self.cleaned_data["day"], at, tzinfo=self.tz)


class ReportForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    clinician = forms.TypedChoiceField(label="Clinician", coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, clinicians: list[User], allow_all: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[Any, str]] = [("", "All clinicians")] if allow_all else []
        choices += [(u.pk, u.display_name) for u in clinicians]
        field = self.fields["clinician"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        field.required = not allow_all

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            try:
                report_period_check(start, end)
            except InvalidInput as exc:
                self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data


class VisitForm(forms.Form):
    visit_date = forms.DateField(label="Visit date", widget=forms.DateInput(attrs={"type": "date"}))


class GlobalPeriodForm(forms.Form):
    procedure_date = forms.DateField(label="Procedure date", widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.TypedChoiceField(label="Global period", choices=GlobalDays.choices, coerce=int)
    procedure = forms.CharField(label="Procedure", required=False, max_length=200)


class EConsultForm(forms.Form):
    specialist = forms.TypedChoiceField(label="Specialist", coerce=int)
    question = forms.CharField(label="Question for the specialist", max_length=10_000,
                               widget=forms.Textarea(attrs={"rows": 6}))
    threads = forms.TypedMultipleChoiceField(label="Whole conversations", coerce=int, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    messages = forms.TypedMultipleChoiceField(label="Single messages", coerce=int, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    attachments = forms.TypedMultipleChoiceField(label="Attachments", coerce=int, required=False,
                                                 widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, specialists: list[User], threads: list[tuple[int, str]],
                 messages: list[tuple[int, str]], attachments: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options: dict[str, list[tuple[Any, str]]] = {
            "specialist": [("", "Choose a specialist"), *[(u.pk, _specialist_label(u)) for u in specialists]],
            "threads": list(threads), "messages": list(messages), "attachments": list(attachments),
        }
        for name, choices in options.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("threads") or data.get("messages") or data.get("attachments")):
            raise forms.ValidationError("Choose at least one conversation, message or attachment to share.")
        return data


def _specialist_label(user: User) -> str:
    profile = getattr(user, "clinician_profile", None)
    if profile is None:
        return user.display_name
    return f"{profile.display_name} — {profile.specialty}, {profile.practice.name}"


class AnswerForm(forms.Form):
    answer = forms.CharField(label="Your answer", max_length=10_000, widget=forms.Textarea(attrs={"rows": 8}))


class DeclineForm(forms.Form):
    reason = forms.CharField(label="Why you decline", max_length=2_000, widget=forms.Textarea(attrs={"rows": 3}))
