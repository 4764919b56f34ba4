"""Session policy on the web: MFA required for non-patients, idle timeout, patient-only sign-up,
no social accounts, security headers."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from bedside.accounts import services as accounts
from bedside.accounts.mfa import has_totp, totp_verify
from bedside.accounts.models import Role, User
from bedside.audit.models import Action, AuditEvent
from bedside.conftest import totp_now

pytestmark = pytest.mark.django_db

MFA_SETUP = "mfa_activate_totp"


def make_user(role: str, email: str | None = None) -> User:
    return accounts.user_create(email=email or f"{role}-new@example.org", full_name="Casey Newcomer", role=role,
                                password="a-long-enough-password-1")


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


# --- MFA is required for every non-patient -----------------------------------------------


@pytest.mark.parametrize("role", [Role.STAFF, Role.CLINICIAN, Role.AUDITOR, Role.PRACTICE_ADMIN, Role.MODERATOR])
@pytest.mark.parametrize("path", ["/", "/inbox/", "/queue/", "/threads/1/", "/accounts/email/", "/admin/"])
def test_non_patient_without_totp_is_sent_to_totp_setup(demo, role, path):
    user = make_user(role)
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 302, (path, response.status_code)
    assert response["Location"] == reverse(MFA_SETUP)


def test_mfa_setup_page_itself_is_reachable(demo):
    client = Client()
    client.force_login(make_user(Role.STAFF))
    response = client.get(reverse(MFA_SETUP))
    # allauth may first ask for the password again (a recent sign-in); never a redirect loop.
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/reauthenticate/")
        response = client.get(response["Location"])
    assert response.status_code == 200


def test_json_clients_get_a_json_403(demo):
    client = Client()
    client.force_login(make_user(Role.STAFF))
    response = client.get("/inbox/", HTTP_ACCEPT="application/json")
    assert response.status_code == 403 and response.json()["code"] == "mfa_setup_required"


def test_patient_without_totp_is_not_redirected(pat_bob):
    assert not has_totp(pat_bob)
    client = Client()
    client.force_login(pat_bob)
    for path in ("/", "/inbox/", "/accounts/email/"):
        response = client.get(path)
        assert response.status_code in (200, 302), (path, response.status_code)
        assert not response.get("Location", "").startswith("/accounts/2fa/"), path
    assert client.get("/accounts/email/").status_code == 200


def test_staff_with_totp_is_not_redirected(staff_erin):
    assert has_totp(staff_erin)
    client = Client()
    client.force_login(staff_erin)
    response = client.get("/accounts/email/")
    assert response.status_code == 200


def test_totp_verify_accepts_current_code_and_recovery_code(dr_alice):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    assert totp_verify(dr_alice, totp_now())
    assert not totp_verify(dr_alice, None) and not totp_verify(dr_alice, "")
    recovery = Authenticator.objects.get(user=dr_alice, type=Authenticator.Type.RECOVERY_CODES)
    code = RecoveryCodes(recovery).get_unused_codes()[0]
    assert totp_verify(dr_alice, code)
    assert not totp_verify(dr_alice, code)  # a recovery code works once


# --- idle timeout ------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "minutes"), [("pat_bob", 31), ("staff_erin", 16), ("dr_alice", 16)])
def test_idle_session_is_signed_out(request, persona, minutes):
    user = request.getfixturevalue(persona)
    client = Client()
    client.force_login(user)
    assert client.get("/accounts/email/").status_code == 200
    session = client.session
    session["bedside.last_seen"] = time.time() - minutes * 60
    session.save()
    response = client.get("/accounts/email/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert not signed_in(client)
    event = AuditEvent.objects.get(action=Action.AUTH_SESSION_EXPIRED)
    assert event.actor_id == user.pk and event.ip == "127.0.0.1"
    # Signed out for real: the next request is anonymous.
    follow = client.get("/accounts/email/")
    assert follow.status_code == 302 and follow["Location"].startswith(reverse("account_login"))


def test_idle_sign_out_tells_the_user_why(pat_bob):
    client = Client()
    client.force_login(pat_bob)
    client.get("/accounts/email/")
    session = client.session
    session["bedside.last_seen"] = time.time() - 3600
    session.save()
    response = client.get("/accounts/email/", follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]] if response.context else []
    assert any("inactivity" in text for text in shown)


@pytest.mark.parametrize(("persona", "minutes"), [("pat_bob", 25), ("staff_erin", 10)])
def test_recent_activity_keeps_the_session(request, persona, minutes):
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    client.get("/accounts/email/")
    session = client.session
    session["bedside.last_seen"] = time.time() - minutes * 60
    session.save()
    assert client.get("/accounts/email/").status_code == 200
    assert signed_in(client)
    assert not AuditEvent.objects.filter(action=Action.AUTH_SESSION_EXPIRED).exists()


def test_idle_limit_follows_settings(pat_bob, settings):
    settings.BEDSIDE_IDLE_MINUTES_PATIENT = 1
    client = Client()
    client.force_login(pat_bob)
    client.get("/accounts/email/")
    session = client.session
    session["bedside.last_seen"] = time.time() - 90
    session.save()
    assert client.get("/accounts/email/").status_code == 302
    assert not signed_in(client)


# --- sign-up -----------------------------------------------------------------------------


@pytest.mark.parametrize("posted_role", [None, "clinician", "practice_admin", "auditor"])
def test_signup_creates_a_patient_whatever_role_is_posted(demo, posted_role):
    data = {"email": "newbie@example.org", "password1": "Sup3r-secret-passphrase",
            "password2": "Sup3r-secret-passphrase", "full_name": "  Nadia   Newbie "}
    if posted_role:
        data["role"] = posted_role
    response = Client().post("/accounts/signup/", data)
    assert response.status_code == 302, response.content[:2000]
    user = User.objects.get(email="newbie@example.org")
    assert user.role == Role.PATIENT
    assert user.full_name == "Nadia Newbie"
    assert not user.is_staff and not user.is_superuser
    assert len(mail.outbox) == 1  # address confirmation


def test_signup_requires_full_name(demo):
    response = Client().post("/accounts/signup/", {"email": "nameless@example.org",
                                                   "password1": "Sup3r-secret-passphrase",
                                                   "password2": "Sup3r-secret-passphrase"})
    assert response.status_code == 200
    assert not User.objects.filter(email="nameless@example.org").exists()


def test_signup_refuses_weak_password(demo):
    Client().post("/accounts/signup/", {"email": "weak@example.org", "password1": "password",
                                        "password2": "password", "full_name": "Weak Pw"})
    assert not User.objects.filter(email="weak@example.org").exists()


def test_there_are_no_social_account_urls(demo):
    for path in ("/accounts/social/", "/accounts/social/connections/", "/accounts/google/login/",
                 "/accounts/3rdparty/"):
        with pytest.raises(Resolver404):
            resolve(path)
        assert Client().get(path).status_code == 404


# --- headers -----------------------------------------------------------------------------


def test_security_headers_on_pages(pat_bob):
    anonymous = Client().get("/accounts/login/")
    assert anonymous.status_code == 200
    assert "frame-ancestors 'none'" in anonymous["Content-Security-Policy"]
    assert "script-src 'self'" in anonymous["Content-Security-Policy"]
    assert anonymous["X-Frame-Options"] == "DENY"
    assert anonymous["X-Content-Type-Options"] == "nosniff"
    assert anonymous["Referrer-Policy"] == "same-origin"
    client = Client()
    client.force_login(pat_bob)
    page = client.get("/accounts/email/")
    assert page["Cache-Control"] == "no-store"
    assert page["X-Frame-Options"] == "DENY"


def test_session_cookie_is_http_only(pat_bob, settings):
    settings.LOGIN_REDIRECT_URL = "/"
    from bedside.core.demo import demo_password

    client = Client()
    response = client.post("/accounts/login/", {"login": pat_bob.email, "password": demo_password()})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_staff_password_login_then_totp(staff_erin, settings):
    settings.LOGIN_REDIRECT_URL = "/"
    from bedside.core.demo import demo_password

    client = Client()
    response = client.post("/accounts/login/", {"login": staff_erin.email, "password": demo_password()})
    # allauth asks for the second factor before signing in.
    assert response.status_code == 302 and "/accounts/2fa/authenticate/" in response["Location"]
    assert not signed_in(client)
    response = client.post(response["Location"], {"code": totp_now()})
    assert response.status_code == 302
    assert signed_in(client)
    assert AuditEvent.objects.filter(action=Action.AUTH_LOGIN, actor_id=staff_erin.pk).exists()
