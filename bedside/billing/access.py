"""Who may see what in billing and e-consults. Every object from a request id goes through here.

Time entries are reached through the thread access helper: strangers get the uniform NotFound.
An e-consult is visible to the clinician who asked and to the specialist asked, and to the
specialist only while the patient's specialist-sharing consent is in force: revoking it takes
the specialist's access away at once.
"""

from __future__ import annotations

from bedside.accounts.models import CARE_TEAM_ROLES, Practice, Role, User
from bedside.billing.models import EConsult, TimeEntry
from bedside.billing.selectors import sharing_signed
from bedside.core.errors import NotFound, object_pk
from bedside.messaging.access import access_thread
from bedside.messaging.models import Thread


def access_thread_for_time(user: User, thread_id: int | str) -> Thread:
    """Return a thread USER may log time on (a care-team member who may see it), else NotFound."""
    if user.role not in CARE_TEAM_ROLES:
        raise NotFound()
    return access_thread(user, thread_id)


def access_own_time_entry(user: User, entry_id: int | str) -> TimeEntry:
    """Return USER's own time entry on a thread they may still see, else NotFound."""
    entry = TimeEntry.objects.select_related("thread").filter(pk=object_pk(entry_id), user_id=user.pk).first()
    if entry is None:
        raise NotFound()
    access_thread_for_time(user, entry.thread_id)
    return entry


def billing_practice(user: User) -> Practice:
    """Return the practice whose billing report USER may read (clinicians and practice admins)."""
    if not user.is_authenticated or user.role not in (Role.CLINICIAN, Role.PRACTICE_ADMIN):
        raise NotFound()
    membership = user.memberships.filter(is_active=True).select_related("practice").order_by("pk").first()
    if membership is None:
        raise NotFound()
    return membership.practice


def sharing_consented(econsult: EConsult) -> bool:
    return sharing_signed(patient=econsult.patient, practice=econsult.practice)


def access_econsult(user: User, econsult_id: int | str) -> EConsult:
    """Return the e-consult if USER asked it, or is the specialist and the consent still stands."""
    if not user.is_authenticated or user.role != Role.CLINICIAN:
        raise NotFound()
    econsult = (
        EConsult.objects.select_related("practice", "patient", "requester", "specialist")
        .filter(pk=object_pk(econsult_id)).first()
    )
    if econsult is None:
        raise NotFound()
    if econsult.requester_id == user.pk and user.memberships.filter(practice=econsult.practice, is_active=True).exists():
        return econsult
    if econsult.specialist_id == user.pk and sharing_consented(econsult):
        return econsult
    raise NotFound()


def is_requester(user: User, econsult: EConsult) -> bool:
    return econsult.requester_id == user.pk


def is_specialist(user: User, econsult: EConsult) -> bool:
    return econsult.specialist_id == user.pk
