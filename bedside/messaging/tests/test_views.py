"""The messaging web pages: compose, thread, attachments, queue; who is refused and what is kept."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from bedside.accounts.models import Practice, User
from bedside.audit.models import Action, AuditEvent, Outcome
from bedside.consent.models import ConsentSignature, Scope
from bedside.messaging import services
from bedside.messaging.models import (
    Attachment,
    Message,
    MessageKind,
    ReplyTemplate,
    Thread,
    ThreadStatus,
    Urgency,
)

pytestmark = pytest.mark.django_db

NEW = "/messages/new/"
EMERGENCY_TEXT = "I have crushing chest pain and can't breathe"


def png_bytes(color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (12, 8), color).save(out, format="PNG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def riverside() -> Practice:
    return Practice.objects.get(name="Riverside Family Medicine")


def bob_thread(bob: User, body: str = "My knee is stiff in the mornings.", category: str = "medical_question",
               files=()) -> Thread:
    return services.thread_create(
        patient=bob, practice=riverside(), subject="Knee stiffness", category=category, body=body, files=files,
    ).thread


def text(response) -> str:
    return response.content.decode()


class _Inputs(HTMLParser):
    """Collect form controls and labels, to check that every visible control is labelled."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label" and a.get("for"):
            self.label_for.add(str(a["for"]))
        if tag in {"input", "select", "textarea"} and a.get("type") not in {"hidden", "submit"}:
            self.controls.append(a)


def assert_labelled(html: str) -> None:
    parser = _Inputs()
    parser.feed(html)
    for control in parser.controls:
        assert control.get("id") in parser.label_for or control.get("aria-label"), control


# --- compose and send ------------------------------------------------------------------------


def test_bob_opens_compose_page_with_emergency_banner(web_login, pat_bob):
    response = web_login(pat_bob).get(NEW)
    assert response.status_code == 200
    page = text(response)
    assert "If this is an emergency, call 911 now." in page
    assert "Call or text <strong>988</strong>" in page
    assert 'enctype="multipart/form-data"' in page
    assert 'type="radio"' in page and "Prescription refill" in page
    assert 'accept="image/jpeg,image/png,application/pdf' in page and "multiple" in page
    # Bob has one practice: no practice select.
    assert 'name="practice"' not in page
    assert_labelled(page)


def test_bob_sends_message_with_png_and_pdf_and_sees_auto_reply(web_login, pat_bob):
    client = web_login(pat_bob)
    before = Thread.objects.count()
    response = client.post(NEW, {
        "subject": "Rash on my arm",
        "category": "medical_question",
        "body": "I have had a red rash on my forearm for three days.\nIt itches.",
        "attachments": [upload("arm.png", png_bytes(), "image/png"), upload("lab.pdf", PDF, "application/pdf")],
    })
    assert response.status_code == 302, text(response)
    thread = Thread.objects.latest("pk")
    assert Thread.objects.count() == before + 1
    assert response["Location"] == f"/threads/{thread.pk}/?sent=1"
    assert thread.patient == pat_bob and thread.subject == "Rash on my arm"
    assert Attachment.objects.filter(message__thread=thread).count() == 2

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = text(page)
    auto = thread.messages.get(kind=MessageKind.AUTO_REPLY)
    assert "what happens next" in html
    assert "your message reached Riverside Family Medicine" in auto.body
    assert "your message reached Riverside Family Medicine" in html
    assert "We aim to reply by" in html
    assert "I have had a red rash on my forearm for three days.<br>It itches." in html
    assert "Download arm.png" in html and "Download lab.pdf" in html
    assert "emergency-panel" not in html


def test_message_body_is_escaped(web_login, pat_bob):
    thread = bob_thread(pat_bob, body="<script>alert(1)</script> & <b>bold</b>")
    html = text(web_login(pat_bob).get(f"/threads/{thread.pk}/"))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html


def test_emergency_message_shows_emergency_panel(web_login, pat_bob, staff_erin):
    client = web_login(pat_bob)
    response = client.post(NEW, {"subject": "Help", "category": "medical_question", "body": EMERGENCY_TEXT},
                           follow=True)
    assert response.status_code == 200
    thread = Thread.objects.latest("pk")
    assert thread.urgency == Urgency.EMERGENCY
    html = text(response)
    assert 'class="emergency-panel"' in html
    assert "Call 911 now" in html and "988" in html
    # The care team sees the flag too, not the patient panel.
    staff_html = text(web_login(staff_erin).get(f"/threads/{thread.pk}/"))
    assert "Screened as a possible emergency" in staff_html and "emergency-panel" not in staff_html
    assert "badge--emergency" in staff_html


def test_missing_fields_are_reported_and_typed_text_kept(web_login, pat_bob):
    before = Thread.objects.count()
    response = web_login(pat_bob).post(NEW, {"subject": "", "category": "", "body": "Only the body"})
    assert response.status_code == 400
    html = text(response)
    assert "Give your message a short subject." in html
    assert "Choose what your message is about." in html
    assert "Only the body</textarea>" in html
    assert 'aria-invalid="true"' in html
    assert Thread.objects.count() == before


def test_empty_post_shows_errors(web_login, pat_bob):
    response = web_login(pat_bob).post(NEW, {})
    assert response.status_code == 400
    assert "Give your message a short subject." in text(response)


def test_disguised_executable_is_refused_and_everything_typed_is_kept(web_login, pat_bob):
    before = (Thread.objects.count(), Message.objects.count(), Attachment.objects.count())
    response = web_login(pat_bob).post(NEW, {
        "subject": "Photo of my wound",
        "category": "post_op",
        "body": "Here is the wound, it looks red around the stitches.",
        "attachments": [upload("wound.jpg", EXE, "image/jpeg")],
    })
    assert response.status_code == 400
    html = text(response)
    assert "wound.jpg: Only photos (JPEG, PNG) and PDF documents can be attached" in html
    assert "please attach them again" in html
    assert "Here is the wound, it looks red around the stitches.</textarea>" in html
    assert 'value="Photo of my wound"' in html
    assert re.search(r'value="post_op"[^>]*checked', html)
    assert (Thread.objects.count(), Message.objects.count(), Attachment.objects.count()) == before


def test_oversized_upload_is_refused_before_reading(web_login, pat_bob, settings):
    settings.BEDSIDE_ATTACHMENT_MAX_BYTES = 2048
    before = Thread.objects.count()
    response = web_login(pat_bob).post(NEW, {
        "subject": "Scan", "category": "other", "body": "See the attached scan.",
        "attachments": [upload("scan.pdf", PDF + b"0" * 4096 + b"\n%%EOF\n", "application/pdf")],
    })
    assert response.status_code == 400
    html = text(response)
    assert "scan.pdf: the file is" in html and "the limit is" in html
    assert "See the attached scan.</textarea>" in html
    assert Thread.objects.count() == before


def test_photo_without_photo_consent_is_refused_with_text_kept(web_login, pat_dana):
    before = Thread.objects.count()
    response = web_login(pat_dana).post(NEW, {
        "subject": "Swollen ankle", "category": "post_op", "body": "It swelled after the cast came off.",
        "attachments": [upload("ankle.png", png_bytes(), "image/png")],
    })
    assert response.status_code == 403
    html = text(response)
    assert "photo-sharing consent" in html
    assert "It swelled after the cast came off.</textarea>" in html
    assert Thread.objects.count() == before


def test_gus_without_consent_gets_explanation_and_post_stores_nothing(web_login, pat_gus):
    client = web_login(pat_gus)
    response = client.get(NEW)
    assert response.status_code == 403
    html = text(response)
    assert "read and sign the practice’s secure-messaging consent" in html
    assert 'href="/consents/"' in html
    assert 'name="body"' not in html

    before = Thread.objects.count()
    response = client.post(NEW, {"subject": "Hello", "category": "other", "body": "Please call me back."})
    assert response.status_code == 403
    assert Thread.objects.count() == before
    html = text(response)
    assert "not sent" in html and "Please call me back.</textarea>" in html
    assert AuditEvent.objects.filter(
        action=Action.MESSAGE_REFUSED, actor_id=pat_gus.pk, outcome=Outcome.DENIED, detail__reason="consent_required"
    ).exists()


def test_patient_without_relationship_is_told_to_call_the_office(web_login, demo):
    newcomer = User.objects.create_user(email="new@example.org", password="x-long-password-1", full_name="Nia New")
    response = web_login(newcomer).get(NEW)
    assert response.status_code == 403
    assert "Please call the office to set up care" in text(response)
    response = web_login(newcomer).post(NEW, {"subject": "Hi", "category": "other", "body": "Can I be seen?"})
    assert response.status_code == 403 and "Can I be seen?</textarea>" in text(response)
    assert Thread.objects.filter(patient=newcomer).count() == 0
    assert AuditEvent.objects.filter(action=Action.MESSAGE_REFUSED, actor_id=newcomer.pk,
                                     detail__reason="no_relationship").exists()


def test_revoking_consent_closes_the_compose_page(web_login, pat_bob):
    client = web_login(pat_bob)
    signature = ConsentSignature.objects.get(
        patient=pat_bob, scope=Scope.PORTAL_MESSAGING, revoked_at__isnull=True, superseded_at__isnull=True
    )
    assert client.post(f"/consents/signatures/{signature.pk}/revoke/").status_code == 302
    response = client.get(NEW)
    assert response.status_code == 403
    assert "One step before you can message" in text(response)


def test_care_team_and_others_cannot_compose(web_login, dr_alice, aud_frank):
    assert web_login(dr_alice).get(NEW).status_code == 404
    assert web_login(aud_frank).get(NEW).status_code == 404


# --- the thread page ------------------------------------------------------------------------------


def test_thread_view_is_audited_and_marks_read(web_login, pat_bob, staff_erin):
    thread = bob_thread(pat_bob)
    response = web_login(staff_erin).get(f"/threads/{thread.pk}/")
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action="thread.view", actor_id=staff_erin.pk).latest("pk")
    assert event.object_id == str(thread.pk) and event.patient_id == pat_bob.pk and event.channel == "web"
    # Bob now sees Erin's read receipt on his message.
    html = text(web_login(pat_bob).get(f"/threads/{thread.pk}/"))
    assert "Read by Erin Walsh at" in html


def test_erin_sees_bobs_message_in_queue_opens_and_replies(web_login, pat_bob, staff_erin):
    thread = bob_thread(pat_bob)
    erin = web_login(staff_erin)
    queue = erin.get("/queue/")
    assert queue.status_code == 200
    html = text(queue)
    assert f'href="/threads/{thread.pk}/"' in html and "Knee stiffness" in html
    assert "Bob Lindqvist" in html and "Front desk" in html and "badge--new" in html

    assert erin.get(f"/threads/{thread.pk}/").status_code == 200
    response = erin.post(f"/threads/{thread.pk}/reply/", {"body": "Please try ice and rest; call if worse."})
    assert response.status_code == 302 and response["Location"] == f"/threads/{thread.pk}/"
    reply = thread.messages.filter(kind=MessageKind.CARE_TEAM).get()
    assert reply.author == staff_erin and reply.body == "Please try ice and rest; call if worse."
    thread.refresh_from_db()
    assert thread.due_at is None

    bob = web_login(pat_bob)
    inbox = text(bob.get("/inbox/"))
    assert "New reply" in inbox and "Knee stiffness" in inbox
    page = text(bob.get(f"/threads/{thread.pk}/"))
    assert "Erin Walsh" in page and "Please try ice and rest; call if worse." in page
    assert "New reply" not in text(bob.get("/inbox/"))


def test_patient_reply_with_attachment(web_login, pat_bob):
    thread = bob_thread(pat_bob)
    client = web_login(pat_bob)
    response = client.post(f"/threads/{thread.pk}/reply/", {
        "body": "Here is the photo.", "attachments": [upload("knee.png", png_bytes("blue"), "image/png")]})
    assert response.status_code == 302
    message = thread.messages.filter(kind=MessageKind.PATIENT).latest("pk")
    assert message.body == "Here is the photo." and message.attachments.count() == 1


def test_empty_reply_is_refused(web_login, pat_bob):
    thread = bob_thread(pat_bob)
    response = web_login(pat_bob).post(f"/threads/{thread.pk}/reply/", {"body": "   "})
    assert response.status_code == 400
    assert "Write your message before sending." in text(response)


def test_reply_to_closed_thread_keeps_text(web_login, pat_bob, dr_alice):
    thread = bob_thread(pat_bob)
    services.thread_close(actor=dr_alice, thread=thread)
    client = web_login(pat_bob)
    page = text(client.get(f"/threads/{thread.pk}/"))
    assert "This conversation is closed" in page and 'name="body"' not in page
    count = Message.objects.count()
    response = client.post(f"/threads/{thread.pk}/reply/", {"body": "One more question about the knee."})
    assert response.status_code == 409
    html = text(response)
    assert "This conversation is closed. Start a new message instead" in html
    assert "One more question about the knee.</textarea>" in html
    assert Message.objects.count() == count


@pytest.mark.parametrize("who", ["dr_charlie", "pat_dana", "aud_frank"])
def test_strangers_get_404_for_thread_and_attachment(request, web_login, pat_bob, who):
    from bedside.messaging.attachments import attachment_clean

    thread = bob_thread(pat_bob, files=[attachment_clean(name="lab.pdf", data=PDF)])
    attachment = Attachment.objects.get(message__thread=thread)
    client = web_login(request.getfixturevalue(who))
    assert client.get(f"/threads/{thread.pk}/").status_code == 404
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 404
    assert client.post(f"/threads/{thread.pk}/reply/", {"body": "hi"}).status_code == 404
    assert client.get("/threads/999999/").status_code == 404
    assert thread.messages.count() == 2
    assert not AuditEvent.objects.filter(action__in=["thread.view", "attachment.download"],
                                         actor_id=request.getfixturevalue(who).pk).exists()


def test_anonymous_is_sent_to_sign_in(pat_bob):
    from bedside.messaging.attachments import attachment_clean

    thread = bob_thread(pat_bob, files=[attachment_clean(name="lab.pdf", data=PDF)])
    attachment = Attachment.objects.get(message__thread=thread)
    client = Client()
    for url in (f"/threads/{thread.pk}/", f"/attachments/{attachment.pk}/", "/inbox/", "/queue/", NEW, "/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    assert client.post(f"/threads/{thread.pk}/reply/", {"body": "x"}).status_code == 302


def test_attachment_download(web_login, pat_bob, staff_erin):
    client = web_login(pat_bob)
    client.post(NEW, {"subject": "Photo", "category": "medical_question", "body": "See photo.",
                      "attachments": [upload("../../etc/My Arm?.png", png_bytes(), "image/png")]})
    attachment = Attachment.objects.latest("pk")
    for user in (pat_bob, staff_erin):
        response = web_login(user).get(f"/attachments/{attachment.pk}/")
        assert response.status_code == 200
        data = b"".join(response.streaming_content)
        assert data.startswith(b"\x89PNG") and len(data) == attachment.size
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"] == 'attachment; filename="My Arm_.png"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "no-store"
        assert AuditEvent.objects.filter(action="attachment.download", actor_id=user.pk,
                                         object_id=str(attachment.pk)).exists()


def test_phi_pages_are_not_cached(web_login, pat_bob, staff_erin):
    thread = bob_thread(pat_bob)
    bob = web_login(pat_bob)
    for url in ("/inbox/", NEW, f"/threads/{thread.pk}/", "/consents/"):
        response = bob.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store", url
    assert web_login(staff_erin).get("/queue/")["Cache-Control"] == "no-store"


def test_csrf_is_enforced(pat_bob):
    client = Client(enforce_csrf_checks=True)
    client.force_login(pat_bob)
    before = Thread.objects.count()
    response = client.post(NEW, {"subject": "Hi", "category": "other", "body": "Hello"})
    assert response.status_code == 403
    assert "Please try that again" in text(response)
    assert Thread.objects.count() == before


def test_pages_have_no_inline_styles_or_scripts(web_login, pat_bob, dr_alice):
    thread = bob_thread(pat_bob)
    for client, url in ((web_login(pat_bob), NEW), (web_login(pat_bob), f"/threads/{thread.pk}/"),
                        (web_login(dr_alice), f"/threads/{thread.pk}/"), (web_login(dr_alice), "/queue/")):
        html = text(client.get(url))
        # The CSP forbids inline code: scripts only from files (src=), no style attributes or blocks.
        assert "style=" not in html and "<style" not in html, url
        assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html)), url
        assert '<html lang="en">' in html and 'href="#main"' in html and '<main id="main"' in html
        assert_labelled(html)


# --- care-team actions -------------------------------------------------------------------------------


def test_alice_assigns_closes_and_reopens(web_login, pat_bob, dr_alice, staff_nora):
    thread = bob_thread(pat_bob)
    alice = web_login(dr_alice)
    page = text(alice.get(f"/threads/{thread.pk}/"))
    assert "Nora Patel" in page and "Dr. Alice Moreno" in page  # assignable members

    response = alice.post(f"/threads/{thread.pk}/assign/", {"assignee": staff_nora.pk})
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.assignee == staff_nora
    assert AuditEvent.objects.filter(action="thread.assign", actor_id=dr_alice.pk).exists()

    assert alice.post(f"/threads/{thread.pk}/assign/", {"assignee": ""}).status_code == 302
    thread.refresh_from_db()
    assert thread.assignee is None

    assert alice.post(f"/threads/{thread.pk}/close/").status_code == 302
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.CLOSED
    page = text(alice.get(f"/threads/{thread.pk}/"))
    assert "Reopen conversation" in page

    # Closing twice says so instead of failing.
    response = alice.post(f"/threads/{thread.pk}/close/", follow=True)
    assert "already closed" in text(response)

    assert alice.post(f"/threads/{thread.pk}/reopen/").status_code == 302
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.OPEN


def test_assigning_a_stranger_is_refused(web_login, pat_bob, dr_alice, dr_charlie):
    thread = bob_thread(pat_bob)
    response = web_login(dr_alice).post(f"/threads/{thread.pk}/assign/", {"assignee": dr_charlie.pk}, follow=True)
    assert response.status_code == 200
    assert "Choose a member of the care team" in text(response)
    thread.refresh_from_db()
    assert thread.assignee is None
    response = web_login(dr_alice).post(f"/threads/{thread.pk}/assign/", {"assignee": "abc"}, follow=True)
    assert response.status_code == 200


def test_charlie_and_bob_cannot_assign_close_or_reopen(web_login, pat_bob, dr_alice, dr_charlie):
    thread = bob_thread(pat_bob)
    for client in (web_login(dr_charlie), web_login(pat_bob)):
        assert client.post(f"/threads/{thread.pk}/assign/", {"assignee": dr_alice.pk}).status_code == 404
        assert client.post(f"/threads/{thread.pk}/close/").status_code == 404
    services.thread_close(actor=dr_alice, thread=thread)
    assert web_login(dr_charlie).post(f"/threads/{thread.pk}/reopen/").status_code == 404
    assert web_login(pat_bob).post(f"/threads/{thread.pk}/reopen/").status_code == 404
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.CLOSED and thread.assignee is None


def test_actions_require_post(web_login, pat_bob, dr_alice):
    thread = bob_thread(pat_bob)
    alice = web_login(dr_alice)
    assert alice.get(f"/threads/{thread.pk}/close/").status_code == 405
    assert alice.get(f"/threads/{thread.pk}/assign/").status_code == 405


def test_reply_template_prefills_reply(web_login, pat_bob, dr_alice, dr_charlie):
    thread = bob_thread(pat_bob)
    refill = ReplyTemplate.objects.get(practice=riverside(), title="Refill sent")
    other = ReplyTemplate.objects.create(practice=Practice.objects.get(name="Lakeside Orthopedics"),
                                         title="Ortho only", body="Lakeside private wording")
    alice = web_login(dr_alice)
    page = text(alice.get(f"/threads/{thread.pk}/"))
    assert "Insert template" in page and "Ortho only" not in page
    page = text(alice.get(f"/threads/{thread.pk}/?template={refill.pk}"))
    assert f"{refill.body}</textarea>" in page
    page = text(alice.get(f"/threads/{thread.pk}/?template={other.pk}"))
    assert "Lakeside private wording" not in page and "template was not found" in page
    assert alice.get(f"/threads/{thread.pk}/?template=abc").status_code == 200
    # Patients never get templates.
    page = text(web_login(pat_bob).get(f"/threads/{thread.pk}/?template={refill.pk}"))
    assert refill.body not in page and "Insert template" not in page


# --- the queue ------------------------------------------------------------------------------


def test_queue_is_for_the_care_team_only(web_login, pat_bob, aud_frank, staff_erin):
    assert web_login(pat_bob).get("/queue/").status_code == 404
    assert web_login(aud_frank).get("/queue/").status_code == 404
    response = web_login(staff_erin).get("/queue/")
    assert response.status_code == 200 and "All caught up" in text(response)
    assert web_login(staff_erin).get("/inbox/")["Location"] == "/queue/"


def test_queue_filters(web_login, pat_bob, dr_alice, staff_erin):
    knee = bob_thread(pat_bob)
    refill = services.thread_create(patient=pat_bob, practice=riverside(), subject="Refill please",
                                    category="prescription", body="My lisinopril runs out Friday.").thread
    alice = web_login(dr_alice)
    both = text(alice.get("/queue/"))
    assert "Knee stiffness" in both and "Refill please" in both
    assert both.index("Knee stiffness") < both.index("Refill please")  # oldest first

    page = text(alice.get("/queue/?category=prescription"))
    assert "Refill please" in page and "Knee stiffness" not in page
    nursing = refill.pool
    assert nursing is not None
    page = text(alice.get(f"/queue/?pool={nursing.pk}"))
    assert "Refill please" in page and "Knee stiffness" not in page

    services.thread_assign(actor=dr_alice, thread=knee, assignee=dr_alice)
    page = text(alice.get("/queue/?assignee=me"))
    assert "Knee stiffness" in page and "Refill please" not in page
    page = text(alice.get("/queue/?assignee=none"))
    assert "Refill please" in page and "Knee stiffness" not in page

    services.thread_close(actor=dr_alice, thread=refill)
    assert "Refill please" not in text(alice.get("/queue/"))
    page = text(alice.get("/queue/?status=closed"))
    assert "Refill please" in page and "Knee stiffness" not in page

    # Erin (front desk) sees only what is routed to her pool.
    page = text(web_login(staff_erin).get("/queue/?status=closed"))
    assert "Refill please" not in page


@pytest.mark.parametrize("query", [
    "pool=abc", "pool=999999", "pool=-1", "category=zzz", "status=everything", "assignee=somebody",
    "page=abc", "page=99999", "pool=1e9&category=%00", "pool=99999999999999999999999",
])
def test_queue_bad_filter_values_do_not_500(web_login, pat_bob, dr_alice, query):
    bob_thread(pat_bob)
    response = web_login(dr_alice).get(f"/queue/?{query}")
    assert response.status_code == 200, query
    html = text(response)
    assert "Knee stiffness" in html, query
    if not query.startswith("page"):
        assert "were not understood and were ignored" in html, query


def test_queue_and_inbox_have_no_n_plus_one(web_login, pat_bob, dr_alice, staff_nora):
    def queries(client: Client, url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    bob_thread(pat_bob)
    alice, bob = web_login(dr_alice), web_login(pat_bob)
    queue_one, inbox_one = queries(alice, "/queue/"), queries(bob, "/inbox/")
    for i in range(6):
        thread = bob_thread(pat_bob, body=f"Question number {i}")
        services.thread_assign(actor=dr_alice, thread=thread, assignee=dr_alice if i % 2 else staff_nora)
    assert queries(alice, "/queue/") == queue_one
    assert queries(bob, "/inbox/") == inbox_one


def test_queue_is_paginated(web_login, pat_bob, dr_alice):
    for i in range(52):
        bob_thread(pat_bob, body=f"Question {i}")
    alice = web_login(dr_alice)
    page = text(alice.get("/queue/?category=medical_question"))
    assert page.count('href="/threads/') == 50
    assert "Page 1 of 2" in page and "category=medical_question&amp;page=2" in page
    page2 = text(alice.get("/queue/?category=medical_question&page=2"))
    assert page2.count('href="/threads/') == 2


# --- inbox ---------------------------------------------------------------------------------------


def test_inbox_empty_state_and_list(web_login, pat_bob):
    client = web_login(pat_bob)
    html = text(client.get("/inbox/"))
    assert "No messages yet" in html and f'href="{NEW}"' in html
    thread = bob_thread(pat_bob)
    html = text(client.get("/inbox/"))
    assert "Knee stiffness" in html and "Riverside Family Medicine" in html and "Open" in html
    assert f'href="/threads/{thread.pk}/"' in html
    assert AuditEvent.objects.filter(action="thread.list", actor_id=pat_bob.pk).exists()


def test_inbox_lists_only_own_threads(web_login, pat_bob, pat_dana):
    bob_thread(pat_bob)
    html = text(web_login(pat_dana).get("/inbox/"))
    assert "Knee stiffness" not in html


def test_patient_with_several_practices_chooses_one(web_login, pat_bob, dr_charlie):
    from datetime import timedelta

    from django.utils import timezone

    from bedside.consent import services as consent
    from bedside.consent.selectors import document_current

    lakeside = Practice.objects.get(name="Lakeside Orthopedics")
    consent.relationship_create(actor=dr_charlie, patient=pat_bob, practice=lakeside, method="in_person",
                                established_on=timezone.localdate() - timedelta(days=1))
    client = web_login(pat_bob)
    # Lakeside is not consented yet: only Riverside is offered, with a note about Lakeside.
    html = text(client.get(NEW))
    assert 'name="practice"' not in html and "To message Lakeside Orthopedics" in html

    document = document_current(practice=lakeside, scope=Scope.PORTAL_MESSAGING)
    assert document is not None
    consent.consent_sign(patient=pat_bob, document=document, typed_name=pat_bob.full_name)
    html = text(client.get(NEW))
    assert 'name="practice"' in html and "Lakeside Orthopedics" in html and "Riverside Family Medicine" in html
    assert_labelled(html)

    fields = {"subject": "Cast itches", "category": "post_op", "body": "The cast itches a lot."}
    missing = client.post(NEW, fields)
    assert missing.status_code == 400 and "Choose the practice this message is for." in text(missing)
    response = client.post(NEW, {**fields, "practice": lakeside.pk})
    assert response.status_code == 302
    assert Thread.objects.latest("pk").practice == lakeside
    stranger = Practice.objects.create(name="Elsewhere Clinic", slug="elsewhere")
    refused = client.post(NEW, {**fields, "practice": stranger.pk})
    assert refused.status_code == 400 and "Choose one of your practices" in text(refused)
    assert Thread.objects.filter(practice=stranger).count() == 0


def test_patient_reply_after_revoking_consent_is_refused_with_text_kept(web_login, pat_bob):
    thread = bob_thread(pat_bob)
    signature = ConsentSignature.objects.get(
        patient=pat_bob, scope=Scope.PORTAL_MESSAGING, revoked_at__isnull=True, superseded_at__isnull=True
    )
    from bedside.consent import services as consent

    consent.consent_revoke(patient=pat_bob, signature=signature)
    count = Message.objects.count()
    response = web_login(pat_bob).post(f"/threads/{thread.pk}/reply/", {"body": "Still sore today."})
    assert response.status_code == 403
    html = text(response)
    assert "portal-messaging consent" in html and "Still sore today.</textarea>" in html
    assert Message.objects.count() == count
