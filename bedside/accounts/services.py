"""Writes for accounts, practices and API tokens."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from bedside.accounts.mfa import has_totp, totp_verify
from bedside.accounts.models import (
    ApiToken,
    BreakGlassGrant,
    BreakGlassReason,
    ClinicianProfile,
    Pool,
    Practice,
    PracticeMembership,
    Role,
    User,
)
from bedside.audit.models import Action, Outcome
from bedside.audit.services import audit_record
from bedside.core.crypto import token_digest
from bedside.core.errors import BedsideError, InvalidInput

TOKEN_PREFIX = "bst_"


class AuthError(BedsideError):
    status = 401


class TooManyAttempts(BedsideError):
    code = "too_many_attempts"
    status = 429



def npi_is_valid(npi: str) -> bool:
    """Return whether NPI passes the Luhn check with the 80840 prefix (CMS NPI standard)."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    digits = [int(d) for d in "80840" + npi[:9]]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10 == int(npi[9])


@transaction.atomic
def user_create(*, email: str, full_name: str, role: str, password: str | None = None) -> User:
    if role not in Role.values:
        raise InvalidInput(f"Unknown role {role!r}.", field="role")
    if User.objects.filter(email__iexact=email).exists():
        raise InvalidInput("An account with this email address already exists.", field="email")
    if password:
        try:
            validate_password(password)
        except ValidationError as exc:
            raise InvalidInput(" ".join(exc.messages), field="password") from exc
    return User.objects.create_user(email=email, password=password, full_name=full_name, role=role)


@transaction.atomic
def practice_create(*, name: str, phone: str = "", response_target_hours: int = 48) -> Practice:
    return Practice.objects.create(
        name=name, slug=slugify(name)[:80], phone=phone, response_target_hours=response_target_hours
    )


@transaction.atomic
def membership_add(*, practice: Practice, user: User) -> PracticeMembership:
    if user.role == Role.PATIENT:
        raise InvalidInput("Patients are not practice members; record a care relationship instead.")
    membership, _ = PracticeMembership.objects.update_or_create(
        practice=practice, user=user, defaults={"is_active": True}
    )
    return membership


@transaction.atomic
def pool_create(*, practice: Practice, name: str, members: list[User] | None = None) -> Pool:
    pool, _ = Pool.objects.get_or_create(practice=practice, name=name)
    for member in members or []:
        if not member.memberships.filter(practice=practice, is_active=True).exists():
            raise InvalidInput(f"{member.email} is not a member of {practice.name}.")
        pool.members.add(member)
    return pool


@transaction.atomic
def clinician_profile_set(
    *, user: User, practice: Practice, display_name: str, credentials: str, specialty: str,
    npi: str = "", license_number: str = "", license_state: str = "",
) -> ClinicianProfile:
    if user.role != Role.CLINICIAN:
        raise InvalidInput("Only clinicians have a professional profile.")
    if npi and not npi_is_valid(npi):
        raise InvalidInput("This NPI fails the check-digit test; please re-check it.", field="npi")
    profile, _ = ClinicianProfile.objects.update_or_create(
        user=user,
        defaults={
            "practice": practice, "display_name": display_name, "credentials": credentials,
            "specialty": specialty, "npi": npi, "license_number": license_number,
            "license_state": license_state.upper(),
        },
    )
    return profile


def api_token_issue(*, email: str, password: str, otp: str | None, ip: str | None = None) -> tuple[str, ApiToken]:
    """Exchange credentials (and a TOTP code where the account has MFA) for a bearer token.

    Non-patients must have MFA set up: the API is no way around the web's MFA policy.
    Refusals are audited outside any transaction of their own making, so that the row
    recording a failed attempt is not rolled back together with the refusal.
    """
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is None:
        # Hash anyway, so that response time does not tell which addresses have accounts.
        User().set_password(password or "")
    if user is None or not user.is_active or not user.check_password(password or ""):
        audit_record(action=Action.AUTH_TOKEN_REFUSED, ip=ip, channel="api", outcome=Outcome.FAILURE,
                     object_type="user", detail={"reason": "invalid_credentials"})
        raise AuthError("The email or password is not correct.", code="invalid_credentials")
    if has_totp(user):
        if not totp_verify(user, otp):
            audit_record(action=Action.AUTH_MFA_FAILED, actor=user, object_type="user", object_id=user.pk,
                         ip=ip, channel="api", outcome=Outcome.FAILURE)
            raise AuthError("A valid two-factor code (otp) is required for this account.", code="mfa_required")
    elif user.needs_mfa:
        audit_record(action=Action.AUTH_TOKEN_REFUSED, actor=user, object_type="user", object_id=user.pk,
                     ip=ip, channel="api", outcome=Outcome.DENIED, detail={"reason": "mfa_setup_required"})
        raise AuthError(
            "Your role requires two-factor authentication. Set it up in the web app first.",
            code="mfa_setup_required",
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, key_hash=token_digest(raw), prefix=raw[len(TOKEN_PREFIX):][:8],
            expires_at=timezone.now() + timedelta(hours=settings.BEDSIDE_API_TOKEN_HOURS),
        )
        audit_record(action=Action.AUTH_TOKEN_ISSUED, actor=user, obj=token, ip=ip, channel="api")
    return raw, token


def api_token_authenticate(raw: str) -> User | None:
    """Return the active user of a valid, unexpired, unrevoked token, else None."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=token_digest(raw)).first()
    if token is None or not token.is_valid or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def api_token_revoke(*, user: User, raw: str, ip: str | None = None) -> bool:
    updated = ApiToken.objects.filter(user=user, key_hash=token_digest(raw), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if updated:
        audit_record(action=Action.AUTH_TOKEN_REVOKED, actor=user, object_type="apitoken", ip=ip, channel="api")
    return bool(updated)


@transaction.atomic
def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every token of USER (password change, deactivation)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


# ---------------------------------------------------------------------------------------------
# Emergency ("break-glass") access — HIPAA 164.312(a)(2)(ii)

BREAK_GLASS_MINUTES = (15, 30, 60, 120)
BREAK_GLASS_REASON_MIN = 20


@transaction.atomic
def break_glass_open(
    *, user: User, practice: Practice, patient_email: str, reason_code: str, reason: str, minutes: int,
    ip: str | None = None,
) -> BreakGlassGrant:
    """Open a patient's record at PRACTICE for MINUTES to a clinician outside the care team.

    Only active clinicians of that practice may, with a stated reason; the grant is audited in
    this transaction and the privacy officer is alerted after commit (no patient detail in it).
    """
    if user.role != Role.CLINICIAN or not user.is_active or not user.memberships.filter(
        practice=practice, is_active=True
    ).exists():
        raise InvalidInput("Only clinicians of this practice can use emergency access here.", field="practice")
    if reason_code not in BreakGlassReason.values:
        raise InvalidInput("Choose why you need emergency access.", field="reason_code")
    reason = (reason or "").strip()
    if len(reason) < BREAK_GLASS_REASON_MIN:
        raise InvalidInput(f"Explain the need in at least {BREAK_GLASS_REASON_MIN} characters; the privacy "
                           "officer reviews every use.", field="reason")
    if len(reason) > 2000:
        raise InvalidInput("Keep the reason under 2,000 characters.", field="reason")
    if minutes not in BREAK_GLASS_MINUTES:
        raise InvalidInput("Choose " + ", ".join(map(str, BREAK_GLASS_MINUTES)) + " minutes.", field="minutes")
    from bedside.consent.models import CareRelationship  # consent builds on accounts

    patient = User.objects.filter(email__iexact=(patient_email or "").strip(), role=Role.PATIENT).first()
    if patient is None or not CareRelationship.objects.filter(patient=patient, practice=practice).exists():
        raise InvalidInput("No patient of this practice uses that email address.", field="patient_email")
    now = timezone.now()
    grant = BreakGlassGrant.objects.create(
        user=user, patient=patient, practice=practice, reason_code=reason_code, reason=reason,
        created_at=now, expires_at=now + timedelta(minutes=minutes),
    )
    audit_record(action=Action.BREAK_GLASS_OPEN, actor=user, obj=grant, patient_id=patient.pk,
                 practice_id=practice.pk, ip=ip, detail={"reason_code": reason_code, "minutes": minutes})

    def _alert() -> None:
        from bedside.accounts.tasks import break_glass_alert

        break_glass_alert(grant.pk)

    transaction.on_commit(_alert, robust=True)  # a queue that is down must not fail the committed grant
    return grant


@transaction.atomic
def break_glass_end(*, user: User, grant: BreakGlassGrant, ip: str | None = None) -> BreakGlassGrant:
    """End USER's own emergency access now (it also ends by itself at expires_at)."""
    locked = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
    if locked.user_id != user.pk:
        raise InvalidInput("Only the clinician who opened emergency access can end it.")
    if locked.ended_at is None and locked.expires_at > timezone.now():
        locked.ended_at = timezone.now()
        locked.save(update_fields=["ended_at"])
        audit_record(action=Action.BREAK_GLASS_END, actor=user, obj=locked, patient_id=locked.patient_id,
                     practice_id=locked.practice_id, ip=ip)
    return locked


@transaction.atomic
def break_glass_review(*, reviewer: User, grant: BreakGlassGrant, ip: str | None = None) -> BreakGlassGrant:
    """Mark a use of emergency access as reviewed by the privacy officer (or an admin/auditor)."""
    locked = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
    if locked.user_id == reviewer.pk:
        raise InvalidInput("Someone else must review your own emergency access.")
    if locked.reviewed_at is None:
        locked.reviewed_by = reviewer
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["reviewed_by", "reviewed_at"])
        audit_record(action=Action.BREAK_GLASS_REVIEW, actor=reviewer, obj=locked, patient_id=locked.patient_id,
                     practice_id=locked.practice_id, ip=ip)
    return locked


def break_glass_alert_send(*, grant_id: int) -> int:
    """Email the practice's privacy officer (else its admins) that emergency access was used.

    The email names the practice and a link only: who opened which record is read after sign-in.
    """
    from django.core.mail import send_mail
    from django.urls import reverse

    grant = BreakGlassGrant.objects.select_related("practice__privacy_officer").filter(pk=grant_id).first()
    if grant is None:
        return 0
    practice = grant.practice
    officer = practice.privacy_officer
    if officer and officer.is_active and officer.pk != grant.user_id:
        recipients = [officer.email]
    else:  # no privacy officer, or they opened it themselves: the practice's administrators
        recipients = list(User.objects.filter(
            memberships__practice=practice, memberships__is_active=True, role=Role.PRACTICE_ADMIN, is_active=True,
        ).exclude(pk=grant.user_id).values_list("email", flat=True))
    if not recipients:
        return 0
    link = settings.BEDSIDE_SITE_URL.rstrip("/") + reverse("accounts:break_glass_review")
    send_mail(
        subject=f"Emergency access used at {practice.name}",
        message=(f"A clinician used emergency (break-glass) access to a patient record at {practice.name}.\n\n"
                 f"Review it after signing in: {link}\n"),
        from_email=None, recipient_list=recipients,
    )
    return len(recipients)
