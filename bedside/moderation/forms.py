"""Web forms for comments and moderation. They check shape only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from bedside.moderation.models import OverrideReason
from bedside.moderation.services import BODY_MAX, EMAIL_MAX, NAME_MAX


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment", max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Please keep it general: don't include names, dates of birth, phone numbers, "
                  "diagnoses, medicines or test results — yours or anyone else's.",
    )
    display_name = forms.CharField(label="Name to show", max_length=NAME_MAX,
                                   help_text="A first name or nickname is fine.")
    email = forms.EmailField(
        label="Email", max_length=EMAIL_MAX, required=False,
        help_text="Never shown. We use it only to reply to you privately.",
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by bots.
    website = forms.CharField(label="Leave this empty", required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def __init__(self, *args: Any, signed_in: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not signed_in:
            self.fields["email"].required = True
            self.fields["email"].help_text = "Required; never shown. We use it only to reply to you privately."


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", "Approve"), ("approve_redacted", "Approve with redaction"),
                                        ("reject", "Reject")])
    override_reason = forms.ChoiceField(
        label="Publish anyway because…", required=False,
        choices=[("", "— no override —"), *OverrideReason.choices],
        help_text="Needed only when screening flagged health information, an advice request, an emergency or spam.",
    )


class BulkForm(DecisionForm):
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[], label="Comments")

    def __init__(self, *args: Any, choices: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = self.fields["ids"]
        assert isinstance(ids, forms.TypedMultipleChoiceField)
        ids.choices = choices or []
        self.fields["ids"].error_messages["required"] = "Tick at least one comment."


class ReplyForm(forms.Form):
    body = forms.CharField(label="Your public reply", max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 8}))
    confirm = forms.BooleanField(
        label="Post it anyway: I have read the checker's findings", required=False,
    )
