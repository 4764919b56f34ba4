"""Fixtures for the records tests: a conversation in Riverside and Lakeside, EHR clients with keys."""

from __future__ import annotations

import io
import time
import uuid
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.test import Client
from PIL import Image

from bedside.accounts.models import Practice, User
from bedside.messaging.attachments import attachment_clean
from bedside.messaging.models import Thread
from bedside.messaging.services import message_send, thread_create
from bedside.records.models import EhrClient

TOKEN_URL = "http://testserver/fhir/auth/token"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()


@pytest.fixture
def riverside(demo: dict[str, User]) -> Practice:
    return Practice.objects.get(name="Riverside Family Medicine")


@pytest.fixture
def lakeside(demo: dict[str, User]) -> Practice:
    return Practice.objects.get(name="Lakeside Orthopedics")


@pytest.fixture
def bob_thread(pat_bob: User, dr_alice: User, riverside: Practice) -> Thread:
    """Bob asks (with a photo), Alice answers."""
    photo = attachment_clean(name="rash.png", data=PNG)
    sent = thread_create(patient=pat_bob, practice=riverside, subject="Rash on my arm", category="medical_question",
                         body="I have a red rash — since Monday. Should I worry?", files=[photo])
    message_send(author=dr_alice, thread=sent.thread, body="Please send another photo tomorrow; no need to worry.")
    return Thread.objects.get(pk=sent.thread.pk)


@pytest.fixture
def dana_thread(pat_dana: User, lakeside: Practice) -> Thread:
    return thread_create(patient=pat_dana, practice=lakeside, subject="Knee", category="post_op",
                         body="My knee is swollen after surgery.").thread


class Keyed:
    def __init__(self, client: EhrClient, private: Any, alg: str, kid: str) -> None:
        self.client, self.private, self.alg, self.kid = client, private, alg, kid

    def assertion(self, *, exp_in: int = 240, jti: str | None = None, aud: str = TOKEN_URL,
                  key: Any = None, iss: str | None = None) -> str:
        claims = {"iss": iss or self.client.client_id, "sub": iss or self.client.client_id, "aud": aud,
                  "exp": int(time.time()) + exp_in, "jti": jti or uuid.uuid4().hex}
        return jwt.encode(claims, key or self.private, algorithm=self.alg, headers={"kid": self.kid})


def _register(practice: Practice, alg: str, scopes: str = "system/*.read") -> Keyed:
    private: Any = (rsa.generate_private_key(public_exponent=65537, key_size=2048) if alg == "RS384"
                    else ec.generate_private_key(ec.SECP384R1()))
    kid = uuid.uuid4().hex[:12]
    algo = jwt.get_algorithm_by_name(alg)
    jwk = algo.to_jwk(private.public_key(), as_dict=True)
    jwk.update({"kid": kid, "alg": alg, "use": "sig"})
    client = EhrClient.objects.create(practice=practice, name=f"EHR {alg}", client_id=f"ehr-{uuid.uuid4().hex[:8]}",
                                      jwks={"keys": [jwk]}, scopes=scopes)
    return Keyed(client, private, alg, kid)


@pytest.fixture
def ehr_riverside(riverside: Practice) -> Keyed:
    return _register(riverside, "RS384")


@pytest.fixture
def ehr_lakeside(lakeside: Practice) -> Keyed:
    return _register(lakeside, "ES384")


@pytest.fixture
def register() -> Callable[..., Keyed]:
    return _register


def token_request(keyed: Keyed, assertion: str | None = None, scope: str = "system/*.read") -> Any:
    return Client().post("/fhir/auth/token", {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion or keyed.assertion(),
        "scope": scope,
    })


@pytest.fixture
def fhir_client() -> Callable[[Keyed], Client]:
    """Return a test client carrying a bearer obtained through the real token endpoint."""

    def _client(keyed: Keyed) -> Client:
        response = token_request(keyed)
        assert response.status_code == 200, response.content
        return Client(HTTP_AUTHORIZATION=f"Bearer {response.json()['access_token']}")

    return _client
