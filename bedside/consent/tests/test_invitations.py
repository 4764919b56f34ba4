"""Patient invitations: the care team invites by email, the patient signs up through the link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from bedside.accounts.models import Practice, Role, User
from bedside.audit.models import AuditEvent
from bedside.consent import services
from bedside.consent.models import CareRelationship, Invitation, VerificationMethod
from bedside.core.errors import Conflict, Forbidden, InvalidInput, NotFound

pytestmark = pytest.mark.django_db

NEW = "new@example.org"
SIGNUP_PASSWORD = "a-long-new-patient-password-7"


def riverside() -> Practice:
    return Practice.objects.get(name="Riverside Family Medicine")


def invite(actor: User, *, email: str = NEW, clinician: User | None = None) -> tuple[Invitation, str]:
    return services.invitation_create(
        actor=actor, practice=riverside(), email=email, method=VerificationMethod.IN_PERSON,
        established_on=timezone.localdate() - timedelta(days=1), clinician=clinician,
    )


def new_patient(email: str = NEW, name: str = "Nadia Newcomb") -> User:
    return User.objects.create_user(email=email, password=SIGNUP_PASSWORD, full_name=name, role=Role.PATIENT)


def link_path(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/consents/invitations/[^\s]+/)", body)
    assert match, body
    return match.group(1)


# --- services ------------------------------------------------------------------------------


def test_invitation_stores_only_the_token_hash_and_mails_only_a_link(
    staff_erin, dr_alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invite(staff_erin, clinician=dr_alice)
    assert invitation.token_sha256 == Invitation.digest(token) and token not in invitation.token_sha256
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [NEW]
    assert link_path(message.body) == f"/consents/invitations/{token}/"
    for phi in ("Riverside", "Alice", "Moreno", "Family", "in person", "visit"):
        assert phi.lower() not in (message.subject + message.body).lower()
    event = AuditEvent.objects.get(action="invitation.create")
    assert event.actor_id == staff_erin.pk and event.object_id == str(invitation.pk)
    assert NEW not in str(event.detail)


def test_no_mail_when_the_transaction_rolls_back(staff_erin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite(staff_erin)
    assert len(callbacks) == 1 and mail.outbox == []


def test_accepting_records_the_relationship_with_the_inviting_practice(staff_erin, dr_alice):
    invitation, token = invite(staff_erin, clinician=dr_alice)
    patient = new_patient()
    relationship = services.invitation_accept(patient=patient, token=token)
    assert relationship.practice == riverside() and relationship.clinician == dr_alice
    assert relationship.verified_by == staff_erin and relationship.method == VerificationMethod.IN_PERSON
    invitation.refresh_from_db()
    assert invitation.accepted_by == patient and invitation.relationship == relationship
    assert AuditEvent.objects.filter(action="invitation.accept", actor_id=patient.pk, patient_id=patient.pk).exists()
    assert AuditEvent.objects.filter(action="relationship.create", patient_id=patient.pk).exists()


def test_an_invitation_works_once(staff_erin):
    _invitation, token = invite(staff_erin)
    patient = new_patient()
    services.invitation_accept(patient=patient, token=token)
    with pytest.raises(Conflict, match="already been used"):
        services.invitation_accept(patient=patient, token=token)
    assert CareRelationship.objects.filter(patient=patient).count() == 1


def test_an_expired_invitation_is_refused(staff_erin):
    invitation, token = invite(staff_erin)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(Conflict, match="expired"):
        services.invitation_accept(patient=new_patient(), token=token)
    assert not CareRelationship.objects.filter(patient__email=NEW).exists()


def test_only_the_invited_address_can_accept(staff_erin, pat_dana):
    _invitation, token = invite(staff_erin)
    with pytest.raises(Forbidden, match="different email address"):
        services.invitation_accept(patient=pat_dana, token=token)
    assert not CareRelationship.objects.filter(patient=pat_dana, practice=riverside()).exists()


def test_unknown_token_is_not_found(pat_dana):
    with pytest.raises(NotFound):
        services.invitation_accept(patient=pat_dana, token="not-a-token")


def test_charlie_and_dana_cannot_invite_for_riverside(dr_charlie, pat_dana):
    for actor in (dr_charlie, pat_dana):
        with pytest.raises(Forbidden):
            invite(actor)
    assert not Invitation.objects.exists()


def test_inviting_a_patient_already_in_care_is_a_conflict(staff_erin, pat_bob):
    with pytest.raises(Conflict):
        invite(staff_erin, email=pat_bob.email)


def test_a_care_team_address_cannot_be_invited(staff_erin, dr_charlie):
    with pytest.raises(InvalidInput):
        invite(staff_erin, email=dr_charlie.email)


# --- web pages -----------------------------------------------------------------------------


def _post_invitation(client: Client, **overrides: str):
    data = {
        "email": NEW, "method": VerificationMethod.IN_PERSON,
        "established_on": (timezone.localdate() - timedelta(days=1)).isoformat(), "clinician": "",
    }
    data.update(overrides)
    return client.post("/consents/invitations/", data)


def test_erin_invites_and_sees_the_open_invitation(web_login, staff_erin, django_capture_on_commit_callbacks):
    client = web_login(staff_erin)
    assert client.get("/consents/invitations/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_invitation(client)
    assert response.status_code == 302 and response["Location"] == "/consents/invitations/"
    assert len(mail.outbox) == 1
    page = client.get("/consents/invitations/").content.decode()
    assert NEW in page and "Invitation sent to new@example.org" in page


def test_bad_input_keeps_what_was_typed(web_login, staff_erin):
    response = _post_invitation(web_login(staff_erin), email="not-an-email", established_on="2999-01-01")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="not-an-email"' in html and "Enter a valid email address." in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html or "id_email_error" in html
    assert not Invitation.objects.exists()


def test_charlie_sees_no_riverside_invitation_and_dana_is_refused(web_login, staff_erin, dr_charlie, pat_dana):
    _post_invitation(web_login(staff_erin))
    page = web_login(dr_charlie).get("/consents/invitations/").content.decode()
    assert NEW not in page
    assert web_login(pat_dana).get("/consents/invitations/").status_code == 404
    assert _post_invitation(web_login(pat_dana)).status_code == 404
    assert Invitation.objects.count() == 1


def test_signup_through_the_link_lands_on_the_consent_page(staff_erin, dr_alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, _token = invite(staff_erin, clinician=dr_alice)
    path = link_path(mail.outbox[0].body)
    client = Client()
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == "/consents/invitations/welcome/"
    welcome = client.get("/consents/invitations/welcome/")
    assert "Riverside Family Medicine" in welcome.content.decode()
    signup = client.get("/accounts/signup/?next=/consents/invitations/accept/")
    assert NEW in signup.content.decode()  # pre-filled from the invitation
    response = client.post(
        "/accounts/signup/?next=/consents/invitations/accept/",
        {"email": NEW, "full_name": "Nadia Newcomb", "password1": SIGNUP_PASSWORD, "password2": SIGNUP_PASSWORD,
         "next": "/consents/invitations/accept/"},
        follow=True,
    )
    # Signed up, the patient is asked to connect; only the POST records the relationship.
    assert response.redirect_chain[-1][0] == "/consents/invitations/accept/"
    assert "Connect with Riverside Family Medicine" in response.content.decode()
    assert "Dr. Alice Moreno" in response.content.decode()
    assert not CareRelationship.objects.filter(patient__email=NEW).exists()
    response = client.post("/consents/invitations/accept/", follow=True)
    assert response.redirect_chain[-1][0] == "/consents/"
    html = response.content.decode()
    assert "You are now connected with Riverside Family Medicine" in html
    patient = User.objects.get(email=NEW)
    assert CareRelationship.objects.get(patient=patient).clinician == dr_alice
    # The link is spent: opening it again explains, with no 500 and no second relationship.
    again = Client().get(path)
    assert again.status_code == 409 and "already been used" in again.content.decode()


def test_an_unknown_link_is_a_friendly_404():
    response = Client().get("/consents/invitations/nonsense-token/")
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_accept_without_an_invitation_is_explained(web_login, pat_dana):
    for response in (web_login(pat_dana).get("/consents/invitations/accept/"), web_login(pat_dana).post("/consents/invitations/accept/")):
        assert response.status_code == 404 and "not valid" in response.content.decode()


def test_a_link_elsewhere_cannot_connect_a_signed_in_patient(staff_erin):
    """Another site can make the browser open the invitation link and the accept page (GETs),
    and cannot forge the accept form's CSRF token: nothing is recorded."""
    _invitation, token = invite(staff_erin)
    patient = new_patient()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(patient)
    page = browser.get(f"/consents/invitations/{token}/", follow=True)
    assert page.redirect_chain[-1][0] == "/consents/invitations/accept/" and page.status_code == 200
    assert browser.post("/consents/invitations/accept/").status_code == 403  # no CSRF token
    assert not CareRelationship.objects.filter(patient=patient).exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_signed_in_patient_with_the_invited_address_accepts_directly(staff_erin):
    _invitation, token = invite(staff_erin)
    patient = new_patient()
    client = Client()
    client.force_login(patient)
    response = client.get(f"/consents/invitations/{token}/", follow=True)
    assert response.redirect_chain[-1][0] == "/consents/invitations/accept/"
    response = client.post("/consents/invitations/accept/", follow=True)
    assert response.redirect_chain[-1][0] == "/consents/"
    assert CareRelationship.objects.filter(patient=patient, practice=riverside(), ended_at__isnull=True).exists()


def test_staff_opening_an_invitation_is_told_it_is_for_patients(web_login, staff_erin, dr_alice):
    _invitation, token = invite(staff_erin)
    response = web_login(dr_alice).get(f"/consents/invitations/{token}/", follow=True)
    assert response.status_code == 403 and "patient accounts" in response.content.decode()
    assert Invitation.objects.get().accepted_at is None
