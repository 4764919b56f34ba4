"""Recompute leaf hashes from rows: the loop shared by the single-process and parallel verifiers.

Django-free on purpose: the parallel verifier runs `stream_range` in spawned processes that
connect with psycopg directly and import the parent's exported snapshot, so that every worker
reads exactly the rows the parent sees (PostgreSQL `SET TRANSACTION SNAPSHOT`).
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Sequence
from typing import Any

from bedside.audit.canonical import CANONICAL_COLUMNS, canonical_bytes, select_columns

# (kind, message, event_id, leaf_index): plain tuples so that they pickle across processes.
RawProblem = tuple[str, str, int | None, int | None]

_WIDTH = len(CANONICAL_COLUMNS)
_LEAF_SQL = (
    "SELECT {columns}, l.leaf_index, l.event_id, l.leaf_hash "
    "FROM audit_auditleaf l LEFT JOIN audit_auditevent e ON e.id = l.event_id "
    "WHERE l.leaf_index >= %s AND l.leaf_index < %s ORDER BY l.leaf_index"
)


def leaf_sql(vendor: str) -> str:
    """Return the SELECT of leaves with their rows for a half-open leaf range (two parameters)."""
    return _LEAF_SQL.format(columns=select_columns(vendor))


def consume_rows(
    rows: Sequence[Sequence[Any]], expected: int, leaves: bytearray, event_ids: array[int], problems: list[RawProblem]
) -> int:
    """Check one batch of (row…, leaf_index, event_id, leaf_hash) in leaf order; return the next
    expected leaf index. The recomputed hash goes into LEAVES (the stored one for a deleted row)."""
    sha = hashlib.sha256
    for row in rows:
        index, event_id, stored = row[_WIDTH], row[_WIDTH + 1], bytes(row[_WIDTH + 2])
        if index != expected:
            problems.append(("leaf_gap", f"leaves {expected}..{index - 1} are missing before event #{event_id}",
                             event_id, expected))
            expected = index
        expected += 1
        event_ids.append(event_id)
        if row[0] is None:
            problems.append(("deleted", f"event #{event_id} (leaf {index}) was deleted", event_id, index))
            leaves += stored
            continue
        computed = sha(b"\x00" + canonical_bytes(row)).digest()
        if computed != stored:
            problems.append((
                "modified", f"event #{event_id} (leaf {index}) differs from what was sealed: modified, "
                "replaced or swapped with another row", event_id, index))
        leaves += computed
    return expected


def stream_range(conninfo: dict[str, Any], snapshot: str, lo: int, hi: int) -> tuple[bytes, bytes, list[RawProblem]]:
    """Verify leaves [LO, HI) in the parent's snapshot; return (leaf hashes, event ids as bytes, problems)."""
    import psycopg
    import psycopg.sql
    from psycopg.types.string import TextLoader

    leaves = bytearray()
    event_ids: array[int] = array("q")
    problems: list[RawProblem] = []
    with psycopg.connect(**conninfo) as conn:
        conn.adapters.register_loader("inet", TextLoader)  # as Django loads it: the text form
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        conn.execute(psycopg.sql.SQL("SET TRANSACTION SNAPSHOT {}").format(psycopg.sql.Literal(snapshot)))
        with conn.cursor(name=f"audit_verify_{lo}") as cursor:
            cursor.execute(leaf_sql("postgresql"), [lo, hi])
            expected = lo
            while rows := cursor.fetchmany(20_000):
                expected = consume_rows(rows, expected, leaves, event_ids, problems)
        conn.rollback()
    return bytes(leaves), event_ids.tobytes(), problems
