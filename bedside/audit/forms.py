"""The auditor's search form. An unknown value is reported and ignored, never a 500."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone

from bedside.accounts.models import User
from bedside.audit.models import Action, Outcome

SORTS = [
    ("-at", "Newest first"),
    ("at", "Oldest first"),
    ("actor_id", "By user"),
    ("patient_id", "By patient"),
    ("action", "By action"),
]


def _person_id(value: str, label: str) -> int:
    """Return the user id named by an id, "#id" or an email address."""
    value = value.strip().lstrip("#")
    if value.isdigit():
        return int(value)
    user = User.objects.filter(email__iexact=value).only("pk").first()
    if user is None:
        raise forms.ValidationError(f"No {label} has the address {value!r}. Enter an address or a user id.")
    return user.pk


class AuditFilterForm(forms.Form):
    user = forms.CharField(required=False, max_length=254, label="User",
                           help_text="Email address or user id of who acted.")
    patient = forms.CharField(required=False, max_length=254, label="Patient",
                              help_text="Email address or user id of the patient whose record was touched.")
    action = forms.ChoiceField(choices=[("", "All actions"), *Action.choices], required=False, label="Action")
    outcome = forms.ChoiceField(choices=[("", "Any outcome"), *Outcome.choices], required=False, label="Outcome")
    object_type = forms.CharField(required=False, max_length=40, label="Object type", help_text="e.g. thread, message")
    object_id = forms.CharField(required=False, max_length=64, label="Object id")
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To (inclusive)", widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(choices=SORTS, required=False, label="Sort")

    def clean_user(self) -> int | None:
        value = self.cleaned_data.get("user") or ""
        return _person_id(value, "user") if value.strip() else None

    def clean_patient(self) -> int | None:
        value = self.cleaned_data.get("patient") or ""
        return _person_id(value, "patient") if value.strip() else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def filters(self) -> tuple[Q, str, list[str], bool]:
        """Return (the query, the sort, the labels of ignored filters, whether anything filters)."""
        self.is_valid()
        data = self.cleaned_data
        ignored = [str(self.fields[name].label) for name in self.errors if name in self.fields]
        query = Q()
        if data.get("user") is not None:
            query &= Q(actor_id=data["user"])
        if data.get("patient") is not None:
            query &= Q(patient_id=data["patient"])
        if data.get("action"):
            query &= Q(action=data["action"])
        if data.get("outcome"):
            query &= Q(outcome=data["outcome"])
        if data.get("object_type"):
            query &= Q(object_type=data["object_type"].strip().lower())
        if data.get("object_id"):
            query &= Q(object_id=data["object_id"].strip())
        zone = timezone.get_current_timezone()
        if data.get("date_from"):
            query &= Q(at__gte=datetime.combine(data["date_from"], time.min, tzinfo=zone))
        if data.get("date_to"):
            query &= Q(at__lte=datetime.combine(data["date_to"], time.max, tzinfo=zone))
        sort = data.get("sort") or "-at"
        return query, sort, ignored, bool(query)
