"""The consent and care-relationship web pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bedside.accounts.models import Practice, User
from bedside.audit.models import AuditEvent
from bedside.consent import services
from bedside.consent.models import CareRelationship, ConsentSignature, Scope
from bedside.consent.selectors import document_current, relationship_active, signature_live

pytestmark = pytest.mark.django_db


def riverside() -> Practice:
    return Practice.objects.get(name="Riverside Family Medicine")


def lakeside() -> Practice:
    return Practice.objects.get(name="Lakeside Orthopedics")


def portal_doc(practice: Practice):
    document = document_current(practice=practice, scope=Scope.PORTAL_MESSAGING)
    assert document is not None
    return document


def text(response) -> str:
    return response.content.decode()


# --- the list ------------------------------------------------------------------------------


def test_bob_sees_signed_and_unsigned_consents(web_login, pat_bob):
    response = web_login(pat_bob).get("/consents/")
    assert response.status_code == 200
    html = text(response)
    assert "Riverside Family Medicine" in html and "Lakeside Orthopedics" not in html
    assert "Secure portal messaging" in html and "Sharing with a referred specialist" in html
    assert html.count("badge--signed") == 4  # portal messaging, email notifications, photo sharing, email messaging
    assert "Not signed" in html
    live = signature_live(patient=pat_bob, practice=riverside(), scope=Scope.PORTAL_MESSAGING)
    assert live is not None
    assert f'href="/consents/signatures/{live.pk}/revoke/"' in html
    assert f'href="/consents/documents/{portal_doc(riverside()).pk}/"' in html


def test_new_version_asks_to_sign_again(web_login, pat_bob):
    services.consent_document_publish(practice=riverside(), scope=Scope.PORTAL_MESSAGING,
                                      title="Secure messaging v2", body="New terms.\n\n  Indented line.")
    html = text(web_login(pat_bob).get("/consents/"))
    assert "Updated — please sign again" in html and "You signed version 1" in html
    # The compose page is closed until Bob signs the new version.
    assert web_login(pat_bob).get("/messages/new/").status_code == 403


def test_care_team_list_redirects_and_others_404(web_login, staff_erin, aud_frank):
    assert web_login(staff_erin).get("/consents/")["Location"] == "/consents/relationships/"
    assert web_login(aud_frank).get("/consents/").status_code == 404


# --- reading and signing ---------------------------------------------------------------------------


def test_document_shows_exact_text_and_sign_form(web_login, pat_gus):
    document = portal_doc(riverside())
    response = web_login(pat_gus).get(f"/consents/documents/{document.pk}/")
    assert response.status_code == 200
    html = text(response)
    assert 'class="document-text"' in html
    assert "1. Not for emergencies. Secure messages are not monitored around the clock." in html
    assert "Type your full name to sign" in html and "Exactly as on your account: Gus Romero" in html
    assert "I have read this document" in html and 'type="checkbox"' in html
    assert "style=" not in html


def test_sign_with_wrong_name_is_refused_and_keeps_input(web_login, pat_gus):
    document = portal_doc(riverside())
    client = web_login(pat_gus)
    response = client.post(f"/consents/documents/{document.pk}/", {"typed_name": "Gus Rommero", "agree": "on"})
    assert response.status_code == 400
    html = text(response)
    assert "does not match the name on your account (Gus Romero)" in html
    assert 'value="Gus Rommero"' in html and "checked" in html
    assert not ConsentSignature.objects.filter(patient=pat_gus).exists()


def test_sign_requires_the_checkbox(web_login, pat_gus):
    document = portal_doc(riverside())
    response = web_login(pat_gus).post(f"/consents/documents/{document.pk}/", {"typed_name": "Gus Romero"})
    assert response.status_code == 400
    html = text(response)
    assert "Please confirm that you have read the document." in html and 'value="Gus Romero"' in html
    assert not ConsentSignature.objects.filter(patient=pat_gus).exists()


def test_gus_signs_and_can_then_message(web_login, pat_gus):
    document = portal_doc(riverside())
    client = web_login(pat_gus)
    assert client.get("/messages/new/").status_code == 403
    response = client.post(f"/consents/documents/{document.pk}/",
                           {"typed_name": "  gus   ROMERO ", "agree": "on"}, HTTP_USER_AGENT="TestBrowser/1.0")
    assert response.status_code == 302 and response["Location"] == "/consents/"
    signature = ConsentSignature.objects.get(patient=pat_gus, scope=Scope.PORTAL_MESSAGING)
    assert signature.document == document and signature.user_agent == "TestBrowser/1.0"
    assert signature.ip == "127.0.0.1" and signature.document_sha256 == document.sha256
    assert AuditEvent.objects.filter(action="consent.sign", actor_id=pat_gus.pk).exists()
    assert client.get("/messages/new/").status_code == 200
    # The document page now says it is signed, without a form.
    html = text(client.get(f"/consents/documents/{document.pk}/"))
    assert "You signed this version" in html and 'name="typed_name"' not in html


def test_old_version_cannot_be_signed(web_login, pat_gus):
    old = portal_doc(riverside())
    new = services.consent_document_publish(practice=riverside(), scope=Scope.PORTAL_MESSAGING,
                                            title="Secure messaging v2", body="Updated terms.")
    client = web_login(pat_gus)
    html = text(client.get(f"/consents/documents/{old.pk}/"))
    assert "This is an earlier version" in html and f"/consents/documents/{new.pk}/" in html
    assert 'name="typed_name"' not in html
    response = client.post(f"/consents/documents/{old.pk}/", {"typed_name": "Gus Romero", "agree": "on"})
    assert response.status_code == 302
    assert not ConsentSignature.objects.filter(patient=pat_gus).exists()


@pytest.mark.parametrize("who", ["pat_dana", "dr_charlie"])
def test_strangers_cannot_read_or_sign_riverside_documents(request, web_login, demo, who):
    document = portal_doc(riverside())
    client = web_login(request.getfixturevalue(who))
    assert client.get(f"/consents/documents/{document.pk}/").status_code == 404
    assert client.post(f"/consents/documents/{document.pk}/", {"typed_name": "x", "agree": "on"}).status_code == 404
    assert client.get("/consents/documents/999999/").status_code == 404


def test_care_team_reads_documents_without_sign_form(web_login, dr_alice):
    html = text(web_login(dr_alice).get(f"/consents/documents/{portal_doc(riverside()).pk}/"))
    assert "Not for emergencies" in html and 'name="typed_name"' not in html


# --- revoking ---------------------------------------------------------------------------------


def test_bob_revokes_after_confirmation(web_login, pat_bob):
    signature = signature_live(patient=pat_bob, practice=riverside(), scope=Scope.PORTAL_MESSAGING)
    assert signature is not None
    client = web_login(pat_bob)
    page = client.get(f"/consents/signatures/{signature.pk}/revoke/")
    assert page.status_code == 200
    html = text(page)
    assert "Revoking takes effect immediately." in html
    assert "You will no longer be able to send secure messages to Riverside Family Medicine" in html
    signature.refresh_from_db()
    assert signature.revoked_at is None  # the GET only asks

    response = client.post(f"/consents/signatures/{signature.pk}/revoke/", follow=True)
    assert response.status_code == 200 and "took effect immediately" in text(response)
    signature.refresh_from_db()
    assert signature.revoked_at is not None and signature.revoked_ip == "127.0.0.1"
    assert AuditEvent.objects.filter(action="consent.revoke", actor_id=pat_bob.pk).exists()
    new = client.get("/messages/new/")
    assert new.status_code == 403 and "read and sign the practice’s secure-messaging consent" in text(new)
    # Revoking twice is harmless.
    again = client.post(f"/consents/signatures/{signature.pk}/revoke/", follow=True)
    assert again.status_code == 200 and "already revoked" in text(again)


@pytest.mark.parametrize("who", ["pat_dana", "dr_alice", "staff_erin"])
def test_nobody_else_can_revoke_bobs_signature(request, web_login, pat_bob, who):
    signature = signature_live(patient=pat_bob, practice=riverside(), scope=Scope.PORTAL_MESSAGING)
    assert signature is not None
    client = web_login(request.getfixturevalue(who))
    assert client.get(f"/consents/signatures/{signature.pk}/revoke/").status_code == 404
    assert client.post(f"/consents/signatures/{signature.pk}/revoke/").status_code == 404
    signature.refresh_from_db()
    assert signature.revoked_at is None


# --- care relationships --------------------------------------------------------------------------


def test_erin_lists_relationships(web_login, staff_erin):
    response = web_login(staff_erin).get("/consents/relationships/")
    assert response.status_code == 200
    html = text(response)
    assert "Bob Lindqvist" in html and "Gus Romero" in html and "Dana Whitfield" not in html
    assert "Dr. Alice Moreno" in html


@pytest.mark.parametrize("who", ["pat_bob", "aud_frank"])
def test_relationship_pages_are_care_team_only(request, web_login, who):
    client = web_login(request.getfixturevalue(who))
    assert client.get("/consents/relationships/").status_code == 404
    assert client.get("/consents/relationships/new/").status_code == 404


def test_erin_records_a_relationship(web_login, staff_erin, dr_alice):
    nia = User.objects.create_user(email="nia@example.org", password="a-long-password-1", full_name="Nia Park")
    client = web_login(staff_erin)
    page = text(client.get("/consents/relationships/new/"))
    assert "Dr. Alice Moreno" in page and "Dr. Charlie Okafor" not in page and 'type="date"' in page
    response = client.post("/consents/relationships/new/", {
        "patient_email": "NIA@example.org", "method": "telehealth",
        "established_on": (timezone.localdate() - timedelta(days=2)).isoformat(), "clinician": dr_alice.pk,
    })
    assert response.status_code == 302, text(response)
    relationship = relationship_active(patient=nia, practice=riverside())
    assert relationship is not None and relationship.clinician == dr_alice and relationship.verified_by == staff_erin
    assert relationship.method == "telehealth"
    # Nia can now read and sign Riverside's consents.
    assert web_login(nia).get(f"/consents/documents/{portal_doc(riverside()).pk}/").status_code == 200


def test_relationship_form_errors_keep_input(web_login, staff_erin, pat_bob, demo):
    client = web_login(staff_erin)
    today = timezone.localdate()
    unknown = client.post("/consents/relationships/new/", {
        "patient_email": "nobody@example.org", "method": "in_person", "established_on": today.isoformat()})
    assert unknown.status_code == 400
    assert "No patient account uses this email address" in text(unknown)
    assert 'value="nobody@example.org"' in text(unknown)

    future = client.post("/consents/relationships/new/", {
        "patient_email": "dana@demo.bedside", "method": "in_person",
        "established_on": (today + timedelta(days=3)).isoformat()})
    assert future.status_code == 400 and "cannot be in the future" in text(future)
    assert relationship_active(patient=User.objects.get(email="dana@demo.bedside"), practice=riverside()) is None

    duplicate = client.post("/consents/relationships/new/", {
        "patient_email": pat_bob.email, "method": "in_person", "established_on": today.isoformat()})
    assert duplicate.status_code == 409 and "already has an active relationship" in text(duplicate)

    clinician = client.post("/consents/relationships/new/", {
        "patient_email": "dana@demo.bedside", "method": "in_person", "established_on": today.isoformat(),
        "clinician": User.objects.get(email="charlie@demo.bedside").pk})
    assert clinician.status_code == 400

    bad = client.post("/consents/relationships/new/", {
        "patient_email": "not-an-email", "method": "smoke-signals", "established_on": "yesterday"})
    assert bad.status_code == 400
    assert CareRelationship.objects.filter(practice=riverside()).count() == 2


def test_erin_ends_a_relationship_with_a_reason(web_login, staff_erin, pat_gus):
    relationship = relationship_active(patient=pat_gus, practice=riverside())
    assert relationship is not None
    client = web_login(staff_erin)
    page = text(client.get(f"/consents/relationships/{relationship.pk}/end/"))
    assert "will no longer be able to send secure messages" in page
    missing = client.post(f"/consents/relationships/{relationship.pk}/end/", {"reason": ""})
    assert missing.status_code == 400 and "Give a short reason" in text(missing)
    response = client.post(f"/consents/relationships/{relationship.pk}/end/", {"reason": "Moved away"})
    assert response.status_code == 302 and response["Location"] == "/consents/relationships/"
    relationship.refresh_from_db()
    assert relationship.ended_at is not None and relationship.end_reason == "Moved away"
    assert relationship.ended_by == staff_erin
    # Ended relationships are gone from the list and cannot be ended again.
    listing = text(client.get("/consents/relationships/"))
    assert "Ended the care relationship with Gus Romero." in listing
    assert f"/consents/relationships/{relationship.pk}/end/" not in listing
    assert client.post(f"/consents/relationships/{relationship.pk}/end/", {"reason": "x"}).status_code == 404


@pytest.mark.parametrize("who", ["dr_charlie", "pat_bob", "aud_frank"])
def test_others_cannot_end_bobs_relationship(request, web_login, pat_bob, who):
    relationship = relationship_active(patient=pat_bob, practice=riverside())
    assert relationship is not None
    client = web_login(request.getfixturevalue(who))
    assert client.get(f"/consents/relationships/{relationship.pk}/end/").status_code == 404
    assert client.post(f"/consents/relationships/{relationship.pk}/end/", {"reason": "x"}).status_code == 404
    relationship.refresh_from_db()
    assert relationship.ended_at is None


def test_charlie_records_for_his_own_practice_only(web_login, dr_charlie, pat_bob):
    client = web_login(dr_charlie)
    response = client.post("/consents/relationships/new/", {
        "patient_email": pat_bob.email, "method": "in_person", "established_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assert relationship_active(patient=pat_bob, practice=lakeside()) is not None
    assert "Bob Lindqvist" in text(client.get("/consents/relationships/"))
