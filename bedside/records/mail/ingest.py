"""Bring a patient's email into the record, or refuse it without keeping anything.

Policy (docs/mail.md):
- Mail is accepted only from a patient's *verified* address (allauth EmailAddress with
  verified=True) who has an active relationship with the practice, a live portal-messaging
  consent and a live email-messaging consent. It then goes through the same services as a portal
  message (thread_create / message_send: screening, routing, auto-reply, audit, notifications).
- Anything else is not stored: one audit row with a reason code (no address, subject or body)
  and, unless the mail is automated, one PHI-free answer pointing to the portal — the same text
  whatever the reason, so the answer never tells a stranger whether an address is a patient here.
- Malformed mail raises MailRejected with the SMTP reply to give; nothing is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from html.parser import HTMLParser
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage as OutgoingEmail
from django.db import transaction
from django.utils.crypto import salted_hmac

from bedside.accounts.models import Practice, Role, User
from bedside.audit.models import Action, Outcome
from bedside.audit.services import audit_record
from bedside.consent.models import Scope
from bedside.consent.selectors import signature_live
from bedside.core.errors import BedsideError, InvalidInput
from bedside.core.queue import enqueue_after_commit
from bedside.messaging.attachments import MAX_FILES_PER_MESSAGE, CleanFile, attachment_clean
from bedside.messaging.models import Category, Thread, ThreadStatus
from bedside.messaging.services import (
    SUBJECT_MAX,
    MessagingRefused,
    message_send,
    messaging_gate,
    thread_create,
)

log = logging.getLogger(__name__)

CHANNEL = "email"
MAX_MIME_DEPTH = 6
MAX_MIME_PARTS = 60
_REPLY_SALT = "bedside.records.mail.reply-token"
_ADDRESS_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$"
)
_SUBJECT_PREFIX = re.compile(r"^\s*(?:re|fwd?|aw|wg|sv|tr|antw)\s*(?:\[\d+\])?\s*:\s*", re.IGNORECASE)
_NO_ANSWER_LOCALS = {
    "mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply",
    "listserv", "majordomo", "bounce", "bounces",
}


class MailRejected(Exception):
    """Raise to answer the SMTP transaction with REPLY (4xx/5xx) and store nothing."""

    def __init__(self, reply: str) -> None:
        super().__init__(reply)
        self.reply = reply


@dataclass(frozen=True)
class Delivery:
    """What happened to one mail at one practice (for tests and the SMTP reply)."""

    accepted: bool
    reason: str
    thread_id: int | None = None
    answered: bool = False


# --- addresses --------------------------------------------------------------------------------


def address_clean(raw: str | None) -> str | None:
    """Return RAW as a lower-cased plain address, or None if it is not one (CR/LF, spaces, lists…)."""
    if not raw:
        return None
    address = raw.strip()
    if len(address) > 254 or not _ADDRESS_RE.match(address):
        return None
    return address.lower()


def practice_address(practice: Practice) -> str:
    return f"{practice.slug}@{settings.BEDSIDE_INBOUND_DOMAIN}"


def thread_reply_token(thread: Thread) -> str:
    """Return the thread's reply token: an HMAC, so it is neither guessable nor an id."""
    return salted_hmac(_REPLY_SALT, f"{thread.pk}:{thread.patient_id}", algorithm="sha256").hexdigest()[:24]


def thread_reply_address(thread: Thread) -> str:
    """Return the address whose mail joins THREAD (`<slug>+t<token>@<domain>`)."""
    return f"{thread.practice.slug}+t{thread_reply_token(thread)}@{settings.BEDSIDE_INBOUND_DOMAIN}"


def recipient_resolve(address: str) -> tuple[Practice, str | None] | None:
    """Return (practice, reply token or None) for one of our addresses, or None if it is not ours."""
    clean = address_clean(address)
    if clean is None:
        return None
    local, _, domain = clean.rpartition("@")
    if domain != settings.BEDSIDE_INBOUND_DOMAIN:
        return None
    slug, _, extension = local.partition("+")
    practice = Practice.objects.filter(slug=slug).first()
    if practice is None:
        return None
    token = extension[1:] if extension.startswith("t") and len(extension) > 1 else None
    return practice, token


# --- parsing ----------------------------------------------------------------------------------


def _header(msg: Message, name: str) -> str:
    """Return a header as text ('' if absent); a header that cannot be decoded rejects the mail."""
    try:
        value = msg.get(name)
        return "" if value is None else str(value)
    except Exception as exc:  # the email package raises many types for broken headers
        raise MailRejected(f"550 5.6.0 The {name} header cannot be read") from exc


def mail_parse(data: bytes) -> EmailMessage:
    """Parse DATA (policy.default) and check its structure; raise MailRejected when it is malformed."""
    if not data.strip():
        raise MailRejected("550 5.6.0 Empty message")
    if b"\x00" in data:
        raise MailRejected("550 5.6.0 The message contains NUL bytes")
    # Multipart bombs: count boundaries before parsing, so deep nesting never reaches the parser.
    if data.lower().count(b"boundary=") > MAX_MIME_PARTS:
        raise MailRejected("554 5.6.0 Message structure is too complex")
    try:
        msg = BytesParser(policy=policy.default).parsebytes(data)
    except (RecursionError, Exception) as exc:
        raise MailRejected("550 5.6.0 Malformed message") from exc
    assert isinstance(msg, EmailMessage)
    _check_structure(msg)
    try:
        froms = msg.get_all("From") or []
    except Exception as exc:
        raise MailRejected("550 5.6.0 The From header cannot be read") from exc
    if not froms:
        raise MailRejected("550 5.6.0 The message has no From header")
    if len(froms) > 1:
        raise MailRejected("550 5.6.0 The message has more than one From header")
    for name in ("From", "Sender", "Reply-To", "To", "Cc", "Subject"):
        if any(ch in _header(msg, name) for ch in "\r\n\x00"):
            raise MailRejected(f"550 5.6.0 The {name} header contains line breaks")
    return msg


def _check_structure(msg: Message) -> None:
    count = 0
    stack: list[tuple[Message, int]] = [(msg, 0)]
    while stack:
        part, depth = stack.pop()
        count += 1
        if depth > MAX_MIME_DEPTH or count > MAX_MIME_PARTS:
            raise MailRejected("554 5.6.0 Message structure is too complex")
        if part.is_multipart():
            payload = part.get_payload()
            if not isinstance(payload, list):
                raise MailRejected("550 5.6.0 Malformed multipart message")
            stack.extend((child, depth + 1) for child in payload if isinstance(child, Message))


def sender_address(msg: EmailMessage) -> str:
    """Return the single From address, or raise MailRejected."""
    try:
        header = msg["From"]
        addresses: tuple[Any, ...] = tuple(getattr(header, "addresses", ()))
    except Exception as exc:
        raise MailRejected("550 5.1.7 The From address cannot be read") from exc
    if len(addresses) != 1:
        raise MailRejected("550 5.1.7 The From header must contain exactly one address")
    clean = address_clean(addresses[0].addr_spec)
    if clean is None:
        raise MailRejected("550 5.1.7 The From address is invalid")
    return clean


def is_automated(msg: EmailMessage) -> bool:
    """Return whether MSG was sent by a machine (auto-replies, bounces, lists): never answer it."""
    auto = _header(msg, "Auto-Submitted").strip().lower()
    if auto and auto != "no":
        return True
    if _header(msg, "Precedence").strip().lower() in {"bulk", "list", "junk"}:
        return True
    if any(_header(msg, name) for name in ("List-Id", "List-Unsubscribe", "X-Auto-Response-Suppress")):
        return True
    return msg.get_content_type() == "multipart/report"


def answer_allowed(envelope_from: str | None) -> bool:
    """Return whether a human-looking return path may get an automatic answer (RFC 3834)."""
    clean = address_clean((envelope_from or "").strip("<>"))
    if clean is None:
        return False
    local, _, domain = clean.rpartition("@")
    base = local.split("+", 1)[0]
    if base in _NO_ANSWER_LOCALS or base.startswith("owner-") or base.endswith(("-request", "-bounces")):
        return False
    own = address_clean(_plain_address(settings.DEFAULT_FROM_EMAIL or ""))
    return domain != settings.BEDSIDE_INBOUND_DOMAIN and clean != own


def _plain_address(value: str) -> str:
    match = re.search(r"<([^<>]+)>", value)
    return match.group(1) if match else value


def authenticated(msg: EmailMessage) -> bool:
    """Return whether the trusted MX vouched for the sender (dmarc=pass), when one is configured."""
    authserv = settings.BEDSIDE_MAIL_TRUSTED_AUTHSERV_ID
    if not authserv:
        return True
    for value in msg.get_all("Authentication-Results") or []:
        text = str(value)
        head, _, results = text.partition(";")
        if head.split()[:1] == [authserv] and re.search(r"\bdmarc\s*=\s*pass\b", results, re.IGNORECASE):
            return True
    return False


# --- content ----------------------------------------------------------------------------------


class _TextExtractor(HTMLParser):
    """Keep the text of an HTML mail, nothing else: no tags, scripts, styles or attributes."""

    _SKIP = frozenset({"script", "style", "head", "title", "template", "noscript"})
    _BREAK = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.quoting = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        if tag == "blockquote":
            self.quoting += 1
        if tag in self._BREAK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self.skipping:
            self.skipping -= 1
        if tag == "blockquote" and self.quoting:
            self.quoting -= 1
        if tag in self._BREAK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            # Quoted replies sit in <blockquote>; mark them as quoted so the stripper drops them.
            self.parts.append(data.replace("\n", "\n> ") if self.quoting else data)
            if self.quoting:
                self.parts[-1] = "> " + self.parts[-1]


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # HTMLParser is lenient; anything else is not worth keeping as markup
        return re.sub(r"<[^>]*>", " ", html)
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


_QUOTE_HEADERS = (
    re.compile(r"^(on|le|am|el|op|il)\b.{0,300}\b(wrote|a écrit|schrieb|escribió|schreef|ha scritto)\s*:\s*$", re.IGNORECASE),
    re.compile(r"^-{2,}\s*(original message|ursprüngliche nachricht|message d'origine)\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^-{2,}\s*forwarded message\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^_{10,}\s*$"),
)


def strip_quoted(text: str) -> str:
    """Drop quoted replies (`> …`, "On … wrote:", Outlook headers) and the signature; keep the rest."""
    lines = text.split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        pair = f"{stripped} {lines[index + 1].strip()}" if index + 1 < len(lines) else stripped
        if any(p.match(stripped) for p in _QUOTE_HEADERS) or (
            _QUOTE_HEADERS[0].match(pair) and not stripped.endswith(".")
        ):
            break
        if re.match(r"^from:\s", stripped, re.IGNORECASE) and any(
            re.match(r"^(sent|date):\s", following.strip(), re.IGNORECASE) for following in lines[index + 1:index + 4]
        ):
            break
        if line == "-- ":  # the signature delimiter
            break
        if stripped.startswith(">"):
            continue
        kept.append(line.rstrip())
    result = "\n".join(kept).strip()
    return result or text.strip()


def _decode_text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
        return content if isinstance(content, str) else ""
    except (LookupError, UnicodeError, ValueError, AssertionError, KeyError):
        raw = part.get_payload(decode=True)
        return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""


def _printable(text: str) -> str:
    # Surrogates come from undecodable 8-bit bytes; control characters have no place in a message.
    return "".join(
        ch if ch in "\n\t" or (ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF) else " " for ch in text
    )


def body_text(msg: EmailMessage) -> tuple[str, EmailMessage | None]:
    """Return the patient's text (text/plain preferred, else HTML as text), quotes stripped."""
    try:
        part = msg.get_body(preferencelist=("plain", "html"))
    except Exception:
        part = None
    if part is None:
        return "", None
    assert isinstance(part, EmailMessage)
    text = _decode_text(part)
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    text = _printable(text.replace("\r\n", "\n").replace("\r", "\n"))
    return strip_quoted(text), part


@dataclass(frozen=True)
class RefusedFile:
    filename: str
    reason: str


def attachments_collect(
    msg: EmailMessage, body_part: EmailMessage | None, *, photos_allowed: bool
) -> tuple[list[CleanFile], list[RefusedFile]]:
    """Validate every attached file exactly as the portal does; return (accepted, refused)."""
    accepted: list[CleanFile] = []
    refused: list[RefusedFile] = []
    for part in msg.walk():
        if part.is_multipart() or part is body_part:
            continue
        try:
            raw_name = part.get_filename() or ""
        except Exception:
            raw_name = ""
        filename = _printable(raw_name)[:120].strip() or "attachment"
        if part.get_content_maintype() == "text" and part.get_content_disposition() != "attachment" and not raw_name:
            continue  # the other alternative of the body (HTML next to plain text), not a file
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            refused.append(RefusedFile(filename, "The file could not be read."))
            continue
        if len(accepted) >= MAX_FILES_PER_MESSAGE:
            refused.append(RefusedFile(filename, f"At most {MAX_FILES_PER_MESSAGE} files are accepted per email."))
            continue
        try:
            clean = attachment_clean(name=filename, data=data)
        except InvalidInput as exc:
            refused.append(RefusedFile(filename, exc.message))
            continue
        if clean.content_type.startswith("image/") and not photos_allowed:
            refused.append(RefusedFile(filename, "Photos need the practice's photo-sharing consent (Consents page)."))
            continue
        accepted.append(clean)
    return accepted, refused


def subject_clean(raw: str) -> tuple[str, bool]:
    """Return (thread subject, whether the mail says it is a reply)."""
    text = " ".join(_printable(raw).split())
    reply = False
    while True:
        stripped = _SUBJECT_PREFIX.sub("", text, count=1)
        if stripped == text:
            break
        reply, text = True, stripped
    return (text[:SUBJECT_MAX].strip() or "Email to the practice"), reply


# --- answers ----------------------------------------------------------------------------------


def _answer_budget(address: str) -> bool:
    """Count one automatic answer to ADDRESS; False once the hourly budget is spent (loops, floods)."""
    limit = settings.BEDSIDE_MAIL_ANSWERS_PER_HOUR
    if limit <= 0:
        return False
    # Hashed: the cache (Redis, files) must not hold correspondents' addresses.
    key = "mail-answer:" + hashlib.sha256(address.encode()).hexdigest()
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        return True


def _crisis_line(practice: Practice) -> str:
    return str(getattr(practice, "crisis_line", "") or "988")


def refusal_text(*, practice: Practice) -> tuple[str, str]:
    """Return (subject, body) of the answer to refused mail: the same whatever the reason, no PHI."""
    site = settings.BEDSIDE_SITE_URL.rstrip("/")
    emergency = practice.emergency_number
    return (
        "Your email was not accepted",
        "This address accepts email only from patients who have signed up for it in the patient "
        "portal, from the address verified on their account. Your email was not read and was not "
        "kept.\n\n"
        f"To write to your care team, sign in to the secure patient portal: {site}/\n\n"
        f"If this is an emergency, call {emergency} or go to the nearest emergency department now. "
        f"If you are thinking about suicide or harming yourself, call or text {_crisis_line(practice)}.\n\n"
        "This is an automatic answer; replies to it are not read.\n",
    )


def acknowledgment_text(*, practice: Practice, refused_files: int, shortened: bool) -> tuple[str, str]:
    """Return (subject, body) of the answer to accepted mail. It is the same for every urgency and
    never says what was written: the patient learns where to read the reply, and what to do in an
    emergency, and nothing an eavesdropper could use."""
    site = settings.BEDSIDE_SITE_URL.rstrip("/")
    emergency = practice.emergency_number
    notes = ""
    if refused_files:
        notes += (
            f"{refused_files} attached file{'s' if refused_files != 1 else ''} could not be accepted "
            "(only photos in JPEG or PNG and PDF documents, within the size limit). Sign in to see "
            "which and to attach them again.\n\n"
        )
    if shortened:
        notes += "Your email was very long and was shortened; please send the rest through the portal.\n\n"
    return (
        "We received your email",
        "We received your email and added it to your secure messages.\n\n"
        f"If this is an emergency, do not wait for a reply: call {emergency} or go to the nearest "
        "emergency department now. If you are thinking about suicide or harming yourself, call or "
        f"text {_crisis_line(practice)}.\n\n"
        f"{notes}"
        f"Replies come only in the secure patient portal. Sign in to read them: {site}/\n\n"
        "For your privacy, this email never contains your message or any reply.\n",
    )


def answer_send(*, to: str, subject: str, body: str, reply_to: str | None = None) -> bool:
    """Send one automatic answer (marked Auto-Submitted, so well-behaved robots do not answer it)."""
    if not _answer_budget(to):
        return False
    headers = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All", "Precedence": "auto_reply"}
    mail = OutgoingEmail(
        subject, body, settings.DEFAULT_FROM_EMAIL, [to], headers=headers,
        reply_to=[reply_to] if reply_to else None,
    )
    try:
        mail.send(fail_silently=False)
    except Exception as exc:
        log.warning("automatic mail answer not sent: %s", type(exc).__name__)
        return False
    return True


# --- the pipeline -----------------------------------------------------------------------------


def verified_patient(address: str) -> tuple[User | None, int | None, str]:
    """Return (patient, EmailAddress id, reason) for a From address; reason is '' when verified."""
    from allauth.account.models import EmailAddress

    rows = list(EmailAddress.objects.filter(email__iexact=address).select_related("user")[:2])
    verified = [row for row in rows if row.verified]
    if verified:
        row = verified[0]
        user = row.user
        if not user.is_active or user.role != Role.PATIENT:
            return None, None, "not_a_patient"
        return user, row.pk, ""
    user = rows[0].user if rows else User.objects.filter(email__iexact=address).first()
    if user is not None and user.role == Role.PATIENT and user.is_active:
        return user, None, "unverified_address"
    return None, None, "unknown_sender"


def _refuse(
    *, practice: Practice, patient: User | None, reason: str, automated: bool, envelope_from: str | None,
    peer: str | None,
) -> Delivery:
    with transaction.atomic():
        audit_record(
            action=Action.MAIL_REFUSED, actor=patient if patient and reason != "unverified_address" else None,
            object_type="practice", object_id=practice.pk,
            # An unverified address proves nothing about who wrote: tie the row to no one.
            patient_id=patient.pk if patient and reason != "unverified_address" else None,
            practice_id=practice.pk, ip=peer, channel=CHANNEL, outcome=Outcome.DENIED,
            detail={"reason": reason},
        )
    answered = False
    if not automated and envelope_from and answer_allowed(envelope_from):
        subject, body = refusal_text(practice=practice)
        answered = answer_send(to=address_clean(envelope_from.strip("<>")) or "", subject=subject, body=body)
    return Delivery(accepted=False, reason=reason, answered=answered)


def _target_thread(patient: User, practice: Practice, token: str | None, reply: bool) -> Thread | None:
    open_threads = Thread.objects.filter(patient=patient, practice=practice, status=ThreadStatus.OPEN)
    if token:
        for thread in open_threads.order_by("-last_message_at")[:500]:
            if hmac.compare_digest(thread_reply_token(thread), token):
                return thread
    if reply:  # an unknown token (guessed, or of a closed thread) counts for nothing by itself
        return open_threads.order_by("-last_message_at").first()
    return None


def _compose_body(text: str, refused: Sequence[RefusedFile], has_files: bool) -> tuple[str, bool]:
    notes = "".join(f"\n[Attachment not accepted: {f.filename} — {f.reason}]" for f in refused[:10])
    if len(refused) > 10:
        notes += f"\n[{len(refused) - 10} more attachments not accepted.]"
    text = text or ("(An email with attachments and no text.)" if has_files else "(An email with no text.)")
    limit = max(settings.BEDSIDE_MESSAGE_MAX_CHARS - len(notes) - 200, 50)
    shortened = len(text) > limit
    if shortened:
        text = text[:limit].rstrip() + "\n\n[The email was longer and was shortened here.]"
    return (text + ("\n" + notes if notes else "")).strip(), shortened


def mail_deliver(
    *, msg: EmailMessage, sender: str, practice: Practice, token: str | None,
    envelope_from: str | None, peer: str | None = None,
) -> Delivery:
    """Bring MSG into the record of the patient who wrote to PRACTICE, or refuse it (see module doc)."""
    automated = is_automated(msg)
    patient, address_id, reason = verified_patient(sender)
    if patient is None or reason:
        return _refuse(practice=practice, patient=patient, reason=reason, automated=automated,
                       envelope_from=envelope_from, peer=peer)
    if automated:
        # Out-of-office replies to our notifications must not become messages (nor be answered).
        return _refuse(practice=practice, patient=patient, reason="automated", automated=True,
                       envelope_from=envelope_from, peer=peer)
    if not authenticated(msg):
        return _refuse(practice=practice, patient=None, reason="not_authenticated", automated=automated,
                       envelope_from=envelope_from, peer=peer)
    try:
        messaging_gate(patient=patient, practice=practice)
        if signature_live(patient=patient, practice=practice, scope=Scope.EMAIL_MESSAGING) is None:
            raise MessagingRefused("email-messaging consent missing", code="email_consent_required")
    except MessagingRefused as refusal:
        return _refuse(practice=practice, patient=patient, reason=refusal.code, automated=automated,
                       envelope_from=envelope_from, peer=peer)

    subject, reply = subject_clean(_header(msg, "Subject"))
    reply = reply or bool(_header(msg, "In-Reply-To") or _header(msg, "References"))
    text, body_part = body_text(msg)
    photos = signature_live(patient=patient, practice=practice, scope=Scope.PHOTO_SHARING) is not None
    files, refused = attachments_collect(msg, body_part, photos_allowed=photos)
    body, shortened = _compose_body(text, refused, bool(files or refused))
    try:
        with transaction.atomic():
            thread = _target_thread(patient, practice, token, reply)
            if thread is None:
                result = thread_create(patient=patient, practice=practice, subject=subject,
                                       category=Category.OTHER, body=body, files=files, ip=peer, channel=CHANNEL)
            else:
                result = message_send(author=patient, thread=thread, body=body, files=files, ip=peer, channel=CHANNEL)
            audit_record(
                action=Action.MAIL_RECEIVED, actor=patient, obj=result.message, patient_id=patient.pk,
                practice_id=practice.pk, ip=peer, channel=CHANNEL,
                detail={"thread": result.thread.pk, "attachments": len(files), "refused": len(refused),
                        "joined": thread is not None},
            )
            from bedside.records.mail.tasks import mail_acknowledge

            enqueue_after_commit(mail_acknowledge, address_id, result.thread.pk, len(refused), shortened)
    except MessagingRefused as refusal:  # consent revoked in between
        return _refuse(practice=practice, patient=patient, reason=refusal.code, automated=automated,
                       envelope_from=envelope_from, peer=peer)
    except BedsideError as exc:
        log.warning("patient email not stored: %s", exc.code)
        raise MailRejected("550 5.6.0 The message could not be brought into the record") from exc
    return Delivery(accepted=True, reason="", thread_id=result.thread.pk)


def acknowledgment_send(*, address_id: int | None, thread_id: int, refused: int, shortened: bool) -> bool:
    """Answer accepted mail at the patient's verified address; called by the worker with ids only."""
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(pk=address_id, verified=True).first() if address_id else None
    thread = Thread.objects.select_related("practice").filter(pk=thread_id).first()
    if address is None or thread is None or address.user_id != thread.patient_id:
        return False
    subject, body = acknowledgment_text(practice=thread.practice, refused_files=refused, shortened=shortened)
    return answer_send(to=address.email, subject=subject, body=body, reply_to=thread_reply_address(thread))


def mail_receive(
    *, envelope_from: str | None, recipients: Sequence[str], data: bytes, peer: str | None = None
) -> list[Delivery]:
    """Handle one SMTP DATA: parse once, deliver to each practice addressed. Raise MailRejected."""
    msg = mail_parse(data)
    sender = sender_address(msg)
    seen: set[int] = set()
    deliveries: list[Delivery] = []
    for recipient in recipients:
        resolved = recipient_resolve(recipient)
        if resolved is None or resolved[0].pk in seen:
            continue
        practice, token = resolved
        seen.add(practice.pk)
        deliveries.append(mail_deliver(msg=msg, sender=sender, practice=practice, token=token,
                                       envelope_from=envelope_from, peer=peer))
    if not deliveries:
        raise MailRejected("550 5.1.1 No such mailbox here")
    return deliveries
