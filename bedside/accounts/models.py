"""Users and their roles, practices with members and staff pools, professional profiles, API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bedside.core.models import EncryptedTextField


class Role(models.TextChoices):
    PATIENT = "patient", "Patient"
    CLINICIAN = "clinician", "Clinician"
    STAFF = "staff", "Staff"
    MODERATOR = "moderator", "Moderator"
    AUDITOR = "auditor", "Auditor"
    PRACTICE_ADMIN = "practice_admin", "Practice administrator"


CARE_TEAM_ROLES = frozenset({Role.CLINICIAN, Role.STAFF, Role.PRACTICE_ADMIN})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("role", Role.PATIENT)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        extra.setdefault("role", Role.PRACTICE_ADMIN)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person who signs in. The email is the sign-in name; the role decides what they may do.

    `is_staff` keeps Django's meaning (may open the admin) and is unrelated to Role.STAFF.
    """

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PATIENT)
    date_of_birth = models.DateField(null=True, blank=True)
    # For on-call text alerts only (PHI-free); care-team members set it, patients never need it.
    mobile_phone = models.CharField(max_length=20, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_valid"),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT

    @property
    def needs_mfa(self) -> bool:
        """Every role but patient must use MFA (ACP/FSMB and HIPAA 164.312(d))."""
        return self.role != Role.PATIENT

    @property
    def display_name(self) -> str:
        profile = getattr(self, "clinician_profile", None)
        if profile is not None:
            return profile.display_name
        return self.full_name or self.email


class Practice(models.Model):
    """A practice: where relationships, consents, pools and threads belong."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    phone = models.CharField(max_length=40, blank=True)
    emergency_number = models.CharField(max_length=20, default="911")
    response_target_hours = models.PositiveSmallIntegerField(
        default=48, help_text="Promised reply time for routine messages, in business hours."
    )
    timezone = models.CharField(max_length=64, default="America/New_York")
    crisis_line = models.CharField(
        max_length=20, default="988", help_text="Suicide and crisis line patients are told to call or text."
    )
    crisis_line_name = models.CharField(max_length=100, default="Suicide & Crisis Lifeline")
    on_call = models.ForeignKey(
        "User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The clinician alerted at once about emergencies and crises.",
    )
    privacy_officer = models.ForeignKey(
        "User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="Alerted whenever someone uses emergency (break-glass) access; practice admins if empty.",
    )

    def __str__(self) -> str:
        return self.name

    @property
    def response_promise(self) -> str:
        hours = self.response_target_hours
        if hours % 24 == 0 and hours >= 24:
            days = hours // 24
            return f"within {days} business day{'s' if days != 1 else ''}"
        return f"within {hours} business hour{'s' if hours != 1 else ''}"


class PracticeMembership(models.Model):
    """A care-team member (clinician, staff, admin) or auditor belonging to a practice."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    joined_at = models.DateTimeField(default=timezone.now)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "user"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.practice}"


class Pool(models.Model):
    """A staff pool ("front desk", "nursing") that reads the threads routed to it."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="pools")
    name = models.CharField(max_length=100)
    members = models.ManyToManyField(User, related_name="pools", blank=True)
    lead = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="Told when a thread of this pool passes its response target.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="pool_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.practice.name}: {self.name}"


npi_validator = RegexValidator(r"^\d{10}$", "An NPI has exactly 10 digits.")


class ClinicianProfile(models.Model):
    """A clinician's professional identity. There is deliberately no field for personal accounts."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="clinician_profile")
    display_name = models.CharField(max_length=200, help_text='e.g. "Dr. Alice Moreno"')
    credentials = models.CharField(max_length=100, help_text='e.g. "MD, FAAFP"')
    specialty = models.CharField(max_length=100)
    npi = models.CharField("NPI", max_length=10, validators=[npi_validator], blank=True)
    license_number = models.CharField(max_length=40, blank=True)
    license_state = models.CharField(max_length=2, blank=True)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="clinicians")

    def __str__(self) -> str:
        return f"{self.display_name}, {self.credentials}"


class ApiToken(models.Model):
    """A bearer token: only its SHA-256 is stored; it expires and can be revoked."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token {self.prefix}… of user {self.user_id}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class BreakGlassReason(models.TextChoices):
    EMERGENCY = "emergency", "Emergency care: the patient needs treatment now"
    COVERAGE = "coverage", "Covering for the patient's clinician"
    CONTINUITY = "continuity", "Continuity of care (referral, handover)"
    OTHER = "other", "Other (explain below)"


class BreakGlassGrant(models.Model):
    """Emergency access (HIPAA 164.312(a)(2)(ii)) by a clinician of the practice who is not on the
    patient's care team: stated reason, short expiry, audited, and the privacy officer is told."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="break_glass_grants")
    patient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="break_glass_grants")
    reason_code = models.CharField(max_length=20, choices=BreakGlassReason.choices)
    # The stated reason may name clinical facts: encrypted like message bodies, never in the audit row.
    reason = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "expires_at"], name="breakglass_user_expires")]
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("created_at")), name="breakglass_expires_after"),
            models.CheckConstraint(condition=models.Q(reason_code__in=BreakGlassReason.values), name="breakglass_reason_valid"),
        ]

    def __str__(self) -> str:
        return f"emergency access #{self.pk} by user {self.user_id}"

    def is_active(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.ended_at is None and self.expires_at > now
