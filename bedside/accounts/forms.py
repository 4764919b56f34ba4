from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest

from bedside.accounts.models import Role
from bedside.accounts.services import BREAK_GLASS_MINUTES


class PatientSignupForm(forms.Form):
    """Sign-up is for patients; care-team accounts are created by a practice administrator."""

    full_name = forms.CharField(
        max_length=200, label="Full legal name", help_text="As on your medical record; you will type it to sign consents."
    )

    def signup(self, request: HttpRequest, user: Any) -> None:
        user.full_name = " ".join(self.cleaned_data["full_name"].split())
        user.role = Role.PATIENT
        user.save(update_fields=["full_name", "role"])


class BreakGlassForm(forms.Form):
    practice = forms.TypedChoiceField(coerce=int, empty_value=None, label="Practice")
    patient_email = forms.EmailField(
        label="Patient's email address", widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Enter the patient's email address.", "invalid": "Enter a valid email address."},
    )
    reason_code = forms.ChoiceField(label="Why do you need access?", choices=[("", "Choose…")])
    reason = forms.CharField(
        label="Explain the need", widget=forms.Textarea(attrs={"rows": 4}), strip=True,
        help_text="The privacy officer reads this. At least 20 characters.",
        error_messages={"required": "Explain why you need emergency access."},
    )
    minutes = forms.TypedChoiceField(coerce=int, label="For how long?", initial=60,
                                     choices=[(m, f"{m} minutes") for m in BREAK_GLASS_MINUTES])
    confirm = forms.BooleanField(
        label="I understand this access is recorded and reviewed, and I will open only what the care needs.",
        error_messages={"required": "Confirm that you understand this access is recorded and reviewed."},
    )

    def __init__(self, *args: Any, practices: Any, **kwargs: Any) -> None:
        from bedside.accounts.models import BreakGlassReason

        super().__init__(*args, **kwargs)
        self._practices = {p.pk: p for p in practices}
        field = self.fields["practice"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(p.pk, p.name) for p in practices]
        if len(self._practices) == 1:  # the page does not ask
            field.required = False
        reason_field = self.fields["reason_code"]
        assert isinstance(reason_field, forms.ChoiceField)
        reason_field.choices = [("", "Choose…"), *BreakGlassReason.choices]

    def chosen_practice(self) -> Any:
        if len(self._practices) == 1:
            return next(iter(self._practices.values()))
        return self._practices.get(self.cleaned_data.get("practice"))
