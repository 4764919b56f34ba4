"""Writes for the record side: FHIR client tokens, the EHR push outbox, transcripts.

- SMART Backend Services: a registered EhrClient signs a JWT (RS384/ES384) with its private
  key; /fhir/auth/token checks it against the client's JWKS, refuses replays (`jti` kept
  until the assertion expires) and issues a short-lived bearer whose SHA-256 alone is kept.
- Push: `record_changed` is called inside the transaction of a change (message, thread
  close, consent, transcript); it writes one PushJob per active EhrEndpoint of the practice
  and enqueues delivery after commit. Failures retry with exponential backoff and end in the
  dead-letter state after BEDSIDE_EHR_PUSH_MAX_ATTEMPTS; an admin action puts them back.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import jwt
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from bedside.accounts.models import Practice, User
from bedside.audit.models import Outcome
from bedside.audit.services import audit_record
from bedside.core.crypto import token_digest
from bedside.core.errors import BedsideError, InvalidInput
from bedside.core.net import Pinned, public_url_pin
from bedside.core.queue import backoff, enqueue_after_commit
from bedside.messaging.attachments import blob_delete, blob_write
from bedside.messaging.models import Message, Thread
from bedside.records.models import (
    EhrAccessToken,
    EhrClient,
    EhrEndpoint,
    PushJob,
    PushKind,
    PushState,
    Transcript,
    TranscriptReason,
    UsedAssertion,
)

log = logging.getLogger(__name__)

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ALGORITHMS = ["RS384", "ES384"]
ASSERTION_MAX_LIFETIME = timedelta(minutes=5)
FHIR_TOKEN_PREFIX = "bfh_"
PUSH_BACKOFF_SECONDS = 30
PUSH_BACKOFF_MAX_SECONDS = 6 * 3600


def push_claim_timeout() -> timedelta:
    """How long a push may stay claimed (SENDING) before another worker takes it over: a worker
    killed mid-send leaves its claim behind (BEDSIDE_EHR_PUSH_CLAIM_TIMEOUT_SECONDS)."""
    return timedelta(seconds=settings.BEDSIDE_EHR_PUSH_CLAIM_TIMEOUT_SECONDS)


class OAuthError(BedsideError):
    """An RFC 6749 §5.2 error: `code` is the OAuth `error` value."""

    status = 400



# ---------------------------------------------------------------------------------------------
# SMART Backend Services token endpoint


def _allowed_scopes(requested: str, registered: str) -> str:
    """Return the requested scopes the client is registered for (space-separated)."""
    allowed = set(registered.split())
    wanted = requested.split() or sorted(allowed)
    granted: list[str] = []
    for scope in wanted:
        if not scope.startswith("system/") or not (scope.endswith(".read") or scope.endswith(".rs")):
            raise OAuthError(f"Scope {scope[:60]!r} is not offered; bedside's FHIR API is read-only "
                             "(system/<Type>.read).", code="invalid_scope")
        rtype = scope[len("system/"):].rsplit(".", 1)[0]
        if scope in allowed or (rtype != "*" and any(s.startswith("system/*.") for s in allowed)):
            granted.append(scope)
    if not granted:
        raise OAuthError("None of the requested scopes is registered for this client.", code="invalid_scope")
    return " ".join(granted)


def fhir_token_issue(
    *, grant_type: str, assertion_type: str, assertion: str, scope: str, audiences: Iterable[str],
    ip: str | None = None,
) -> tuple[str, EhrAccessToken]:
    """Exchange a signed client assertion for a short-lived bearer token (SMART Backend Services)."""
    if grant_type != "client_credentials":
        raise OAuthError("grant_type must be client_credentials.", code="unsupported_grant_type")
    if assertion_type != ASSERTION_TYPE:
        raise OAuthError(f"client_assertion_type must be {ASSERTION_TYPE}.", code="invalid_request")
    if not assertion or len(assertion) > 8000:
        raise OAuthError("client_assertion is missing.", code="invalid_request")
    try:
        unverified = jwt.decode(assertion, options={"verify_signature": False})
        header = jwt.get_unverified_header(assertion)
    except jwt.PyJWTError:
        raise OAuthError("client_assertion is not a JWT.", code="invalid_client") from None
    client_id = unverified.get("iss")
    client = EhrClient.objects.select_related("practice").filter(client_id=str(client_id or "")[:100]).first()
    if client is None or not client.is_active or unverified.get("sub") != client_id:
        _refused(None, "unknown_client", ip)
        raise OAuthError("Unknown or inactive client (iss and sub must be the client_id).", code="invalid_client")
    if header.get("alg") not in ALGORITHMS:
        _refused(client, "bad_alg", ip)
        raise OAuthError("The assertion must be signed with RS384 or ES384.", code="invalid_client")
    claims = _verify(client, assertion, header, list(audiences), ip)
    granted = _allowed_scopes(scope, client.scopes)
    raw = FHIR_TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    try:
        with transaction.atomic():
            UsedAssertion.objects.filter(expires_at__lt=now - timedelta(minutes=1)).delete()
            UsedAssertion.objects.create(
                client=client, jti=str(claims["jti"])[:200],
                expires_at=datetime.fromtimestamp(int(claims["exp"]), tz=UTC),
            )
            token = EhrAccessToken.objects.create(
                client=client, key_hash=token_digest(raw), scopes=granted,
                expires_at=now + timedelta(seconds=settings.BEDSIDE_FHIR_TOKEN_SECONDS),
            )
            audit_record(action="fhir.token_issued", object_type="ehrclient", object_id=client.pk,
                         practice_id=client.practice_id, ip=ip, channel="api")
    except IntegrityError:
        _refused(client, "replayed_jti", ip)
        raise OAuthError("This client assertion was already used (jti replay).", code="invalid_client") from None
    return raw, token


def _verify(client: EhrClient, assertion: str, header: dict[str, Any], audiences: list[str],
            ip: str | None) -> dict[str, Any]:
    keys: list[Any] = []
    try:
        for jwk in jwt.PyJWKSet.from_dict(client.jwks).keys:
            if header.get("kid") in (None, jwk.key_id) or jwk.key_id is None:
                keys.append(jwk.key)
    except jwt.PyJWTError:
        keys = []
    claims: dict[str, Any] | None = None
    expired = False
    for key in keys:
        try:
            claims = jwt.decode(assertion, key, algorithms=ALGORITHMS, audience=audiences,
                                options={"require": ["iss", "sub", "aud", "exp", "jti"]}, leeway=10)
            break
        except jwt.ExpiredSignatureError:
            expired = True
        except jwt.PyJWTError:
            continue
    if claims is None:
        _refused(client, "expired" if expired else "bad_signature", ip)
        if expired:
            raise OAuthError("The client assertion has expired.", code="invalid_client")
        raise OAuthError("The client assertion's signature, audience or claims do not verify against "
                         "the client's registered keys.", code="invalid_client")
    exp = datetime.fromtimestamp(int(claims["exp"]), tz=UTC)
    if exp > timezone.now() + ASSERTION_MAX_LIFETIME + timedelta(seconds=10):
        _refused(client, "exp_too_far", ip)
        raise OAuthError("The assertion's exp must be at most five minutes away.", code="invalid_client")
    return claims


def _refused(client: EhrClient | None, reason: str, ip: str | None) -> None:
    with transaction.atomic():
        audit_record(action="fhir.token_refused", object_type="ehrclient",
                     object_id=client.pk if client else "", practice_id=client.practice_id if client else None,
                     ip=ip, channel="api", outcome=Outcome.FAILURE, detail={"reason": reason})


def fhir_token_authenticate(raw: str) -> EhrAccessToken | None:
    """Return the valid token of an active client, else None."""
    if not raw.startswith(FHIR_TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = EhrAccessToken.objects.select_related("client__practice").filter(key_hash=token_digest(raw)).first()
    if token is None or token.expires_at <= timezone.now() or not token.client.is_active:
        return None
    return token


@transaction.atomic
def fhir_read_record(
    *, user: User | None, client: EhrClient | None, practice_id: int | None, interaction: str,
    resource_type: str, resource_id: str = "", patient_id: int | None = None, count: int | None = None,
    ip: str | None = None, outcome: str = Outcome.SUCCESS,
) -> None:
    """Audit one FHIR API request: who, which type/id or patient, how many results (ids only)."""
    detail: dict[str, Any] = {"interaction": interaction, "type": resource_type}
    if client is not None:
        detail["ehr_client"] = client.pk
    if count is not None:
        detail["count"] = count
    audit_record(action="fhir.read", actor=user, object_type=resource_type.lower()[:40],
                 object_id=resource_id[:64], patient_id=patient_id, practice_id=practice_id,
                 ip=ip, channel="api", outcome=outcome, detail=detail)


# ---------------------------------------------------------------------------------------------
# EHR endpoints and push


def ehr_url_check(url: str) -> str:
    """Return URL if it is an http(s) URL whose host resolves to public addresses only (SSRF).

    Private, loopback, link-local, multicast and reserved addresses are refused unless
    BEDSIDE_EHR_ALLOW_PRIVATE is set (an EHR on the practice's own network).
    """
    ehr_url_pin(url)
    return (url or "").strip()


def ehr_url_pin(url: str) -> Pinned:
    """Check URL like `ehr_url_check` and return where to send the request so that it reaches
    the very address checked (core.net.Pinned)."""
    parts = urlsplit((url or "").strip())
    if parts.username or parts.password:
        raise InvalidInput("Put credentials in the credential field, not in the URL.", field="base_url")
    return public_url_pin(url, allow_private=settings.BEDSIDE_EHR_ALLOW_PRIVATE, field="base_url",
                          what="EHR base URL", allow_setting="BEDSIDE_EHR_ALLOW_PRIVATE")


@transaction.atomic
def ehr_endpoint_set(*, practice: Practice, name: str, base_url: str, credential: str = "",
                     is_active: bool = True) -> EhrEndpoint:
    """Create or update the practice's endpoint named NAME (the URL is checked against SSRF)."""
    base_url = ehr_url_check(base_url)
    endpoint, _ = EhrEndpoint.objects.update_or_create(
        practice=practice, name=name,
        defaults={"base_url": base_url, "credential": credential, "is_active": is_active},
    )
    return endpoint


def _practice_of(kind: str, pk: int) -> int | None:
    if kind == PushKind.MESSAGE:
        return Message.objects.filter(pk=pk).values_list("thread__practice_id", flat=True).first()
    if kind == PushKind.THREAD:
        return Thread.objects.filter(pk=pk).values_list("practice_id", flat=True).first()
    if kind == PushKind.CONSENT:
        from bedside.consent.models import ConsentSignature

        return ConsentSignature.objects.filter(pk=pk).values_list("practice_id", flat=True).first()
    return Transcript.objects.filter(pk=pk).values_list("thread__practice_id", flat=True).first()


def record_changed(
    *, kind: str, pk: int, actor: User | None = None, practice_id: int | None = None
) -> list[int]:
    """Note that a record changed, inside the transaction that changed it.

    Writes a PushJob per active EHR endpoint of the practice (so nothing committed is lost)
    and enqueues delivery after commit. Closing a thread also files its PDF transcript.
    PRACTICE_ID, when the caller has it at hand, saves looking it up (the message path runs
    this on every send). Return the ids of the jobs written.
    """
    if kind not in PushKind.values:
        raise ValueError(f"unknown record kind {kind!r}")
    if kind == PushKind.THREAD and Thread.objects.filter(pk=pk, status="closed").exists():
        from bedside.records.tasks import transcript_on_close

        enqueue_after_commit(transcript_on_close, pk, actor.pk if actor else None)
    if practice_id is None:
        practice_id = _practice_of(kind, pk)
    ids: list[int] = []
    if practice_id is None:
        return ids
    for endpoint_id in EhrEndpoint.objects.filter(practice_id=practice_id, is_active=True).values_list("pk", flat=True):
        job = PushJob.objects.create(endpoint_id=endpoint_id, kind=kind, object_id=pk)
        ids.append(job.pk)
        enqueue_after_commit(_deliver_push_task(), job.pk)
    return ids


def _deliver_push_task() -> Any:
    from bedside.records.tasks import deliver_push

    return deliver_push


def _backoff(attempts: int) -> timedelta:
    return backoff(attempts, first=timedelta(seconds=PUSH_BACKOFF_SECONDS), maximum=timedelta(seconds=PUSH_BACKOFF_MAX_SECONDS))


@dataclass(frozen=True)
class PushOutcome:
    state: str
    attempts: int
    error: str = ""


def _post(endpoint: EhrEndpoint, bundle: dict[str, Any]) -> httpx.Response:
    # checked again at send time and sent to the very address checked: a DNS answer that changed
    # in between (rebinding) never receives the bundle
    pinned = ehr_url_pin(endpoint.base_url.rstrip("/"))
    target = pinned.request_kwargs()
    headers = {"Content-Type": "application/fhir+json", "Accept": "application/fhir+json", **target.get("headers", {})}
    if endpoint.credential:
        headers["Authorization"] = f"Bearer {endpoint.credential}"
    with httpx.Client(timeout=httpx.Timeout(20.0, connect=5.0), follow_redirects=False) as http:
        return http.post(pinned.url, content=json.dumps(bundle).encode("utf-8"), headers=headers,
                         extensions=target.get("extensions") or None)


def push_deliver(*, job_id: int) -> PushOutcome | None:
    """Claim a due job (compare-and-set), send its bundle, record the outcome.

    Return None when the job was not claimable (delivered, dead, not yet due, or taken).
    """
    now = timezone.now()
    claimed = PushJob.objects.filter(
        Q(state=PushState.PENDING, next_attempt_at__lte=now)
        | Q(state=PushState.SENDING, claimed_at__lt=now - push_claim_timeout()),
        pk=job_id,
    ).update(state=PushState.SENDING, claimed_at=now)
    if claimed != 1:
        return None
    job = PushJob.objects.select_related("endpoint__practice").get(pk=job_id)
    error = ""
    try:
        from bedside.records.push import bundle_for

        bundle = bundle_for(practice=job.endpoint.practice, kind=job.kind, object_id=job.object_id)
        response = _post(job.endpoint, bundle)
        if response.status_code >= 300:
            error = f"HTTP {response.status_code}"
    except InvalidInput:
        error = "refused: private or invalid EHR URL"
    except httpx.HTTPError as exc:
        error = f"network: {type(exc).__name__}"
    except Exception as exc:  # a bug in one bundle must not stop the queue: the job is parked
        log.exception("EHR push %s failed to build or send", job_id)
        error = f"error: {type(exc).__name__}"
    attempts = job.attempts + 1
    with transaction.atomic():
        if not error:
            PushJob.objects.filter(pk=job_id).update(state=PushState.DELIVERED, attempts=attempts,
                                                      delivered_at=timezone.now(), last_error="")
            audit_record(action="ehr.push", object_type="pushjob", object_id=job_id,
                         practice_id=job.endpoint.practice_id, channel="worker",
                         detail={"kind": job.kind, "object": job.object_id, "attempts": attempts})
            return PushOutcome(PushState.DELIVERED, attempts)
        dead = attempts >= settings.BEDSIDE_EHR_PUSH_MAX_ATTEMPTS
        PushJob.objects.filter(pk=job_id).update(
            state=PushState.DEAD if dead else PushState.PENDING, attempts=attempts, last_error=error[:200],
            next_attempt_at=timezone.now() + _backoff(attempts),
        )
        if dead:
            audit_record(action="ehr.push", object_type="pushjob", object_id=job_id,
                         practice_id=job.endpoint.practice_id, channel="worker", outcome=Outcome.FAILURE,
                         detail={"kind": job.kind, "object": job.object_id, "attempts": attempts,
                                 "reason": "dead_letter"})
    log.warning("EHR push %s attempt %s failed: %s", job_id, attempts, error)
    return PushOutcome(PushState.DEAD if dead else PushState.PENDING, attempts, error)


def push_due() -> list[int]:
    """Return the ids of jobs due now (pending and due, or stuck in sending)."""
    now = timezone.now()
    return list(
        PushJob.objects.filter(
            Q(state=PushState.PENDING, next_attempt_at__lte=now)
            | Q(state=PushState.SENDING, claimed_at__lt=now - push_claim_timeout())
        ).order_by("pk").values_list("pk", flat=True)[:500]
    )


@transaction.atomic
def push_retry(*, job_ids: Iterable[int], actor: User | None = None) -> int:
    """Put dead-letter (or failing) jobs back in the queue now; return how many."""
    ids = list(job_ids)
    updated = PushJob.objects.filter(pk__in=ids, state__in=[PushState.DEAD, PushState.PENDING]).update(
        state=PushState.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    for pk in ids:
        enqueue_after_commit(_deliver_push_task(), pk)
    if updated:
        audit_record(action="ehr.push_retry", actor=actor, object_type="pushjob", channel="web",
                     detail={"count": updated})
    return updated


# ---------------------------------------------------------------------------------------------
# transcripts


def transcript_create(*, thread: Thread, actor: User | None, reason: str) -> Transcript:
    """Render THREAD to PDF, store it encrypted, record it (and push it to the EHR)."""
    from bedside.records.pdf import render

    if reason not in TranscriptReason.values:
        raise ValueError(f"unknown transcript reason {reason!r}")
    thread = Thread.objects.select_related("practice", "patient").get(pk=thread.pk)
    messages = list(thread.messages.select_related("author__clinician_profile")
                    .prefetch_related("attachments").order_by("sent_at", "pk"))
    data = render(thread, messages)
    name = blob_write(data)
    try:
        with transaction.atomic():
            transcript = Transcript.objects.create(
                thread=thread, reason=reason, created_by=actor, message_count=len(messages),
                size=len(data), sha256=hashlib.sha256(data).hexdigest(), storage_name=name,
            )
            audit_record(action="transcript.create", actor=actor, obj=transcript, patient_id=thread.patient_id,
                         practice_id=thread.practice_id, channel="web" if actor else "worker",
                         detail={"thread": thread.pk, "reason": reason, "messages": len(messages)})
            record_changed(kind=PushKind.TRANSCRIPT, pk=transcript.pk)
    except BaseException:
        blob_delete(name)
        raise
    return transcript


@transaction.atomic
def transcript_exported(*, user: User, transcript: Transcript, ip: str | None = None) -> None:
    thread = transcript.thread
    audit_record(action="transcript.export", actor=user, obj=transcript, patient_id=thread.patient_id,
                 practice_id=thread.practice_id, ip=ip, channel="web", detail={"thread": thread.pk})


@transaction.atomic
def fhir_tokens_purge() -> int:
    """Delete expired client tokens and spent assertions past their expiry; return how many."""
    now = timezone.now()
    tokens, _ = EhrAccessToken.objects.filter(expires_at__lt=now).delete()
    assertions, _ = UsedAssertion.objects.filter(expires_at__lt=now - timedelta(minutes=1)).delete()
    return tokens + assertions
