"""The database goes away under a running request (restart, fail-over, a killed backend): the
client gets a clear 503 saying nothing was saved, no half-written record is left, and the next
request succeeds without anyone restarting anything."""

from __future__ import annotations

import os

import pytest
from django.db import OperationalError, close_old_connections, connection
from django.test import Client

from bedside.messaging.models import Message, Thread

needs_postgres = pytest.mark.skipif(
    os.environ.get("BEDSIDE_TEST_DB") != "postgres",
    reason="terminates a PostgreSQL backend: run with BEDSIDE_TEST_DB=postgres and TEST_DATABASE_URL",
)


def _kill_own_backend() -> None:
    """Terminate this process's PostgreSQL session from a second connection (what a restart does)."""
    import psycopg

    settings = connection.settings_dict
    pid = connection.connection.info.backend_pid  # type: ignore[union-attr]
    with psycopg.connect(dbname=settings["NAME"], host=settings["HOST"] or None, port=settings["PORT"] or None,
                         user=settings["USER"] or None, password=settings["PASSWORD"] or None, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (pid,))


@pytest.mark.postgres
@needs_postgres
def test_api_write_during_outage_is_a_clear_503_and_the_next_one_works(committed_demo, api_token, pat_bob):
    token = api_token(pat_bob)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {"subject": "Knee", "category": "medical_question", "body": "Outage test: my knee is stiff."}
    connection.ensure_connection()
    threads_before = Thread.objects.count()
    _kill_own_backend()
    response = client.post("/api/v1/threads", body, content_type="application/json")
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
    assert "nothing was saved" in response.json()["message"]
    assert response["Retry-After"] == "30"
    # Recovery needs no manual step: at the start of the next request the server drops the broken
    # connection (Django's request_started handler, which the test client leaves out) and opens a new one.
    close_old_connections()
    response = client.post("/api/v1/threads", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Thread.objects.count() == threads_before + 1
    assert Message.objects.filter(thread_id=response.json()["id"]).exists()


@pytest.mark.postgres
@needs_postgres
def test_web_page_during_outage_is_a_friendly_503(committed_demo, pat_bob):
    client = Client(raise_request_exception=False)
    client.force_login(pat_bob)
    connection.ensure_connection()
    _kill_own_backend()
    response = client.get("/inbox/")
    assert response.status_code == 503
    page = response.content.decode()
    assert "briefly unavailable" in page and "Traceback" not in page and "OperationalError" not in page
    close_old_connections()
    assert client.get("/inbox/").status_code == 200


def test_handler_turns_only_connection_errors_into_503(rf):
    from bedside.core.views import error_500

    request = rf.get("/api/v1/threads")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = error_500(request)
    assert response.status_code == 503 and b"service_unavailable" in response.content
    try:
        raise ValueError("a bug")
    except ValueError:
        response = error_500(rf.get("/inbox/"))
    assert response.status_code == 500
