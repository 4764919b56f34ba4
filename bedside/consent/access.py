"""Who may see and act on relationships and consent documents."""

from __future__ import annotations

from bedside.accounts.models import Practice, Role, User
from bedside.consent.models import CareRelationship, ConsentDocument, ConsentSignature
from bedside.core.errors import NotFound


def access_consent_document(user: User, document_id: int) -> ConsentDocument:
    """Return a document the user may read: a patient reads documents of their practices,
    care-team members and auditors those of their own practice."""
    from bedside.consent.selectors import practices_of_patient

    document = ConsentDocument.objects.select_related("practice").filter(pk=document_id).first()
    if document is None:
        raise NotFound()
    if user.role == Role.PATIENT:
        if not practices_of_patient(patient=user).filter(pk=document.practice_id).exists():
            raise NotFound()
    elif not user.memberships.filter(practice_id=document.practice_id, is_active=True).exists():
        raise NotFound()
    return document


def access_signature(user: User, signature_id: int) -> ConsentSignature:
    signature = ConsentSignature.objects.select_related("document", "practice").filter(pk=signature_id).first()
    if signature is None or signature.patient_id != user.pk:
        raise NotFound()
    return signature


def access_practice_as_patient(user: User, practice_id: int) -> Practice:
    from bedside.consent.selectors import practices_of_patient

    practice = practices_of_patient(patient=user).filter(pk=practice_id).first() if user.role == Role.PATIENT else None
    if practice is None:
        raise NotFound()
    return practice


def access_relationship(user: User, relationship_id: int) -> CareRelationship:
    """Return an active relationship of one of USER's practices (care team only), else NotFound."""
    if user.role == Role.PATIENT:
        raise NotFound()
    relationship = (
        CareRelationship.objects.select_related("patient", "practice", "clinician__clinician_profile")
        .filter(
            pk=relationship_id, ended_at__isnull=True,
            practice__memberships__user=user, practice__memberships__is_active=True,
        )
        .first()
    )
    if relationship is None:
        raise NotFound()
    return relationship
