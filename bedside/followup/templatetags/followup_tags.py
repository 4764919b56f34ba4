"""The follow-up panel on a post-op thread page: which plan it belongs to and the open check-in."""

from __future__ import annotations

from typing import Any

from django import template

from bedside.accounts.models import CARE_TEAM_ROLES
from bedside.followup.access import enrolments_visible
from bedside.followup.models import CheckInState, EnrolmentStatus

register = template.Library()


@register.inclusion_tag("followup/_thread_panel.html", takes_context=True)
def followup_panel(context: Any) -> dict[str, Any]:
    """Return the enrolment behind the thread (if the viewer may see it) and its open check-in."""
    thread, user = context.get("thread"), context.get("user")
    if thread is None or user is None or getattr(thread, "category", "") != "post_op":
        return {"enrolment": None}
    enrolment = enrolments_visible(user).select_related("plan").filter(thread_id=thread.pk).first()
    if enrolment is None:
        return {"enrolment": None}
    open_check_in = (
        enrolment.check_ins.filter(state=CheckInState.SENT).order_by("day").first()
        if enrolment.status == EnrolmentStatus.ACTIVE else None
    )
    return {"enrolment": enrolment, "open_check_in": open_check_in, "care_team": user.role in CARE_TEAM_ROLES}
