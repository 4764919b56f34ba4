"""Authentication events into the audit trail (Django and allauth signals are the only hooks)."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset
from allauth.mfa.signals import (
    authentication_failed,
    authenticator_added,
    authenticator_removed,
    authenticator_used,
)
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from bedside.accounts.services import api_tokens_revoke_all
from bedside.audit.models import Action, Outcome
from bedside.audit.services import audit_record


def _user_event(action: Action, user: Any, request: Any, outcome: Outcome = Outcome.SUCCESS, **detail: Any) -> None:
    audit_record(action=action, actor=user, object_type="user", object_id=getattr(user, "pk", ""),
                 request=request, outcome=outcome, detail=detail or None)


@receiver(user_logged_in)
def _on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _user_event(Action.AUTH_LOGIN, user, request)


@receiver(user_logged_out)
def _on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        _user_event(Action.AUTH_LOGOUT, user, request)


@receiver(user_login_failed)
def _on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # The attempted email is not stored: it may be a patient's, and the row must carry no PHI.
    audit_record(action=Action.AUTH_LOGIN_FAILED, request=request, outcome=Outcome.FAILURE, object_type="user")


@receiver(authenticator_used)
def _on_mfa_used(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    _user_event(Action.AUTH_MFA_USED, user, request, kind=authenticator.type)


@receiver(authentication_failed)
def _on_mfa_failed(sender: Any, request: Any, user: Any, authenticator: Any = None, **kwargs: Any) -> None:
    _user_event(Action.AUTH_MFA_FAILED, user, request, Outcome.FAILURE)


@receiver(authenticator_added)
def _on_mfa_added(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    _user_event(Action.AUTH_MFA_ADDED, user, request, kind=authenticator.type)


@receiver(authenticator_removed)
def _on_mfa_removed(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    _user_event(Action.AUTH_MFA_REMOVED, user, request, kind=authenticator.type)


@receiver(password_changed)
def _on_password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # A new password ends every other way in: web sessions (Django's session hash) and API tokens.
    api_tokens_revoke_all(user=user)
    _user_event(Action.AUTH_PASSWORD_CHANGED, user, request)


@receiver(password_reset)
def _on_password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    api_tokens_revoke_all(user=user)
    _user_event(Action.AUTH_PASSWORD_RESET, user, request)
