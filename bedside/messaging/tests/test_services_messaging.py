"""Messaging services: the guideline gate, screening, routing, due dates, permissions, encryption."""

from __future__ import annotations

import base64
import os
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from bedside.accounts import services as accounts
from bedside.accounts.models import Practice, Role
from bedside.consent import services as consent
from bedside.consent.models import ConsentSignature, Scope
from bedside.consent.selectors import relationship_active
from bedside.core import crypto
from bedside.core.errors import Conflict, Forbidden, InvalidInput
from bedside.messaging import selectors, services
from bedside.messaging.access import access_thread, threads_visible
from bedside.messaging.models import (
    Attachment,
    Message,
    MessageKind,
    Thread,
    ThreadReadState,
    Urgency,
)
from bedside.messaging.services import MessagingRefused

pytestmark = pytest.mark.django_db


def riverside() -> Practice:
    return Practice.objects.get(name="Riverside Family Medicine")


def lakeside() -> Practice:
    return Practice.objects.get(name="Lakeside Orthopedics")


def start(patient, *, subject="Question", body="A routine question", category="medical_question", practice=None):
    return services.thread_create(patient=patient, practice=practice or riverside(), subject=subject,
                                  category=category, body=body)


def raw_column(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


# --- screening and auto-replies ----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "urgency"),
    [
        ("I have crushing chest pain and can't breathe", Urgency.EMERGENCY),
        ("no chest pain, just a refill question", Urgency.ROUTINE),
        ("I have had a fever of 102 since yesterday", Urgency.URGENT),
        ("My face is drooping and I have slurred speech", Urgency.EMERGENCY),
        ("Can I move my appointment to Friday?", Urgency.ROUTINE),
    ],
)
def test_urgency_is_screened(pat_bob, body, urgency):
    result = start(pat_bob, body=body)
    assert result.thread.urgency == urgency
    assert result.message.urgency == urgency
    assert result.auto_reply is not None and result.auto_reply.kind == MessageKind.AUTO_REPLY
    assert result.auto_reply.author_id is None
    reply = result.auto_reply.body
    if urgency == Urgency.EMERGENCY:
        assert "call 911" in reply and "emergency department" in reply and "988" in reply
        # Emergencies: one hour around the clock (triage default), not business hours.
        assert result.thread.due_at - result.thread.created_at == timedelta(hours=1)
    elif urgency == Urgency.URGENT:
        assert "today" in reply and "911" in reply
    else:
        assert "within 2 business days" in reply and "911" in reply
        # Two business days: the close (17:00 in New York) of the second business day after arrival.
        due_local = result.thread.due_at.astimezone(ZoneInfo("America/New_York"))
        assert (due_local.hour, due_local.minute) == (17, 0) and due_local.weekday() < 5
        assert timedelta(days=2) <= result.thread.due_at - result.thread.created_at <= timedelta(days=8)


def test_subject_is_screened_too(pat_bob):
    assert start(pat_bob, subject="Crushing chest pain", body="see subject").thread.urgency == Urgency.EMERGENCY


def test_auto_reply_uses_the_practice_promise_and_number(pat_dana):
    result = start(pat_dana, practice=lakeside(), category="post_op", body="Question about my brace")
    assert result.auto_reply is not None
    assert "Lakeside Orthopedics" in result.auto_reply.body and "within 3 business days" in result.auto_reply.body


def test_later_routine_message_does_not_downgrade_an_emergency(pat_bob):
    thread = start(pat_bob, body="crushing chest pain").thread
    services.message_send(author=pat_bob, thread=thread, body="Feeling a bit better now")
    thread.refresh_from_db()
    assert thread.urgency == Urgency.EMERGENCY


def test_due_date_keeps_the_earlier_target(pat_bob, dr_alice):
    thread = start(pat_bob).thread
    first_due = thread.due_at
    services.message_send(author=pat_bob, thread=thread, body="Also a routine follow-up")
    thread.refresh_from_db()
    assert thread.due_at == first_due
    services.message_send(author=pat_bob, thread=thread, body="Now I have a fever of 103")
    thread.refresh_from_db()
    assert thread.urgency == Urgency.URGENT and thread.due_at < first_due
    services.message_send(author=dr_alice, thread=thread, body="Please come in")
    thread.refresh_from_db()
    assert thread.due_at is None


# --- the gate ----------------------------------------------------------------------------


def test_gate_refuses_without_consent_and_without_relationship(pat_gus, pat_bob, pat_dana):
    with pytest.raises(MessagingRefused) as info:
        start(pat_gus)
    assert info.value.code == "consent_required" and info.value.status == 403
    with pytest.raises(MessagingRefused) as info:
        start(pat_bob, practice=lakeside())
    assert info.value.code == "no_relationship"
    with pytest.raises(MessagingRefused) as info:
        start(pat_dana)
    assert info.value.code == "no_relationship"
    assert not Thread.objects.exists()


def test_gate_order_relationship_before_consent(pat_bob, staff_erin):
    relationship = relationship_active(patient=pat_bob, practice=riverside())
    consent.relationship_end(actor=staff_erin, relationship=relationship, reason="ended")
    signature = ConsentSignature.objects.get(patient=pat_bob, scope=Scope.PORTAL_MESSAGING, revoked_at__isnull=True)
    consent.consent_revoke(patient=pat_bob, signature=signature)
    with pytest.raises(MessagingRefused) as info:
        start(pat_bob)
    assert info.value.code == "no_relationship"


@pytest.mark.parametrize("persona", ["dr_alice", "staff_erin", "aud_frank"])
def test_only_patients_start_threads(request, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(Forbidden):
        services.thread_create(patient=user, practice=riverside(), subject="S", category="other", body="B")


def test_consent_revoked_between_messages(pat_bob):
    thread = start(pat_bob).thread
    signature = ConsentSignature.objects.get(patient=pat_bob, scope=Scope.PORTAL_MESSAGING, revoked_at__isnull=True)
    consent.consent_revoke(patient=pat_bob, signature=signature)
    with pytest.raises(MessagingRefused) as info:
        services.message_send(author=pat_bob, thread=thread, body="Hello again")
    assert info.value.code == "consent_required"
    assert thread.messages.count() == 2


# --- who may write where -----------------------------------------------------------------


def test_message_send_permissions(pat_bob, pat_dana, dr_charlie, staff_nora, staff_erin, dr_alice, aud_frank):
    thread = start(pat_bob, category="appointment").thread  # front desk: Erin; clinician: Alice
    with pytest.raises(Forbidden):
        services.message_send(author=pat_dana, thread=thread, body="not my thread")
    for outsider in (dr_charlie, staff_nora, aud_frank):
        with pytest.raises(Forbidden):
            services.message_send(author=outsider, thread=thread, body="let me in")
    services.message_send(author=staff_erin, thread=thread, body="Booked for Tuesday")
    services.message_send(author=dr_alice, thread=thread, body="See you then")
    kinds = list(thread.messages.order_by("id").values_list("kind", flat=True))
    assert kinds == [MessageKind.PATIENT, MessageKind.AUTO_REPLY, MessageKind.CARE_TEAM, MessageKind.CARE_TEAM]


def test_inactive_membership_loses_access(pat_bob, staff_erin):
    thread = start(pat_bob, category="appointment").thread
    assert threads_visible(staff_erin).filter(pk=thread.pk).exists()
    staff_erin.memberships.update(is_active=False)
    assert not threads_visible(staff_erin).filter(pk=thread.pk).exists()
    with pytest.raises(Forbidden):
        services.message_send(author=staff_erin, thread=thread, body="still here?")


def test_deactivated_user_sees_nothing(pat_bob):
    thread = start(pat_bob).thread
    pat_bob.is_active = False
    pat_bob.save(update_fields=["is_active"])
    assert not threads_visible(pat_bob).exists()
    from bedside.core.errors import NotFound

    with pytest.raises(NotFound):
        access_thread(pat_bob, thread.pk)


def test_assignment_routes_notifications_and_access(pat_bob, staff_nora, staff_erin, dr_alice, dr_charlie):
    thread = start(pat_bob, category="appointment").thread
    with pytest.raises(InvalidInput):
        services.thread_assign(actor=dr_alice, thread=thread, assignee=dr_charlie)  # another practice
    with pytest.raises(InvalidInput):
        services.thread_assign(actor=dr_alice, thread=thread, assignee=pat_bob)
    with pytest.raises(Forbidden):
        services.thread_assign(actor=dr_charlie, thread=thread, assignee=staff_nora)
    services.thread_assign(actor=staff_erin, thread=thread, assignee=staff_nora)
    assert access_thread(staff_nora, thread.pk).assignee == staff_nora


def test_close_twice_and_reopen_twice_conflict(pat_bob, dr_alice):
    thread = start(pat_bob).thread
    services.thread_close(actor=dr_alice, thread=thread)
    assert thread.due_at is None and thread.closed_by == dr_alice
    with pytest.raises(Conflict):
        services.thread_close(actor=dr_alice, thread=thread)
    with pytest.raises(Conflict) as info:
        services.message_send(author=pat_bob, thread=thread, body="one more")
    assert info.value.code == "thread_closed" and info.value.status == 409
    services.thread_reopen(actor=dr_alice, thread=thread)
    with pytest.raises(Conflict):
        services.thread_reopen(actor=dr_alice, thread=thread)
    with pytest.raises(Forbidden):
        services.thread_close(actor=pat_bob, thread=thread)


def test_patient_cannot_close_or_assign(pat_bob, staff_erin):
    thread = start(pat_bob).thread
    with pytest.raises(Forbidden):
        services.thread_assign(actor=pat_bob, thread=thread, assignee=staff_erin)


def test_thread_read_marks_read_state(pat_bob, dr_alice):
    thread = start(pat_bob).thread
    services.thread_read(user=dr_alice, thread=thread)
    state = ThreadReadState.objects.get(thread=thread, user=dr_alice)
    assert state.last_read_at >= thread.last_message_at
    rows = selectors.thread_queue(user=dr_alice)
    assert [t.unread for t in rows] == [False]
    services.message_send(author=pat_bob, thread=thread, body="Anything new?")
    assert [t.unread for t in selectors.thread_queue(user=dr_alice)] == [True]
    receipts = selectors.read_receipts(thread=thread, viewer=pat_bob)
    assert set(receipts) == {dr_alice.pk}


def test_unread_is_per_thread(pat_bob, dr_alice):
    first = start(pat_bob, subject="First").thread
    second = start(pat_bob, subject="Second").thread
    services.thread_read(user=dr_alice, thread=second)
    unread = {t.pk: t.unread for t in selectors.thread_queue(user=dr_alice)}
    assert unread == {first.pk: True, second.pk: False}


def test_messages_are_cleaned(pat_bob):
    result = start(pat_bob, subject="  Two   spaces\tand tab ", body="line one\r\nline two\x00  ")
    assert result.thread.subject == "Two spaces and tab"
    assert result.message.body == "line one\nline two"


# --- encryption at rest ------------------------------------------------------------------


def test_subject_body_and_filename_are_encrypted_at_rest(pat_bob):
    from bedside.messaging.attachments import attachment_clean

    pdf = b"%PDF-1.4\n%%EOF\n"
    result = services.thread_create(patient=pat_bob, practice=riverside(), subject="Hemorrhoid question",
                                    category="other", body="Bleeding hemorrhoids since Monday",
                                    files=[attachment_clean(name="colonoscopy-report.pdf", data=pdf)])
    subject = raw_column("messaging_thread", "subject", result.thread.pk)
    body = raw_column("messaging_message", "body", result.message.pk)
    attachment = Attachment.objects.get(message=result.message)
    filename = raw_column("messaging_attachment", "filename", attachment.pk)
    for raw, plain in ((subject, "Hemorrhoid"), (body, "Bleeding"), (filename, "colonoscopy")):
        assert plain.lower() not in raw.lower()
        assert raw.startswith("gAAAAA")  # a Fernet token
    assert Thread.objects.get(pk=result.thread.pk).subject == "Hemorrhoid question"
    assert Message.objects.get(pk=result.message.pk).body == "Bleeding hemorrhoids since Monday"
    # Same text, different ciphertext: no equality leak between rows.
    other = start(pat_bob, subject="Hemorrhoid question")
    assert raw_column("messaging_thread", "subject", other.thread.pk) != subject


def test_key_rotation_keeps_old_rows_readable(pat_bob, settings):
    old_key = settings.BEDSIDE_ENCRYPTION_KEYS[0]
    old = start(pat_bob, body="Written under the old key")
    new_key = base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")
    settings.BEDSIDE_ENCRYPTION_KEYS = [new_key, old_key]
    assert Message.objects.get(pk=old.message.pk).body == "Written under the old key"
    fresh = start(pat_bob, body="Written under the new key")
    token = raw_column("messaging_message", "body", fresh.message.pk)
    # New rows use the first key: the old key alone cannot read them.
    settings.BEDSIDE_ENCRYPTION_KEYS = [old_key]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(token)
    # Re-encrypting under the new key makes the old key unnecessary.
    settings.BEDSIDE_ENCRYPTION_KEYS = [new_key, old_key]
    old_token = raw_column("messaging_message", "body", old.message.pk)
    rotated = crypto.rotate_text(old_token)
    settings.BEDSIDE_ENCRYPTION_KEYS = [new_key]
    assert crypto.decrypt_text(rotated) == "Written under the old key"
    assert Message.objects.get(pk=fresh.message.pk).body == "Written under the new key"
    with pytest.raises(crypto.DecryptionError):
        Message.objects.get(pk=old.message.pk)  # old row, old key gone: it fails loudly


def test_demo_users_have_expected_roles(demo):
    # Guards the personas the suite relies on.
    roles = {name: user.role for name, user in demo.items()}
    assert roles["alice"] == Role.CLINICIAN and roles["bob"] == Role.PATIENT and roles["frank"] == Role.AUDITOR


def test_relationship_with_named_clinician_sets_thread_clinician(pat_gus, dr_alice):
    from bedside.consent.selectors import document_current

    document = document_current(practice=riverside(), scope=Scope.PORTAL_MESSAGING)
    assert document is not None
    consent.consent_sign(patient=pat_gus, document=document, typed_name="Gus Romero")
    thread = start(pat_gus).thread
    assert thread.clinician == dr_alice


def test_thread_without_route_goes_to_clinicians(demo, staff_erin, dr_alice):
    from bedside.messaging.models import CategoryRoute

    CategoryRoute.objects.filter(practice=riverside()).delete()
    patient = accounts.user_create(email="p2@example.org", full_name="Pia Two", role=Role.PATIENT)
    consent.relationship_create(actor=staff_erin, patient=patient, practice=riverside(), method="in_person",
                                established_on=timezone.localdate())
    from bedside.consent.selectors import document_current

    document = document_current(practice=riverside(), scope=Scope.PORTAL_MESSAGING)
    assert document is not None
    consent.consent_sign(patient=patient, document=document, typed_name="Pia Two")
    thread = start(patient).thread
    assert thread.pool is None and thread.clinician is None
    assert threads_visible(dr_alice).filter(pk=thread.pk).exists()  # practice clinicians
    assert not threads_visible(staff_erin).filter(pk=thread.pk).exists()
