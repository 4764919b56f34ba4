"""Care relationships and consent: who may record them, versioned documents, signatures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bedside.accounts import services as accounts
from bedside.accounts.models import Practice, Role
from bedside.consent import services as consent
from bedside.consent.models import CareRelationship, ConsentDocument, ConsentSignature, Scope
from bedside.consent.selectors import (
    consent_status,
    document_current,
    relationship_active,
    signature_live,
)
from bedside.core.errors import Conflict, Forbidden, InvalidInput, NotFound

pytestmark = pytest.mark.django_db


def riverside() -> Practice:
    return Practice.objects.get(name="Riverside Family Medicine")


def portal_document() -> ConsentDocument:
    document = document_current(practice=riverside(), scope=Scope.PORTAL_MESSAGING)
    assert document is not None
    return document


def new_patient(email: str = "newp@example.org", name: str = "Nell Patient"):
    return accounts.user_create(email=email, full_name=name, role=Role.PATIENT)


# --- relationships -----------------------------------------------------------------------


def test_relationship_create_rules(staff_erin, dr_alice, dr_charlie, pat_dana, aud_frank):
    patient = new_patient()
    today = timezone.localdate()
    with pytest.raises(Forbidden):  # another practice's clinician
        consent.relationship_create(actor=dr_charlie, patient=patient, practice=riverside(), method="in_person",
                                    established_on=today)
    with pytest.raises(Forbidden):  # auditors do not record care
        consent.relationship_create(actor=aud_frank, patient=patient, practice=riverside(), method="in_person",
                                    established_on=today)
    with pytest.raises(Forbidden):
        consent.relationship_create(actor=patient, patient=patient, practice=riverside(), method="in_person",
                                    established_on=today)
    with pytest.raises(InvalidInput):
        consent.relationship_create(actor=staff_erin, patient=dr_alice, practice=riverside(), method="in_person",
                                    established_on=today)
    with pytest.raises(InvalidInput):
        consent.relationship_create(actor=staff_erin, patient=patient, practice=riverside(), method="email",
                                    established_on=today)
    with pytest.raises(InvalidInput):
        consent.relationship_create(actor=staff_erin, patient=patient, practice=riverside(), method="in_person",
                                    established_on=today + timedelta(days=1))
    with pytest.raises(InvalidInput):
        consent.relationship_create(actor=staff_erin, patient=patient, practice=riverside(), method="in_person",
                                    established_on=today, clinician=dr_charlie)
    assert not CareRelationship.objects.filter(patient=patient).exists()
    relationship = consent.relationship_create(actor=staff_erin, patient=patient, practice=riverside(),
                                               method="telehealth", established_on=today, clinician=dr_alice)
    assert relationship_active(patient=patient, practice=riverside()) == relationship
    with pytest.raises(Conflict):
        consent.relationship_create(actor=staff_erin, patient=patient, practice=riverside(), method="in_person",
                                    established_on=today)


def test_relationship_end_rules(pat_bob, staff_erin, dr_charlie):
    relationship = relationship_active(patient=pat_bob, practice=riverside())
    assert relationship is not None
    with pytest.raises(Forbidden):
        consent.relationship_end(actor=dr_charlie, relationship=relationship, reason="not mine")
    with pytest.raises(Forbidden):
        consent.relationship_end(actor=pat_bob, relationship=relationship, reason="me")
    ended = consent.relationship_end(actor=staff_erin, relationship=relationship, reason="x" * 500)
    assert ended.ended_at is not None and ended.ended_by == staff_erin and len(ended.end_reason) == 200
    assert relationship_active(patient=pat_bob, practice=riverside()) is None
    with pytest.raises(Conflict):
        consent.relationship_end(actor=staff_erin, relationship=relationship, reason="again")


# --- documents and signatures ------------------------------------------------------------


def test_publishing_the_same_text_is_idempotent(demo):
    current = portal_document()
    again = consent.consent_document_publish(practice=riverside(), scope=Scope.PORTAL_MESSAGING,
                                             title=current.title, body=current.body + "\n\n")
    assert again.pk == current.pk
    with pytest.raises(InvalidInput):
        consent.consent_document_publish(practice=riverside(), scope=Scope.PORTAL_MESSAGING, title="t", body="  ")


def test_sign_requires_the_account_name(pat_gus):
    document = portal_document()
    with pytest.raises(InvalidInput):
        consent.consent_sign(patient=pat_gus, document=document, typed_name="")
    with pytest.raises(InvalidInput) as info:
        consent.consent_sign(patient=pat_gus, document=document, typed_name="Bob Lindqvist")
    assert info.value.field == "typed_name"
    signature = consent.consent_sign(patient=pat_gus, document=document, typed_name="  GUS   romero ",
                                     ip="10.0.0.5", user_agent="UA" * 400)
    assert signature.typed_name == "GUS romero" and signature.document_sha256 == document.sha256
    assert signature.ip == "10.0.0.5" and len(signature.user_agent) == 300
    assert signature_live(patient=pat_gus, practice=riverside(), scope=Scope.PORTAL_MESSAGING) == signature


def test_signing_twice_is_a_no_op(pat_gus):
    document = portal_document()
    first = consent.consent_sign(patient=pat_gus, document=document, typed_name="Gus Romero")
    second = consent.consent_sign(patient=pat_gus, document=document, typed_name="Gus Romero")
    assert first.pk == second.pk
    assert ConsentSignature.objects.filter(patient=pat_gus).count() == 1


def test_only_patients_sign(dr_alice):
    with pytest.raises(Forbidden):
        consent.consent_sign(patient=dr_alice, document=portal_document(), typed_name="Alice Moreno")


def test_old_version_cannot_be_signed_and_new_version_supersedes(pat_bob):
    old = portal_document()
    new = consent.consent_document_publish(practice=riverside(), scope=Scope.PORTAL_MESSAGING, title=old.title,
                                           body=old.body + "\n8. New clause.")
    assert signature_live(patient=pat_bob, practice=riverside(), scope=Scope.PORTAL_MESSAGING) is None
    row = next(r for r in consent_status(patient=pat_bob, practice=riverside()) if r["scope"] == "portal_messaging")
    assert row["signature"] is None and row["outdated_signature"] is not None
    with pytest.raises(Conflict):
        consent.consent_sign(patient=pat_bob, document=old, typed_name="Bob Lindqvist")
    signature = consent.consent_sign(patient=pat_bob, document=new, typed_name="Bob Lindqvist")
    assert ConsentSignature.objects.get(document=old, patient=pat_bob).superseded_at is not None
    assert signature_live(patient=pat_bob, practice=riverside(), scope=Scope.PORTAL_MESSAGING) == signature


def test_tampered_document_cannot_be_signed(pat_gus):
    document = portal_document()
    ConsentDocument.objects.filter(pk=document.pk).update(body=document.body + " (and we may sell your data)")
    document.refresh_from_db()
    with pytest.raises(Conflict):
        consent.consent_sign(patient=pat_gus, document=document, typed_name="Gus Romero")


def test_revoke_only_own_and_once(pat_bob, pat_dana):
    signature = ConsentSignature.objects.get(patient=pat_bob, scope=Scope.PORTAL_MESSAGING, revoked_at__isnull=True)
    with pytest.raises(NotFound):
        consent.consent_revoke(patient=pat_dana, signature=signature)
    assert ConsentSignature.objects.get(pk=signature.pk).revoked_at is None
    revoked = consent.consent_revoke(patient=pat_bob, signature=signature, ip="10.9.9.9")
    assert revoked.revoked_at is not None and revoked.revoked_ip == "10.9.9.9"
    with pytest.raises(Conflict):
        consent.consent_revoke(patient=pat_bob, signature=signature)
    assert signature_live(patient=pat_bob, practice=riverside(), scope=Scope.PORTAL_MESSAGING) is None
    # Re-signing after a revocation works and is live again.
    consent.consent_sign(patient=pat_bob, document=portal_document(), typed_name="Bob Lindqvist")
    assert signature_live(patient=pat_bob, practice=riverside(), scope=Scope.PORTAL_MESSAGING) is not None


def test_demo_load_is_idempotent(demo):
    from bedside.core.demo import demo_load

    counts = (CareRelationship.objects.count(), ConsentSignature.objects.count(), ConsentDocument.objects.count())
    demo_load()
    assert (CareRelationship.objects.count(), ConsentSignature.objects.count(),
            ConsentDocument.objects.count()) == counts
