"""Who may see a thread. Every thread or attachment loaded from a request id goes through here.

Patients see their own threads. Care-team members see threads of their practice that are
theirs to handle: addressed to them as the patient's clinician, assigned to them, or routed to
a pool they belong to (minimum necessary, HIPAA 164.502(b)); unrouted threads go to the
practice's clinicians; a clinician of the practice who used emergency (break-glass) access
sees that patient's threads there until the grant ends. Everyone else gets the same NotFound as
for a missing id.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from bedside.accounts.models import CARE_TEAM_ROLES, BreakGlassGrant, Role, User
from bedside.core.errors import NotFound
from bedside.messaging.models import Attachment, Thread


def care_team_filter(user: User) -> Q:
    """Return the Q selecting threads USER may handle as a care-team member."""
    practice_ids = user.memberships.filter(is_active=True).values("practice_id")
    mine = Q(clinician_id=user.pk) | Q(assignee_id=user.pk) | Q(pool__members=user)
    if user.role == Role.CLINICIAN:
        mine |= Q(pool__isnull=True)
    return Q(practice_id__in=practice_ids) & mine


def break_glass_filter(user: User) -> Q | None:
    """Return the Q of threads USER opened with emergency access that has not ended, or None."""
    if user.role != Role.CLINICIAN:
        return None
    grants = BreakGlassGrant.objects.filter(user_id=user.pk, ended_at__isnull=True, expires_at__gt=timezone.now(),
                                            practice__memberships__user_id=user.pk,
                                            practice__memberships__is_active=True)
    q: Q | None = None
    for practice_id, patient_id in grants.values_list("practice_id", "patient_id"):
        one = Q(practice_id=practice_id, patient_id=patient_id)
        q = one if q is None else q | one
    return q


def threads_visible(user: User) -> QuerySet[Thread]:
    if not user.is_authenticated or not user.is_active:
        return Thread.objects.none()
    if user.role == Role.PATIENT:
        return Thread.objects.filter(patient_id=user.pk)
    if user.role in CARE_TEAM_ROLES:
        q = care_team_filter(user)
        emergency = break_glass_filter(user)
        if emergency is not None:
            q |= emergency
        return Thread.objects.filter(q).distinct()
    return Thread.objects.none()


def access_thread(user: User, thread_id: int | str) -> Thread:
    """Return the thread if USER may see it, else raise NotFound (same for missing and not yours)."""
    try:
        pk = int(thread_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if pk <= 0 or pk > 2**63 - 1:
        raise NotFound()
    thread = threads_visible(user).select_related("practice", "patient", "assignee", "pool").filter(pk=pk).first()
    if thread is None:
        raise NotFound()
    return thread


def access_attachment(user: User, attachment_id: int | str) -> Attachment:
    try:
        pk = int(attachment_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if pk <= 0 or pk > 2**63 - 1:
        raise NotFound()
    attachment = Attachment.objects.select_related("message__thread").filter(pk=pk).first()
    if attachment is None:
        raise NotFound()
    access_thread(user, attachment.message.thread_id)
    return attachment


def is_care_team_of(user: User, thread: Thread) -> bool:
    return user.role in CARE_TEAM_ROLES and threads_visible(user).filter(pk=thread.pk).exists()
