"""Session policy: server-side idle timeout and mandatory MFA for every non-patient."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from bedside.accounts.mfa import has_totp
from bedside.audit.models import Action
from bedside.audit.services import audit_record

_IDLE_KEY = "bedside.last_seen"
# Paths a non-patient without MFA may still reach: setting MFA up, signing out, static files.
_MFA_SETUP_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/accounts/reauthenticate/", "/static/")


class IdleTimeoutMiddleware:
    """Sign out a session idle for longer than the role's limit (HIPAA 164.312(a)(2)(iii))."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            limit = (
                settings.BEDSIDE_IDLE_MINUTES_PATIENT if getattr(user, "role", "") == "patient"
                else settings.BEDSIDE_IDLE_MINUTES_STAFF
            ) * 60
            now = time.time()
            last = request.session.get(_IDLE_KEY)
            if last is not None and now - float(last) > limit:
                audit_record(action=Action.AUTH_SESSION_EXPIRED, actor=user, object_type="user",
                             object_id=user.pk, request=request)
                logout(request)
                return self._signed_out_response(request)
            request.session[_IDLE_KEY] = now
        return self.get_response(request)

    @staticmethod
    def _signed_out_response(request: HttpRequest) -> HttpResponse:
        # This middleware runs before MessageMiddleware, and returning early skips it: set up
        # the message storage here and write it into the response ourselves.
        storage = default_storage(request)
        request._messages = storage  # type: ignore[attr-defined]
        messages.info(request, "You were signed out after a period of inactivity, to protect your privacy.")
        response = HttpResponseRedirect(reverse("account_login"))
        storage.update(response)
        return response


class MfaRequiredMiddleware:
    """Send a signed-in non-patient without TOTP to set it up before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "needs_mfa", False)
            and not request.path.startswith(_MFA_SETUP_PREFIXES)
            and not request.path.startswith("/api/")
            and not has_totp(user)  # type: ignore[arg-type]
        ):
            if request.headers.get("accept", "").startswith("application/json"):
                return JsonResponse({"code": "mfa_setup_required", "message": "Set up two-factor authentication first."}, status=403)
            messages.warning(request, "Your role requires two-factor authentication. Please set it up to continue.")
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
