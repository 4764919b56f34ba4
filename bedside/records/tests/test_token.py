"""SMART Backend Services: client_credentials with a signed JWT assertion (RS384 / ES384)."""

from __future__ import annotations

from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from bedside.audit.models import AuditEvent
from bedside.records.models import EhrAccessToken
from bedside.records.tests.conftest import Keyed, token_request


def test_valid_assertion_gets_a_short_lived_token(ehr_riverside: Keyed, ehr_lakeside: Keyed) -> None:
    for keyed in (ehr_riverside, ehr_lakeside):
        response = token_request(keyed)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["token_type"] == "bearer" and body["expires_in"] == 300 and body["scope"] == "system/*.read"
        assert response["Cache-Control"] == "no-store"
        stored = EhrAccessToken.objects.get(client=keyed.client)
        assert body["access_token"] not in stored.key_hash  # only the hash is kept
        reply = Client(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}").get("/fhir/Patient")
        assert reply.status_code == 200
    assert AuditEvent.objects.filter(action="fhir.token_issued").count() == 2


def test_expired_assertion(ehr_riverside: Keyed) -> None:
    response = token_request(ehr_riverside, ehr_riverside.assertion(exp_in=-120))
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert "expired" in response.json()["error_description"]
    assert AuditEvent.objects.filter(action="fhir.token_refused", detail__reason="expired").exists()


def test_wrong_key(ehr_riverside: Keyed) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = token_request(ehr_riverside, ehr_riverside.assertion(key=other))
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert not EhrAccessToken.objects.exists()


def test_replayed_jti(ehr_riverside: Keyed) -> None:
    assertion = ehr_riverside.assertion(jti="once-only")
    assert token_request(ehr_riverside, assertion).status_code == 200
    again = token_request(ehr_riverside, assertion)
    assert again.status_code == 401 and "replay" in again.json()["error_description"]
    assert EhrAccessToken.objects.count() == 1


def test_wrong_audience_and_lifetime(ehr_riverside: Keyed) -> None:
    assert token_request(ehr_riverside, ehr_riverside.assertion(aud="https://elsewhere/token")).status_code == 401
    assert token_request(ehr_riverside, ehr_riverside.assertion(exp_in=3600)).status_code == 401


def test_unknown_client_bad_grant_bad_scope(ehr_riverside: Keyed) -> None:
    assert token_request(ehr_riverside, ehr_riverside.assertion(iss="nobody")).status_code == 401
    response = Client().post("/fhir/auth/token", {"grant_type": "password"})
    assert response.status_code == 400 and response.json()["error"] == "unsupported_grant_type"
    response = token_request(ehr_riverside, scope="system/*.write")
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"
    assert Client().get("/fhir/auth/token").status_code == 405
    response = token_request(ehr_riverside, "not-a-jwt")
    assert response.status_code == 401


def test_inactive_client_token_stops_working(
    ehr_riverside: Keyed, fhir_client: Callable[[Keyed], Client]
) -> None:
    client = fhir_client(ehr_riverside)
    assert client.get("/fhir/Patient").status_code == 200
    ehr_riverside.client.is_active = False
    ehr_riverside.client.save()
    assert client.get("/fhir/Patient").status_code == 401


def test_narrow_scope(register: Callable[..., Keyed], riverside: object) -> None:
    keyed = register(riverside, "RS384", scopes="system/Communication.read system/AuditEvent.read")
    response = token_request(keyed, scope="system/Communication.read system/AuditEvent.read")
    assert response.status_code == 200
    client = Client(HTTP_AUTHORIZATION=f"Bearer {response.json()['access_token']}")
    assert client.get("/fhir/Communication").status_code == 200
    assert client.get("/fhir/AuditEvent").status_code == 200
    assert client.get("/fhir/Patient").status_code == 403


def test_expired_tokens_are_purged(ehr_riverside: Keyed) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from bedside.records.models import UsedAssertion
    from bedside.records.services import fhir_tokens_purge

    assert token_request(ehr_riverside).status_code == 200
    assert fhir_tokens_purge() == 0
    EhrAccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    UsedAssertion.objects.update(expires_at=timezone.now() - timedelta(minutes=2))
    assert fhir_tokens_purge() == 2
    assert not EhrAccessToken.objects.exists() and not UsedAssertion.objects.exists()
