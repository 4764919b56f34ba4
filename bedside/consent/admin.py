from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from bedside.consent.models import CareRelationship, ConsentDocument, ConsentSignature
from bedside.core.errors import BedsideError


@admin.register(ConsentDocument)
class ConsentDocumentAdmin(admin.ModelAdmin):
    """Publishing goes through consent_document_publish: an edit is always a new version."""

    list_display = ("title", "practice", "scope", "version", "published_at")
    list_filter = ("practice", "scope")
    readonly_fields = ("version", "sha256", "published_at", "created_by")
    fields = ("practice", "scope", "title", "body", "version", "sha256", "published_at", "created_by")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from bedside.consent.services import consent_document_publish

        published = consent_document_publish(
            practice=obj.practice, scope=obj.scope, title=obj.title, body=obj.body,
            actor=request.user,  # type: ignore[arg-type]
        )
        obj.pk = published.pk
        if change:
            messages.info(request, f"Published as version {published.version}; patients must sign it again.")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ConsentSignature)
class ConsentSignatureAdmin(admin.ModelAdmin):
    list_display = ("id", "patient", "practice", "scope", "signed_at", "revoked_at", "superseded_at")
    list_filter = ("practice", "scope")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CareRelationship)
class CareRelationshipAdmin(admin.ModelAdmin):
    list_display = ("id", "patient", "practice", "clinician", "method", "established_on", "ended_at")
    list_filter = ("practice", "method")
    readonly_fields = ("verified_by", "verified_at", "ended_at", "ended_by")
    autocomplete_fields = ("patient", "clinician")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from bedside.consent.services import relationship_create

        try:
            created = relationship_create(
                actor=request.user, patient=obj.patient, practice=obj.practice,  # type: ignore[arg-type]
                method=obj.method, established_on=obj.established_on, clinician=obj.clinician,
            )
        except BedsideError as exc:
            messages.error(request, exc.message)
            return
        obj.pk = created.pk

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        return None if obj.pk is None else super().log_addition(request, obj, message)

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: Any = None) -> Any:
        if obj.pk is None:  # the service refused it; the error is already shown
            from django.http import HttpResponseRedirect
            from django.urls import reverse

            return HttpResponseRedirect(reverse("admin:consent_carerelationship_add"))
        return super().response_add(request, obj, post_url_continue)
