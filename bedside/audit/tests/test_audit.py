"""The audit trail: the right row for each PHI read/write and auth event, no PHI in it, append-only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from bedside.accounts.models import Practice
from bedside.audit.models import Action, AuditEvent, Outcome
from bedside.audit.services import audit_record
from bedside.consent import services as consent
from bedside.consent.models import ConsentSignature, Scope, VerificationMethod
from bedside.consent.selectors import document_current, relationship_active
from bedside.core.demo import demo_password
from bedside.messaging import services
from bedside.messaging.models import Thread

pytestmark = pytest.mark.django_db

SUBJECT = "Zebrafish allergy 7Q"
BODY = "Unusual phrase: purple-walrus-ointment-4471 on my left elbow"


def riverside() -> Practice:
    return Practice.objects.get(name="Riverside Family Medicine")


def all_audit_text() -> str:
    """Return every column of every audit row, read with raw SQL (nothing hidden by the ORM)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditevent")
        rows = cursor.fetchall()
    assert rows
    return "\n".join(repr(row) for row in rows)


def only(action: str) -> AuditEvent:
    return AuditEvent.objects.get(action=action)


# --- what is recorded --------------------------------------------------------------------


def test_thread_create_view_and_reply_are_audited(api, pat_bob, dr_alice):
    bob = api(pat_bob)
    created = bob.post("/api/v1/threads", {"subject": SUBJECT, "category": "medical_question", "body": BODY},
                       content_type="application/json").json()
    thread = Thread.objects.get(pk=created["id"])
    event = only(Action.THREAD_CREATE)
    assert (event.actor_id, event.actor_role, event.patient_id, event.practice_id) == (
        pat_bob.pk, "patient", pat_bob.pk, riverside().pk)
    assert (event.object_type, event.object_id, event.ip, event.channel) == ("thread", str(thread.pk), "127.0.0.1", "api")
    assert event.outcome == Outcome.SUCCESS
    assert event.detail == {"category": "medical_question", "urgency": "routine"}

    sent = only(Action.MESSAGE_SEND)
    first = thread.messages.order_by("id").first()
    assert first is not None
    assert (sent.actor_id, sent.patient_id, sent.object_type, sent.object_id) == (
        pat_bob.pk, pat_bob.pk, "message", str(first.pk))

    alice = api(dr_alice)
    alice.get(f"/api/v1/threads/{thread.pk}")
    view = AuditEvent.objects.get(action=Action.THREAD_VIEW, actor_id=dr_alice.pk)
    assert (view.patient_id, view.object_id, view.ip, view.actor_role) == (pat_bob.pk, str(thread.pk), "127.0.0.1", "clinician")

    alice.post(f"/api/v1/threads/{thread.pk}/messages", {"body": BODY + " reply"}, content_type="application/json")
    reply = AuditEvent.objects.filter(action=Action.MESSAGE_SEND, actor_id=dr_alice.pk).get()
    assert reply.patient_id == pat_bob.pk and reply.detail["thread"] == thread.pk

    alice.get("/api/v1/threads")
    listed = AuditEvent.objects.get(action=Action.THREAD_LIST, actor_id=dr_alice.pk)
    assert listed.detail == {"count": 1}

    # No row holds any part of the subject or body, in any column.
    text = all_audit_text()
    for secret in (SUBJECT, BODY, "Zebrafish", "purple-walrus", "elbow"):
        assert secret not in text


def test_refused_message_is_audited_as_denied_without_text(api, pat_gus):
    api(pat_gus).post("/api/v1/threads", {"subject": SUBJECT, "category": "other", "body": BODY},
                      content_type="application/json")
    event = only(Action.MESSAGE_REFUSED)
    assert event.outcome == Outcome.DENIED and event.actor_id == pat_gus.pk and event.patient_id == pat_gus.pk
    assert event.detail == {"reason": "consent_required"}
    assert "Zebrafish" not in all_audit_text() and "walrus" not in all_audit_text()


def test_refusal_is_audited_when_called_from_services(pat_gus):
    with pytest.raises(services.MessagingRefused):
        services.thread_create(patient=pat_gus, practice=riverside(), subject=SUBJECT, category="other",
                               body=BODY, ip="10.0.0.9", channel="web")
    event = only(Action.MESSAGE_REFUSED)
    assert event.ip == "10.0.0.9" and event.channel == "web" and event.outcome == Outcome.DENIED


def test_consent_sign_and_revoke_are_audited(pat_gus):
    practice = riverside()
    document = document_current(practice=practice, scope=Scope.PORTAL_MESSAGING)
    assert document is not None
    signature = consent.consent_sign(patient=pat_gus, document=document, typed_name="Gus Romero", ip="10.1.2.3")
    signed = AuditEvent.objects.get(action=Action.CONSENT_SIGN, actor_id=pat_gus.pk)
    assert (signed.actor_id, signed.patient_id, signed.practice_id, signed.ip) == (
        pat_gus.pk, pat_gus.pk, practice.pk, "10.1.2.3")
    assert (signed.object_type, signed.object_id) == ("consentsignature", str(signature.pk))
    assert signed.detail == {"scope": "portal_messaging", "version": 1}
    consent.consent_revoke(patient=pat_gus, signature=signature, ip="10.1.2.4")
    revoked = only(Action.CONSENT_REVOKE)
    assert (revoked.actor_id, revoked.patient_id, revoked.ip, revoked.object_id) == (
        pat_gus.pk, pat_gus.pk, "10.1.2.4", str(signature.pk))


def test_relationship_create_and_end_are_audited(demo, staff_erin, dr_alice):
    from bedside.accounts import services as accounts

    patient = accounts.user_create(email="new@example.org", full_name="New Patient", role="patient")
    relationship = consent.relationship_create(
        actor=staff_erin, patient=patient, practice=riverside(), clinician=dr_alice,
        method=VerificationMethod.IN_PERSON, established_on=timezone.localdate() - timedelta(days=1), ip="10.0.0.1")
    created = AuditEvent.objects.get(action=Action.RELATIONSHIP_CREATE, patient_id=patient.pk)
    assert (created.actor_id, created.practice_id, created.ip, created.object_id) == (
        staff_erin.pk, riverside().pk, "10.0.0.1", str(relationship.pk))
    assert created.detail == {"method": "in_person"}
    consent.relationship_end(actor=staff_erin, relationship=relationship, reason="Patient moved to Ohio", ip="10.0.0.2")
    ended = AuditEvent.objects.get(action=Action.RELATIONSHIP_END, patient_id=patient.pk)
    assert (ended.actor_id, ended.ip, ended.object_id) == (staff_erin.pk, "10.0.0.2", str(relationship.pk))
    assert "Ohio" not in all_audit_text()


def test_web_login_and_failed_login_are_audited(pat_bob, settings):
    settings.LOGIN_REDIRECT_URL = "/"  # independent of which pages exist
    client = Client()
    response = client.post("/accounts/login/", {"login": pat_bob.email, "password": demo_password()})
    assert response.status_code == 302
    login = only(Action.AUTH_LOGIN)
    assert (login.actor_id, login.actor_role, login.ip, login.outcome) == (pat_bob.pk, "patient", "127.0.0.1", "success")
    assert (login.object_type, login.object_id, login.channel) == ("user", str(pat_bob.pk), "web")

    response = Client().post("/accounts/login/", {"login": pat_bob.email, "password": "wrong-password-x"})
    assert response.status_code == 200  # the form again, with an error
    failed = only(Action.AUTH_LOGIN_FAILED)
    assert (failed.actor_id, failed.outcome, failed.ip) == (None, Outcome.FAILURE, "127.0.0.1")
    assert pat_bob.email not in all_audit_text()  # the attempted address is not kept


def test_logout_is_audited(web_login, pat_bob):
    client = web_login(pat_bob)
    client.post("/accounts/logout/")
    assert AuditEvent.objects.filter(action=Action.AUTH_LOGOUT, actor_id=pat_bob.pk).count() == 1


def test_audit_detail_refuses_free_text(demo):
    for bad in ({"note": "patient says her knee hurts"}, {"x": "a" * 65}, {"x": ["list"]}, {"x": 1.5}):
        with pytest.raises(ValueError):
            audit_record(action=Action.THREAD_VIEW, detail=bad)
    event = audit_record(action=Action.THREAD_VIEW, detail={"reason": "consent_required", "n": 3, "ok": True})
    assert event.detail == {"reason": "consent_required", "n": 3, "ok": True}


def test_audit_failure_rolls_back_the_change(pat_bob, monkeypatch):
    # Rule 3: audit in the same transaction; if the audit row cannot be written, nothing is.
    def broken(**kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr("bedside.messaging.services.audit_record", broken)
    with pytest.raises(DatabaseError):
        services.thread_create(patient=pat_bob, practice=riverside(), subject="S", category="other", body="B")
    assert not Thread.objects.exists()


# --- append-only -------------------------------------------------------------------------


def _one_event(demo) -> AuditEvent:
    return audit_record(action=Action.THREAD_VIEW, object_type="thread", object_id=1, patient_id=1)


def test_update_of_an_audit_row_is_refused(demo):
    event = _one_event(demo)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="auth.login")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.outcome = Outcome.DENIED
        event.save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET patient_id = 99")
    assert AuditEvent.objects.get(pk=event.pk).action == Action.THREAD_VIEW


def test_delete_of_an_audit_row_is_refused(demo):
    event = _one_event(demo)
    count = AuditEvent.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == count


def test_signature_revocation_survives_in_audit_even_after_re_sign(pat_bob):
    signature = ConsentSignature.objects.get(patient=pat_bob, scope=Scope.PHOTO_SHARING, revoked_at__isnull=True)
    consent.consent_revoke(patient=pat_bob, signature=signature)
    document = document_current(practice=riverside(), scope=Scope.PHOTO_SHARING)
    assert document is not None
    consent.consent_sign(patient=pat_bob, document=document, typed_name="Bob Lindqvist")
    actions = list(AuditEvent.objects.filter(actor_id=pat_bob.pk, action__startswith="consent.")
                   .order_by("id").values_list("action", flat=True))
    # demo_load signed three scopes for Bob, then the revocation and the new signature.
    assert actions[-2:] == [Action.CONSENT_REVOKE, Action.CONSENT_SIGN]
    assert relationship_active(patient=pat_bob, practice=riverside()) is not None


def test_web_mfa_success_and_failure_are_audited(staff_erin, settings):
    from bedside.conftest import totp_now

    settings.LOGIN_REDIRECT_URL = "/"
    client = Client()
    stage = client.post("/accounts/login/", {"login": staff_erin.email, "password": demo_password()})["Location"]
    wrong = "000000" if totp_now() != "000000" else "000001"
    client.post(stage, {"code": wrong})
    failed = AuditEvent.objects.get(action=Action.AUTH_MFA_FAILED)
    assert failed.actor_id == staff_erin.pk and failed.outcome == Outcome.FAILURE and failed.ip == "127.0.0.1"
    client.post(stage, {"code": totp_now()})
    used = AuditEvent.objects.get(action=Action.AUTH_MFA_USED)
    assert used.actor_id == staff_erin.pk and used.detail == {"kind": "totp"}
    assert AuditEvent.objects.filter(action=Action.AUTH_LOGIN, actor_id=staff_erin.pk).count() == 1
