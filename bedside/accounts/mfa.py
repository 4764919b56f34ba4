"""MFA policy: every role but patient must have TOTP before seeing anything."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from bedside.accounts.models import User


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def totp_verify(user: User, code: str | None) -> bool:
    """Return whether CODE is a valid, unused TOTP code (or recovery code) for USER."""
    if not code:
        return False
    code = code.strip().replace(" ", "")
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is not None and TOTP(authenticator).validate_code(code):
        return True
    recovery = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
    if recovery is not None:
        wrapped = recovery.wrap()
        return bool(wrapped.validate_code(code))
    return False
