"""Demo data for e-visit billing and e-consults, loaded through the services; idempotent.

Always: Alice bills as a physician; Dr. Sam Patel (cardiology, "Hillside Cardiology") exists as
the specialist. With BEDSIDE_DEMO_CONVERSATIONS (on by default, off in the test suite): Bob signs
the e-visit and specialist-sharing consents, and three of his conversations show the payer rules
at work (a billable 99422, a refill that is not billable, one right after a visit), plus an expired
global period and one e-consult from Alice to Sam. Charlie is never involved: he has no
relationship with Bob and must see nothing of his.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bedside.accounts import services as accounts
from bedside.accounts.models import Practice, Role, User
from bedside.billing import services
from bedside.billing.models import BillingClass, EConsult, GlobalPeriod, Visit
from bedside.consent import services as consent
from bedside.consent.models import Scope
from bedside.consent.selectors import document_current, signature_live
from bedside.core.demo import demo_password, demo_totp_secret
from bedside.messaging import services as messaging
from bedside.messaging.models import Message, Thread

SAM_EMAIL = "sam@demo.bedside"


def _sam() -> tuple[User, Practice]:
    user = User.objects.filter(email=SAM_EMAIL).first()
    if user is None:
        user = User.objects.create_user(email=SAM_EMAIL, password=demo_password(), full_name="Sam Patel",
                                        role=Role.CLINICIAN)
    else:
        user.full_name, user.role, user.is_active = "Sam Patel", Role.CLINICIAN, True
        user.set_password(demo_password())
        user.save()
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(user, demo_totp_secret())
    RecoveryCodes.activate(user)
    practice = Practice.objects.filter(name="Hillside Cardiology").first() or accounts.practice_create(
        name="Hillside Cardiology", phone="(555) 010-4000", response_target_hours=48,
    )
    accounts.membership_add(practice=practice, user=user)
    accounts.clinician_profile_set(
        user=user, practice=practice, display_name="Dr. Sam Patel", credentials="MD, FACC", specialty="Cardiology",
        npi="1234567000", license_number="MD-415220", license_state="NY",
    )
    return user, practice


def _sign(patient: User, practice: Practice, scope: str) -> None:
    if signature_live(patient=patient, practice=practice, scope=scope) is None:
        document = document_current(practice=practice, scope=scope)
        if document is not None:
            consent.consent_sign(patient=patient, document=document, typed_name=patient.full_name, ip="127.0.0.1")


def _backdate(thread: Thread, started: datetime) -> None:
    """Move a freshly created demo thread and its messages into the past (demo only: a real
    thread's times are never rewritten), one minute apart in the order they were written."""
    Thread.objects.filter(pk=thread.pk).update(created_at=started, last_message_at=started, due_at=None, warn_at=None)
    for offset, message in enumerate(Message.objects.filter(thread=thread).order_by("pk")):
        Message.objects.filter(pk=message.pk).update(sent_at=started + timedelta(minutes=offset))


def _conversation(bob: User, alice: User, practice: Practice, *, subject: str, category: str, body: str,
                  reply: str, days_ago: int, minutes: list[int]) -> Thread:
    sent = messaging.thread_create(patient=bob, practice=practice, subject=subject, category=category, body=body)
    thread = Thread.objects.get(pk=sent.thread.pk)
    started = timezone.now() - timedelta(days=days_ago)
    messaging.message_send(author=alice, thread=thread, body=reply)
    _backdate(thread, started)
    thread.refresh_from_db()
    for i, amount in enumerate(minutes):
        services.time_entry_add(actor=alice, thread=thread, minutes=amount, note="reviewed history and replied",
                                performed_at=started + timedelta(hours=2 + i * 20))
    return thread


def _conversations(users: dict[str, User], riverside: Practice, sam: User) -> None:
    alice, bob, erin = users["alice"], users["bob"], users["erin"]
    if EConsult.objects.filter(requester=alice, specialist=sam, patient=bob).exists():
        return  # loaded before
    for scope in (Scope.EVISIT_BILLING, Scope.SPECIALIST_SHARING):
        _sign(bob, riverside, scope)
    # A visit 12 days ago and a 10-day global period that ended weeks ago (it no longer applies).
    if not Visit.objects.filter(patient=bob, practice=riverside).exists():
        services.visit_record(actor=erin, patient=bob, practice=riverside, clinician=alice,
                              visit_date=timezone.localdate() - timedelta(days=12))
    if not GlobalPeriod.objects.filter(patient=bob, practice=riverside).exists():
        services.global_period_record(actor=erin, patient=bob, practice=riverside,
                                      procedure_date=timezone.localdate() - timedelta(days=45), days=10,
                                      procedure="Excision of a skin lesion")
    palpitations = _conversation(
        bob, alice, riverside, subject="Palpitations since the new medication", category="medical_question",
        body="Since I started the new blood pressure tablets I sometimes feel my heart racing in the evening.",
        reply="Thank you. Please check your pulse when it happens and send me the readings.",
        days_ago=2, minutes=[8, 6],
    )
    _conversation(
        bob, alice, riverside, subject="Refill", category="prescription",
        body="Could you renew my blood pressure prescription?", reply="Renewed; your pharmacy has it.",
        days_ago=4, minutes=[6],
    )
    _conversation(
        bob, alice, riverside, subject="Question about my visit", category="medical_question",
        body="At my visit you mentioned a follow-up test. Which one was it?",
        reply="An ECG; the front desk will call you to book it.", days_ago=10, minutes=[7],
    )
    services.econsult_create(
        actor=alice, thread=palpitations, specialist=sam,
        question="Mr. Lindqvist reports evening palpitations since starting amlodipine. Would you adjust "
                 "the regimen or see him first? His pulse readings are in the shared conversation.",
        thread_ids=[palpitations.pk],
    )


@transaction.atomic
def demo_load(users: dict[str, User], riverside: Practice) -> dict[str, User]:
    """Load the billing and e-consult demo; return the users it adds (sam)."""
    sam, _ = _sam()
    services.billing_provider_set(user=users["alice"], billing_class=BillingClass.PHYSICIAN)
    services.billing_provider_set(user=sam, billing_class=BillingClass.PHYSICIAN)
    if settings.BEDSIDE_DEMO_CONVERSATIONS:
        _conversations(users, riverside, sam)
    return {"sam": sam}

