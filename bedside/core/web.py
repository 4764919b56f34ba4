"""Helpers shared by the server-rendered views of every app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import Http404, HttpRequest, QueryDict

from bedside.accounts.models import CARE_TEAM_ROLES, Role, User
from bedside.core.errors import BedsideError, NotFound

T = TypeVar("T")


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


def form_error(form: Any, exc: BedsideError) -> None:
    """Show a service error next to the field it names (or above the form)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def or_404(load: Callable[..., T], *args: Any) -> T:
    """LOAD(*ARGS), with a service's NotFound turned into the 404 page."""
    try:
        return load(*args)
    except NotFound:
        raise Http404() from None
