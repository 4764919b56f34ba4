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
