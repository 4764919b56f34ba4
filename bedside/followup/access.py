"""Who may see an enrolment or a check-in. Every one loaded from a request id goes through here.

Patients see their own; the care team of the enrolment's practice sees the practice's; everyone
else gets the same NotFound as for a missing id.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from bedside.accounts.models import CARE_TEAM_ROLES, Role, User
from bedside.core.errors import NotFound, object_pk
from bedside.followup.models import CheckIn, Enrolment


def enrolments_visible(user: User) -> QuerySet[Enrolment]:
    if not user.is_authenticated or not user.is_active:
        return Enrolment.objects.none()
    if user.role == Role.PATIENT:
        return Enrolment.objects.filter(patient_id=user.pk)
    if user.role in CARE_TEAM_ROLES:
        # Minimum necessary, as for messages: the enrolling clinician and whoever handles the
        # plan's post-op thread — not every member of the practice.
        from bedside.messaging.access import threads_visible

        practices = user.memberships.filter(is_active=True).values("practice_id")
        return Enrolment.objects.filter(practice_id__in=practices).filter(
            Q(clinician_id=user.pk) | Q(thread__in=threads_visible(user).values("pk"))
        )
    return Enrolment.objects.none()


def access_enrolment(user: User, enrolment_id: int | str) -> Enrolment:
    """Return the enrolment if USER may see it, else raise NotFound (same for missing and not yours)."""
    enrolment = (
        enrolments_visible(user).select_related("plan", "plan__faq_article", "patient", "practice", "clinician")
        .filter(pk=object_pk(enrolment_id)).first()
    )
    if enrolment is None:
        raise NotFound()
    return enrolment


def access_check_in(user: User, check_in_id: int | str) -> CheckIn:
    """Return the check-in if USER may see it (via its enrolment), else raise NotFound."""
    check_in = (
        CheckIn.objects.select_related("enrolment", "enrolment__plan", "enrolment__practice", "enrolment__patient")
        .filter(pk=object_pk(check_in_id), enrolment__in=enrolments_visible(user)).first()
    )
    if check_in is None:
        raise NotFound()
    return check_in
