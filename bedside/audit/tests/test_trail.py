"""Tamper with the audit tables directly and check that verification names the first bad event."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import DatabaseError, connection, transaction

from bedside.audit import keys, merkle
from bedside.audit.canonical import CANONICAL_COLUMNS
from bedside.audit.models import Action, AuditEvent, AuditLeaf, AuditTreeHead
from bedside.audit.selectors import proof_consistency, proof_inclusion
from bedside.audit.services import (
    audit_record,
    audit_record_many,
    audit_seal,
    head_statement,
    syslog_format,
    tree_head_checkpoint,
)
from bedside.audit.verification import audit_verify

pytestmark = pytest.mark.django_db

SQLITE_TRIGGERS = {
    "audit_auditevent": [
        ("audit_no_update", "UPDATE"), ("audit_no_delete", "DELETE"),
    ],
    "audit_auditleaf": [("audit_auditleaf_no_update", "UPDATE")],
    "audit_audittreehead": [("audit_audittreehead_no_update", "UPDATE")],
}


@contextmanager
def tampering(*tables: str) -> Iterator[None]:
    """Switch the append-only triggers off for a raw write, as an attacker with database access would."""
    tables = tables or ("audit_auditevent",)
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            else:
                for name, _ in SQLITE_TRIGGERS[table]:
                    cursor.execute(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for table in tables:
                if connection.vendor == "postgresql":
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
                else:
                    for name, op in SQLITE_TRIGGERS[table]:
                        cursor.execute(f"CREATE TRIGGER {name} BEFORE {op} ON {table} "
                                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;")


def raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def checkpoint(capture) -> AuditTreeHead | None:
    """Sign a tree head and run its after-commit export (the test's transaction never commits)."""
    with capture(execute=True):
        return tree_head_checkpoint()


@pytest.fixture
def trail(demo, django_capture_on_commit_callbacks) -> list[int]:
    """Twenty events beyond the demo's, all sealed under a signed tree head; return their ids."""
    for i in range(20):
        audit_record(action=Action.THREAD_VIEW, object_type="thread", object_id=i, patient_id=i % 3 + 1,
                     ip="10.0.0.7", detail={"n": i})
    head = checkpoint(django_capture_on_commit_callbacks)
    assert head is not None and head.tree_size == AuditEvent.objects.count()
    return list(AuditEvent.objects.order_by("id").values_list("id", flat=True))


def test_untouched_trail_verifies(trail):
    result = audit_verify()
    assert result.ok, result.problems
    assert result.events == len(trail) and result.heads_checked == 1 and result.first_bad_event is None
    assert result.root == AuditTreeHead.objects.get().root_hash


def test_canonical_bytes_cover_every_column():
    # A column added to AuditEvent must be added to the leaf hash, or this fails.
    assert set(CANONICAL_COLUMNS) == {f.column for f in AuditEvent._meta.concrete_fields}


@pytest.mark.parametrize("column,value", [
    ("action", "auth.login"), ("actor_id", 999), ("patient_id", 2), ("ip", "10.9.9.9"),
    ("detail", '{"n": 99}'), ("hash", "x"), ("at", "2020-01-01 00:00:00"),
])
def test_modified_column_is_detected_and_named(trail, column, value):
    victim = trail[30] if len(trail) > 30 else trail[-5]
    with tampering():
        raw(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [value, victim])
    result = audit_verify()
    assert not result.ok
    assert result.first_bad_event == victim
    assert result.problems[0].kind == "modified"


def test_deleted_row_is_detected(trail):
    victim = trail[-7]
    with tampering():
        raw("DELETE FROM audit_auditevent WHERE id = %s", [victim])
    result = audit_verify()
    assert not result.ok and result.first_bad_event == victim and result.problems[0].kind == "deleted"


def test_deleted_row_and_its_leaf_is_detected_by_the_signed_head(trail):
    victim = trail[-1]
    with tampering("audit_auditevent", "audit_auditleaf"):
        raw("DELETE FROM audit_auditevent WHERE id = %s", [victim])
        raw("DELETE FROM audit_auditleaf WHERE event_id = %s", [victim])
    result = audit_verify()
    assert not result.ok
    assert [p.kind for p in result.problems] == ["truncated"]
    assert f"#{victim}" in result.problems[0].message


def test_inserted_row_is_detected(trail):
    # Leave a gap in the ids, seal past it, then forge a row into the gap.
    late = AuditEvent.objects.create(id=trail[-1] + 2, action=Action.THREAD_VIEW)
    tree_head_checkpoint()
    forged = trail[-1] + 1
    raw("INSERT INTO audit_auditevent (id, at, actor_role, action, outcome, object_type, object_id, channel, "
        "detail, prev_hash, hash) VALUES (%s, %s, '', 'thread.view', 'success', 'thread', '1', 'web', '{}', '', '')",
        [forged, late.at])
    result = audit_verify()
    assert not result.ok and result.first_bad_event == forged and result.problems[0].kind == "inserted"


def test_forged_leaf_inserted_into_the_tree_is_detected(trail):
    # An attacker who also rewrites the leaf table to make room for a forged row: the signed head catches it.
    victim_index = 10
    with tampering("audit_auditevent", "audit_auditleaf"):
        rows = list(AuditLeaf.objects.filter(leaf_index__gte=victim_index).order_by("-leaf_index")
                    .values_list("leaf_index", "event_id", "leaf_hash"))
        raw("DELETE FROM audit_auditleaf WHERE leaf_index >= %s", [victim_index])
        forged = AuditEvent.objects.create(action=Action.THREAD_VIEW, object_type="thread", object_id="1")
        from bedside.audit.canonical import canonical_bytes, select_columns
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {select_columns(connection.vendor)} FROM audit_auditevent e WHERE e.id = %s",
                           [forged.pk])
            forged_leaf = merkle.leaf_hash(canonical_bytes(cursor.fetchone()))
        raw("INSERT INTO audit_auditleaf (leaf_index, event_id, leaf_hash, sealed_at) VALUES (%s, %s, %s, %s)",
            [victim_index, forged.pk, forged_leaf, forged.at])
        for index, event_id, leaf in reversed(rows):
            raw("INSERT INTO audit_auditleaf (leaf_index, event_id, leaf_hash, sealed_at) VALUES (%s, %s, %s, %s)",
                [index + 1, event_id, bytes(leaf), forged.at])
    result = audit_verify()
    assert not result.ok
    mismatch = next(p for p in result.problems if p.kind == "head_mismatch")
    assert mismatch.leaf_index == 0  # only one head: the change is somewhere in its range
    assert result.problems[0].kind in {"head_mismatch", "inserted"}


def test_swapped_rows_are_detected(trail):
    a, b = trail[-10], trail[-4]
    columns = [c for c in CANONICAL_COLUMNS if c != "id"]
    with tampering(), connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM audit_auditevent WHERE id = %s", [a])
        row_a = cursor.fetchone()
        cursor.execute(f"SELECT {', '.join(columns)} FROM audit_auditevent WHERE id = %s", [b])
        row_b = cursor.fetchone()
        assignments = ", ".join(f"{c} = %s" for c in columns)
        cursor.execute(f"UPDATE audit_auditevent SET {assignments} WHERE id = %s", [*row_b, a])
        cursor.execute(f"UPDATE audit_auditevent SET {assignments} WHERE id = %s", [*row_a, b])
    result = audit_verify()
    assert not result.ok and result.first_bad_event == a
    assert {p.event_id for p in result.problems if p.kind == "modified"} == {a, b}


def test_reordered_leaves_are_detected(trail):
    i, j = 5, 9
    with tampering("audit_auditleaf"):
        leaf_i = AuditLeaf.objects.get(leaf_index=i)
        leaf_j = AuditLeaf.objects.get(leaf_index=j)
        raw("DELETE FROM audit_auditleaf WHERE leaf_index IN (%s, %s)", [i, j])
        raw("INSERT INTO audit_auditleaf (leaf_index, event_id, leaf_hash, sealed_at) VALUES (%s, %s, %s, %s)",
            [i, leaf_j.event_id, bytes(leaf_j.leaf_hash), leaf_j.sealed_at])
        raw("INSERT INTO audit_auditleaf (leaf_index, event_id, leaf_hash, sealed_at) VALUES (%s, %s, %s, %s)",
            [j, leaf_i.event_id, bytes(leaf_i.leaf_hash), leaf_i.sealed_at])
    result = audit_verify()
    assert not result.ok and result.problems[0].kind == "head_mismatch"
    assert result.first_bad_event == AuditLeaf.objects.get(leaf_index=0).event_id


def test_truncated_tail_is_detected_against_the_exported_head(trail, settings):
    cut = trail[-3]
    with tampering("audit_auditevent", "audit_auditleaf", "audit_audittreehead"):
        raw("DELETE FROM audit_auditevent WHERE id >= %s", [cut])
        raw("DELETE FROM audit_auditleaf WHERE event_id >= %s", [cut])
        raw("DELETE FROM audit_audittreehead")  # the database's own heads are gone too
    result = audit_verify()
    assert not result.ok
    problem = result.problems[0]
    assert problem.kind == "truncated" and problem.leaf_index == len(trail) - 3
    assert f"up to event #{trail[-1]}" in problem.message and f"ends at event #{trail[-4]}" in problem.message


def test_tree_head_signed_with_another_key_is_refused(trail, settings):
    head = AuditTreeHead.objects.get()
    other = Ed25519PrivateKey.generate()
    statement = head_statement(tree_size=head.tree_size + 5, root_hash="00" * 32, last_event_id=head.last_event_id,
                               signed_at=head.signed_at)
    forged = {"tree_size": head.tree_size + 5, "root": "00" * 32, "last_event_id": head.last_event_id,
              "signed_at": json.loads(settings.BEDSIDE_AUDIT_HEADS_FILE.read_text().splitlines()[-1])["signed_at"],
              "key_id": head.key_id, "signature": base64.b64encode(other.sign(statement)).decode()}
    with settings.BEDSIDE_AUDIT_HEADS_FILE.open("a") as handle:
        handle.write(json.dumps(forged) + "\n")
    result = audit_verify()
    assert [p.kind for p in result.problems] == ["bad_signature"]


def test_tree_head_signature_verifies_with_the_public_key_only(trail):
    head = AuditTreeHead.objects.get()
    statement = head_statement(tree_size=head.tree_size, root_hash=head.root_hash,
                               last_event_id=head.last_event_id, signed_at=head.signed_at)
    public = keys.signing_key().public_key()
    assert keys.signature_valid(public, statement, head.signature)
    assert not keys.signature_valid(Ed25519PrivateKey.generate().public_key(), statement, head.signature)
    assert not keys.signature_valid(public, statement.replace(b"v1", b"v2"), head.signature)


def test_heads_file_gets_one_line_per_head(trail, settings, django_capture_on_commit_callbacks):
    audit_record(action=Action.THREAD_VIEW)
    checkpoint(django_capture_on_commit_callbacks)
    assert checkpoint(django_capture_on_commit_callbacks) is None  # nothing new: no new head
    lines = [json.loads(line) for line in settings.BEDSIDE_AUDIT_HEADS_FILE.read_text().splitlines()]
    sizes = [line["tree_size"] for line in lines]
    assert sizes[-2:] == [len(trail), len(trail) + 1]


def test_syslog_message_is_rfc5424():
    head = {"tree_size": 12, "root": "ab" * 32, "last_event_id": 40, "signed_at": "2026-01-01T00:00:00.000000Z",
            "key_id": "0123456789abcdef", "signature": "c2ln"}
    message = syslog_format(head, hostname="host1").decode()
    assert message.startswith("<85>1 ")
    fields = message.split(" ", 6)
    assert fields[2] == "host1" and fields[3] == "bedside" and fields[5] == "treehead"
    assert fields[6].startswith('[treehead@32473 size="12" root="' + "ab" * 32 + '"')


def test_syslog_export_over_udp(trail, settings, django_capture_on_commit_callbacks):
    import socket

    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    settings.BEDSIDE_AUDIT_SYSLOG = f"udp://127.0.0.1:{receiver.getsockname()[1]}"
    try:
        audit_record(action=Action.THREAD_VIEW)
        head = checkpoint(django_capture_on_commit_callbacks)
        data = receiver.recv(4096).decode()
    finally:
        receiver.close()
    assert data.startswith("<85>1 ") and f'size="{head.tree_size}"' in data


def test_sealer_waits_for_recent_rows(demo):
    audit_seal()
    audit_record(action=Action.THREAD_VIEW)
    assert audit_seal(delay_seconds=60) == 0
    assert audit_seal(delay_seconds=0) == 1


def test_bulk_append_is_sealed_and_verifies(demo):
    count = audit_record_many({"action": Action.THREAD_VIEW, "object_type": "thread", "object_id": i,
                               "patient_id": 1, "detail": {"i": i}} for i in range(2500))
    assert count == 2500
    tree_head_checkpoint()
    result = audit_verify()
    assert result.ok and result.events == AuditEvent.objects.count()
    with pytest.raises(ValueError):
        audit_record_many([{"action": Action.THREAD_VIEW, "detail": {"note": "my knee hurts a lot"}}])


def test_leaves_and_heads_refuse_update(trail):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLeaf.objects.filter(leaf_index=0).update(event_id=123456)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditTreeHead.objects.update(tree_size=1)


def test_inclusion_proof_of_an_event_verifies_against_the_signed_head(trail):
    head = AuditTreeHead.objects.get()
    for event_id in (trail[0], trail[len(trail) // 2], trail[-1]):
        proof = proof_inclusion(event_id=event_id)
        assert proof["tree_size"] == head.tree_size and proof["root"] == head.root_hash
        assert proof["tree_head"]["signature"] == head.signature
        nodes = [bytes.fromhex(n) for n in proof["proof"]]
        leaf = bytes.fromhex(proof["leaf_hash"])
        assert merkle.verify_inclusion(leaf, proof["leaf_index"], proof["tree_size"], nodes, bytes.fromhex(head.root_hash))
        assert not merkle.verify_inclusion(merkle.leaf_hash(b"forged"), proof["leaf_index"], proof["tree_size"], nodes,
                                           bytes.fromhex(head.root_hash))


def test_consistency_proof_between_two_heads(trail):
    first = AuditTreeHead.objects.get()
    for i in range(7):
        audit_record(action=Action.THREAD_VIEW, object_id=i)
    second = tree_head_checkpoint()
    proof = proof_consistency(first=first.tree_size, second=second.tree_size)
    nodes = [bytes.fromhex(n) for n in proof["proof"]]
    a, b = bytes.fromhex(first.root_hash), bytes.fromhex(second.root_hash)
    assert merkle.verify_consistency(first.tree_size, second.tree_size, a, b, nodes)
    assert not merkle.verify_consistency(first.tree_size, second.tree_size, b, a, nodes)
    assert not merkle.verify_consistency(first.tree_size, second.tree_size, a, b, nodes[1:])


def test_leaf_hash_is_independent_of_the_database_spelling(demo):
    # The database turns `at` into epoch microseconds and hands `detail` over as text; computing the
    # canonical bytes from the ORM's datetime and dict gives the same bytes, whole seconds included.
    from datetime import UTC, datetime

    from bedside.audit.canonical import canonical_bytes, select_columns

    audit_record(action=Action.THREAD_VIEW, detail={"z": 1, "a": "b_c", "m": True})
    AuditEvent.objects.create(action=Action.THREAD_VIEW, at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    AuditEvent.objects.create(action=Action.THREAD_VIEW, at=datetime(2026, 1, 2, 3, 4, 5, 7, tzinfo=UTC),
                              ip="2001:db8::1")
    # A fraction that rounds up at millisecond precision (SQLite's date functions) must not carry.
    AuditEvent.objects.create(action=Action.THREAD_VIEW, at=datetime(2026, 11, 21, 14, 34, 38, 999888, tzinfo=UTC))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select_columns(connection.vendor)} FROM audit_auditevent e ORDER BY e.id", [])
        from_sql = [canonical_bytes(row) for row in cursor.fetchall()]
    from_orm = [canonical_bytes([getattr(e, f.attname) for f in AuditEvent._meta.concrete_fields])
                for e in AuditEvent.objects.order_by("id")]
    assert [f.column for f in AuditEvent._meta.concrete_fields] == list(CANONICAL_COLUMNS)
    assert from_sql == from_orm
    assert b'"{\\"a\\":\\"b_c\\",\\"m\\":true,\\"z\\":1}"' in from_sql[-4]


def test_periodic_task_seals_and_signs(demo, django_capture_on_commit_callbacks, settings):
    from bedside.audit.tasks import audit_checkpoint

    audit_record(action=Action.THREAD_VIEW)
    with django_capture_on_commit_callbacks(execute=True):
        audit_checkpoint()  # Huey runs tasks at once in the test settings
    head = AuditTreeHead.objects.get()
    assert head.tree_size == AuditEvent.objects.count() == AuditLeaf.objects.count()
    exported = json.loads(settings.BEDSIDE_AUDIT_HEADS_FILE.read_text().splitlines()[-1])
    assert exported["root"] == head.root_hash and exported["signature"] == head.signature
    assert audit_verify().ok
