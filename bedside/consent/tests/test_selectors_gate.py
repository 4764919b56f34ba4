"""The one-statement messaging gate agrees with the selectors it stands for."""

from __future__ import annotations

import pytest

from bedside.accounts.models import Practice
from bedside.consent import services as consent
from bedside.consent.models import CareRelationship, ConsentDocument, ConsentSignature, Scope
from bedside.consent.selectors import (
    _GATE_SQL,
    consent_live,
    document_current,
    messaging_allowed,
    relationship_active,
    signature_live,
)

pytestmark = pytest.mark.django_db
PORTAL = Scope.PORTAL_MESSAGING


def riverside() -> Practice:
    return Practice.objects.get(name="Riverside Family Medicine")


def gate(patient) -> tuple[bool, bool]:
    practice = riverside()
    expected = (
        relationship_active(patient=patient, practice=practice) is not None,
        signature_live(patient=patient, practice=practice, scope=PORTAL) is not None,
    )
    assert consent_live(patient=patient, practice=practice, scope=PORTAL) == expected[1]
    got = messaging_allowed(patient=patient, practice=practice, scope=PORTAL)
    assert got == expected
    return got


def test_gate_sql_names_the_models_tables():
    for model in (CareRelationship, ConsentSignature, ConsentDocument):
        assert f" {model._meta.db_table}" in _GATE_SQL


def test_gate_follows_relationship_and_consent(pat_bob, pat_gus, pat_dana, dr_alice):
    assert gate(pat_bob) == (True, True)
    assert gate(pat_dana) == (False, False)  # another practice's patient
    assert gate(pat_gus) == (True, False)  # related, not signed
    consent.consent_sign(patient=pat_gus, document=document_current(practice=riverside(), scope=PORTAL),
                         typed_name="Gus Romero")
    assert gate(pat_gus) == (True, True)


def test_gate_refuses_revoked_outdated_and_ended(pat_bob, dr_alice):
    signature = ConsentSignature.objects.get(patient=pat_bob, scope=PORTAL, revoked_at__isnull=True)
    consent.consent_revoke(patient=pat_bob, signature=signature)
    assert gate(pat_bob) == (True, False)
    old = document_current(practice=riverside(), scope=PORTAL)
    assert old is not None
    consent.consent_sign(patient=pat_bob, document=old, typed_name="Bob Lindqvist")
    assert gate(pat_bob) == (True, True)
    consent.consent_document_publish(practice=riverside(), scope=PORTAL, title=old.title, body=old.body + "\n9. New.")
    assert gate(pat_bob) == (True, False)  # a new version needs signing again
    for relationship in CareRelationship.objects.filter(patient=pat_bob, ended_at__isnull=True):
        consent.relationship_end(actor=dr_alice, relationship=relationship, reason="moved away")
    assert gate(pat_bob) == (False, False)


def test_signature_live_leaves_the_document_body_unloaded(pat_bob):
    signature = signature_live(patient=pat_bob, practice=riverside(), scope=PORTAL)
    assert signature is not None
    assert "body" in signature.document.get_deferred_fields()
    assert signature.document.body  # still readable on demand
