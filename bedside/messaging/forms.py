"""Web forms for secure messaging. They check shape only; the services decide what is allowed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from bedside.accounts.models import Pool, Practice, User
from bedside.core.errors import InvalidInput
from bedside.messaging.attachments import MAX_FILES_PER_MESSAGE, CleanFile, attachment_clean
from bedside.messaging.models import Category, ThreadStatus
from bedside.messaging.services import SUBJECT_MAX

# Plain-language descriptions, so a worried patient can pick without knowing our routing.
CATEGORY_LABELS: dict[str, str] = {
    Category.MEDICAL_QUESTION: "Medical question — symptoms, test results or treatment",
    Category.APPOINTMENT: "Appointment — book, change or cancel a visit",
    Category.PRESCRIPTION: "Prescription refill — a medicine you already take",
    Category.BILLING: "Billing — a bill, payment or insurance",
    Category.POST_OP: "After my surgery — healing, wound or recovery",
    Category.OTHER: "Something else",
}

ACCEPT = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Accept several uploaded files; each is checked by attachment_clean in the form's clean."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [f for f in items if f]


def _attachments_help() -> str:
    mb = settings.BEDSIDE_ATTACHMENT_MAX_BYTES / 1_048_576
    return f"Photos (JPEG, PNG) or PDF documents, up to {mb:.0f} MB each, at most {MAX_FILES_PER_MESSAGE} files."


def clean_uploads(files: Sequence[UploadedFile]) -> list[CleanFile]:
    """Read and check each upload with attachment_clean; raise ValidationError naming every bad file."""
    if len(files) > MAX_FILES_PER_MESSAGE:
        raise forms.ValidationError(f"At most {MAX_FILES_PER_MESSAGE} files can be attached to one message.")
    limit = settings.BEDSIDE_ATTACHMENT_MAX_BYTES
    cleaned: list[CleanFile] = []
    problems: list[str] = []
    for upload in files:
        name = upload.name or "attachment"
        size = upload.size or 0
        # Refuse an oversized file before reading it into memory.
        if size > limit:
            problems.append(
                f"{name}: the file is {size / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB per file."
            )
            continue
        try:
            cleaned.append(attachment_clean(name=name, data=upload.read()))
        except InvalidInput as exc:
            problems.append(f"{name}: {exc.message}")
    if problems:
        raise forms.ValidationError(problems)
    return cleaned


class NewThreadForm(forms.Form):
    practice = forms.TypedChoiceField(
        coerce=int, label="Which practice is this for?", empty_value=None,
        error_messages={"required": "Choose the practice this message is for.",
                        "invalid_choice": "Choose one of your practices from the list."},
    )
    subject = forms.CharField(
        label="Subject",
        max_length=SUBJECT_MAX,
        help_text="A few words, for example “Knee still swollen after surgery”.",
        error_messages={"required": "Give your message a short subject."},
    )
    category = forms.ChoiceField(
        label="What is your message about?",
        choices=list(CATEGORY_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what your message is about.",
                        "invalid_choice": "Choose one of the options listed."},
    )
    body = forms.CharField(
        label="Your message",
        widget=forms.Textarea(attrs={"rows": 10}),
        strip=False,
        help_text="Describe what is happening, since when, and what you would like us to do.",
        error_messages={"required": "Write your message before sending."},
    )
    attachments = AttachmentsField(label="Attach photos or documents")

    def __init__(self, *args: Any, practices: Iterable[Practice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attachments_field.help_text = _attachments_help()
        choices = [(p.pk, p.name) for p in practices]
        self.practice_choices = choices
        if len(choices) > 1:
            field = self.fields["practice"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", "Choose a practice"), *choices]
        else:
            # One practice: nothing to choose, so no field to fill in.
            del self.fields["practice"]

    @property
    def attachments_field(self) -> forms.Field:
        return self.fields["attachments"]

    def clean_attachments(self) -> list[CleanFile]:
        return clean_uploads(self.cleaned_data.get("attachments") or [])

    def chosen_practice_id(self) -> int | None:
        if "practice" in self.fields:
            value = self.cleaned_data.get("practice")
            return int(value) if value is not None else None
        return int(self.practice_choices[0][0]) if self.practice_choices else None


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 7}),
        strip=False,
        error_messages={"required": "Write your message before sending."},
    )
    attachments = AttachmentsField(label="Attach photos or documents")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _attachments_help()

    def clean_attachments(self) -> list[CleanFile]:
        return clean_uploads(self.cleaned_data.get("attachments") or [])


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label="Assigned to")

    def __init__(self, *args: Any, members: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Nobody (unassigned)"), *[(u.pk, u.display_name) for u in members]]


STATUS_CHOICES = [("open", "Open"), ("closed", "Closed")]
ASSIGNEE_CHOICES = [("", "Anyone"), ("me", "Assigned to me"), ("none", "Unassigned")]


class QueueFilterForm(forms.Form):
    """The queue's GET filters. An unknown value is dropped (and reported), never a 500."""

    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False, label="Status")
    pool = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label="Pool")
    assignee = forms.ChoiceField(choices=ASSIGNEE_CHOICES, required=False, label="Assignee")
    category = forms.ChoiceField(
        choices=[("", "All categories"), *Category.choices], required=False, label="Category"
    )

    def __init__(self, *args: Any, pools: Iterable[Pool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pools = list(pools)
        several_practices = len({p.practice_id for p in pools}) > 1
        field = self.fields["pool"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "All pools"), *[(p.pk, str(p) if several_practices else p.name) for p in pools]]

    def filters(self) -> tuple[dict[str, Any], list[str]]:
        """Return the valid filters as thread_queue keywords, and the labels of the ignored ones."""
        self.is_valid()
        data = self.cleaned_data
        ignored = [str(self.fields[name].label) for name in self.errors]
        status = data.get("status") or ThreadStatus.OPEN
        return (
            {
                "status": status,
                "pool_id": data.get("pool"),
                "assignee": data.get("assignee") or None,
                "category": data.get("category") or None,
            },
            ignored,
        )
