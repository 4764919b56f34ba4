"""Fuzzing of the parsers (issue 8, item 3) with hypothesis: untrusted text in, no crash, no escape.

- screening: never crashes, every reason and identifier span is a valid, non-empty slice (both kinds);
- Markdown sanitiser (publishing): no script element, no on* attribute, no javascript:/data: URL survives;
- MIME ingestion (records/mail): random bytes and hostile headers never crash and never create a
  thread or message for an unknown sender;
- FHIR mapping (records/fhir): random message texts give Communication resources that validate;
- feed parsing (reputation): random and hostile documents never crash; only web links are kept.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bedside.screening import screen

FAST = settings(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# --- screening ----------------------------------------------------------------------------------

FRAGMENTS = ["chest pain", "can't breathe", "no ", "not ", "suicide", "call me at 555-010-2000",
             "bob@example.org", "born 03/04/1961", "I'm 54 years old", "12 Main Street", "https://x.test/a",
             "MRN 12345678", "Dr. Smith", "İ", "ß", "ﬁ", "\u0301", "\x00", "🙂", "\n", "\r\n", "\u202e"]
texts = st.lists(st.one_of(st.text(max_size=30), st.sampled_from(FRAGMENTS)), max_size=25).map("".join)


@settings(FAST, max_examples=300)
@given(texts, st.sampled_from(["message", "comment"]))
def test_screening_spans_are_valid_for_reasons_and_identifiers(text: str, kind: str) -> None:
    result = screen(text, kind)
    assert result.decision in {"publish", "hold", "reject"}
    for span in [*result.reasons, *result.identifiers]:
        assert 0 <= span.start < span.end <= len(text), (span, len(text))
        assert text[span.start:span.end].strip()


# --- Markdown sanitiser ---------------------------------------------------------------------------

XSS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg/onload=alert(1)>",
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))", "![x](javascript:alert(1))", "<a href=\"javascript:alert(1)\">x</a>",
    "<iframe src=//evil.test>", "<style>*{}</style>", "<body onload=alert(1)>", "<div style=\"x:expression(1)\">",
    "[x](data:text/html;base64,PHNjcmlwdD4=)", "<scr<script>ipt>alert(1)</script>", "<<script>>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "`<script>`", "<!--<script>-->",
    "<a href=\"  javascript:alert(1)\">", "<details open ontoggle=alert(1)>", "\"><script>alert(1)</script>",
    "[a](vbscript:msgbox(1))", "<object data=x>", "<form action=javascript:1><button>x", "<base href=//evil>",
]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "iframe", "object", "embed", "svg", "math", "form", "base", "img", "body"}:
            self.bad.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.bad.append(f"{tag}[{name}]")
            if name in {"href", "src", "action", "data"}:
                # What a browser's URL parser does: strip C0 controls and spaces at the ends, drop tab/CR/LF.
                squashed = (value or "").strip("".join(map(chr, range(0x21)))).translate({9: None, 10: None, 13: None}).lower()
                scheme = re.match(r"([a-z][a-z0-9+.\-]*):", squashed)
                if scheme and scheme.group(1) not in {"http", "https", "mailto"}:
                    self.bad.append(f"{tag}[{name}={value!r}]")


@settings(FAST, max_examples=300)
@given(st.lists(st.one_of(st.sampled_from(XSS), st.text(max_size=20)), max_size=8).map("\n".join))
def test_markdown_sanitiser_lets_no_script_through(text: str) -> None:
    from bedside.publishing import render
    html = str(render.markdown_to_html(text))
    parser = _Elements()
    parser.feed(html)
    assert not parser.bad, (text, html)
    assert "<script" not in html.lower()


# --- MIME ingestion -------------------------------------------------------------------------------

def _mime(sender: str, subject: str, body: str, extra: list[tuple[str, str]]) -> bytes:
    """Build the raw bytes an attacker would send: hostile header values, any body, no library fix-ups."""
    lines = [f"From: {sender}", "To: riverside-family-medicine@bedside.localhost", f"Subject: {subject}"]
    lines += [f"{name}: {value}" for name, value in extra]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode("utf-8", "surrogatepass")


header_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
headers = st.lists(st.tuples(st.sampled_from(["Reply-To", "Content-Type", "Content-Transfer-Encoding",
                                              "Auto-Submitted", "Authentication-Results", "X-Spam", "Received"]),
                             header_text.map(lambda s: s.replace("\r", " ").replace("\n", " "))), max_size=4)


def _mail_receive_safely(data: bytes, envelope_from: str) -> None:
    from bedside.records.mail.ingest import MailRejected, mail_receive

    try:
        mail_receive(envelope_from=envelope_from, recipients=["riverside-family-medicine@bedside.localhost"],
                     data=data, peer="203.0.113.9")
    except MailRejected:
        pass


@pytest.mark.django_db
@settings(FAST, max_examples=100)
@given(data=st.one_of(st.binary(max_size=2000),
                      st.builds(_mime, st.emails().map(str), header_text.map(lambda s: s.replace("\n", " ").replace("\r", " ")),
                                st.text(max_size=300), headers).map(bytes)))
def test_mime_ingestion_never_crashes_and_ignores_unknown_senders(demo: dict[str, object], data: bytes) -> None:
    from bedside.messaging.models import Message, Thread

    before = (Thread.objects.count(), Message.objects.count())
    _mail_receive_safely(data, "stranger@elsewhere.test")
    assert (Thread.objects.count(), Message.objects.count()) == before


@pytest.mark.django_db
@settings(FAST, max_examples=30)
@given(st.binary(min_size=1, max_size=600))
def test_mime_garbage_after_a_known_senders_headers_never_crashes(demo: dict[str, object], tail: bytes) -> None:
    """Bob's own address with a broken body or broken MIME structure: stored or refused, never a crash."""
    head = (b"From: bob@demo.bedside\r\nTo: riverside-family-medicine@bedside.localhost\r\nSubject: x\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n")
    _mail_receive_safely(head + tail, "bob@demo.bedside")


# --- FHIR mapping -----------------------------------------------------------------------------------

message_texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=400).filter(
    lambda s: s.strip() != ""
)


@pytest.mark.django_db
@settings(FAST, max_examples=40)
@given(body=message_texts, subject=st.text(max_size=80))
def test_fhir_communication_from_random_text_validates(demo: dict[str, object], body: str, subject: str) -> None:
    from fhir.resources.R4B.communication import Communication

    from bedside.accounts.models import Practice
    from bedside.core.errors import BedsideError
    from bedside.messaging.services import thread_create
    from bedside.records.fhir.registry import read

    riverside = Practice.objects.get(name="Riverside Family Medicine")
    try:
        sent = thread_create(patient=demo["bob"], practice=riverside, subject=subject,  # type: ignore[arg-type]
                             category="other", body=body)
    except BedsideError:
        return  # refused input (e.g. only control characters): nothing to map
    for rid in (f"t{sent.thread.pk}", f"m{sent.message.pk}", f"m{sent.auto_reply.pk}"):
        resource = read(riverside, "Communication", rid)
        assert resource is not None, rid
        Communication.model_validate_json(resource.model_dump_json())  # round trip through the validator


# --- feed parsing -----------------------------------------------------------------------------------

def _feed(title: str, link: str, summary: str) -> bytes:
    items = f"<item><title>{title}</title><link>{link}</link><description>{summary}</description></item>"
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode(
        "utf-8", "surrogatepass")


feeds = st.one_of(
    st.binary(max_size=1500),
    st.builds(_feed, st.text(max_size=60), st.one_of(st.sampled_from(["https://a.test/x", "javascript:alert(1)",
                                                                      "file:///etc/passwd", ""]), st.text(max_size=30)),
              st.one_of(st.sampled_from(XSS), st.text(max_size=80))),
    st.sampled_from([b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
                     b'<!ENTITY c "&b;&b;&b;&b;&b;&b;">]><rss version="2.0"><channel><item><title>&c;</title>'
                     b'<link>https://a.test/</link></item></channel></rss>',
                     b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0">'
                     b'<channel><item><title>&x;</title><link>https://a.test/</link></item></channel></rss>']),
)


@settings(FAST, max_examples=150)
@given(feeds)
def test_feed_parsing_never_crashes_and_keeps_only_web_links(body: bytes) -> None:
    from bedside.reputation.fetch import parse

    result = parse(body)
    assert result.status in {"ok", "malformed"}
    for entry in result.entries:
        assert entry["link"].startswith(("http://", "https://"))
        assert "root:" not in entry["title"] + entry["summary"]  # no external entity was resolved
