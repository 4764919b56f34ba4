"""The email-messaging consent and the demo set-up that lets Bob write by email."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from bedside.accounts.models import Practice
from bedside.consent.documents import standard_document
from bedside.consent.models import Scope
from bedside.consent.selectors import document_current, signature_live
from bedside.core.demo import demo_load
from bedside.records.mail.ingest import (
    address_clean,
    answer_allowed,
    html_to_text,
    practice_address,
    strip_quoted,
    subject_clean,
)


def test_the_email_messaging_document_states_the_risks_and_how_replies_come(demo):
    riverside = Practice.objects.get(slug="riverside-family-medicine")
    title, body = standard_document(riverside, Scope.EMAIL_MESSAGING)
    assert "by email" in title
    assert "less secure" in body and "not encrypted" in body
    assert "never contains the content" in body
    assert "911" in body and "988" in body
    assert "revoke" in body
    assert document_current(practice=riverside, scope=Scope.EMAIL_MESSAGING) is not None


def test_the_demo_lets_bob_write_by_email_and_nobody_else(demo, pat_bob, pat_gus, pat_dana):
    riverside = Practice.objects.get(slug="riverside-family-medicine")
    assert EmailAddress.objects.get(user=pat_bob).verified
    assert signature_live(patient=pat_bob, practice=riverside, scope=Scope.EMAIL_MESSAGING) is not None
    assert signature_live(patient=pat_gus, practice=riverside, scope=Scope.EMAIL_MESSAGING) is None
    assert not EmailAddress.objects.filter(user__in=[pat_gus, pat_dana]).exists()
    assert practice_address(riverside) == "riverside-family-medicine@bedside.localhost"
    demo_load()  # idempotent
    assert EmailAddress.objects.filter(user=pat_bob).count() == 1


def test_address_clean_refuses_anything_but_one_plain_address():
    assert address_clean("Bob@Demo.Bedside") == "bob@demo.bedside"
    for bad in ("bob@demo.bedside\r\nBcc: x@y.z", "a@b.c, d@e.f", "Bob <bob@demo.bedside>", "bob", "", "a b@c.d"):
        assert address_clean(bad) is None


def test_answer_allowed_skips_robots_and_ourselves():
    assert answer_allowed("kari@example.org")
    for robot in ("", "<>", "MAILER-DAEMON@example.org", "postmaster@example.org", "owner-list@example.org",
                  "list-request@example.org", "no-reply@example.org", "anyone@bedside.localhost",
                  "no-reply@bedside.invalid"):
        assert not answer_allowed(robot), robot


def test_subject_prefixes_are_stripped_and_mark_a_reply():
    assert subject_clean("Re: RE: Fwd: Knee") == ("Knee", True)
    assert subject_clean("Knee\r\n  pain") == ("Knee pain", False)
    assert subject_clean("   ") == ("Email to the practice", False)
    assert len(subject_clean("x" * 500)[0]) == 200


def test_html_to_text_keeps_text_only():
    text = html_to_text("<p>a &lt;b&gt;</p><script>evil()</script><style>x{}</style><p>c<br>d</p>")
    assert text.split() == ["a", "<b>", "c", "d"]


def test_strip_quoted_keeps_inline_answers_and_drops_outlook_headers():
    assert strip_quoted("> question?\nmy answer\n> more") == "my answer"
    outlook = "Fine now.\n\nFrom: Riverside <no-reply@x>\nSent: Monday\nTo: Bob\nSubject: x\n\nold"
    assert strip_quoted(outlook) == "Fine now."
    assert strip_quoted("> only quoted") == "> only quoted"  # nothing of the patient's would be left
