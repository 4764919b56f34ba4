"""Established care relationships and versioned consent documents with e-signatures.

ACP/FSMB: electronic messaging only with patients with whom there is an established
physician–patient relationship, and only with their written consent.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bedside.accounts.models import Practice
from bedside.core.crypto import token_digest


class VerificationMethod(models.TextChoices):
    IN_PERSON = "in_person", "In-person visit"
    TELEHEALTH = "telehealth", "Telehealth (video) visit"
    TRANSFER = "transfer", "Transfer of care with records"
    HOSPITAL = "hospital", "Hospital or procedure encounter"


class CareRelationship(models.Model):
    """An established relationship between a patient and a practice (optionally a clinician)."""

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_relationships")
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="care_relationships")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="patient_relationships"
    )
    method = models.CharField(max_length=20, choices=VerificationMethod.choices)
    established_on = models.DateField(help_text="Date of the visit that established the relationship.")
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "practice"],
                condition=Q(ended_at__isnull=True),
                name="one_active_relationship_per_practice",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_by__isnull=False),
                name="ended_relationship_has_ender",
            ),
        ]

    def __str__(self) -> str:
        return f"relationship {self.pk} (patient {self.patient_id} @ practice {self.practice_id})"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class Scope(models.TextChoices):
    PORTAL_MESSAGING = "portal_messaging", "Secure portal messaging"
    EMAIL_NOTIFICATIONS = "email_notifications", "Email notifications"
    SMS_NOTIFICATIONS = "sms_notifications", "SMS notifications"
    PHOTO_SHARING = "photo_sharing", "Sharing photos"
    SPECIALIST_SHARING = "specialist_sharing", "Sharing with a referred specialist"
    EVISIT_BILLING = "evisit_billing", "Billed e-visits (annual)"
    EMAIL_MESSAGING = "email_messaging", "Writing to the practice by email"


class ConsentDocument(models.Model):
    """One version of the text a patient signs. Published versions are never edited: a change is
    a new version, and signatures of older versions stop counting."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="consent_documents")
    scope = models.CharField(max_length=30, choices=Scope.choices)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown-free plain text, shown exactly as signed.")
    sha256 = models.CharField(max_length=64, editable=False)
    published_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "scope", "version"], name="consent_doc_version_unique"),
        ]
        ordering = ["practice_id", "scope", "-version"]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    @staticmethod
    def digest(body: str) -> str:
        return hashlib.sha256(body.encode("utf-8")).hexdigest()


class ConsentSignature(models.Model):
    """A patient's e-signature of one document version; revocation takes effect at once."""

    document = models.ForeignKey(ConsentDocument, on_delete=models.PROTECT, related_name="signatures")
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consent_signatures")
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(max_length=30, choices=Scope.choices)
    typed_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=300, blank=True)
    document_sha256 = models.CharField(max_length=64)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_ip = models.GenericIPAddressField(null=True, blank=True)
    superseded_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the patient signed a newer version of the same scope."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "practice", "scope"],
                condition=Q(revoked_at__isnull=True, superseded_at__isnull=True),
                name="one_live_signature_per_scope",
            ),
        ]
        indexes = [models.Index(fields=["patient", "practice", "scope"], name="consent_sig_lookup")]

    def __str__(self) -> str:
        return f"signature {self.pk} of {self.scope} v{self.document.version}"


INVITATION_DAYS = 7


class Invitation(models.Model):
    """A practice's single-use invitation for a new patient to create an account.

    Only the SHA-256 of the token is stored: the link in the email is the one copy of the secret.
    Accepting it records the established care relationship the inviter attested.
    """

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="invitations")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    email = models.EmailField()
    method = models.CharField(max_length=20, choices=VerificationMethod.choices)
    established_on = models.DateField()
    token_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    relationship = models.ForeignKey(
        CareRelationship, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(accepted_by__isnull=False),
                name="accepted_invitation_has_patient",
            ),
        ]
        indexes = [models.Index(fields=["practice", "accepted_at"], name="invitation_pending")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation {self.pk} (practice {self.practice_id})"

    @staticmethod
    def digest(token: str) -> str:
        return token_digest(token)  # stored like API tokens: the link itself never is

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
