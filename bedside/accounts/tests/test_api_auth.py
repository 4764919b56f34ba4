"""The token endpoint, /me, revocation and expiry (CONTRACT.md, REST API)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from bedside.accounts import services as accounts
from bedside.accounts.models import ApiToken, Role
from bedside.audit.models import Action, AuditEvent, Outcome
from bedside.conftest import totp_now
from bedside.core.demo import demo_password

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"


def post_token(body: dict) -> tuple[int, dict]:
    response = Client().post(TOKEN_URL, body, content_type="application/json")
    return response.status_code, response.json()


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


# --- POST /auth/token ---------------------------------------------------------------------


def test_patient_gets_token_with_expiry(pat_bob):
    before = timezone.now()
    status, body = post_token({"email": pat_bob.email, "password": demo_password()})
    assert status == 200
    assert body["token"].startswith("bst_") and len(body["token"]) > 30
    expires_at = parse_datetime(body["expires_at"])
    assert expires_at is not None
    assert before + timedelta(hours=11) < expires_at < before + timedelta(hours=13)
    # Only a hash of the token is stored.
    token = ApiToken.objects.get(user=pat_bob)
    assert body["token"] not in {token.key_hash, token.prefix}


def test_email_is_case_insensitive(pat_bob):
    status, _ = post_token({"email": "  BOB@Demo.Bedside ", "password": demo_password()})
    assert status == 200


@pytest.mark.parametrize(
    "body",
    [
        {"email": "bob@demo.bedside", "password": "wrong-password"},
        {"email": "nobody@demo.bedside", "password": "bedside-demo-2026"},
        {"email": "bob@demo.bedside", "password": ""},
    ],
)
def test_wrong_credentials_are_401_invalid_credentials(demo, body):
    response = Client().post(TOKEN_URL, body, content_type="application/json")
    assert_error(response, 401, "invalid_credentials")
    assert not ApiToken.objects.exists()


def test_inactive_user_cannot_get_a_token(pat_bob):
    pat_bob.is_active = False
    pat_bob.save(update_fields=["is_active"])
    response = Client().post(TOKEN_URL, {"email": pat_bob.email, "password": demo_password()},
                             content_type="application/json")
    assert_error(response, 401, "invalid_credentials")


@pytest.mark.parametrize("otp", [None, "", "000000", "12345", "not-a-code"])
def test_clinician_with_totp_needs_a_valid_otp(dr_alice, otp):
    body = {"email": dr_alice.email, "password": demo_password()}
    if otp is not None:
        body["otp"] = otp
    if otp == "000000" and totp_now() == "000000":  # one chance in a million
        body["otp"] = "000001"
    response = Client().post(TOKEN_URL, body, content_type="application/json")
    assert_error(response, 401, "mfa_required")
    assert not ApiToken.objects.filter(user=dr_alice).exists()
    event = AuditEvent.objects.filter(action=Action.AUTH_MFA_FAILED).latest("id")
    assert event.actor_id == dr_alice.pk and event.outcome == Outcome.FAILURE


def test_clinician_with_current_totp_gets_token(dr_alice):
    status, body = post_token({"email": dr_alice.email, "password": demo_password(), "otp": totp_now()})
    assert status == 200, body
    assert ApiToken.objects.filter(user=dr_alice).count() == 1


def test_wrong_password_with_valid_otp_is_invalid_credentials(dr_alice):
    status, body = post_token({"email": dr_alice.email, "password": "nope-nope-nope", "otp": totp_now()})
    assert status == 401 and body["code"] == "invalid_credentials"


def test_totp_code_cannot_be_replayed(dr_alice):
    code = totp_now()
    first, _ = post_token({"email": dr_alice.email, "password": demo_password(), "otp": code})
    second, body = post_token({"email": dr_alice.email, "password": demo_password(), "otp": code})
    assert first == 200
    assert second == 401 and body["code"] == "mfa_required"


@pytest.mark.parametrize("role", [Role.STAFF, Role.CLINICIAN, Role.AUDITOR, Role.PRACTICE_ADMIN, Role.MODERATOR])
def test_non_patient_without_totp_is_refused(demo, role):
    user = accounts.user_create(email=f"new-{role}@example.org", full_name="New Person", role=role,
                                password="a-long-enough-password-1")
    assert not Authenticator.objects.filter(user=user).exists()
    response = Client().post(TOKEN_URL, {"email": user.email, "password": "a-long-enough-password-1"},
                             content_type="application/json")
    assert_error(response, 401, "mfa_setup_required")
    assert not ApiToken.objects.filter(user=user).exists()
    event = AuditEvent.objects.filter(action=Action.AUTH_TOKEN_REFUSED, actor_id=user.pk).get()
    assert event.outcome == Outcome.DENIED and event.detail == {"reason": "mfa_setup_required"}


def test_patient_without_totp_needs_no_otp(demo):
    user = accounts.user_create(email="pat@example.org", full_name="Pat Ient", role=Role.PATIENT,
                                password="a-long-enough-password-1")
    status, _ = post_token({"email": user.email, "password": "a-long-enough-password-1"})
    assert status == 200


@pytest.mark.parametrize(
    "payload",
    [
        "this is not json",
        "{}",
        '{"email": "bob@demo.bedside"}',
        '{"email": ["bob@demo.bedside"], "password": "x"}',
        '{"email": "bob@demo.bedside", "password": 12}',
        '{"email": "' + "a" * 300 + '@x.org", "password": "x"}',
        "[1, 2, 3]",
    ],
)
def test_malformed_token_requests_are_400_json(demo, payload):
    response = Client().post(TOKEN_URL, payload, content_type="application/json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) >= {"code", "message"} and body["code"] == "invalid_input"


# --- /me, revocation, expiry, missing or bad credentials -----------------------------------


def test_me_returns_id_email_role(api, pat_bob, dr_alice, aud_frank):
    for user, role in ((pat_bob, "patient"), (dr_alice, "clinician"), (aud_frank, "auditor")):
        response = api(user).get("/api/v1/me")
        assert response.status_code == 200
        assert response.json() == {"id": user.pk, "email": user.email, "role": role}


def test_token_is_audited(api_token, pat_bob):
    api_token(pat_bob)
    event = AuditEvent.objects.filter(action=Action.AUTH_TOKEN_ISSUED).get()
    token = ApiToken.objects.get(user=pat_bob)
    assert event.actor_id == pat_bob.pk
    assert event.object_type == "apitoken" and event.object_id == str(token.pk)
    assert event.ip == "127.0.0.1" and event.channel == "api"


def test_revoked_token_is_401(api_token, pat_bob):
    raw = api_token(pat_bob)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/me").status_code == 200
    assert client.post("/api/v1/auth/revoke").status_code == 204
    assert ApiToken.objects.get(user=pat_bob).revoked_at is not None
    assert_error(client.get("/api/v1/me"), 401, "unauthorized")
    assert_error(client.get("/api/v1/threads"), 401, "unauthorized")
    assert AuditEvent.objects.filter(action=Action.AUTH_TOKEN_REVOKED, actor_id=pat_bob.pk).count() == 1


def test_revoking_one_token_keeps_the_others(api_token, pat_bob):
    first, second = api_token(pat_bob), api_token(pat_bob)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {first}").post("/api/v1/auth/revoke").status_code == 204
    assert Client(HTTP_AUTHORIZATION=f"Bearer {second}").get("/api/v1/me").status_code == 200


def test_expired_token_is_401(api_token, pat_bob):
    raw = api_token(pat_bob)
    ApiToken.objects.filter(user=pat_bob).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_error(Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me"), 401, "unauthorized")


def test_token_of_deactivated_user_is_401(api_token, pat_bob):
    raw = api_token(pat_bob)
    pat_bob.is_active = False
    pat_bob.save(update_fields=["is_active"])
    assert_error(Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me"), 401, "unauthorized")


def test_revoke_all_tokens(api_token, pat_bob):
    raw = api_token(pat_bob)
    assert accounts.api_tokens_revoke_all(user=pat_bob) == 1
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer garbage",
        "Bearer bst_garbage",
        "Bearer bst_" + "x" * 500,
        "Basic Ym9iOnBhc3N3b3Jk",
        "Token bst_abc",
        "Bearer \u00e9\u00e9\u00e9",
    ],
)
def test_missing_or_garbage_authorization_is_401_json(demo, header):
    client = Client(HTTP_AUTHORIZATION=header) if header is not None else Client()
    for response in (client.get("/api/v1/me"), client.get("/api/v1/threads"), client.get("/api/v1/threads/1"),
                     client.post("/api/v1/threads", {}, content_type="application/json")):
        assert_error(response, 401, "unauthorized")


def test_session_login_does_not_authenticate_the_api(web_login, pat_bob):
    # The API takes bearer tokens only: a browser session must not ride along (no CSRF there).
    client = web_login(pat_bob)
    assert client.get("/api/v1/me").status_code == 401


def test_failed_attempts_are_audited_and_survive_the_refusal(demo, pat_bob):
    # The refusal raises; the audit row recording it must not be rolled back with it.
    post_token({"email": pat_bob.email, "password": "wrong-password"})
    post_token({"email": "nobody@example.org", "password": "whatever"})
    refused = AuditEvent.objects.filter(action=Action.AUTH_TOKEN_REFUSED).order_by("id")
    assert [(e.outcome, e.actor_id, e.ip, e.channel) for e in refused] == [
        (Outcome.FAILURE, None, "127.0.0.1", "api"),
        (Outcome.FAILURE, None, "127.0.0.1", "api"),
    ]
    # The attempted address is not stored: it may be a patient's.
    for event in refused:
        assert "bob@demo.bedside" not in str(event.detail) and "nobody" not in str(event.detail)


@pytest.mark.parametrize("field", ["password", "otp"])
def test_token_endpoint_is_rate_limited(dr_alice, settings, field):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/5m/key"}
    bad = {"email": dr_alice.email, "password": demo_password(), "otp": "000000"}
    if field == "password":
        bad = {"email": dr_alice.email, "password": "guess-guess-guess", "otp": totp_now()}
    codes = [post_token(bad) for _ in range(3)]
    assert all(status == 401 for status, _ in codes)
    status, body = post_token(bad)
    assert status == 429 and body["code"] == "too_many_attempts"
    # Even the right credentials are refused until the window passes: no brute-forcing the code.
    status, body = post_token({"email": dr_alice.email, "password": demo_password(), "otp": totp_now()})
    assert status == 429
    assert not ApiToken.objects.filter(user=dr_alice).exists()


def test_successful_sign_ins_do_not_use_up_the_limit(pat_bob, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/5m/key"}
    for _ in range(4):
        status, _ = post_token({"email": pat_bob.email, "password": demo_password()})
        assert status == 200


def test_unexpected_error_is_json_500(api, pat_bob, monkeypatch):
    client = api(pat_bob)

    def boom(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("bedside.messaging.selectors.thread_list_api", boom)
    response = client.get("/api/v1/threads")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("get", "/api/v1/no-such-endpoint", 404, "not_found"),
        ("post", "/api/v1/threads/1/messages/extra", 404, "not_found"),
        ("get", "/api/v1/", 404, "not_found"),
        ("put", "/api/v1/threads", 405, "method_not_allowed"),
        ("delete", "/api/v1/me", 405, "method_not_allowed"),
        ("get", "/api/v1/auth/token", 405, "method_not_allowed"),
    ],
)
def test_unknown_paths_and_wrong_methods_are_json(api, pat_bob, method, path, status, code):
    response = getattr(api(pat_bob), method)(path)
    assert_error(response, status, code)
    assert response["Cache-Control"] == "no-store"


def test_oversized_request_is_413_json(api, pat_bob, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = '{"subject": "a", "category": "other", "body": "' + "x" * 20_000 + '"}'
    response = api(pat_bob).post("/api/v1/threads", body, content_type="application/json")
    assert_error(response, 413, "too_large")


def test_openapi_schema_is_served(demo):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/auth/token", "/api/v1/me", "/api/v1/threads", "/api/v1/threads/{thread_id}",
            "/api/v1/threads/{thread_id}/messages"} <= set(paths)
