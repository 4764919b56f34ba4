"""Every follow-up route × persona: the expected outcome (mirrors core/tests/test_authz_matrix.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from bedside.followup.tests.helpers import sent_check_in

pytestmark = pytest.mark.django_db

PERSONAS = ("anon", "bob", "alice", "erin", "charlie", "dana", "frank")
# method, url, expected outcome per persona (L = to sign-in, go = other redirect)
ROWS = [
    ("GET", "/followup/", "L go ok ok ok go 404"),
    ("POST", "/followup/", "L 405 405 405 405 405 405"),
    ("GET", "/followup/enrol/", "L 404 ok 404 ok 404 404"),
    ("POST", "/followup/enrol/", "L 404 400 404 400 404 404"),
    ("GET", "/followup/{enrolment}/", "L 404 ok 404 404 404 404"),  # Erin: not her pool
    ("POST", "/followup/{enrolment}/", "L 405 405 405 405 405 405"),
    ("GET", "/followup/{enrolment}/stop/", "L 405 405 405 405 405 405"),
    ("POST", "/followup/{enrolment}/stop/", "L 404 go 404 404 404 404"),
    ("GET", "/followup/mine/", "L ok 404 404 404 ok 404"),
    ("GET", "/followup/check-ins/{check_in}/", "L ok 404 404 404 404 404"),
    ("POST", "/followup/check-ins/{check_in}/", "L 400 404 404 404 404 404"),
]


def outcome(response: Any) -> str:
    if response.status_code in (301, 302, 303):
        return "L" if "/accounts/login/" in response["Location"] else "go"
    if 200 <= response.status_code < 300:
        return "ok"
    return str(response.status_code)


def test_every_route_and_persona(demo, web_login, dr_alice, pat_bob):
    check_in = sent_check_in(dr_alice, pat_bob)
    ids = {"enrolment": check_in.enrolment_id, "check_in": check_in.pk}
    clients = {name: (Client() if name == "anon" else web_login(demo[name])) for name in PERSONAS}
    failures = []
    for method, template, expected in ROWS:
        url = template.format(**ids)
        got = []
        for name in PERSONAS:
            client = clients[name]
            response = client.get(url) if method == "GET" else client.post(url, {})
            got.append(outcome(response))
        if " ".join(got) != expected:
            failures.append((method, url, expected, " ".join(got)))
    assert failures == []
