"""Web forms for consent signatures and care relationships. Shape only; the services decide."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from bedside.accounts.models import Practice, User
from bedside.consent.models import VerificationMethod


class SignForm(forms.Form):
    typed_name = forms.CharField(
        label="Type your full name to sign",
        max_length=200,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={"required": "Type your full name to sign."},
    )
    agree = forms.BooleanField(
        label="I have read this document",
        error_messages={"required": "Please confirm that you have read the document."},
    )

    def __init__(self, *args: Any, account_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["typed_name"].help_text = f"Exactly as on your account: {account_name}"


class RelationshipForm(forms.Form):
    practice = forms.TypedChoiceField(coerce=int, empty_value=None, label="Practice")
    patient_email = forms.EmailField(
        label="Patient's email address",
        help_text="The email the patient uses to sign in to bedside.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    method = forms.ChoiceField(
        label="How was the relationship established?", choices=[("", "Choose…"), *VerificationMethod.choices]
    )
    established_on = forms.DateField(
        label="Date of the establishing visit",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%m/%d/%Y"],
        help_text="The visit that established care; it cannot be in the future.",
    )
    clinician = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label="Treating clinician",
        help_text="The patient's clinician at the practice, if there is one.",
    )

    def __init__(self, *args: Any, practices: Iterable[Practice], clinicians: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.practices = list(practices)
        practice_field = self.fields["practice"]
        assert isinstance(practice_field, forms.ChoiceField)
        if len(self.practices) > 1:
            practice_field.choices = [("", "Choose a practice"), *[(p.pk, p.name) for p in self.practices]]
        else:
            del self.fields["practice"]
        clinician_field = self.fields["clinician"]
        assert isinstance(clinician_field, forms.ChoiceField)
        clinician_field.choices = [("", "No specific clinician"), *[(u.pk, u.display_name) for u in clinicians]]

    def chosen_practice(self) -> Practice | None:
        if "practice" in self.fields:
            pk = self.cleaned_data.get("practice")
            return next((p for p in self.practices if p.pk == pk), None)
        return self.practices[0] if self.practices else None


class EndRelationshipForm(forms.Form):
    reason = forms.CharField(
        label="Reason for ending",
        max_length=200,
        help_text="For example: patient transferred care, moved away, or asked to end it. Kept in the record.",
        error_messages={"required": "Give a short reason for ending the relationship."},
    )


class InvitationForm(RelationshipForm):
    """Invite a new patient: the same attestation as recording a relationship, by email."""

    email = forms.EmailField(
        label="Patient's email address",
        help_text="We email the patient a link to create their account; the email says nothing else.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Enter the patient's email address.", "invalid": "Enter a valid email address."},
    )
    field_order = ["practice", "email", "method", "established_on", "clinician"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["patient_email"]
