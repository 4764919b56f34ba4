"""Reads about relationships and consent: the gate every message passes."""

from __future__ import annotations

from django.db import connection
from django.db.models import Max, QuerySet, Subquery
from django.utils import timezone

from bedside.accounts.models import Practice, Role, User
from bedside.consent.models import (
    CareRelationship,
    ConsentDocument,
    ConsentSignature,
    Invitation,
    Scope,
)
from bedside.core.errors import Conflict, Forbidden, NotFound


def relationship_active(*, patient: User, practice: Practice) -> CareRelationship | None:
    return (
        CareRelationship.objects.filter(patient=patient, practice=practice, ended_at__isnull=True)
        .select_related("clinician")
        .first()
    )


def practices_of_patient(*, patient: User) -> QuerySet[Practice]:
    """Return the practices the patient has an established, unended relationship with."""
    return Practice.objects.filter(
        care_relationships__patient=patient, care_relationships__ended_at__isnull=True
    ).distinct()


def document_current(*, practice: Practice, scope: str) -> ConsentDocument | None:
    return ConsentDocument.objects.filter(practice=practice, scope=scope).order_by("-version").first()


def _live_signatures(*, patient: User, practice: Practice, scope: str) -> QuerySet[ConsentSignature]:
    # The current version is a subquery, not a separate read of the whole document: the gate
    # runs on every message, and a document's body is pages of text.
    current = (
        ConsentDocument.objects.filter(practice=practice, scope=scope).order_by("-version").values("pk")[:1]
    )
    return ConsentSignature.objects.filter(
        patient=patient, practice=practice, scope=scope, document_id=Subquery(current),
        revoked_at__isnull=True, superseded_at__isnull=True,
    )


def signature_live(*, patient: User, practice: Practice, scope: str) -> ConsentSignature | None:
    """Return the patient's live signature of the *current* version of SCOPE, if any.

    A signature of an older version does not count: a new version requires re-signing.
    The document comes without its body (loaded only if someone reads it).
    """
    return (
        _live_signatures(patient=patient, practice=practice, scope=scope)
        .select_related("document")
        .defer("document__body")
        .first()
    )


def consent_live(*, patient: User, practice: Practice, scope: str) -> bool:
    """Return whether the patient has a live signature of the current version of SCOPE (one statement)."""
    return _live_signatures(patient=patient, practice=practice, scope=scope).exists()


# Table names are the models' (asserted in the tests); parameters only through placeholders.
_GATE_SQL = (
    "SELECT EXISTS(SELECT 1 FROM consent_carerelationship"
    "  WHERE patient_id = %s AND practice_id = %s AND ended_at IS NULL),"
    " EXISTS(SELECT 1 FROM consent_consentsignature"
    "  WHERE patient_id = %s AND practice_id = %s AND scope = %s"
    "  AND revoked_at IS NULL AND superseded_at IS NULL"
    "  AND document_id = (SELECT id FROM consent_consentdocument"
    "   WHERE practice_id = %s AND scope = %s ORDER BY version DESC LIMIT 1))"
)


def messaging_allowed(*, patient: User, practice: Practice, scope: str) -> tuple[bool, bool]:
    """Return (established relationship, live consent to SCOPE) in one statement: the gate of every message.

    Same rules as relationship_active and consent_live. Plain SQL because it runs on every
    message and building the equivalent ORM query (two EXISTS, a subquery) cost more CPU than
    the database spends answering it.
    """
    with connection.cursor() as cursor:
        cursor.execute(_GATE_SQL, [patient.pk, practice.pk, patient.pk, practice.pk, scope, practice.pk, scope])
        related, signed = cursor.fetchone()
    return bool(related), bool(signed)


def consent_status(*, patient: User, practice: Practice) -> list[dict[str, object]]:
    """Return one row per scope the practice publishes: current document, live signature, stale flag."""
    latest = {
        row["scope"]: row["v"]
        for row in ConsentDocument.objects.filter(practice=practice).values("scope").annotate(v=Max("version"))
    }
    documents = {
        d.scope: d
        for d in ConsentDocument.objects.filter(practice=practice)
        if latest.get(d.scope) == d.version
    }
    signatures = {
        s.scope: s
        for s in ConsentSignature.objects.filter(
            patient=patient, practice=practice, revoked_at__isnull=True, superseded_at__isnull=True
        ).select_related("document")
    }
    rows: list[dict[str, object]] = []
    for scope in Scope:
        document = documents.get(scope.value)
        if document is None:
            continue
        signature = signatures.get(scope.value)
        rows.append(
            {
                "scope": scope.value,
                "label": scope.label,
                "document": document,
                "signature": signature if signature and signature.document_id == document.pk else None,
                "outdated_signature": signature if signature and signature.document_id != document.pk else None,
            }
        )
    return rows


def invitation_pending(*, token: str) -> Invitation:
    """Return the unused, unexpired invitation for a token, or raise NotFound / Conflict."""
    invitation = Invitation.objects.select_related("practice", "clinician__clinician_profile").filter(token_sha256=Invitation.digest(token)).first()
    if invitation is None:
        raise NotFound()
    if invitation.accepted_at is not None:
        raise Conflict("This invitation has already been used. Sign in with the account you created.")
    if invitation.expires_at <= timezone.now():
        raise Conflict("This invitation has expired. Ask the practice to send you a new one.")
    return invitation


def invitation_for(*, patient: User, token: str) -> Invitation:
    """Return the pending invitation of TOKEN if PATIENT may accept it: a patient account with
    the invited email address. Raise NotFound / Conflict / Forbidden otherwise."""
    invitation = invitation_pending(token=token)
    if patient.role != Role.PATIENT:
        raise Forbidden("Invitations are for patient accounts.")
    if patient.email.strip().lower() != invitation.email:
        raise Forbidden(
            "This invitation was sent to a different email address. Sign in with the account for that address."
        )
    return invitation


def invitations_pending(*, practices: QuerySet[Practice]) -> QuerySet[Invitation]:
    """Return the practices' invitations not yet used or expired, newest first."""
    return Invitation.objects.filter(
        practice__in=practices, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("practice", "invited_by").order_by("-created_at")
