"""Patient email through a real SMTP server: into the record, or refused leaving no PHI behind."""

from __future__ import annotations

import io
import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.forms.models import model_to_dict
from PIL import Image

from bedside.accounts.models import Practice
from bedside.audit.models import Action, AuditEvent
from bedside.consent.models import ConsentSignature, Scope
from bedside.consent.services import consent_revoke
from bedside.messaging.models import Attachment, Message, MessageKind, Notification, Thread
from bedside.records.mail.ingest import thread_reply_address
from bedside.records.mail.tests.conftest import LAKESIDE, RIVERSIDE, email

SECRET_SUBJECT = "Kveldsol results question"
SECRET_BODY = "My Zorblax-17 biopsy came back and I have crushing chest pain right now."


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _answers_to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if address in m.to]


def _audit_dump() -> str:
    return json.dumps([model_to_dict(row) | {"at": str(row.at)} for row in AuditEvent.objects.all()], default=str)


# --- accepted ---------------------------------------------------------------------------------


def test_bob_email_opens_a_thread_screened_as_emergency_and_gets_only_a_phi_free_answer(smtp, pat_bob, staff_erin):
    exchange = smtp.send(email(subject=SECRET_SUBJECT, body=SECRET_BODY))
    assert exchange.data_code == 250
    thread = Thread.objects.get(patient=pat_bob)
    assert thread.subject == SECRET_SUBJECT
    assert thread.category == "other"
    assert thread.urgency == "emergency"
    patient_message = thread.messages.get(kind=MessageKind.PATIENT)
    assert "crushing chest pain" in patient_message.body
    # The emergency guidance is stored in the thread like any portal message's.
    assert any(m.body.startswith("IMPORTANT") for m in thread.messages.filter(kind=MessageKind.AUTO_REPLY))
    # Audited as a portal message would be, on the email channel.
    assert AuditEvent.objects.filter(action=Action.THREAD_CREATE, channel="email", object_id=str(thread.pk)).exists()
    received = AuditEvent.objects.get(action=Action.MAIL_RECEIVED)
    assert received.patient_id == pat_bob.pk and received.detail["thread"] == thread.pk
    # The care team is notified (PHI-free), Bob gets the acknowledgment only — never the content.
    assert Notification.objects.filter(recipient=staff_erin, thread=thread).exists()
    answers = _answers_to("bob@demo.bedside")
    assert len(answers) == 1
    answer = answers[0]
    text = answer.subject + answer.body
    for secret in ("Kveldsol", "Zorblax", "chest", "Riverside", "Alice"):
        assert secret not in text
    assert "call 911" in answer.body and "/" in answer.body
    assert answer.extra_headers["Auto-Submitted"] == "auto-replied"
    assert answer.reply_to == [thread_reply_address(thread)]
    staff_mail = _answers_to(staff_erin.email)
    assert staff_mail and all("Zorblax" not in m.body and "Kveldsol" not in m.subject for m in staff_mail)


def test_the_acknowledgment_is_the_same_whatever_the_urgency(smtp, pat_bob):
    smtp.send(email(subject="Refill", body="Could you renew my prescription please?"))
    smtp.send(email(subject="Now", body="I have crushing chest pain."))
    first, second = _answers_to("bob@demo.bedside")
    assert first.body == second.body and first.subject == second.subject


def test_reply_token_joins_the_thread_and_a_guessed_token_does_not(smtp, pat_bob):
    smtp.send(email(subject="Knee", body="My knee still hurts after the fall."))
    thread = Thread.objects.get(patient=pat_bob)
    reply_to = _answers_to("bob@demo.bedside")[0].reply_to[0]
    assert re.fullmatch(r"riverside-family-medicine\+t[0-9a-f]{24}@bedside\.localhost", reply_to)

    assert smtp.send(email(subject="Knee", body="It is swollen today.", to=reply_to), to=[reply_to]).data_code == 250
    assert Thread.objects.filter(patient=pat_bob).count() == 1
    assert thread.messages.filter(kind=MessageKind.PATIENT).count() == 2

    guessed = f"riverside-family-medicine+t{thread.pk}@bedside.localhost"
    smtp.send(email(subject="Something new", body="A different question.", to=guessed), to=[guessed])
    assert Thread.objects.filter(patient=pat_bob).count() == 2


def test_a_reply_without_token_joins_the_most_recent_open_thread(smtp, pat_bob):
    smtp.send(email(subject="Rash", body="I have a rash on my arm."))
    smtp.send(email(subject="Re: Rash", body="It is spreading a little."))
    assert Thread.objects.filter(patient=pat_bob).count() == 1
    assert Message.objects.filter(thread__patient=pat_bob, kind=MessageKind.PATIENT).count() == 2


def test_html_mail_becomes_text_and_quoted_replies_are_stripped(smtp, pat_bob):
    msg = email(subject="Dose", body="plain part is absent")
    msg.set_content(
        "<html><head><style>p{color:red}</style><script>alert('x')</script></head><body>"
        "<p>Should I take <b>two</b> tablets &amp; water?</p><img src=x onerror=alert(1)>"
        "<div>On Mon, 3 Mar 2025 at 10:00, Riverside wrote:</div><blockquote>old secret text</blockquote>"
        "</body></html>",
        subtype="html",
    )
    assert smtp.send(msg).data_code == 250
    body = Message.objects.get(thread__patient=pat_bob, kind=MessageKind.PATIENT).body
    assert "Should I take two tablets & water?" in body
    for gone in ("<", "alert", "color:red", "old secret text", "wrote:"):
        assert gone not in body


def test_plain_text_quotes_and_signature_are_stripped(smtp, pat_bob):
    body = (
        "Thanks, that helps.\n\nOn Tue, Mar 4, 2025 at 9:12 AM bedside <no-reply@bedside.invalid> wrote:\n"
        "> You have a new secure message.\n> Sign in to read it\n"
    )
    smtp.send(email(subject="Re: Question", body=body + "-- \nBob\n555-0100"))
    text = Message.objects.get(thread__patient=pat_bob, kind=MessageKind.PATIENT).body
    assert text == "Thanks, that helps."


def test_latin1_mail_is_decoded(smtp, pat_bob):
    raw = (
        "From: bob@demo.bedside\r\nTo: " + RIVERSIDE + "\r\nSubject: Gr=?iso-8859-1?q?=FC=DF?=e\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode("ascii") + "Grüße, mein Rücken tut weh.\r\n".encode("latin-1")
    assert smtp.send(raw).data_code == 250
    assert Message.objects.get(thread__patient=pat_bob, kind=MessageKind.PATIENT).body == "Grüße, mein Rücken tut weh."


def test_attachments_are_validated_as_in_the_portal(smtp, pat_bob):
    msg = email(subject="Photo", body="Here is a photo of the rash.")
    msg.add_attachment(_png(), maintype="image", subtype="png", filename="rash.png")
    msg.add_attachment(b"MZ\x90\x00" + b"\x00" * 200, maintype="image", subtype="png", filename="holiday.png")
    assert smtp.send(msg).data_code == 250
    message = Message.objects.get(thread__patient=pat_bob, kind=MessageKind.PATIENT)
    stored = list(Attachment.objects.filter(message=message))
    assert [(a.filename, a.content_type) for a in stored] == [("rash.png", "image/png")]
    # The refusal is in the record for the care team, and reported back to Bob without the name.
    assert "[Attachment not accepted: holiday.png" in message.body
    assert AuditEvent.objects.get(action=Action.MAIL_RECEIVED).detail["refused"] == 1
    answer = _answers_to("bob@demo.bedside")[0]
    assert "1 attached file could not be accepted" in answer.body and "holiday" not in answer.body


def test_photos_without_photo_consent_are_refused_but_the_text_is_delivered(smtp, pat_bob):
    signature = ConsentSignature.objects.get(patient=pat_bob, scope=Scope.PHOTO_SHARING, revoked_at__isnull=True)
    consent_revoke(patient=pat_bob, signature=signature)
    msg = email(subject="Photo", body="See attached.")
    msg.add_attachment(_png(), maintype="image", subtype="png", filename="rash.png")
    assert smtp.send(msg).data_code == 250
    message = Message.objects.get(thread__patient=pat_bob, kind=MessageKind.PATIENT)
    assert not Attachment.objects.filter(message=message).exists()
    assert "photo-sharing consent" in message.body


# --- refused ----------------------------------------------------------------------------------


def test_unknown_sender_leaves_no_phi_behind(smtp, demo, caplog, settings):
    caplog.set_level("DEBUG")
    stranger = "kari.nordmann@example.org"
    before_files = sorted(p.name for p in settings.BEDSIDE_ATTACHMENT_DIR.iterdir())
    msg = email(sender=f"Kari Nordmann <{stranger}>", subject=SECRET_SUBJECT, body=SECRET_BODY)
    msg.add_attachment(_png(), maintype="image", subtype="png", filename="Zorblax-scan.png")
    exchange = smtp.send(msg, mail_from=stranger)
    assert exchange.data_code == 250
    assert Thread.objects.count() == 0 and Message.objects.count() == 0
    assert Attachment.objects.count() == 0 and Notification.objects.count() == 0
    assert sorted(p.name for p in settings.BEDSIDE_ATTACHMENT_DIR.iterdir()) == before_files
    refused = AuditEvent.objects.get(action=Action.MAIL_REFUSED)
    assert refused.detail == {"reason": "unknown_sender"} and refused.patient_id is None and refused.actor_id is None
    dump = _audit_dump().lower()
    for secret in (stranger, "kari", "nordmann", "example.org", "kveldsol", "zorblax", "chest"):
        assert secret not in dump
        assert secret not in caplog.text.lower()
    answers = _answers_to(stranger)
    assert len(answers) == 1
    answer = answers[0]
    assert "sign in to the secure patient portal" in answer.body
    for secret in ("Kveldsol", "Zorblax", "chest", "Riverside"):
        assert secret not in answer.subject + answer.body
    assert answer.extra_headers["Auto-Submitted"] == "auto-replied"


def test_bob_without_email_messaging_consent_is_refused_with_the_same_answer(smtp, pat_bob):
    smtp.send(email(sender="x@example.org", subject="Hi", body="Hello"), mail_from="x@example.org")
    signature = ConsentSignature.objects.get(patient=pat_bob, scope=Scope.EMAIL_MESSAGING, revoked_at__isnull=True)
    consent_revoke(patient=pat_bob, signature=signature)
    assert smtp.send(email(subject=SECRET_SUBJECT, body=SECRET_BODY)).data_code == 250
    assert not Thread.objects.filter(patient=pat_bob).exists()
    refused = AuditEvent.objects.filter(action=Action.MAIL_REFUSED, patient_id=pat_bob.pk).get()
    assert refused.detail == {"reason": "email_consent_required"}
    to_stranger, to_bob = _answers_to("x@example.org")[0], _answers_to("bob@demo.bedside")[0]
    # Identical wording: the answer never tells a stranger whether an address is a patient here.
    assert (to_bob.subject, to_bob.body) == (to_stranger.subject, to_stranger.body)


def test_bob_without_portal_consent_is_refused(smtp, pat_bob):
    signature = ConsentSignature.objects.get(patient=pat_bob, scope=Scope.PORTAL_MESSAGING, revoked_at__isnull=True)
    consent_revoke(patient=pat_bob, signature=signature)
    smtp.send(email())
    assert not Thread.objects.filter(patient=pat_bob).exists()
    assert AuditEvent.objects.get(action=Action.MAIL_REFUSED).detail == {"reason": "consent_required"}


def test_dana_writing_to_riverside_is_refused(smtp, pat_dana):
    EmailAddress.objects.create(user=pat_dana, email=pat_dana.email, verified=True, primary=True)
    smtp.send(email(sender=pat_dana.email, subject=SECRET_SUBJECT, body=SECRET_BODY), mail_from=pat_dana.email)
    assert Thread.objects.count() == 0
    riverside = Practice.objects.get(slug="riverside-family-medicine")
    refused = AuditEvent.objects.get(action=Action.MAIL_REFUSED)
    assert (refused.practice_id, refused.detail) == (riverside.pk, {"reason": "no_relationship"})
    assert len(_answers_to(pat_dana.email)) == 1


def test_unverified_address_is_refused_and_tied_to_no_one(smtp, pat_bob):
    EmailAddress.objects.filter(user=pat_bob).update(verified=False)
    smtp.send(email(subject=SECRET_SUBJECT, body=SECRET_BODY))
    assert not Thread.objects.exists()
    refused = AuditEvent.objects.get(action=Action.MAIL_REFUSED)
    assert refused.detail == {"reason": "unverified_address"} and refused.patient_id is None


def test_charlie_a_clinician_cannot_post_into_a_record_by_mail(smtp, dr_charlie):
    EmailAddress.objects.create(user=dr_charlie, email=dr_charlie.email, verified=True, primary=True)
    smtp.send(email(sender=dr_charlie.email, to=LAKESIDE), mail_from=dr_charlie.email, to=[LAKESIDE])
    assert not Thread.objects.exists()
    assert AuditEvent.objects.get(action=Action.MAIL_REFUSED).detail == {"reason": "not_a_patient"}


def test_trusted_mx_must_vouch_for_the_sender_when_configured(smtp, pat_bob, settings):
    settings.BEDSIDE_MAIL_TRUSTED_AUTHSERV_ID = "mx.riverside.example"
    smtp.send(email(headers={"Authentication-Results": "mx.riverside.example; dmarc=fail header.from=demo.bedside"}))
    assert not Thread.objects.exists()
    smtp.send(email(headers={"Authentication-Results": "mx.riverside.example; spf=pass; dmarc=pass header.from=demo.bedside"}))
    assert Thread.objects.filter(patient=pat_bob).count() == 1


# --- no loops ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "mail_from"),
    [
        ({"Auto-Submitted": "auto-replied"}, "kari@example.org"),
        ({"Precedence": "bulk"}, "kari@example.org"),
        ({"Precedence": "junk"}, "kari@example.org"),
        ({"List-Id": "<patients.example.org>"}, "kari@example.org"),
        ({}, ""),
        ({}, "MAILER-DAEMON@example.org"),
        ({}, "postmaster@example.org"),
        ({}, "riverside-family-medicine@bedside.localhost"),
    ],
)
def test_automated_mail_is_never_answered(smtp, demo, headers, mail_from):
    exchange = smtp.send(email(sender="kari@example.org", headers=headers), mail_from=mail_from)
    assert exchange.data_code == 250
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action=Action.MAIL_REFUSED).count() == 1


def test_an_out_of_office_reply_from_bob_is_not_stored(smtp, pat_bob):
    smtp.send(email(subject="Out of office", body="I am away.", headers={"Auto-Submitted": "auto-replied"}))
    assert not Thread.objects.exists() and mail.outbox == []
    assert AuditEvent.objects.get(action=Action.MAIL_REFUSED).detail == {"reason": "automated"}


def test_answers_are_rate_limited_per_sender(smtp, demo, settings):
    settings.BEDSIDE_MAIL_ANSWERS_PER_HOUR = 2
    for _ in range(4):
        smtp.send(email(sender="kari@example.org"), mail_from="kari@example.org")
    smtp.send(email(sender="ola@example.org"), mail_from="ola@example.org")
    assert len(_answers_to("kari@example.org")) == 2
    assert len(_answers_to("ola@example.org")) == 1
    assert AuditEvent.objects.filter(action=Action.MAIL_REFUSED).count() == 5


def test_a_very_long_email_is_shortened_not_lost_silently(smtp, pat_bob, settings):
    body = ("My back has hurt since the move and I wanted to explain everything. " * 10 + "\n") * 40
    assert len(body) > settings.BEDSIDE_MESSAGE_MAX_CHARS
    assert smtp.send(email(subject="Long story", body=body)).data_code == 250
    stored = Message.objects.get(thread__patient=pat_bob, kind=MessageKind.PATIENT).body
    assert len(stored) <= settings.BEDSIDE_MESSAGE_MAX_CHARS
    assert stored.endswith("[The email was longer and was shortened here.]")
    assert "was shortened" in _answers_to("bob@demo.bedside")[0].body
