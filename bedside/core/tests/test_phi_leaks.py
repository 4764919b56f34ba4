"""No PHI where it must not be (issue 8, item 7).

The main flows run with a canary patient name and canary message texts: sign-in, composing on the
web and through the API, an email from the patient, staff reading and assigning, the clinician's
reply, closing, the transcript, the FHIR read, refused and missing pages. Afterwards the canaries
must be absent from every captured log line (message and traceback), every column of every audit
row, every sent email (subject, body, headers, alternatives), every URL requested or redirected
to, and every error page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import Client, RequestFactory

from bedside.accounts.models import User
from bedside.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

NAME = "Quorvath Zyndelkamp"  # Bob's name for this test: unusual enough that any hit is a leak
CANARIES = ["Quorvath", "Zyndelkamp", "CANARYBODY", "CANARYSUBJ", "CANARYMAIL", "CANARYAPI", "CANARYREPLY"]


class Recorder:
    """Wrap test clients so that every URL requested and every redirect target is kept."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.error_pages: list[tuple[str, bytes]] = []

    def __call__(self, client: Client) -> Client:
        recorder = self
        original = client.request

        def request(**environ: Any) -> HttpResponse:
            response: HttpResponse = original(**environ)
            recorder.urls.append(f"{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}")
            if response.has_header("Location"):
                recorder.urls.append(response["Location"])
            if response.status_code >= 400:
                recorder.error_pages.append((str(environ.get("PATH_INFO")), response.content))
            return response

        client.request = request  # type: ignore[method-assign]
        return client


def _hits(text: str) -> list[str]:
    lowered = text.lower()
    return [c for c in CANARIES if c.lower() in lowered]


def test_canary_text_and_name_never_leak(
    demo: dict[str, User], web_login: Callable[[User], Client], api_token: Callable[[User], str],
    caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks: Any, password: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    record = Recorder()
    bob, alice, erin, dana = demo["bob"], demo["alice"], demo["erin"], demo["dana"]
    User.objects.filter(pk=bob.pk).update(full_name=NAME)
    bob.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        # Bob signs in for real (allauth), composes on the web, and writes through the API.
        web_bob = record(Client())
        assert web_bob.post("/accounts/login/", {"login": bob.email, "password": password}).status_code == 302
        response = web_bob.post("/messages/new/", {"subject": "CANARYSUBJ knee", "category": "medical_question",
                                                   "body": "CANARYBODY my knee hurts and I feel dizzy"})
        assert response.status_code == 302
        thread_url = response["Location"]
        api_bob = record(Client(HTTP_AUTHORIZATION=f"Bearer {api_token(bob)}"))
        created = api_bob.post("/api/v1/threads", {"subject": "CANARYAPI", "category": "other",
                                                   "body": "CANARYAPI please call me"}, content_type="application/json")
        assert created.status_code == 201, created.content
        api_bob.get(f"/api/v1/threads/{created.json()['id']}")
        api_bob.get("/api/v1/threads")
        # Bad input: the error names the field (and repeats the bad category), never the message text.
        api_bob.post("/api/v1/threads", {"subject": "CANARYAPI", "category": "no-such-category", "body": "CANARYAPI"},
                     content_type="application/json")

    with django_capture_on_commit_callbacks(execute=True):
        from bedside.records.mail.ingest import MailRejected, mail_receive

        data = (f"From: {NAME} <bob@demo.bedside>\r\nTo: riverside-family-medicine@bedside.localhost\r\n"
                "Subject: CANARYMAIL question\r\n\r\nCANARYMAIL the rash is spreading\r\n").encode()
        try:
            mail_receive(envelope_from="bob@demo.bedside", recipients=["riverside-family-medicine@bedside.localhost"],
                         data=data, peer="198.51.100.7")
        except MailRejected:
            pass

    with django_capture_on_commit_callbacks(execute=True):
        # The care team reads, assigns, replies, closes, and downloads the transcript.
        web_erin, web_alice = record(web_login(erin)), record(web_login(alice))
        web_erin.get("/queue/")
        web_erin.get(thread_url)
        pk = thread_url.strip("/").split("/")[-1]
        web_erin.post(f"/threads/{pk}/assign/", {"assignee": str(alice.pk)})
        web_alice.post(f"/threads/{pk}/reply/", {"body": "CANARYREPLY rest and ice, Quorvath"})
        web_alice.get(f"/threads/{pk}/transcript.pdf")
        web_alice.post(f"/threads/{pk}/close/")
        web_bob.get(thread_url)

    # Refused and missing pages, on the web and the API; an auditor's FHIR read.
    web_dana = record(web_login(dana))
    web_dana.get(thread_url)
    web_dana.get(f"/attachments/{pk}/")
    record(Client(HTTP_AUTHORIZATION=f"Bearer {api_token(dana)}")).get(f"/api/v1/threads/{pk}")
    record(Client(HTTP_AUTHORIZATION=f"Bearer {api_token(demo['frank'])}")).get(f"/fhir/Patient/{bob.pk}/$everything")
    record(Client()).get(thread_url)

    # The 500 page, rendered as the handler would for a crash in the middle of Bob's thread.
    from bedside.core.views import error_500

    crash = RequestFactory().get(thread_url)
    crash.user = bob
    server_error = error_500(crash)

    # --- where the canaries must not be ---
    leaks: list[str] = []
    for rec in caplog.records:
        line = rec.getMessage() + " " + (logging.Formatter().formatException(rec.exc_info) if rec.exc_info else "")
        formatted = logging.getLogger().handlers[0].format(rec) if logging.getLogger().handlers else ""
        for hit in _hits(line + formatted):
            leaks.append(f"log {rec.name}: {hit}")
    rows = list(AuditEvent.objects.values())
    assert len(rows) > 10
    for row in rows:
        for column, value in row.items():
            for hit in _hits(str(value)):
                leaks.append(f"audit row {row['id']} column {column}: {hit}")
    assert mail.outbox, "no email went out: the check would prove nothing"
    for message in mail.outbox:
        parts = [message.subject, message.body, str(message.extra_headers), message.from_email, *message.to]
        parts += [str(content) for content, _type in getattr(message, "alternatives", [])]
        parts.append(message.message().as_string())
        for hit in _hits(" ".join(parts)):
            leaks.append(f"email {message.subject!r}: {hit}")
    assert len(record.urls) > 15
    for url in record.urls:
        for hit in _hits(url):
            leaks.append(f"URL {url}: {hit}")
    assert record.error_pages, "no error page was seen"
    for path, content in [*record.error_pages, ("500", server_error.content)]:
        for hit in _hits(content.decode(errors="replace")):
            leaks.append(f"error page {path}: {hit}")
    assert not leaks, leaks
