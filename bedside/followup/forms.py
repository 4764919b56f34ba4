"""Web forms for follow-up. They check shape and ranges; the services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from bedside.accounts.models import User
from bedside.followup.models import Plan
from bedside.followup.rules import NOTES_MAX, Answers

YES_NO = [("no", "No"), ("yes", "Yes")]
CELSIUS = (Decimal("34.0"), Decimal("43.0"))
FAHRENHEIT = (Decimal("93.0"), Decimal("109.4"))


class Radios(forms.RadioSelect):
    """Radio buttons whose "label id" is the first option, so the error summary links somewhere."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class EnrolForm(forms.Form):
    patient = forms.TypedChoiceField(coerce=int, label="Patient", error_messages={
        "required": "Choose the patient to enrol.", "invalid_choice": "Choose one of the practice's patients."})
    plan = forms.TypedChoiceField(coerce=int, label="Follow-up plan", error_messages={
        "required": "Choose a follow-up plan.", "invalid_choice": "Choose one of the practice's plans."})
    surgery_date = forms.DateField(
        label="Date of surgery", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Check-ins are counted from this day, at the plan's local time in the practice's time zone.",
        error_messages={"required": "Enter the date of surgery.", "invalid": "Enter the date as YYYY-MM-DD."},
    )

    def __init__(self, *args: Any, patients: list[User], plans: list[Plan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        patient_field = self.fields["patient"]
        plan_field = self.fields["plan"]
        assert isinstance(patient_field, forms.ChoiceField) and isinstance(plan_field, forms.ChoiceField)
        patient_field.choices = [("", "Choose a patient")] + [
            (p.pk, f"{p.full_name or p.email} ({p.email})") for p in patients
        ]
        plan_field.choices = [("", "Choose a plan")] + [(p.pk, p.name) for p in plans]


class CheckInForm(forms.Form):
    pain = forms.TypedChoiceField(
        coerce=int, label="How bad is your pain right now?", choices=[(str(i), str(i)) for i in range(11)],
        widget=Radios, help_text="0 means no pain, 10 the worst pain you can imagine.",
        error_messages={"required": "Choose a pain score from 0 to 10."},
    )
    fever = forms.ChoiceField(label="Do you have a fever or chills?", choices=YES_NO, widget=Radios,
                              error_messages={"required": "Answer yes or no about fever."})
    temperature = forms.DecimalField(
        label="Your temperature, if you measured it", required=False, max_digits=4, decimal_places=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"invalid": "Enter the temperature as a number, e.g. 37.8 or 100.2.",
                        "max_decimal_places": "Use at most one decimal place, e.g. 37.8.",
                        "max_digits": "Enter the temperature as a number, e.g. 37.8 or 100.2."},
    )
    unit = forms.ChoiceField(label="Unit", choices=[("C", "°C"), ("F", "°F")], initial="F", required=False)
    wound = forms.ChoiceField(label="Is the wound red, or is anything leaking from it?", choices=YES_NO,
                              widget=Radios, error_messages={"required": "Answer yes or no about the wound."})
    calf = forms.ChoiceField(label="Do you have pain or swelling in a calf?", choices=YES_NO, widget=Radios,
                             error_messages={"required": "Answer yes or no about calf pain or swelling."})
    breathing = forms.ChoiceField(label="Are you short of breath, or do you have chest pain?", choices=YES_NO,
                                  widget=Radios,
                                  error_messages={"required": "Answer yes or no about breathing and chest pain."})
    notes = forms.CharField(
        label="Anything else you want your care team to know?", required=False, max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"Please keep this to {NOTES_MAX:,} characters; write the rest in the conversation."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        value = data.get("temperature")
        if value is not None:
            unit = data.get("unit") or "F"
            low, high = CELSIUS if unit == "C" else FAHRENHEIT
            if not low <= value <= high:
                self.add_error("temperature", f"A body temperature in °{unit} is between {low} and {high}. "
                                              "Check the number and the unit.")
            else:
                celsius = value if unit == "C" else (value - 32) * 5 / 9
                data["temperature_c"] = celsius.quantize(Decimal("0.1"))
        return data

    def answers(self) -> Answers:
        data = self.cleaned_data
        return Answers(
            pain=int(data["pain"]), fever=data["fever"] == "yes", temperature_c=data.get("temperature_c"),
            wound=data["wound"] == "yes", calf=data["calf"] == "yes", breathing=data["breathing"] == "yes",
            notes=(data.get("notes") or "").replace("\x00", "").strip(),
        )
