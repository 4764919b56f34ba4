"""The e-visit time panel on the thread page (care-team view), built from the thread in context."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from bedside.accounts.models import CARE_TEAM_ROLES, Role
from bedside.billing import selectors
from bedside.billing.forms import TimeEntryForm
from bedside.messaging.models import Thread
from bedside.triage.selectors import practice_zone

register = template.Library()


@register.inclusion_tag("billing/_time_panel.html", takes_context=True)
def thread_time_panel(context: Any, thread: Thread) -> dict[str, Any]:
    """Render the timer, manual entry, logged time and roll-up (nothing for non-care-team users)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or getattr(user, "role", None) not in CARE_TEAM_ROLES:
        return {"show": False}
    tz = practice_zone(thread.practice)
    return {
        "show": True,
        "thread": thread,
        "user": user,
        "panel": selectors.time_panel(thread=thread, user=user),
        "form": TimeEntryForm(initial={"day": timezone.now().astimezone(tz).date()}, tz=tz, auto_id="time_%s"),
        "is_clinician": user.role == Role.CLINICIAN,
        "tz": tz,
        "csrf_token": context.get("csrf_token"),
    }
