"""API fuzzing (issue 8, item 2): schemathesis drives every operation of the OpenAPI schema in-process.

Cases are generated from the schema (valid and invalid data), sent to the WSGI application with the
bearer token of one persona after another (and none), and each answer must be no 5xx, a status the
operation declares, a declared content type, and a body that conforms to the declared schema.
`FUZZ_EXAMPLES` per operation × operations gives well over the 1,000 cases issue 8 asks for; the
count is asserted at the end of the session.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from bedside.accounts.models import User
from bedside.core.api import api

FUZZ_EXAMPLES = 60
PERSONAS = ("bob", "alice", "erin", "charlie", "dana", "frank", None)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()

_calls: dict[str, int] = {}
_statuses: dict[int, int] = {}


# Every other case gets real ids in its path, so the fuzzed bodies and queries reach real objects too.
REAL_SLUGS = {"/api/v1/public/doctors/{slug}": "alice-moreno"}
DEFAULT_SLUG = "getting-ready-for-flu-season"


@contextlib.contextmanager
def _kept_connection() -> Iterator[None]:
    """Serve a request as Django's test client does. Called directly, the WSGI handler closes the
    database connection at the request boundaries (close_old_connections), which on PostgreSQL
    ends the test's transaction; the test client disconnects that handler for the same reason
    (and reconnects it after each of its own requests, so this is done around each call)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def real_ids(demo: dict[str, User]) -> dict[str, str]:
    from bedside.accounts.models import Practice
    from bedside.messaging.services import thread_create

    riverside = Practice.objects.get(name="Riverside Family Medicine")
    sent = thread_create(patient=demo["bob"], practice=riverside, subject="Fuzz", category="other",
                         body="A thread for the fuzzer to find.")
    return {"thread_id": str(sent.thread.pk)}


@pytest.fixture
def bearer(demo: dict[str, User], api_token: Callable[[User], str]) -> Iterator[Callable[[], dict[str, str]]]:
    """Return a function giving the headers of the next persona in turn (anonymous included)."""
    tokens = {name: api_token(demo[name]) for name in PERSONAS if name}
    turn = itertools.cycle(PERSONAS)

    def headers() -> dict[str, str]:
        name = next(turn)
        return {"Authorization": f"Bearer {tokens[name]}"} if name else {}

    yield headers


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=FUZZ_EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_and_never_fails(case: Any, bearer: Callable[[], dict[str, str]], real_ids: dict[str, str]) -> None:
    label = case.operation.label
    if case.path_parameters and _calls.get(label, 0) % 2 == 0:
        for name in case.path_parameters:
            if name == "slug":
                case.path_parameters[name] = REAL_SLUGS.get(case.path, DEFAULT_SLUG)
            elif name in real_ids:
                case.path_parameters[name] = real_ids[name]
    if case.path == "/api/v1/auth/token":
        # The sign-in limiter would answer most fuzzed attempts with 429 (declared, but dull): keep it fresh.
        from django.core.cache import cache

        cache.clear()
    headers = bearer()
    with _kept_connection():
        response = case.call_and_validate(headers=headers, checks=CHECKS)
    _statuses[response.status_code] = _statuses.get(response.status_code, 0) + 1
    _calls[label] = _calls.get(label, 0) + 1


def test_schema_lists_every_operation() -> None:
    """The fuzzed schema is the served one, and it has the operations CONTRACT.md promises."""
    labels = {op.ok().label for op in schema.get_all_operations()}
    for label in ("POST /api/v1/auth/token", "GET /api/v1/me", "POST /api/v1/threads", "GET /api/v1/threads",
                  "GET /api/v1/threads/{thread_id}", "POST /api/v1/threads/{thread_id}/messages",
                  "GET /api/v1/audit/verify"):
        assert label in labels


def _operation_count() -> int:
    return sum(1 for _ in schema.get_all_operations())


@pytest.fixture(scope="module", autouse=True)
def _enough_cases() -> Iterator[None]:
    """Issue 8 asks for at least 1,000 generated cases across all operations: checked once all have run."""
    yield
    if len(_calls) == _operation_count():
        assert sum(_calls.values()) >= 1000, _calls


def test_zz_enough_cases_were_generated() -> None:
    """Report the count when it can be known here (test order may be shuffled; the fixture above always checks)."""
    if len(_calls) < _operation_count():
        pytest.skip("not every operation has been fuzzed yet in this session (order or selection)")
    print("schemathesis cases:", sum(_calls.values()), _calls, "statuses:", _statuses)
    assert sum(_calls.values()) >= 1000, _calls
