"""The medical-record side: EHR clients that read our FHIR API, EHR endpoints we push to, the
push outbox (with its dead-letter state) and stored PDF transcripts of threads.

Credentials are never stored in the clear: client access tokens as SHA-256, the EHR's
credential encrypted (EncryptedTextField), public keys only for SMART client assertions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bedside.accounts.models import Practice
from bedside.core.models import EncryptedTextField


class EhrClient(models.Model):
    """An EHR system registered by a practice to read its FHIR data (SMART Backend Services)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="ehr_clients")
    name = models.CharField(max_length=100)
    client_id = models.CharField(max_length=100, unique=True)
    jwks = models.JSONField(help_text='The client\'s public keys as a JWKS: {"keys": [...]} (RS384 or ES384).')
    scopes = models.CharField(
        max_length=500, default="system/*.read",
        help_text="Space-separated SMART scopes the client may be granted, e.g. system/*.read.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"


class EhrAccessToken(models.Model):
    """A short-lived bearer issued at /fhir/auth/token; only its SHA-256 is kept."""

    client = models.ForeignKey(EhrClient, on_delete=models.CASCADE, related_name="tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"FHIR token of client {self.client_id}"


class UsedAssertion(models.Model):
    """A client-assertion `jti` already spent: a replayed assertion is refused (RFC 7523 §3)."""

    client = models.ForeignKey(EhrClient, on_delete=models.CASCADE, related_name="+")
    jti = models.CharField(max_length=200)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "jti"], name="assertion_jti_once")]

    def __str__(self) -> str:
        return f"jti of client {self.client_id}"


class EhrEndpoint(models.Model):
    """Where a practice's EHR accepts FHIR transaction bundles, and the credential it wants."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="ehr_endpoints")
    name = models.CharField(max_length=100)
    base_url = models.URLField(max_length=300, help_text="FHIR base URL, https://… (no private addresses).")
    # Sent as `Authorization: Bearer …` to the EHR; encrypted at rest.
    credential = EncryptedTextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} ({self.practice})"


class PushKind(models.TextChoices):
    MESSAGE = "message", "Message"
    THREAD = "thread", "Thread (status change)"
    CONSENT = "consent", "Consent signature"
    TRANSCRIPT = "transcript", "Transcript"


class PushState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    DELIVERED = "delivered", "Delivered"
    DEAD = "dead", "Dead letter"


class PushJob(models.Model):
    """Outbox row: one change to deliver to one EHR endpoint. Written in the transaction of the
    change, so a committed change is never lost even when the queue or the EHR is down."""

    endpoint = models.ForeignKey(EhrEndpoint, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=12, choices=PushKind.choices)
    object_id = models.BigIntegerField()
    state = models.CharField(max_length=10, choices=PushState.choices, default=PushState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Status code or exception class only: never the EHR's response body (it may echo PHI).
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=PushKind.values), name="push_kind_valid"),
            models.CheckConstraint(
                condition=~Q(state="delivered") | Q(delivered_at__isnull=False), name="push_delivered_has_time"
            ),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="push_due")]

    def __str__(self) -> str:
        return f"push {self.pk} {self.kind}:{self.object_id} ({self.state})"


class TranscriptReason(models.TextChoices):
    DOWNLOAD = "download", "Downloaded by the care team"
    CLOSED = "closed", "Thread closed"


class Transcript(models.Model):
    """A PDF transcript of a thread, stored encrypted like attachments."""

    thread = models.ForeignKey("messaging.Thread", on_delete=models.PROTECT, related_name="transcripts")
    reason = models.CharField(max_length=10, choices=TranscriptReason.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    message_count = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=80, unique=True)

    class Meta:
        indexes = [models.Index(fields=["thread", "created_at"], name="transcript_thread")]

    def __str__(self) -> str:
        return f"transcript {self.pk} of thread {self.thread_id}"
