"""Forms for the watch lists and the self-audit. Shape only; the services decide."""

from __future__ import annotations

from django import forms

from bedside.reputation.models import FeedKind
from bedside.reputation.services import SELF_AUDIT_ITEMS


class TermForm(forms.Form):
    phrase = forms.CharField(label="Name or phrase to watch", max_length=200,
                             help_text='For example "Dr. Jane Rivera" or your practice\'s name.',
                             error_messages={"required": "Enter a name or phrase."})


class FeedForm(forms.Form):
    url = forms.CharField(label="Feed address (RSS or Atom)", max_length=1000,
                          help_text="A search alert, review site, news or your own channel's feed.",
                          widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
                          error_messages={"required": "Enter the feed's address."})
    kind = forms.ChoiceField(label="What is it?", choices=FeedKind.choices)
    title = forms.CharField(label="Name", max_length=200, required=False)


class SelfAuditForm(forms.Form):
    items = forms.MultipleChoiceField(label="Checklist", choices=SELF_AUDIT_ITEMS, widget=forms.CheckboxSelectMultiple,
                                      required=False)


class SettingsForm(forms.Form):
    self_audit_every_days = forms.IntegerField(label="Self-audit every (days)", min_value=7, max_value=366,
                                               help_text="91 days is once a quarter.")
    weekly_digest = forms.BooleanField(label="Email me a weekly digest of mentions", required=False)
