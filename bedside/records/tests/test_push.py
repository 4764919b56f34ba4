"""EHR push against a real HTTP server in a second process: down → retries and dead letter,
nothing lost; back → delivered; re-sent → nothing duplicated (identifier-based)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from bedside.accounts.models import Practice, User
from bedside.audit.models import AuditEvent
from bedside.consent.models import ConsentSignature, Scope
from bedside.consent.services import consent_revoke
from bedside.core.errors import InvalidInput
from bedside.messaging.models import Message, Thread
from bedside.messaging.services import message_send, thread_close, thread_create
from bedside.records import services
from bedside.records.models import EhrEndpoint, PushJob, PushState, Transcript
from bedside.records.tasks import retry_due_pushes

STUB = Path(__file__).with_name("ehr_stub.py")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Ehr:
    def __init__(self, tmp: Path) -> None:
        self.port = _free_port()
        self.store = tmp / "ehr.json"
        self.proc: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/fhir"

    def start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, str(STUB), str(self.port), str(self.store)],
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None and self.proc.stdout.readline().strip() == "ready"

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None

    def data(self) -> dict[str, Any]:
        return dict(json.loads(self.store.read_text())) if self.store.exists() else {"resources": {}, "bundles": 0}


@pytest.fixture
def ehr(tmp_path: Path) -> Iterator[Ehr]:
    server = Ehr(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def endpoint(ehr: Ehr, riverside: Practice) -> Iterator[EhrEndpoint]:
    with override_settings(BEDSIDE_EHR_ALLOW_PRIVATE=True, BEDSIDE_EHR_PUSH_MAX_ATTEMPTS=3):
        yield services.ehr_endpoint_set(practice=riverside, name="Riverside EHR", base_url=ehr.url,
                                        credential="ehr-secret-credential")


def _due_now() -> None:
    """Let the backoff elapse (the clock is not ours to wait on in a test)."""
    PushJob.objects.filter(state=PushState.PENDING).update(next_attempt_at=timezone.now())


def test_down_then_back_nothing_lost_nothing_duplicated(
    ehr: Ehr, endpoint: EhrEndpoint, pat_bob: User, dr_alice: User, riverside: Practice,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = thread_create(patient=pat_bob, practice=riverside, subject="Refill", category="prescription",
                             body="I need a refill of my inhaler.")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(author=dr_alice, thread=sent.thread, body="Sent to your pharmacy.")
    jobs = PushJob.objects.order_by("pk")
    assert jobs.count() == 2  # both changes are in the outbox although the EHR is down
    assert all(j.state == PushState.PENDING and j.attempts == 1 and j.last_error.startswith("network")
               for j in jobs)
    assert jobs[0].next_attempt_at > timezone.now()  # backing off
    _due_now()
    retry_due_pushes.call_local()
    assert set(PushJob.objects.values_list("attempts", flat=True)) == {2}
    first_backoff = jobs[0].next_attempt_at - timezone.now()
    _due_now()
    retry_due_pushes.call_local()
    assert set(PushJob.objects.values_list("state", flat=True)) == {PushState.DEAD}  # parked after 3 attempts
    assert first_backoff.total_seconds() > 0
    assert AuditEvent.objects.filter(action="ehr.push", outcome="failure").count() == 2

    ehr.start()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.push_retry(job_ids=list(PushJob.objects.values_list("pk", flat=True))) == 2
    assert set(PushJob.objects.values_list("state", flat=True)) == {PushState.DELIVERED}
    store = ehr.data()
    assert store["bundles"] == 2
    messages = Message.objects.filter(thread=sent.thread)
    keys = set(store["resources"])
    system = "urn:bedside:riverside-family-medicine"
    for m in messages.exclude(kind="auto_reply"):
        assert f"Communication|{system}:communication|m{m.pk}" in keys
    assert f"Task|{system}:task|{sent.thread.pk}" in keys
    assert f"Patient|{system}:patient|{pat_bob.pk}" in keys
    assert store["auth"] == ["Bearer ehr-secret-credential"] * 2
    count = len(keys)

    # The same changes sent again (a retry after a lost response) create nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        for m in messages.exclude(kind="auto_reply"):
            services.record_changed(kind="message", pk=m.pk)
    again = ehr.data()
    assert again["bundles"] == 4 and len(again["resources"]) == count
    assert again["matched"] > store["matched"]


def test_consent_and_close_are_pushed(
    ehr: Ehr, endpoint: EhrEndpoint, pat_bob: User, dr_alice: User, riverside: Practice,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    ehr.start()
    signature = ConsentSignature.objects.get(patient=pat_bob, practice=riverside, scope=Scope.PHOTO_SHARING,
                                             revoked_at__isnull=True)
    with django_capture_on_commit_callbacks(execute=True):
        consent_revoke(patient=pat_bob, signature=signature)
    key = f"Consent|urn:bedside:riverside-family-medicine:consent|{signature.pk}"
    assert ehr.data()["resources"][key]["status"] == "inactive"
    with django_capture_on_commit_callbacks(execute=True):
        sent = thread_create(patient=pat_bob, practice=riverside, subject="Q", category="other", body="A question.")
    with django_capture_on_commit_callbacks(execute=True):
        thread_close(actor=dr_alice, thread=Thread.objects.get(pk=sent.thread.pk))
    transcript = Transcript.objects.get(thread=sent.thread)
    assert transcript.reason == "closed"
    store = ehr.data()["resources"]
    assert store[f"Task|urn:bedside:riverside-family-medicine:task|{sent.thread.pk}"]["status"] == "completed"
    doc = store[f"DocumentReference|urn:bedside:riverside-family-medicine:documentreference|{transcript.pk}"]
    assert doc["content"][0]["attachment"]["contentType"] == "application/pdf"
    assert not PushJob.objects.exclude(state=PushState.DELIVERED).exists()


def test_ehr_error_status_is_retried(
    endpoint: EhrEndpoint, pat_bob: User, riverside: Practice,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    # A listening server that is not FHIR: answers 501 to POST.
    import threading
    from http.server import HTTPServer, SimpleHTTPRequestHandler

    server = HTTPServer(("127.0.0.1", 0), SimpleHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        EhrEndpoint.objects.filter(pk=endpoint.pk).update(base_url=f"http://127.0.0.1:{server.server_port}/fhir")
        with django_capture_on_commit_callbacks(execute=True):
            thread_create(patient=pat_bob, practice=riverside, subject="Hi", category="other", body="Hello.")
        job = PushJob.objects.get()
        assert job.state == PushState.PENDING and job.last_error == "HTTP 501"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/fhir", "http://169.254.169.254/latest", "http://10.1.2.3/fhir",
                                 "http://[::1]/fhir", "http://localhost/fhir", "ftp://ehr.example/fhir",
                                 "https://user:pw@ehr.example/fhir"])
def test_private_urls_refused(url: str, riverside: Practice) -> None:
    with override_settings(BEDSIDE_EHR_ALLOW_PRIVATE=False), pytest.raises(InvalidInput):
        services.ehr_endpoint_set(practice=riverside, name="x", base_url=url)
    assert not EhrEndpoint.objects.exists()


def test_private_url_refused_at_send_time(
    endpoint: EhrEndpoint, pat_bob: User, riverside: Practice,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with override_settings(BEDSIDE_EHR_ALLOW_PRIVATE=False), django_capture_on_commit_callbacks(execute=True):
        thread_create(patient=pat_bob, practice=riverside, subject="Hi", category="other", body="Hello.")
    assert PushJob.objects.get().last_error.startswith("refused")


def test_no_endpoint_no_job(pat_dana: User, lakeside: Practice) -> None:
    thread_create(patient=pat_dana, practice=lakeside, subject="Hi", category="other", body="Hello.")
    assert not PushJob.objects.exists()


def test_admin_retry_action(
    endpoint: EhrEndpoint, ehr: Ehr, pat_bob: User, riverside: Practice, demo: dict[str, User],
    web_login: Callable[[User], Client], django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        thread_create(patient=pat_bob, practice=riverside, subject="Hi", category="other", body="Hello.")
    PushJob.objects.update(state=PushState.DEAD)
    ehr.start()
    admin = web_login(demo["admin"])
    page = admin.get("/admin/records/pushjob/?state__exact=dead")
    assert page.status_code == 200 and b"Dead letter" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/admin/records/pushjob/", {
            "action": "retry", "_selected_action": list(PushJob.objects.values_list("pk", flat=True)),
        })
    assert response.status_code == 302
    assert PushJob.objects.get().state == PushState.DELIVERED
    assert AuditEvent.objects.filter(action="ehr.push_retry").exists()


def test_admin_endpoint_form_checks_url_and_hides_credential(
    riverside: Practice, demo: dict[str, User], web_login: Callable[[User], Client]
) -> None:
    admin = web_login(demo["admin"])
    form = {"practice": riverside.pk, "name": "EHR", "base_url": "http://169.254.169.254/fhir",
            "is_active": "on", "new_credential": "s3cret-credential"}
    with override_settings(BEDSIDE_EHR_ALLOW_PRIVATE=False):
        refused = admin.post("/admin/records/ehrendpoint/add/", form)
    assert refused.status_code == 200 and b"private, loopback or link-local" in refused.content
    assert not EhrEndpoint.objects.exists()
    with override_settings(BEDSIDE_EHR_ALLOW_PRIVATE=True):
        saved = admin.post("/admin/records/ehrendpoint/add/", {**form, "base_url": "http://127.0.0.1:9/fhir"})
        assert saved.status_code == 302
        endpoint = EhrEndpoint.objects.get()
        assert endpoint.credential == "s3cret-credential"
        page = admin.get(f"/admin/records/ehrendpoint/{endpoint.pk}/change/")
        assert b"s3cret-credential" not in page.content
        admin.post(f"/admin/records/ehrendpoint/{endpoint.pk}/change/", {**form, "base_url": "http://127.0.0.1:9/fhir",
                                                                         "new_credential": ""})
    endpoint.refresh_from_db()
    assert endpoint.credential == "s3cret-credential"  # empty keeps the current one
    with connection.cursor() as cursor:
        cursor.execute("SELECT credential FROM records_ehrendpoint")
        assert "s3cret" not in cursor.fetchone()[0]  # encrypted at rest


def test_stuck_claim_is_taken_over_after_the_configured_timeout(
    endpoint: EhrEndpoint, pat_bob: User, riverside: Practice,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """A push left SENDING by a dead worker is due again only after BEDSIDE_EHR_PUSH_CLAIM_TIMEOUT_SECONDS."""
    with override_settings(BEDSIDE_EHR_ALLOW_PRIVATE=False), django_capture_on_commit_callbacks(execute=True):
        thread_create(patient=pat_bob, practice=riverside, subject="Hi", category="other", body="Hello.")
    job = PushJob.objects.get()
    now = timezone.now()
    with override_settings(BEDSIDE_EHR_PUSH_CLAIM_TIMEOUT_SECONDS=45):
        PushJob.objects.filter(pk=job.pk).update(state=PushState.SENDING, claimed_at=now - timedelta(seconds=40))
        assert services.push_due() == []  # the claim may still be a live send
        PushJob.objects.filter(pk=job.pk).update(claimed_at=now - timedelta(seconds=50))
        assert services.push_due() == [job.pk]


def test_push_goes_to_the_address_that_was_checked(
    ehr: Ehr, endpoint: EhrEndpoint, pat_bob: User, riverside: Practice,
    django_capture_on_commit_callbacks: Callable[..., Any], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DNS rebinding: the EHR's name answers a "public" address when checked and a private one
    after; the bundle is sent to the first (pinned), with the name as Host, and is delivered."""
    from bedside.core import net
    from bedside.core.tests.test_net import _resolver

    ehr.start()
    lookups: dict[str, int] = {}
    EhrEndpoint.objects.filter(pk=endpoint.pk).update(base_url=f"http://ehr.test:{ehr.port}/fhir")
    monkeypatch.setattr(socket, "getaddrinfo", _resolver({"ehr.test": ["127.0.0.1", "10.9.9.9"]}, lookups))
    monkeypatch.setattr(net, "address_is_public", lambda address: address == "127.0.0.1")  # stands in for a public address
    with override_settings(BEDSIDE_EHR_ALLOW_PRIVATE=False), django_capture_on_commit_callbacks(execute=True):
        thread_create(patient=pat_bob, practice=riverside, subject="Hi", category="other", body="Hello.")
    assert PushJob.objects.get().state == PushState.DELIVERED
    assert lookups == {"ehr.test": 1} and ehr.data()["bundles"] == 1
