"""The demo practice of CONTRACT.md, loaded through the services; running it twice changes nothing."""

from __future__ import annotations

import os
from datetime import date, time, timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone

from bedside.accounts import services as accounts
from bedside.accounts.models import Pool, Practice, Role, User
from bedside.consent import services as consent
from bedside.consent.documents import standard_document
from bedside.consent.models import CareRelationship, Scope, VerificationMethod
from bedside.consent.selectors import document_current, relationship_active, signature_live
from bedside.messaging.models import Category, CategoryRoute, ReplyTemplate
from bedside.triage import services as triage

DEFAULT_PASSWORD = "bedside-demo-2026"
DEFAULT_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def demo_password() -> str:
    return os.environ.get("BEDSIDE_DEMO_PASSWORD") or DEFAULT_PASSWORD


def demo_totp_secret() -> str:
    return (os.environ.get("BEDSIDE_DEMO_TOTP_SECRET") or DEFAULT_TOTP_SECRET).replace(" ", "").upper()


DEMO_USERS = [
    ("alice@demo.bedside", "Alice Moreno", Role.CLINICIAN),
    ("bob@demo.bedside", "Bob Lindqvist", Role.PATIENT),
    ("erin@demo.bedside", "Erin Walsh", Role.STAFF),
    ("charlie@demo.bedside", "Charlie Okafor", Role.CLINICIAN),
    ("dana@demo.bedside", "Dana Whitfield", Role.PATIENT),
    ("gus@demo.bedside", "Gus Romero", Role.PATIENT),
    ("frank@demo.bedside", "Frank Ibsen", Role.AUDITOR),
    ("nora@demo.bedside", "Nora Patel", Role.STAFF),
    ("admin@demo.bedside", "Pat Admin", Role.PRACTICE_ADMIN),
]


def _user(email: str, full_name: str, role: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=demo_password(), full_name=full_name, role=role)
    else:
        user.full_name, user.role, user.is_active = full_name, role, True
        user.set_password(demo_password())
        user.save()
    if role == Role.PRACTICE_ADMIN and not user.is_staff:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    if user.needs_mfa:
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
        TOTP.activate(user, demo_totp_secret())
        RecoveryCodes.activate(user)
    return user


def _practice(name: str, phone: str, hours: int) -> Practice:
    practice = Practice.objects.filter(name=name).first()
    return practice or accounts.practice_create(name=name, phone=phone, response_target_hours=hours)


def _publish_all(practice: Practice) -> None:
    for scope in Scope:
        title, body = standard_document(practice, scope.value)
        consent.consent_document_publish(practice=practice, scope=scope.value, title=title, body=body)


def _relationship(staff: User, patient: User, practice: Practice, clinician: User) -> None:
    if relationship_active(patient=patient, practice=practice) is None:
        consent.relationship_create(
            actor=staff, patient=patient, practice=practice, clinician=clinician,
            method=VerificationMethod.IN_PERSON, established_on=timezone.localdate() - timedelta(days=90),
        )


def _sign(patient: User, practice: Practice, scope: str) -> None:
    if signature_live(patient=patient, practice=practice, scope=scope) is None:
        document = document_current(practice=practice, scope=scope)
        assert document is not None
        consent.consent_sign(patient=patient, document=document, typed_name=patient.full_name, ip="127.0.0.1")


@transaction.atomic
def demo_load() -> dict[str, User]:
    """Create or refresh the demo practice; return the users by first name."""
    users = {email.split("@")[0]: _user(email, name, role) for email, name, role in DEMO_USERS}
    riverside = _practice("Riverside Family Medicine", "(555) 010-2000", 48)
    lakeside = _practice("Lakeside Orthopedics", "(555) 010-3000", 72)
    for key in ("alice", "erin", "nora", "frank", "admin"):
        accounts.membership_add(practice=riverside, user=users[key])
    accounts.membership_add(practice=lakeside, user=users["charlie"])
    accounts.clinician_profile_set(
        user=users["alice"], practice=riverside, display_name="Dr. Alice Moreno", credentials="MD, FAAFP",
        specialty="Family Medicine", npi="1234567893", license_number="MD-204518", license_state="NY",
    )
    accounts.clinician_profile_set(
        user=users["charlie"], practice=lakeside, display_name="Dr. Charlie Okafor", credentials="MD",
        specialty="Orthopedic Surgery", npi="1245319599", license_number="MD-311902", license_state="NY",
    )
    front_desk = accounts.pool_create(practice=riverside, name="Front desk", members=[users["erin"]])
    nursing = accounts.pool_create(practice=riverside, name="Nursing", members=[users["nora"], users["alice"]])
    ortho_desk = accounts.pool_create(practice=lakeside, name="Front desk", members=[users["charlie"]])
    routes: dict[str, Pool] = {
        Category.MEDICAL_QUESTION: front_desk, Category.APPOINTMENT: front_desk, Category.PRESCRIPTION: nursing,
        Category.BILLING: front_desk, Category.POST_OP: nursing, Category.OTHER: front_desk,
    }
    for category, pool in routes.items():
        CategoryRoute.objects.update_or_create(practice=riverside, category=category, defaults={"pool": pool})
    for category in Category.values:
        CategoryRoute.objects.update_or_create(practice=lakeside, category=category, defaults={"pool": ortho_desk})
    ReplyTemplate.objects.update_or_create(
        practice=riverside, title="Refill sent",
        defaults={"body": "Your refill has been sent to your pharmacy. It is usually ready within 24 hours."},
    )
    ReplyTemplate.objects.update_or_create(
        practice=riverside, title="Please book a visit",
        defaults={"body": "Thank you for your message. This needs a visit so we can examine you; please call the office or book online."},
    )
    for practice in (riverside, lakeside):
        _publish_all(practice)
    _relationship(users["erin"], users["bob"], riverside, users["alice"])
    _relationship(users["erin"], users["gus"], riverside, users["alice"])
    if not CareRelationship.objects.filter(patient=users["dana"], practice=lakeside, ended_at__isnull=True).exists():
        consent.relationship_create(
            actor=users["charlie"], patient=users["dana"], practice=lakeside, clinician=users["charlie"],
            method=VerificationMethod.IN_PERSON, established_on=timezone.localdate() - timedelta(days=30),
        )
    for scope in (Scope.PORTAL_MESSAGING, Scope.EMAIL_NOTIFICATIONS, Scope.PHOTO_SHARING, Scope.EMAIL_MESSAGING):
        _sign(users["bob"], riverside, scope)
    # Bob writes to riverside@BEDSIDE_INBOUND_DOMAIN from his verified address (docs/mail.md).
    EmailAddress.objects.update_or_create(
        user=users["bob"], email=users["bob"].email, defaults={"verified": True, "primary": True}
    )
    for scope in (Scope.PORTAL_MESSAGING, Scope.EMAIL_NOTIFICATIONS):
        _sign(users["dana"], lakeside, scope)
    # Triage: Alice on call, pool leads, Mon–Fri 08:00–17:00 New York, two holidays (docs/triage.md).
    triage.practice_triage_configure(
        practice=riverside, on_call=users["alice"], pool_leads={front_desk.pk: users["alice"], nursing.pk: users["nora"]},
        hours={day: (time(8), time(17)) for day in range(5)},
        holidays={date(2026, 11, 26): "Thanksgiving Day", date(2026, 12, 25): "Christmas Day"},
    )
    from bedside.publishing.demo import demo_load as publishing_demo_load

    publishing_demo_load(users, riverside, lakeside)
    from bedside.moderation.demo import (
        demo_load as moderation_demo_load,  # keep after publishing's demo
    )

    users.update(moderation_demo_load(users))
    # After publishing's demo: the follow-up plan links its FAQ article.
    from bedside.followup.demo import demo_load as followup_demo_load

    followup_demo_load(users)
    from bedside.billing.demo import demo_load as billing_demo_load

    users.update(billing_demo_load(users, riverside))  # e-visit time, Dr. Sam Patel, an e-consult
    from bedside.reputation.demo import demo_load as reputation_demo_load

    reputation_demo_load(users)
    return users
