"""Who may see a thread. Every thread or attachment loaded from a request id goes through here.

Patients see their own threads. Care-team members see threads of their practice that are
theirs to handle: addressed to them as the patient's clinician, assigned to them, or routed to
a pool they belong to (minimum necessary, HIPAA 164.502(b)); unrouted threads go to the
practice's clinicians; a clinician of the practice who used emergency (break-glass) access
sees that patient's threads there until the grant ends. Everyone else gets the same NotFound as
for a missing id.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Now

from bedside.accounts.models import CARE_TEAM_ROLES, BreakGlassGrant, Role, User
from bedside.core.errors import NotFound, object_pk
from bedside.messaging.models import Attachment, Thread


def care_team_filter(user: User) -> Q:
    """Return the Q selecting threads USER may handle as a care-team member."""
    practice_ids = user.memberships.filter(is_active=True).values("practice_id")
    mine = Q(clinician_id=user.pk) | Q(assignee_id=user.pk) | Q(pool__members=user)
    if user.role == Role.CLINICIAN:
        mine |= Q(pool__isnull=True)
    return Q(practice_id__in=practice_ids) & mine


def _active_grants(user: User) -> QuerySet[BreakGlassGrant]:
    return BreakGlassGrant.objects.filter(user_id=user.pk, ended_at__isnull=True, expires_at__gt=Now(),
                                          practice__memberships__user_id=user.pk,
                                          practice__memberships__is_active=True)


def break_glass_filter(user: User) -> Q | None:
    """Return the Q of threads USER opened with emergency access that has not ended, or None.

    A subquery, so the grants are checked inside the one thread query rather than read first.
    """
    if user.role != Role.CLINICIAN:
        return None
    return Q(Exists(_active_grants(user).filter(practice_id=OuterRef("practice_id"),
                                                patient_id=OuterRef("patient_id"))))


def break_glass_only(user: User, thread: Thread) -> bool:
    """Return whether USER sees THREAD only through emergency access (for the audit row)."""
    return (
        user.role == Role.CLINICIAN
        and _active_grants(user).filter(practice_id=thread.practice_id, patient_id=thread.patient_id).exists()
        and not Thread.objects.filter(care_team_filter(user), pk=thread.pk).exists()
    )


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
    pk = object_pk(thread_id)
    thread = threads_visible(user).select_related("practice", "patient", "assignee", "pool").filter(pk=pk).first()
    if thread is None:
        raise NotFound()
    return thread


def access_attachment(user: User, attachment_id: int | str) -> Attachment:
    pk = object_pk(attachment_id)
    attachment = Attachment.objects.select_related("message__thread").filter(pk=pk).first()
    if attachment is None:
        raise NotFound()
    access_thread(user, attachment.message.thread_id)
    return attachment


def is_care_team_of(user: User, thread: Thread) -> bool:
    return user.role in CARE_TEAM_ROLES and threads_visible(user).filter(pk=thread.pk).exists()
