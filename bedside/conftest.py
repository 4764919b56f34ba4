"""Personas of ARCHITECTURE.md rule 9, built from the demo practice, and shared helpers."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client

from bedside.accounts.models import User
from bedside.core.demo import demo_load, demo_password, demo_totp_secret


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()  # TOTP replay protection and rate limits live in the cache
    yield
    cache.clear()


@pytest.fixture
def demo(db: Any) -> dict[str, User]:
    return demo_load()


@pytest.fixture
def dr_alice(demo: dict[str, User]) -> User:
    return demo["alice"]


@pytest.fixture
def pat_bob(demo: dict[str, User]) -> User:
    return demo["bob"]


@pytest.fixture
def dr_charlie(demo: dict[str, User]) -> User:
    return demo["charlie"]


@pytest.fixture
def pat_dana(demo: dict[str, User]) -> User:
    return demo["dana"]


@pytest.fixture
def staff_erin(demo: dict[str, User]) -> User:
    return demo["erin"]


@pytest.fixture
def staff_nora(demo: dict[str, User]) -> User:
    return demo["nora"]


@pytest.fixture
def aud_frank(demo: dict[str, User]) -> User:
    return demo["frank"]


@pytest.fixture
def pat_gus(demo: dict[str, User]) -> User:
    return demo["gus"]


def totp_now(offset: int = 0) -> str:
    """Return the demo TOTP code for the current period (OFFSET periods away)."""
    return format_hotp_value(hotp_value(demo_totp_secret(), int(time.time()) // 30 + offset))


@pytest.fixture
def password() -> str:
    return demo_password()


@pytest.fixture
def web_login() -> Callable[[User], Client]:
    """Return a Django test client signed in as the user (MFA satisfied for non-patients)."""

    def _login(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def api_token() -> Callable[[User], str]:
    """Return a bearer token for the user, obtained through the real token endpoint."""

    def _token(user: User) -> str:
        cache.clear()
        body: dict[str, str] = {"email": user.email, "password": demo_password()}
        if user.needs_mfa:
            body["otp"] = totp_now()
        response = Client().post("/api/v1/auth/token", body, content_type="application/json")
        assert response.status_code == 200, response.content
        return str(response.json()["token"])

    return _token


@pytest.fixture
def api(api_token: Callable[[User], str]) -> Callable[[User], Client]:
    """Return a test client whose requests carry the user's bearer token."""

    def _client(user: User) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {api_token(user)}")

    return _client


@pytest.fixture
def committed_db(transactional_db: None) -> Iterator[None]:
    """Real commits that other connections and processes see (PostgreSQL only).

    The audit table refuses TRUNCATE, and Django empties the database after a transactional test
    with TRUNCATE: the trigger is disabled for that flush only, and `_audit_truncate_restored`
    enables it again right after.
    """
    if connection.vendor != "postgresql":
        pytest.skip("committed data across connections is tested on PostgreSQL (BEDSIDE_TEST_DB=postgres)")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_no_truncate")
    yield
    connections.close_all()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_no_truncate")


@pytest.fixture
def committed_demo(committed_db: None) -> dict[str, User]:
    """The demo practice, committed."""
    return demo_load()


@pytest.fixture(autouse=True)
def _audit_truncate_restored(request: pytest.FixtureRequest, django_db_blocker: Any) -> Iterator[None]:
    # Autouse, so set up before and torn down after the transactional flush: put the trigger back.
    yield
    if "committed_db" in request.fixturenames:
        with django_db_blocker.unblock():
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_no_truncate")
            connections.close_all()


def run_concurrently(*jobs: Callable[[], object]) -> list[BaseException]:
    """Run JOBS at once, each in its own thread (so its own connection); return their errors."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def runner(job: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            job()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=runner, args=(job,)) for job in jobs]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not any(worker.is_alive() for worker in workers), "a concurrent job hung"
    return errors


@pytest.fixture(autouse=True)
def _demo_without_conversations(settings: Any) -> None:
    # The demo's sample conversations (bedside/billing/demo.py) would add threads to Bob's record;
    # tests start from the CONTRACT's facts and turn them on where they test them.
    settings.BEDSIDE_DEMO_CONVERSATIONS = False
