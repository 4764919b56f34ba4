"""Helpers shared by the server-rendered views of every app."""

from __future__ import annotations

from django.http import Http404, HttpRequest, QueryDict

from bedside.accounts.models import CARE_TEAM_ROLES, Role, User


def posted(request: HttpRequest) -> QueryDict | None:
    """Return the POST data to bind a form to (even when empty), or None for a GET."""
    return request.POST if request.method == "POST" else None


def current_user(request: HttpRequest) -> User:
    """Return the signed-in user (views are behind login_required)."""
    user = request.user
    assert isinstance(user, User)
    return user


def require_patient(user: User) -> None:
    """Raise Http404 for anyone but a patient: other roles learn nothing about the page."""
    if user.role != Role.PATIENT:
        raise Http404()


def require_care_team(user: User) -> None:
    """Raise Http404 for anyone outside the care-team roles."""
    if user.role not in CARE_TEAM_ROLES:
        raise Http404()
