"""PDF transcripts: content, encrypted storage, access (care team only), audit, DocumentReference."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from bedside.accounts.models import User
from bedside.audit.models import AuditEvent
from bedside.messaging.attachments import blob_read
from bedside.messaging.models import Thread
from bedside.messaging.services import thread_close
from bedside.records.fhir import registry
from bedside.records.models import Transcript


def _streams(pdf: bytes) -> str:
    """Return the inflated content streams of a PDF (text shown with a core font is legible there)."""
    out = []
    for chunk in pdf.split(b"stream\n")[1:]:
        try:
            out.append(zlib.decompress(chunk.split(b"\nendstream")[0]).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(out)


def test_download_by_care_team(bob_thread: Thread, dr_alice: User, web_login: Callable[[User], Client]) -> None:
    response = web_login(dr_alice).get(f"/threads/{bob_thread.pk}/transcript.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert data.startswith(b"%PDF-")
    transcript = Transcript.objects.get(thread=bob_thread)
    assert transcript.sha256 == hashlib.sha256(data).hexdigest() and transcript.message_count == 3
    stored = (Path(settings.BEDSIDE_ATTACHMENT_DIR) / transcript.storage_name).read_bytes()
    assert b"%PDF" not in stored  # encrypted at rest
    assert blob_read(transcript.storage_name) == data
    export = AuditEvent.objects.get(action="transcript.export")
    assert export.actor_id == dr_alice.pk and export.patient_id == bob_thread.patient_id
    assert export.object_id == str(transcript.pk) and export.detail == {"thread": bob_thread.pk}


def test_stored_transcript_download(bob_thread: Thread, dr_alice: User, staff_erin: User,
                                    web_login: Callable[[User], Client]) -> None:
    thread_close(actor=dr_alice, thread=bob_thread)
    from bedside.records.services import transcript_create

    transcript = transcript_create(thread=bob_thread, actor=None, reason="closed")
    response = web_login(staff_erin).get(f"/threads/{bob_thread.pk}/transcripts/{transcript.pk}.pdf")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="transcript.export", actor_id=staff_erin.pk).count() == 1


@pytest.mark.parametrize("who", ["dr_charlie", "pat_dana", "pat_bob", "aud_frank"])
def test_others_get_404(who: str, request: pytest.FixtureRequest, bob_thread: Thread, dr_alice: User,
                        web_login: Callable[[User], Client]) -> None:
    from bedside.records.services import transcript_create

    stored = transcript_create(thread=bob_thread, actor=dr_alice, reason="download")
    client = web_login(request.getfixturevalue(who))
    assert client.get(f"/threads/{bob_thread.pk}/transcript.pdf").status_code == 404
    assert client.get(f"/threads/{bob_thread.pk}/transcripts/{stored.pk}.pdf").status_code == 404
    assert Transcript.objects.count() == 1
    assert not AuditEvent.objects.filter(action="transcript.export").exists()


def test_anonymous_redirected_to_sign_in(bob_thread: Thread) -> None:
    response = Client().get(f"/threads/{bob_thread.pk}/transcript.pdf")
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_wrong_thread_for_stored_transcript(bob_thread: Thread, dr_alice: User, pat_bob: User,
                                            web_login: Callable[[User], Client]) -> None:
    from bedside.messaging.services import thread_create
    from bedside.records.services import transcript_create

    other = thread_create(patient=pat_bob, practice=bob_thread.practice, subject="Other", category="other",
                          body="Another question.").thread
    stored = transcript_create(thread=other, actor=dr_alice, reason="download")
    assert web_login(dr_alice).get(f"/threads/{bob_thread.pk}/transcripts/{stored.pk}.pdf").status_code == 404


def test_close_files_a_transcript(bob_thread: Thread, dr_alice: User,
                                  django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        thread_close(actor=dr_alice, thread=bob_thread)
    transcript = Transcript.objects.get(thread=bob_thread)
    assert transcript.reason == "closed" and transcript.created_by_id == dr_alice.pk
    doc = registry.read(bob_thread.practice, "DocumentReference", str(transcript.pk))
    assert doc is not None
    data = doc.model_dump(mode="json", exclude_none=True, by_alias=True)
    assert data["subject"]["reference"] == f"Patient/{bob_thread.patient_id}"
    assert data["content"][0]["attachment"]["size"] == transcript.size
    assert data["context"]["related"][0]["reference"] == f"Communication/t{bob_thread.pk}"


def test_content_without_unicode_font(bob_thread: Thread, monkeypatch: pytest.MonkeyPatch) -> None:
    from bedside.records import pdf

    monkeypatch.setattr(pdf, "FONT_CANDIDATES", ())
    messages = list(bob_thread.messages.select_related("author").prefetch_related("attachments").order_by("sent_at", "pk"))
    text = _streams(pdf.render(bob_thread, messages))
    attachment = messages[0].attachments.get()
    for expected in ("Riverside Family Medicine", "Rash on my arm", "Bob Lindqvist", "Dr. Alice Moreno",
                     "Please send another photo tomorrow", "automatic reply", attachment.filename,
                     "Messages: 3"):
        assert expected in text, expected
    assert "I have a red rash ? since Monday" in text  # the em dash is outside Latin-1
    assert "Note: 1 character" in text


def test_content_with_pdftotext(bob_thread: Thread, dr_alice: User, tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    from bedside.records.pdf import render

    messages = list(bob_thread.messages.select_related("author").prefetch_related("attachments").order_by("sent_at", "pk"))
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(render(bob_thread, messages))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    attachment = messages[0].attachments.get()
    for expected in ("Riverside Family Medicine", "Rash on my arm", "Bob Lindqvist", "Dr. Alice Moreno",
                     "I have a red rash — since Monday", "Please send another photo tomorrow",
                     "automatic reply", attachment.filename, attachment.sha256[:32]):
        assert expected in " ".join(text.split()) or expected in text, expected


def test_thread_page_links_transcript_for_care_team_only(
    bob_thread: Thread, dr_alice: User, pat_bob: User, web_login: Callable[[User], Client]
) -> None:
    link = f'href="/threads/{bob_thread.pk}/transcript.pdf"'.encode()
    assert link in web_login(dr_alice).get(f"/threads/{bob_thread.pk}/").content
    page = web_login(pat_bob).get(f"/threads/{bob_thread.pk}/")
    assert page.status_code == 200 and link not in page.content
