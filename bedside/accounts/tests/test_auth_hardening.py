"""Authentication hardening (issue 8 item 5, ASVS V2/V3): lock-out on the web sign-in and the
MFA step with the production limits, common passwords refused, MFA not bypassed through password
reset, and sessions that end server-side on sign-out, password change and deactivation."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client

from bedside.accounts.models import User
from bedside.conftest import totp_now
from bedside.core.demo import demo_password

PRODUCTION_LIMITS = {"login_failed": "5/5m/ip,5/5m/key", "signup": "20/h/ip", "reset_password": "5/h/ip,3/h/key"}


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def test_the_production_limits_are_the_ones_tested():
    from config.settings import base

    assert base.ACCOUNT_RATE_LIMITS == PRODUCTION_LIMITS


def test_web_sign_in_locks_the_account_after_five_failures(pat_bob, settings):
    settings.ACCOUNT_RATE_LIMITS = PRODUCTION_LIMITS
    for attempt in range(5):
        # A different address each time: the per-account lock must hold without the per-IP one.
        client = Client(REMOTE_ADDR=f"203.0.113.{attempt + 1}")
        response = client.post("/accounts/login/", {"login": pat_bob.email, "password": f"wrong-guess-{attempt}"})
        assert response.status_code == 200 and not signed_in(client)
    client = Client(REMOTE_ADDR="203.0.113.99")
    response = client.post("/accounts/login/", {"login": pat_bob.email, "password": demo_password()})
    assert not signed_in(client)
    assert "Too many failed login attempts" in response.content.decode()
    # Another account is not locked by Bob's attacker.
    other = Client(REMOTE_ADDR="203.0.113.99")
    other.post("/accounts/login/", {"login": "dana@demo.bedside", "password": demo_password()})
    assert signed_in(other)


def test_mfa_step_locks_after_five_wrong_codes(staff_erin, settings):
    settings.ACCOUNT_RATE_LIMITS = PRODUCTION_LIMITS
    client = Client()
    response = client.post("/accounts/login/", {"login": staff_erin.email, "password": demo_password()})
    step = response["Location"]
    assert "/accounts/2fa/authenticate/" in step
    wrong = "000000" if totp_now() != "000000" else "111111"
    for _ in range(5):
        client.post(step, {"code": wrong})
    response = client.post(step, {"code": totp_now()})
    assert not signed_in(client)
    assert "Too many failed login attempts" in response.content.decode()


@pytest.mark.parametrize("weak", ["qwertyuiop", "1234567890", "password123", "short1!"])
def test_common_and_guessable_passwords_are_refused_at_sign_up(demo, weak):
    response = Client().post("/accounts/signup/", {
        "email": "erin.front-desk@example.org", "password1": weak, "password2": weak, "full_name": "Erin Front Desk",
    })
    assert response.status_code == 200
    assert not User.objects.filter(email="erin.front-desk@example.org").exists()
    assert re.search(r"too common|entirely numeric|too similar|too short", response.content.decode())


def test_validators_cover_length_common_numeric_and_similarity():
    names = {v["NAME"].rsplit(".", 1)[1] for v in django_settings.AUTH_PASSWORD_VALIDATORS}
    assert {"MinimumLengthValidator", "CommonPasswordValidator", "NumericPasswordValidator",
            "UserAttributeSimilarityValidator"} <= names


def test_password_reset_does_not_sign_in_nor_skip_mfa(staff_erin, settings):
    settings.ACCOUNT_RATE_LIMITS = False
    client = Client()
    client.post("/accounts/password/reset/", {"email": staff_erin.email})
    [message] = mail.outbox
    link = re.search(r"https?://[^\s]+/accounts/password/reset/key/[^\s]+", message.body).group(0)
    path = "/" + link.split("/", 3)[3]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    new = "a-brand-new-passphrase-42"
    response = client.post(form_url, {"password1": new, "password2": new})
    assert response.status_code == 302
    assert not signed_in(client)  # ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
    response = Client().post("/accounts/login/", {"login": staff_erin.email, "password": new})
    assert "/accounts/2fa/authenticate/" in response["Location"]  # the second factor is still asked


def test_sign_out_ends_the_session_on_the_server(pat_bob):
    client = Client()
    client.post("/accounts/login/", {"login": pat_bob.email, "password": demo_password()})
    cookie = client.cookies["sessionid"].value
    assert client.get("/inbox/").status_code == 200
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies["sessionid"] = cookie  # the stolen cookie is worthless after sign-out
    response = replay.get("/inbox/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_deactivation_ends_every_session_and_token(pat_bob, api_token):
    client = Client()
    client.post("/accounts/login/", {"login": pat_bob.email, "password": demo_password()})
    token = api_token(pat_bob)
    assert client.get("/inbox/").status_code == 200
    User.objects.filter(pk=pat_bob.pk).update(is_active=False)
    response = client.get("/inbox/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/me").status_code == 401


def test_password_change_ends_other_sessions(pat_bob):
    laptop, phone = Client(), Client()
    for client in (laptop, phone):
        client.post("/accounts/login/", {"login": pat_bob.email, "password": demo_password()})
        assert client.get("/inbox/").status_code == 200
    new = "another-long-passphrase-77"
    laptop.post("/accounts/password/change/", {"oldpassword": demo_password(), "password1": new, "password2": new})
    response = phone.get("/inbox/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_session_key_changes_at_sign_in(pat_bob):
    """Session fixation: a session id planted before sign-in is not the one used after it."""
    client = Client()
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    client.post("/accounts/login/", {"login": pat_bob.email, "password": demo_password()})
    assert signed_in(client) and client.session.session_key != before
