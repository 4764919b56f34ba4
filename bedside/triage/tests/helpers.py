"""Shared setup for triage tests: the demo practices and a second Riverside clinician."""

from __future__ import annotations

from bedside.accounts import services as accounts
from bedside.accounts.models import Practice, Role, User
from bedside.messaging import services as messaging
from bedside.messaging.services import SendResult


def riverside() -> Practice:
    return Practice.objects.get(name="Riverside Family Medicine")


def lakeside() -> Practice:
    return Practice.objects.get(name="Lakeside Orthopedics")


def dr_xavier() -> User:
    """Return a second clinician of Riverside (the demo has only Alice there)."""
    user = User.objects.filter(email="xavier@example.org").first()
    if user is None:
        user = accounts.user_create(email="xavier@example.org", full_name="Xavier Reyes", role=Role.CLINICIAN)
        accounts.membership_add(practice=riverside(), user=user)
        accounts.clinician_profile_set(user=user, practice=riverside(), display_name="Dr. Xavier Reyes",
                                       credentials="MD", specialty="Internal Medicine")
    return user


def send(patient: User, body: str = "Question about my knee", *, category: str = "medical_question",
         subject: str = "Knee stiffness", practice: Practice | None = None) -> SendResult:
    return messaging.thread_create(patient=patient, practice=practice or riverside(), subject=subject,
                                   category=category, body=body)
