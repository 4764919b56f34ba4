"""The sealer on PostgreSQL: rows committed out of id order are sealed once, in id order."""

from __future__ import annotations

import pytest
from django.db import connection

from bedside.audit.models import Action, AuditLeaf
from bedside.audit.services import audit_record, audit_seal

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="out-of-order commits need PostgreSQL (BEDSIDE_TEST_DB=postgres)")


def test_sealer_waits_for_a_slow_transaction_and_keeps_id_order(committed_db):
    import psycopg

    slow = psycopg.connect(**connection.get_connection_params())
    try:
        with slow.cursor() as cursor:  # a transaction takes an id and stays open
            cursor.execute(
                "INSERT INTO audit_auditevent (at, actor_role, action, outcome, object_type, object_id, channel, "
                "detail, prev_hash, hash) VALUES (now(), '', 'thread.view', 'success', '', '', 'worker', '{}', '', '') "
                "RETURNING id")
            slow_id = cursor.fetchone()[0]
        fast = audit_record(action=Action.THREAD_VIEW)  # a later id, committed first
        assert fast.pk > slow_id
        assert audit_seal(delay_seconds=0) == 0  # sealing `fast` now would skip `slow_id` for ever
        slow.commit()
    finally:
        slow.close()
    assert audit_seal(delay_seconds=0) == 2
    assert list(AuditLeaf.objects.order_by("leaf_index").values_list("event_id", flat=True)) == [slow_id, fast.pk]


def test_parallel_verify_matches_single_process_and_finds_tampering(committed_db, settings, monkeypatch):
    """The spawned workers read the parent's exported snapshot and report what one process does."""
    from bedside.audit import verification
    from bedside.audit.services import audit_record_many
    from bedside.audit.verification import audit_verify

    runs: list[int] = []
    real = verification._stream_leaves_parallel

    def spy(workers, progress):
        runs.append(workers)
        return real(workers, progress)

    monkeypatch.setattr(verification, "_stream_leaves_parallel", spy)

    audit_record_many({"action": Action.THREAD_VIEW, "object_type": "thread", "object_id": i, "patient_id": 7}
                      for i in range(300))
    audit_seal(delay_seconds=0)
    settings.BEDSIDE_AUDIT_VERIFY_WORKERS = 1
    single = audit_verify()
    settings.BEDSIDE_AUDIT_VERIFY_WORKERS = 2
    settings.BEDSIDE_AUDIT_VERIFY_PARALLEL_MIN = 10
    parallel = audit_verify()
    assert runs == [2]  # the second verify really ran in two processes
    assert single.ok and parallel.ok
    assert (parallel.events, parallel.root) == (single.events, single.root) == (300, single.root)

    victim = AuditLeaf.objects.get(leaf_index=250).event_id  # in the second worker's range
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_no_update")
        cursor.execute("UPDATE audit_auditevent SET patient_id = 8 WHERE id = %s", [victim])
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_no_update")
    tampered = audit_verify()
    assert not tampered.ok
    assert tampered.first_bad_event == victim and tampered.problems[0].kind == "modified"
