"""Admin for EHR clients and endpoints, the push outbox (dead letters with a retry action) and transcripts."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from bedside.accounts.models import User
from bedside.core.errors import InvalidInput
from bedside.records import services
from bedside.records.models import EhrClient, EhrEndpoint, PushJob, Transcript


@admin.register(EhrClient)
class EhrClientAdmin(admin.ModelAdmin):
    list_display = ("name", "client_id", "practice", "scopes", "is_active", "created_at")
    list_filter = ("practice", "is_active")


class EhrEndpointForm(forms.ModelForm):
    """The credential is write-only: typed in, stored encrypted, never shown back."""

    base_url = forms.URLField(max_length=300, assume_scheme="https",
                              help_text="FHIR base URL, https://… (no private addresses).")
    new_credential = forms.CharField(
        required=False, strip=True, widget=forms.PasswordInput(render_value=False),
        label="Credential", help_text="Bearer credential the EHR expects. Leave empty to keep the current one.",
    )

    class Meta:
        model = EhrEndpoint
        fields = ("practice", "name", "base_url", "is_active")

    def clean_base_url(self) -> str:
        try:
            return services.ehr_url_check(self.cleaned_data["base_url"])
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message) from exc

    def save(self, commit: bool = True) -> EhrEndpoint:
        endpoint: EhrEndpoint = super().save(commit=False)
        if self.cleaned_data.get("new_credential"):
            endpoint.credential = self.cleaned_data["new_credential"]
        if commit:
            endpoint.save()
        return endpoint


@admin.register(EhrEndpoint)
class EhrEndpointAdmin(admin.ModelAdmin):
    form = EhrEndpointForm
    list_display = ("name", "practice", "base_url", "is_active")
    list_filter = ("practice", "is_active")


@admin.action(description="Retry delivery now")
def retry(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[PushJob]) -> None:
    actor = request.user if isinstance(request.user, User) else None
    count = services.push_retry(job_ids=list(queryset.values_list("pk", flat=True)), actor=actor)
    modeladmin.message_user(request, f"{count} push job(s) queued again.", messages.SUCCESS)


@admin.register(PushJob)
class PushJobAdmin(admin.ModelAdmin):
    list_display = ("pk", "endpoint", "kind", "object_id", "state", "attempts", "next_attempt_at", "last_error")
    list_filter = ("state", "kind", "endpoint__practice")
    readonly_fields = [f.name for f in PushJob._meta.fields]
    actions = [retry]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[PushJob]:
        return super().get_queryset(request).select_related("endpoint__practice")


@admin.register(Transcript)
class TranscriptAdmin(admin.ModelAdmin):
    list_display = ("pk", "thread", "reason", "message_count", "size", "created_at")
    readonly_fields = [f.name for f in Transcript._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


