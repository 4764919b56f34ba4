"""Forms for the clinician's coverage page."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet

from bedside.accounts.models import User


class ColleagueChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class CoverageForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="Away from", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    ends_at = forms.DateTimeField(
        label="Back on", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="Your practice's local time. Patients are told when you are back.",
    )
    covering = ColleagueChoice(queryset=User.objects.none(), label="Covering colleague",
                               empty_label="Choose a colleague")

    def __init__(self, *args: Any, colleagues: QuerySet[User], zone: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["covering"].queryset = colleagues  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The browser sends wall-clock times of the practice; make them aware in its zone.
        for name in ("starts_at", "ends_at"):
            value = data.get(name)
            if value is not None:
                data[name] = value.replace(tzinfo=None).replace(tzinfo=self.zone)
        return data
