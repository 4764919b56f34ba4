from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest

from bedside.accounts.models import Role


class PatientSignupForm(forms.Form):
    """Sign-up is for patients; care-team accounts are created by a practice administrator."""

    full_name = forms.CharField(
        max_length=200, label="Full legal name", help_text="As on your medical record; you will type it to sign consents."
    )

    def signup(self, request: HttpRequest, user: Any) -> None:
        user.full_name = " ".join(self.cleaned_data["full_name"].split())
        user.role = Role.PATIENT
        user.save(update_fields=["full_name", "role"])
