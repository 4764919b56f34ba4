"""Forms of the editor: they check shapes; the services enforce the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from bedside.accounts.models import Practice, User
from bedside.publishing.models import (
    ArticleKind,
    Channel,
    ChannelKind,
    PlannedPostStatus,
    Series,
    TrustedResource,
)


def _single_practice(form: forms.Form, practices: Any) -> None:
    """Hide the practice choice when there is only one: it is then implied, even if not posted."""
    if practices.count() == 1:
        form.fields["practice"].widget = forms.HiddenInput()
        form.fields["practice"].required = False
        form.fields["practice"].initial = form.only_practice = practices.first()  # type: ignore[attr-defined]


class PracticeChoiceMixin(forms.Form):
    only_practice: Practice | None = None

    def clean_practice(self) -> Practice:
        practice = self.cleaned_data.get("practice") or self.only_practice
        if practice is None:
            raise forms.ValidationError("Choose the practice.")
        return practice


class ArticleForm(PracticeChoiceMixin):
    practice = forms.ModelChoiceField(queryset=Practice.objects.none(), empty_label=None)
    kind = forms.ChoiceField(choices=ArticleKind.choices, initial=ArticleKind.ARTICLE, label="Kind of page")
    title = forms.CharField(max_length=200)
    summary = forms.CharField(max_length=300, required=False, help_text="One or two sentences shown in lists and feeds.")
    body_md = forms.CharField(
        label="Text (Markdown)", required=False, max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 20, "class": "mono", "data-live-preview": "live-preview"}),
        help_text="Be general, point to trusted resources, and encourage readers to see their own physician.",
    )
    series = forms.ModelChoiceField(queryset=Series.objects.none(), required=False,
                                    help_text="For a part of a series.")
    new_series = forms.CharField(max_length=200, required=False, label="…or start a new series")
    series_position = forms.IntegerField(min_value=1, max_value=999, required=False, label="Part number")
    tags = forms.CharField(max_length=500, required=False, label="Topics",
                           help_text='Comma-separated, e.g. "diabetes, nutrition".')
    publish_at = forms.DateTimeField(
        required=False, label="Publish at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Leave empty to publish as soon as it is approved.",
    )
    comments_open = forms.BooleanField(required=False, initial=True, label="Accept comments (moderated)")

    def __init__(self, *args: Any, practices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practice"].queryset = practices  # type: ignore[attr-defined]
        self.fields["series"].queryset = Series.objects.filter(practice__in=practices)  # type: ignore[attr-defined]
        _single_practice(self, practices)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("changes", "Request changes")], widget=forms.RadioSelect
    )
    note = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                           label="Note to the author", help_text="Required when asking for changes.")
    publish_at = forms.DateTimeField(
        required=False, label="Publish at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Leave empty to keep the author's date, or publish now if there is none.",
    )


class ResourceForm(PracticeChoiceMixin):
    practice = forms.ModelChoiceField(queryset=Practice.objects.none(), empty_label=None)
    title = forms.CharField(max_length=200)
    url = forms.URLField(max_length=500, label="Address (URL)", assume_scheme="https")
    publisher = forms.CharField(max_length=120, help_text="e.g. MedlinePlus, CDC, American Diabetes Association")
    description = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    topics = forms.CharField(max_length=500, required=False, help_text="Comma-separated.")

    def __init__(self, *args: Any, practices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practice"].queryset = practices  # type: ignore[attr-defined]
        _single_practice(self, practices)


class _IdChoiceField(forms.ModelMultipleChoiceField):
    """Refuse ids outside the database's integer range before they reach (and overflow) the lookup."""

    def _check_values(self, value: Any) -> Any:
        for item in value or ():
            if not str(item).isdigit() or not 0 < int(item) < 2**63:
                raise forms.ValidationError("Choose resources from the list.", code="invalid_choice")
        return super()._check_values(value)  # type: ignore[misc]  # Django's own (undocumented) hook


class ArticleResourcesForm(forms.Form):
    resources = _IdChoiceField(
        queryset=TrustedResource.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Trusted resources listed on the page",
    )

    def __init__(self, *args: Any, practice_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resources"].queryset = TrustedResource.objects.filter(practice_id=practice_id)  # type: ignore[attr-defined]


class ProfileForm(forms.Form):
    slug = forms.SlugField(max_length=80, required=False, label="Page address",
                           help_text="The last part of /doctors/…/; letters, digits and hyphens.")
    photo = forms.FileField(required=False, help_text="JPEG or PNG, at most 5 MB; location and camera data are removed.")
    remove_photo = forms.BooleanField(required=False, label="Remove the current photo")
    bio_md = forms.CharField(required=False, max_length=10_000, label="About (Markdown)",
                             widget=forms.Textarea(attrs={"rows": 6}))
    specialties = forms.CharField(required=False, max_length=300, help_text="Comma-separated.")
    board_certifications = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                                           help_text="One per line.")
    languages = forms.CharField(required=False, max_length=200, help_text="Comma-separated.")
    locations = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                                help_text="One office address per line.")
    accepted_insurance = forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                                         help_text="One plan per line.")
    conflicts_of_interest = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), label="Conflict-of-interest disclosures",
        help_text="Financial relationships with companies whose products you might discuss; write “None” if none.",
    )
    how_to_reach = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label="How to reach me",
        help_text="Point patients to the secure portal or the office; never to comments or social media.",
    )
    is_public = forms.BooleanField(required=False, label="Show this profile publicly")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.get_role_display()})"


class ChannelForm(PracticeChoiceMixin):
    practice = forms.ModelChoiceField(queryset=Practice.objects.none(), empty_label=None)
    name = forms.CharField(max_length=120)
    kind = forms.ChoiceField(choices=ChannelKind.choices)
    url = forms.URLField(max_length=500, required=False, label="Address (URL)", assume_scheme="https")
    owner = PersonChoiceField(queryset=User.objects.none(), empty_label=None,
                                   help_text="Reminded by email when the channel goes stale.")
    stale_after_days = forms.IntegerField(min_value=1, max_value=3650, required=False, label="Stale after (days)",
                                          help_text="Leave empty to use the practice's setting.")

    def __init__(self, *args: Any, practices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practice"].queryset = practices  # type: ignore[attr-defined]
        self.fields["owner"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            memberships__practice__in=practices, memberships__is_active=True, role__in=["clinician", "staff", "practice_admin"]
        ).distinct().order_by("full_name")
        _single_practice(self, practices)


class PlannedPostForm(forms.Form):
    channel = forms.ModelChoiceField(queryset=Channel.objects.none(), empty_label=None)
    title = forms.CharField(max_length=200)
    planned_for = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Planned for")
    status = forms.ChoiceField(choices=PlannedPostStatus.choices, initial=PlannedPostStatus.PLANNED)
    notes = forms.CharField(max_length=300, required=False)

    def __init__(self, *args: Any, practices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.filter(practice__in=practices)  # type: ignore[attr-defined]


class SettingsForm(forms.Form):
    disclaimer_md = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                                    label="Disclaimer (Markdown)", help_text="Shown on every public page.")
    comment_policy_md = forms.CharField(max_length=20_000, widget=forms.Textarea(attrs={"rows": 12}),
                                        label="Comment policy (Markdown)")
    stale_after_days = forms.IntegerField(min_value=1, max_value=3650, label="A channel is stale after (days)")
