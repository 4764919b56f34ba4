"""Writes for care relationships and consent; each audited in the same transaction."""

from __future__ import annotations

import secrets
import unicodedata
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from bedside.accounts.models import CARE_TEAM_ROLES, Practice, Role, User
from bedside.audit.models import Action
from bedside.audit.services import audit_record
from bedside.consent.models import (
    INVITATION_DAYS,
    CareRelationship,
    ConsentDocument,
    ConsentSignature,
    Invitation,
    VerificationMethod,
)
from bedside.consent.selectors import document_current, invitation_for
from bedside.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from bedside.records.services import record_changed


def _is_member(user: User, practice: Practice) -> bool:
    return user.memberships.filter(practice=practice, is_active=True).exists()


@transaction.atomic
def relationship_create(
    *,
    actor: User,
    patient: User,
    practice: Practice,
    method: str,
    established_on: date,
    clinician: User | None = None,
    ip: str | None = None,
) -> CareRelationship:
    """Record that a patient has an established relationship with the practice (staff only)."""
    if actor.role not in CARE_TEAM_ROLES or not _is_member(actor, practice):
        raise Forbidden("Only the practice's care team can record a care relationship.")
    if patient.role != Role.PATIENT:
        raise InvalidInput("A care relationship is recorded for a patient account.", field="patient")
    if method not in VerificationMethod.values:
        raise InvalidInput(f"Unknown verification method {method!r}.", field="method")
    if established_on > timezone.localdate():
        raise InvalidInput("The establishing visit cannot be in the future.", field="established_on")
    if clinician is not None and (clinician.role != Role.CLINICIAN or not _is_member(clinician, practice)):
        raise InvalidInput("The clinician must be a clinician of this practice.", field="clinician")
    try:
        with transaction.atomic():
            relationship = CareRelationship.objects.create(
                patient=patient, practice=practice, clinician=clinician, method=method,
                established_on=established_on, verified_by=actor,
            )
    except IntegrityError as exc:
        raise Conflict("This patient already has an active relationship with the practice.") from exc
    audit_record(
        action=Action.RELATIONSHIP_CREATE, actor=actor, obj=relationship,
        patient_id=patient.pk, practice_id=practice.pk, ip=ip, detail={"method": method},
    )
    return relationship


@transaction.atomic
def relationship_end(*, actor: User, relationship: CareRelationship, reason: str, ip: str | None = None) -> CareRelationship:
    """End a relationship; messaging with the practice stops at once."""
    if actor.role not in CARE_TEAM_ROLES or not _is_member(actor, relationship.practice):
        raise Forbidden("Only the practice's care team can end a care relationship.")
    updated = CareRelationship.objects.filter(pk=relationship.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(), ended_by=actor, end_reason=reason[:200]
    )
    if updated != 1:
        raise Conflict("This relationship has already ended.")
    relationship.refresh_from_db()
    audit_record(
        action=Action.RELATIONSHIP_END, actor=actor, obj=relationship,
        patient_id=relationship.patient_id, practice_id=relationship.practice_id, ip=ip,
    )
    return relationship


@transaction.atomic
def consent_document_publish(
    *, practice: Practice, scope: str, title: str, body: str, actor: User | None = None
) -> ConsentDocument:
    """Publish a new version of a scope's document; earlier signatures no longer count."""
    body = body.strip()
    if not body:
        raise InvalidInput("A consent document needs its text.", field="body")
    current = document_current(practice=practice, scope=scope)
    if current is not None and current.body == body and current.title == title:
        return current
    return ConsentDocument.objects.create(
        practice=practice, scope=scope, version=(current.version + 1) if current else 1,
        title=title, body=body, sha256=ConsentDocument.digest(body), created_by=actor,
    )


def _normalise_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


@transaction.atomic
def consent_sign(
    *,
    patient: User,
    document: ConsentDocument,
    typed_name: str,
    ip: str | None = None,
    user_agent: str = "",
) -> ConsentSignature:
    """E-sign the current version of a document: typed full name, time, IP and the text's SHA-256."""
    if patient.role != Role.PATIENT:
        raise Forbidden("Only patients sign consent documents.")
    typed = " ".join(typed_name.split())
    if not typed:
        raise InvalidInput("Type your full name to sign.", field="typed_name")
    if _normalise_name(typed) != _normalise_name(patient.full_name):
        raise InvalidInput(
            f"The name you typed does not match the name on your account ({patient.full_name}). "
            "Type your full name exactly as shown.",
            field="typed_name",
        )
    current = document_current(practice=document.practice, scope=document.scope)
    if current is None or current.pk != document.pk:
        raise Conflict("A newer version of this document has been published; please read and sign that one.")
    # The stored digest must still match the text shown: a tampered document is never signable.
    if ConsentDocument.digest(document.body) != document.sha256:
        raise Conflict("This document cannot be signed right now; the practice has been told.")
    now = timezone.now()
    previous = ConsentSignature.objects.select_for_update().filter(
        patient=patient, practice=document.practice, scope=document.scope,
        revoked_at__isnull=True, superseded_at__isnull=True,
    )
    for old in previous:
        if old.document_id == document.pk:
            return old  # signing the same version twice is a no-op
    # Never supersede a signature of this same version: one committed by a concurrent signing
    # after the loop above read nothing must stay the live one (the insert below then fails).
    previous.exclude(document=document).update(superseded_at=now)
    try:
        with transaction.atomic():
            signature = ConsentSignature.objects.create(
                document=document, patient=patient, practice=document.practice, scope=document.scope,
                typed_name=typed, signed_at=now, ip=ip, user_agent=user_agent[:300],
                document_sha256=document.sha256,
            )
    except IntegrityError as exc:
        # A concurrent signing (a double-clicked button) committed first: same version, same result.
        live = ConsentSignature.objects.filter(
            patient=patient, practice=document.practice, scope=document.scope,
            revoked_at__isnull=True, superseded_at__isnull=True,
        ).first()
        if live is not None and live.document_id == document.pk:
            return live
        raise Conflict("This consent changed while you were signing; please reload and try again.") from exc
    audit_record(
        action=Action.CONSENT_SIGN, actor=patient, obj=signature, patient_id=patient.pk,
        practice_id=document.practice_id, ip=ip, detail={"scope": document.scope, "version": document.version},
    )
    record_changed(kind="consent", pk=signature.pk)  # EHR push after commit
    return signature


@transaction.atomic
def consent_revoke(*, patient: User, signature: ConsentSignature, ip: str | None = None) -> ConsentSignature:
    """Revoke a signature; checks made after this commit see no consent."""
    if signature.patient_id != patient.pk:
        raise NotFound()  # someone else's signature: the same answer as a missing one
    updated = ConsentSignature.objects.filter(pk=signature.pk, patient=patient, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_ip=ip
    )
    if updated != 1:
        raise Conflict("This consent was already revoked.")
    signature.refresh_from_db()
    audit_record(
        action=Action.CONSENT_REVOKE, actor=patient, obj=signature, patient_id=patient.pk,
        practice_id=signature.practice_id, ip=ip, detail={"scope": signature.scope},
    )
    record_changed(kind="consent", pk=signature.pk)  # EHR push after commit
    return signature


# ---------------------------------------------------------------------------------------------
# invitations: a practice invites a new patient by email


def _invitation_link(token: str) -> str:
    from django.conf import settings
    from django.urls import reverse

    return settings.BEDSIDE_SITE_URL.rstrip("/") + reverse("consent:invitation_open", args=[token])


def _invitation_email_send(*, email: str, link: str) -> None:
    from django.core.mail import send_mail

    # Only the link: no practice, clinician or reason, since whoever reads the inbox learns nothing.
    send_mail(
        subject="Your invitation to bedside secure messaging",
        message=(
            "Hello,\n\nYou have been invited to create a bedside account for secure messaging.\n\n"
            f"Open this link to create your account (it works once, for {INVITATION_DAYS} days):\n{link}\n\n"
            "If you were not expecting this email, you can ignore it.\n"
        ),
        from_email=None,
        recipient_list=[email],
    )


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    practice: Practice,
    email: str,
    method: str,
    established_on: date,
    clinician: User | None = None,
    ip: str | None = None,
) -> tuple[Invitation, str]:
    """Invite a patient by email (care team only); return the invitation and its one-time token.

    The care team attests the establishing visit now; the relationship is recorded when the
    patient accepts. The email (sent after commit) carries only the link.
    """
    if actor.role not in CARE_TEAM_ROLES or not _is_member(actor, practice):
        raise Forbidden("Only the practice's care team can invite a patient.")
    email = email.strip().lower()
    if not email or "@" not in email:
        raise InvalidInput("Enter the patient's email address.", field="email")
    if method not in VerificationMethod.values:
        raise InvalidInput(f"Unknown verification method {method!r}.", field="method")
    if established_on > timezone.localdate():
        raise InvalidInput("The establishing visit cannot be in the future.", field="established_on")
    if clinician is not None and (clinician.role != Role.CLINICIAN or not _is_member(clinician, practice)):
        raise InvalidInput("The clinician must be a clinician of this practice.", field="clinician")
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and existing.role != Role.PATIENT:
        raise InvalidInput("This email address belongs to a care-team account, not a patient.", field="email")
    if existing is not None and CareRelationship.objects.filter(
        patient=existing, practice=practice, ended_at__isnull=True
    ).exists():
        raise Conflict("This patient already has an active relationship with the practice.")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation.objects.create(
        practice=practice, clinician=clinician, invited_by=actor, email=email, method=method,
        established_on=established_on, token_sha256=Invitation.digest(token), created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    audit_record(
        action="invitation.create", actor=actor, obj=invitation, practice_id=practice.pk, ip=ip,
        detail={"method": method},
    )
    link = _invitation_link(token)
    # Robust: the invitation is recorded; a mail server that is down must not turn that into a
    # 500 (and a retry into a second invitation); the failure is logged, and staff can invite again.
    transaction.on_commit(lambda: _invitation_email_send(email=email, link=link), robust=True)
    return invitation, token


@transaction.atomic
def invitation_accept(*, patient: User, token: str, ip: str | None = None) -> CareRelationship:
    """Use an invitation once: record the care relationship its inviter attested.

    Only the account with the invited email address can accept; the claim is a compare-and-set
    on `accepted_at`, so two concurrent uses record one relationship.
    """
    invitation = invitation_for(patient=patient, token=token)
    now = timezone.now()
    claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, expires_at__gt=now).update(
        accepted_at=now, accepted_by=patient
    )
    if claimed != 1:
        raise Conflict("This invitation has already been used. Sign in with the account you created.")
    relationship = CareRelationship.objects.filter(
        patient=patient, practice=invitation.practice, ended_at__isnull=True
    ).first()
    if relationship is None:
        # The inviter attested the visit, so the relationship is theirs to record; it fails (and the
        # claim rolls back) if they have since left the practice.
        relationship = relationship_create(
            actor=invitation.invited_by, patient=patient, practice=invitation.practice,
            method=invitation.method, established_on=invitation.established_on,
            clinician=invitation.clinician, ip=ip,
        )
    Invitation.objects.filter(pk=invitation.pk).update(relationship=relationship)
    audit_record(
        action="invitation.accept", actor=patient, obj=invitation, patient_id=patient.pk,
        practice_id=invitation.practice_id, ip=ip,
    )
    return relationship
