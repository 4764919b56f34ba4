"""What only PostgreSQL can show: row locks under real concurrency, and the TRUNCATE trigger.

Run with BEDSIDE_TEST_DB=postgres TEST_DATABASE_URL=postgresql://… (see config/settings/test.py).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, transaction

from bedside.accounts.models import Practice, User
from bedside.audit.models import AuditEvent
from bedside.conftest import run_concurrently
from bedside.messaging import services
from bedside.messaging.models import Message, MessageKind, Thread

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: set BEDSIDE_TEST_DB=postgres and TEST_DATABASE_URL to run it",
    ),
]


def test_concurrent_sends_on_one_thread_both_succeed_and_stay_consistent(committed_demo):
    bob, alice = committed_demo["bob"], committed_demo["alice"]
    practice = Practice.objects.get(name="Riverside Family Medicine")
    thread = services.thread_create(patient=bob, practice=practice, subject="Refill", category="prescription",
                                    body="Could you renew my prescription?").thread

    def patient_writes() -> None:
        services.message_send(author=User.objects.get(pk=bob.pk), thread=Thread.objects.get(pk=thread.pk),
                              body="I have a fever of 103 now")

    def clinician_writes() -> None:
        services.message_send(author=User.objects.get(pk=alice.pk), thread=Thread.objects.get(pk=thread.pk),
                              body="Sent to your pharmacy.")

    for _ in range(5):
        errors = run_concurrently(patient_writes, clinician_writes)
        assert errors == []
    thread.refresh_from_db()
    messages = list(Message.objects.filter(thread=thread).exclude(kind=MessageKind.AUTO_REPLY).order_by("sent_at", "pk"))
    assert len(messages) == 1 + 10
    # The thread reflects the last message written, whichever connection wrote it.
    assert thread.last_message_at == max(m.sent_at for m in messages)
    last = messages[-1]
    if last.kind == MessageKind.CARE_TEAM:
        assert thread.due_at is None
    else:
        assert thread.due_at is not None
    assert thread.urgency == "urgent"  # the fever escalated it and nothing lowered it again
    assert AuditEvent.objects.filter(action="message.send", object_type="message").count() == 11


def test_many_patients_messages_in_parallel_lose_nothing(committed_demo):
    bob = committed_demo["bob"]
    practice = Practice.objects.get(name="Riverside Family Medicine")
    thread = services.thread_create(patient=bob, practice=practice, subject="Q", category="other", body="Start").thread

    def writer(n: int) -> Callable[[], None]:
        def write() -> None:
            services.message_send(author=User.objects.get(pk=bob.pk), thread=Thread.objects.get(pk=thread.pk),
                                  body=f"note {n}")
        return write

    assert run_concurrently(*(writer(n) for n in range(6))) == []
    bodies = {m.body for m in Message.objects.filter(thread=thread, kind=MessageKind.PATIENT)}
    assert bodies == {"Start"} | {f"note {n}" for n in range(6)}


def test_audit_table_refuses_truncate(demo):
    assert AuditEvent.objects.exists()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.exists()


def test_audit_table_refuses_update_and_delete_in_sql(demo):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_id = NULL")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")


def test_audit_triggers_are_installed(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass AND NOT tgisinternal "
            "ORDER BY tgname"
        )
        names = [row[0] for row in cursor.fetchall()]
    assert names == ["audit_no_truncate", "audit_no_update"]


def test_concurrent_consent_signing_gives_one_live_signature(committed_demo):
    from bedside.consent import services as consent
    from bedside.consent.models import ConsentSignature, Scope
    from bedside.consent.selectors import document_current

    gus = committed_demo["gus"]
    practice = Practice.objects.get(name="Riverside Family Medicine")
    document = document_current(practice=practice, scope=Scope.PORTAL_MESSAGING)
    assert document is not None
    results: list[int] = []

    def sign() -> None:
        signature = consent.consent_sign(patient=User.objects.get(pk=gus.pk), document=document,
                                         typed_name="Gus Romero")
        results.append(signature.pk)

    assert run_concurrently(sign, sign, sign) == []
    live = ConsentSignature.objects.filter(patient=gus, scope=Scope.PORTAL_MESSAGING, revoked_at__isnull=True,
                                           superseded_at__isnull=True)
    assert live.count() == 1
    assert set(results) == {live.get().pk}
