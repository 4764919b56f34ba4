"""Attack payloads (issue 8, item 4): XSS, CSRF, session fixation, IDOR, hostile uploads, header
injection, SSRF and log injection, each driven through the real pages, services and settings."""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from bedside.accounts.models import Practice, User
from bedside.core.errors import InvalidInput
from bedside.core.tests.test_authz_matrix import PERSONAS, ROWS, _is_api
from bedside.core.tests.test_authz_matrix import world as world  # the matrix's fixture, reused
from bedside.messaging.attachments import attachment_clean
from bedside.messaging.models import Attachment, Thread
from bedside.messaging.services import message_send, thread_create

pytestmark = pytest.mark.django_db

# From the OWASP XSS filter evasion cheat sheet: each must come back escaped, never as markup.
XSS = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<body onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<details open ontoggle=alert(1)>",
    "{{ request.user.password }}{% debug %}",
]


def riverside() -> Practice:
    return Practice.objects.get(name="Riverside Family Medicine")


class _Live(HTMLParser):
    """Collect markup that would run: on* handlers, javascript: URLs, scripts that call alert."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []
        self.in_script = self.data_block = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_script = tag == "script"
        # JSON-LD / JSON data blocks never run; their text must only not break out (no "<" in them).
        self.data_block = tag == "script" and (dict(attrs).get("type") or "").endswith("json")
        for name, value in attrs:
            if name.startswith("on"):
                self.live.append(f"<{tag} {name}>")
            if name in {"href", "src", "action", "formaction"} and "javascript:" in (value or "").lower():
                self.live.append(f"<{tag} {name}={value}>")
        if tag in {"iframe", "svg", "object", "embed"}:
            self.live.append(f"<{tag}>")

    def handle_data(self, data: str) -> None:
        if self.in_script and self.data_block and "<" in data:
            self.live.append("<script type=json> with markup inside")
        elif self.in_script and not self.data_block and "alert(" in data:
            self.live.append("<script>alert(")

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False


def _assert_escaped(content: bytes, vectors: list[str], where: str) -> None:
    for vector in vectors:
        if "<" in vector:
            assert vector.encode() not in content, f"{where}: {vector!r} is rendered raw"
    parser = _Live()
    parser.feed(content.decode())
    assert not parser.live, f"{where}: live markup {parser.live}"
    assert b"pbkdf2" not in content and b"md5$" not in content, f"{where}: a template tag was evaluated"


# --- XSS ------------------------------------------------------------------------------------------

def test_xss_in_subject_body_and_file_names_is_escaped_on_every_page(
    pat_bob: User, dr_alice: User, staff_erin: User, web_login: Callable[[User], Client]
) -> None:
    pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    threads = []
    for vector in XSS:
        sent = thread_create(patient=pat_bob, practice=riverside(), subject=vector[:200], category="other",
                             body=f"Before {vector} after", files=[attachment_clean(name=f"{vector}.pdf", data=pdf)])
        message_send(author=dr_alice, thread=sent.thread, body=f"Reply {vector}")
        threads.append(sent.thread.pk)
    names = list(Attachment.objects.values_list("filename", flat=True))
    assert all("<" not in n and ">" not in n and '"' not in n for n in names), names  # sanitised at the door
    pages = [(pat_bob, "/inbox/"), (staff_erin, "/queue/"), (dr_alice, "/queue/")]
    pages += [(who, f"/threads/{pk}/") for pk in threads for who in (pat_bob, staff_erin)]
    for user, url in pages:
        response = web_login(user).get(url)
        assert response.status_code == 200, url
        _assert_escaped(response.content, XSS, url)


def test_xss_in_profile_fields_is_escaped(dr_alice: User, pat_bob: User, web_login: Callable[[User], Client]) -> None:
    from bedside.accounts import services as accounts

    vector = XSS[1]
    accounts.clinician_profile_set(
        user=dr_alice, practice=riverside(), display_name=f"Dr. {vector}", credentials=XSS[0][:40],
        specialty=XSS[2], npi="1234567893", license_number="MD-204518", license_state="NY",
    )
    sent = thread_create(patient=pat_bob, practice=riverside(), subject="Profile", category="other", body="Hi")
    message_send(author=dr_alice, thread=sent.thread, body="Hello Bob")
    from django.apps import apps

    pages = [(web_login(pat_bob), f"/threads/{sent.thread.pk}/"), (web_login(pat_bob), "/inbox/")]
    if apps.is_installed("bedside.publishing"):  # the public profile page shows the same fields to anyone
        pages += [(Client(), "/doctors/alice-moreno/"), (Client(), "/api/v1/public/doctors/alice-moreno")]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        if url.startswith("/api/"):
            assert response["Content-Type"].startswith("application/json")
            continue
        _assert_escaped(response.content, [vector, XSS[0][:40], XSS[2]], url)


def test_xss_in_public_comments_never_reaches_a_page(demo: dict[str, User], web_login: Callable[[User], Client]) -> None:
    from bedside.publishing.models import Article

    article = Article.objects.filter(slug="getting-ready-for-flu-season").first()
    if article is None or not article.is_public:
        pytest.skip("the demo has no public article to comment on")
    api = Client()
    for vector in XSS:
        response = api.post(f"/api/v1/articles/{article.slug}/comments",
                            {"body": f"Thanks! {vector}", "display_name": vector[:60], "email": "reader@example.org"},
                            content_type="application/json")
        assert response.status_code in (201, 400, 429), response.content
    for client, url in ((Client(), f"/articles/{article.slug}/"), (web_login(demo["alice"]), "/moderation/")):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_escaped(response.content, XSS, url)
    # The API hands the text over as JSON data (the client escapes it), never as a page a browser would render.
    listing = Client().get(f"/api/v1/articles/{article.slug}/comments")
    assert listing["Content-Type"].startswith("application/json")
    assert listing["X-Content-Type-Options"] == "nosniff"


def test_xss_in_the_markdown_preview_is_sanitised(dr_alice: User, web_login: Callable[[User], Client]) -> None:
    """The editor's live preview reflects what was posted: it must come back sanitised, never raw."""
    client = web_login(dr_alice)
    for vector in [*XSS, "[x](javascript:alert(1))", "<a href='jav&#x09;ascript:alert(1)'>x</a>"]:
        response = client.post("/publishing/preview/", {"body_md": vector})
        assert response.status_code == 200
        _assert_escaped(response.content, XSS, "/publishing/preview/")
        assert b"javascript:" not in response.content.lower()


# --- CSRF -----------------------------------------------------------------------------------------

def test_every_state_changing_form_needs_a_csrf_token(demo: dict[str, User], world: dict[str, Any]) -> None:
    """Every web POST row of the matrix, sent by the persona who may use it but without a token: 403."""
    users = world["users"]
    checked = 0
    for row in ROWS:
        url = row.url.format(**{k: v for k, v in world.items() if k != "users"})
        if _is_api(url):
            continue
        allowed = [name for name, want in zip(PERSONAS, row.expect.split(), strict=True)
                   if name != "anon" and want in ("ok", "go", "400")]
        for name in allowed[:1]:
            client = Client(enforce_csrf_checks=True)
            client.force_login(users[name])
            response = client.post(url.split("?")[0], row.data or {"x": "1"})
            assert response.status_code == 403, f"POST {url} as {name} without CSRF token: {response.status_code}"
            checked += 1
    for url in ("/accounts/login/", "/accounts/logout/", "/accounts/password/change/"):
        client = Client(enforce_csrf_checks=True)
        client.force_login(demo["bob"])
        assert client.post(url, {"x": "1"}).status_code == 403, url
    assert checked >= 15


# --- sessions -------------------------------------------------------------------------------------

def test_session_key_changes_on_sign_in(pat_bob: User, password: str) -> None:
    """Session fixation: a session id planted before sign-in is worthless after it."""
    client = Client()
    client.get("/accounts/login/")
    session = client.session  # an anonymous session, as an attacker could plant it
    session["planted"] = True
    session.save()
    planted = session.session_key
    client.cookies["sessionid"] = planted or ""
    response = client.post("/accounts/login/", {"login": pat_bob.email, "password": password})
    assert response.status_code == 302
    assert client.cookies["sessionid"].value != planted
    attacker = Client()
    attacker.cookies["sessionid"] = planted or ""
    assert attacker.get("/inbox/").status_code == 302  # the planted id is not signed in
    assert client.get("/inbox/").status_code == 200  # the victim's new session is


# --- IDOR -----------------------------------------------------------------------------------------

def test_guessing_attachment_and_transcript_ids_finds_nothing(
    pat_bob: User, dr_alice: User, pat_dana: User, dr_charlie: User, web_login: Callable[[User], Client]
) -> None:
    from bedside.records.models import Transcript
    from bedside.records.services import transcript_create

    pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    sent = thread_create(patient=pat_bob, practice=riverside(), subject="Labs", category="other", body="Attached",
                         files=[attachment_clean(name="labs.pdf", data=pdf)])
    transcript_create(thread=sent.thread, actor=dr_alice, reason="download")
    top_attachment = max(Attachment.objects.values_list("pk", flat=True))
    top_transcript = max(Transcript.objects.values_list("pk", flat=True))
    top_thread = max(Thread.objects.values_list("pk", flat=True))
    for user in (pat_dana, dr_charlie):
        client = web_login(user)
        for pk in range(1, top_attachment + 3):
            assert client.get(f"/attachments/{pk}/").status_code == 404
        for pk in range(1, top_thread + 2):
            for tid in range(1, top_transcript + 2):
                assert client.get(f"/threads/{pk}/transcripts/{tid}.pdf").status_code == 404
            assert client.get(f"/threads/{pk}/transcript.pdf").status_code == 404


# --- uploads --------------------------------------------------------------------------------------

def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def _zip(name: str, size: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, b"\0" * size)
    return out.getvalue()


@pytest.mark.parametrize(("name", "data"), [
    ("cat.gif", b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00;*/=1;alert(1);//"),  # GIF/JS polyglot
    ("page.html", b"<html><script>alert(1)</script></html>"),
    ("bomb.zip", _zip("zero.bin", 20_000_000)),
    ("letter.docx", _zip("word/document.xml", 5_000_000)),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 10),
    ("flood.png", _png(12_000, 12_000)),  # a few KB on disk, 144 megapixels decoded
])
def test_hostile_uploads_are_refused_with_a_clear_error(name: str, data: bytes) -> None:
    with pytest.raises(InvalidInput) as refused:
        attachment_clean(name=name, data=data)
    assert refused.value.message and refused.value.field == "attachments"


def test_oversized_upload_is_refused_before_reading_it(settings: Any) -> None:
    settings.BEDSIDE_ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(InvalidInput, match="limit"):
        attachment_clean(name="big.pdf", data=b"%PDF-1.4\n" + b"x" * 2000 + b"%%EOF")


def test_pdf_html_polyglot_is_served_as_a_download_that_no_browser_renders(
    pat_bob: User, web_login: Callable[[User], Client]
) -> None:
    polyglot = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"
    response = web_login(pat_bob).post("/messages/new/", {
        "subject": "Scan", "category": "other", "body": "See attached",
        "attachments": SimpleUploadedFile("scan.html", polyglot, content_type="text/html"),
    })
    assert response.status_code == 302
    attachment = Attachment.objects.latest("pk")
    assert attachment.filename.endswith(".pdf") and attachment.content_type == "application/pdf"
    download = web_login(pat_bob).get(f"/attachments/{attachment.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")


# --- email header injection ------------------------------------------------------------------------

def test_cr_lf_in_names_and_subjects_never_reaches_mail_headers(
    pat_bob: User, dr_alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    """Names and subjects with CR/LF (header injection): the notification mails carry none of it."""
    User.objects.filter(pk=pat_bob.pk).update(full_name="Bob\r\nBcc: victim@evil.test")
    User.objects.filter(pk=dr_alice.pk).update(full_name="Alice\nX-Injected: 1")
    pat_bob.refresh_from_db()
    dr_alice.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):  # Huey is immediate in the test settings
        sent = thread_create(patient=pat_bob, practice=riverside(), subject="Hi\r\nBcc: victim@evil.test",
                             category="other", body="Body\r\nBcc: victim@evil.test")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(author=dr_alice, thread=sent.thread, body="Answer\r\nX-Injected: 1")
    assert "\n" not in sent.thread.subject and "\r" not in sent.thread.subject
    assert mail.outbox, "no notification was sent: the test would prove nothing"
    for message in mail.outbox:
        raw = message.message().as_bytes()
        head = raw.split(b"\n\n", 1)[0]
        assert b"victim@evil.test" not in raw and b"X-Injected" not in head, head
        assert all("evil" not in to for to in message.recipients())


def test_cr_lf_in_inbound_mail_never_reaches_the_answer_or_the_record(
    pat_bob: User, django_capture_on_commit_callbacks: Any
) -> None:
    """An encoded-word subject hiding CR/LF is refused; a forged envelope sender gets no injected header."""
    from bedside.records.mail.ingest import MailRejected, mail_receive

    head = b"From: bob@demo.bedside\r\nTo: riverside-family-medicine@bedside.localhost\r\n"
    hostile = head + b"Subject: =?utf-8?q?Hi=0D=0ABcc:_victim@evil.test?=\r\n\r\nMy knee again.\r\n"
    with pytest.raises(MailRejected, match="line breaks"):
        mail_receive(envelope_from="bob@demo.bedside", recipients=["riverside-family-medicine@bedside.localhost"],
                     data=hostile, peer="198.51.100.7")
    clean = head + b"Subject: Knee\r\n\r\nMy knee again.\r\n"
    for envelope in ("bob@demo.bedside", "bob@demo.bedside\r\nBcc: victim@evil.test",
                     "<victim@evil.test>\nX-Injected: 1"):
        with django_capture_on_commit_callbacks(execute=True):
            mail_receive(envelope_from=envelope, recipients=["riverside-family-medicine@bedside.localhost"],
                         data=clean, peer="198.51.100.7")
    subjects = [t.subject for t in Thread.objects.filter(patient=pat_bob)]  # encrypted column: compare in Python
    assert "Knee" in subjects and not any("\r" in x or "\n" in x for x in subjects)
    assert mail.outbox, "no answer went out: the test would prove nothing"
    for message in mail.outbox:
        header = message.message().as_bytes().split(b"\n\n", 1)[0]
        assert b"X-Injected" not in header and b"Bcc" not in header, header
        assert all("evil" not in to for to in message.recipients()), message.recipients()


# --- SSRF -----------------------------------------------------------------------------------------

PRIVATE_URLS = [
    "http://127.0.0.1/fhir", "http://localhost:8000/", "https://10.1.2.3/", "http://192.168.0.10/",
    "http://172.16.5.5/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://[fe80::1]/",
    "http://0.0.0.0/", "http://2130706433/", "http://0x7f.1/", "http://[::ffff:127.0.0.1]/", "http://100.64.0.1/",
]
BAD_SCHEMES = ["file:///etc/passwd", "gopher://127.0.0.1:25/", "ftp://example.org/", "javascript:alert(1)",
               "dict://127.0.0.1:6379/", "http://user:pass@203.0.113.10/"]


@pytest.mark.parametrize("url", PRIVATE_URLS + BAD_SCHEMES)
def test_ehr_base_url_refuses_internal_targets(url: str) -> None:
    from bedside.records.services import ehr_url_check

    with pytest.raises(InvalidInput):
        ehr_url_check(url)


def test_ehr_private_address_is_allowed_only_when_the_admin_says_so(settings: Any) -> None:
    from bedside.records.services import ehr_url_check

    assert ehr_url_check("https://93.184.215.14/fhir") == "https://93.184.215.14/fhir"  # a public address
    settings.BEDSIDE_EHR_ALLOW_PRIVATE = True
    assert ehr_url_check("http://10.1.2.3/fhir") == "http://10.1.2.3/fhir"
    with pytest.raises(InvalidInput):
        ehr_url_check("file:///etc/passwd")  # the switch opens addresses, never schemes


@pytest.mark.parametrize("url", PRIVATE_URLS + BAD_SCHEMES)
def test_watched_feed_urls_refuse_internal_targets(url: str, settings: Any) -> None:
    from bedside.reputation import fetch
    settings.BEDSIDE_FEEDS_ALLOW_PRIVATE = False
    with pytest.raises(InvalidInput):
        fetch.feed_url_check(url)


def test_watched_feed_private_address_only_when_the_admin_allows_it(settings: Any) -> None:
    from bedside.reputation import fetch
    settings.BEDSIDE_FEEDS_ALLOW_PRIVATE = False
    assert fetch.feed_url_check("https://93.184.215.14/feed.xml")
    settings.BEDSIDE_FEEDS_ALLOW_PRIVATE = True
    assert fetch.feed_url_check("http://10.1.2.3/feed.xml")
    with pytest.raises(InvalidInput):
        fetch.feed_url_check("file:///etc/passwd")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                                 "file:///etc/passwd", "ftp://example.org/x", "//evil.test/x", "vbscript:x"])
def test_trusted_resource_urls_are_http_only(demo: dict[str, User], url: str) -> None:
    from bedside.publishing import services
    with pytest.raises(InvalidInput):
        services.resource_save(actor=demo["alice"], practice=riverside(), title="A resource", url=url,
                               publisher="Someone")


# --- log injection --------------------------------------------------------------------------------

@pytest.mark.parametrize("payload", [
    "bob\r\n2026-01-01 INFO forged admin login ok", "x\nERROR fake", "\x1b[2J\x1b[31mred", "a\x00b",
    "tab\tok", "nel\x85forged", "ls\u2028forged", "csi\x9b31m", "del\x7f",
])
def test_log_lines_cannot_be_forged(payload: str) -> None:
    from bedside.core.logging import ControlCharFilter, PhiSafeFormatter
    from config.settings import base

    assert "no_control_chars" in base.LOGGING["handlers"]["console"]["filters"]  # the one handler, filtered
    record = logging.LogRecord("bedside.test", logging.INFO, __file__, 1, "user said %s", (payload,), None)
    assert ControlCharFilter().filter(record)
    line = PhiSafeFormatter("%(levelname)s %(message)s").format(record)
    assert "\n" not in line and "\r" not in line and "\x1b" not in line and "\x00" not in line
    assert not any(ch in line for ch in "\x85\u2028\u2029\x9b\x7f")
    assert len(line.splitlines()) == 1
