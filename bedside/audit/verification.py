"""Recompute the audit trail's Merkle tree from the rows and check it against the signed tree heads.

Detected, each named by the first event concerned (in leaf order):
- a modified row (any column) or two rows whose contents were swapped: its leaf hash changed;
- a deleted row: a leaf points to an event that is gone;
- an inserted row: an event inside the sealed id range that is not in the tree;
- a removed, forged or reordered leaf: the tree no longer matches a signed tree head;
- a truncated tail: a signed tree head (from the database or the exported file) is larger than
  the tree;
- a forged tree head: its signature does not verify with the audit public key(s).
"""

from __future__ import annotations

import hashlib
import json
import os
from array import array
from bisect import bisect_left
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from bedside.audit import keys
from bedside.audit.merkle import HASH_SIZE, build_levels, root_of
from bedside.audit.models import AuditTreeHead
from bedside.audit.parallel import RawProblem, consume_rows, leaf_sql, stream_range
from bedside.audit.services import head_as_dict, head_statement


@dataclass
class Problem:
    kind: str  # modified, deleted, inserted, leaf_gap, head_mismatch, truncated, bad_signature
    message: str
    event_id: int | None = None
    leaf_index: int | None = None


@dataclass
class VerifyResult:
    ok: bool
    events: int
    root: str
    pending: int
    heads_checked: int
    latest_head: dict[str, Any] | None
    first_bad_event: int | None
    first_problem: str | None = None
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def load_tree_heads(heads_file: Path | None = None) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Return the signed tree heads of the database and of the exported file, de-duplicated."""
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    problems: list[Problem] = []
    for head in AuditTreeHead.objects.order_by("tree_size", "id"):
        item = head_as_dict(head)
        found[(item["tree_size"], item["root"], item["signature"])] = item | {"source": "database"}
    path = Path(heads_file or settings.BEDSIDE_AUDIT_HEADS_FILE)
    if path.exists():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                key = (int(item["tree_size"]), str(item["root"]), str(item["signature"]))
            except (ValueError, KeyError, TypeError):
                problems.append(Problem("bad_signature", f"line {number} of {path.name} is not a tree head"))
                continue
            found.setdefault(key, item | {"source": path.name})
    return sorted(found.values(), key=lambda h: (int(h["tree_size"]), h["signed_at"])), problems


def _head_signature_ok(head: dict[str, Any], public: dict[str, Any]) -> bool:
    key = public.get(str(head.get("key_id")))
    if key is None:
        return False
    try:
        statement = head_statement(
            tree_size=int(head["tree_size"]), root_hash=str(head["root"]),
            last_event_id=head.get("last_event_id"), signed_at=_parse_time(str(head["signed_at"])),
        )
    except (ValueError, KeyError, TypeError):
        return False
    return keys.signature_valid(key, statement, str(head.get("signature", "")))


def _stream_leaves(progress: Callable[[int], None] | None) -> tuple[bytearray, array[int], list[Problem]]:
    """Recompute every leaf hash from its row, in leaf order (a server-side cursor on PostgreSQL)."""
    leaves = bytearray()
    event_ids: array[int] = array("q")
    raw: list[RawProblem] = []
    expected = 0
    cursor = connection.chunked_cursor()
    try:
        # Params are always passed so that '%%' in the SELECT list means '%' on every database.
        cursor.execute(leaf_sql(connection.vendor), [0, 2**62])
        while rows := cursor.fetchmany(20_000):
            expected = consume_rows(rows, expected, leaves, event_ids, raw)
            if progress is not None:
                progress(len(event_ids))
    finally:
        cursor.close()
    return leaves, event_ids, [Problem(*p) for p in raw]


def _parallel_workers() -> int:
    """Return how many processes verify at once: one per core, on PostgreSQL, for large trails only."""
    if connection.vendor != "postgresql":
        return 1
    wanted = settings.BEDSIDE_AUDIT_VERIFY_WORKERS or (os.cpu_count() or 1)
    if wanted < 2:
        return 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM audit_auditleaf")
        size = int(cursor.fetchone()[0])
    return wanted if size >= settings.BEDSIDE_AUDIT_VERIFY_PARALLEL_MIN else 1


def _stream_leaves_parallel(workers: int, progress: Callable[[int], None] | None) -> tuple[bytearray, array[int], list[Problem]]:
    """Verify equal leaf ranges in WORKERS spawned processes reading this transaction's snapshot.

    Leaf hashes are independent of each other, so the work splits cleanly; the snapshot export
    makes every worker see exactly what this transaction sees. The ranges are joined in order,
    which gives the same leaves, ids and problems as the single-process loop.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_export_snapshot(), COALESCE(MAX(leaf_index) + 1, 0) FROM audit_auditleaf")
        snapshot, size = cursor.fetchone()
    conninfo = {k: v for k, v in connection.get_connection_params().items() if isinstance(v, str | int)}
    step = -(-int(size) // workers)
    bounds = [(lo, min(lo + step, int(size))) for lo in range(0, int(size), step)]
    bounds[-1] = (bounds[-1][0], 2**62)  # the last worker also reads anything past the snapshot's max
    leaves = bytearray()
    event_ids: array[int] = array("q")
    problems: list[Problem] = []
    with ProcessPoolExecutor(max_workers=len(bounds), mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(stream_range, conninfo, snapshot, lo, hi) for lo, hi in bounds]
        for future in futures:
            part_leaves, part_ids, part_problems = future.result()
            leaves += part_leaves
            event_ids.frombytes(part_ids)
            problems += [Problem(*p) for p in part_problems]
            if progress is not None:
                progress(len(event_ids))
    return leaves, event_ids, problems


def audit_verify(*, heads_file: Path | None = None, progress: Callable[[int], None] | None = None) -> VerifyResult:
    """Recompute the whole tree and check every row, every leaf and every signed tree head."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:  # one snapshot for every query below
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        workers = _parallel_workers() if outermost else 1
        if workers > 1:
            leaves, event_ids, problems = _stream_leaves_parallel(workers, progress)
        else:
            leaves, event_ids, problems = _stream_leaves(progress)
        watermark = max(event_ids) if event_ids else 0
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT e.id FROM audit_auditevent e WHERE e.id <= %s AND NOT EXISTS "
                "(SELECT 1 FROM audit_auditleaf l WHERE l.event_id = e.id) ORDER BY e.id LIMIT 100",
                [watermark],
            )
            inserted = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT COUNT(*) FROM audit_auditevent WHERE id > %s", [watermark])
            pending = int(cursor.fetchone()[0])
        heads, head_problems = load_tree_heads(heads_file)
    sorted_ids = sorted(event_ids)
    for event_id in inserted:
        position = bisect_left(sorted_ids, event_id)
        problems.append(Problem(
            "inserted", f"event #{event_id} is not in the tree although later events are: inserted after sealing",
            event_id=event_id, leaf_index=position))

    size = len(leaves) // HASH_SIZE
    levels = build_levels(leaves) if size else []
    root = root_of(levels).hex() if size else hashlib.sha256(b"").hexdigest()
    explained = sorted({p.leaf_index for p in problems if p.leaf_index is not None})
    problems += head_problems
    public = keys.verify_keys()
    checked = 0
    latest: dict[str, Any] | None = None
    last_good = 0
    for head in heads:
        head_size = int(head["tree_size"])
        if not _head_signature_ok(head, public):
            problems.append(Problem(
                "bad_signature", f"the tree head of size {head_size} ({head.get('source')}) has no valid signature"))
            continue
        checked += 1
        latest = {k: v for k, v in head.items() if k != "source"}
        if head_size > size:
            last_id = event_ids[-1] if size else None
            problems.append(Problem(
                "truncated", f"the signed tree head of {head['signed_at']} covers {head_size} events up to event "
                f"#{head.get('last_event_id')}, but the tree has {size}"
                + (f" (it ends at event #{last_id})" if last_id else "") + ": the tail was removed",
                leaf_index=size))
            continue
        if root_of(levels, head_size).hex() != head["root"]:
            first = min(last_good, head_size - 1)
            if any(first <= index < head_size for index in explained):
                continue  # a changed row in this range already explains the mismatch
            problems.append(Problem(
                "head_mismatch", f"the tree no longer matches the signed tree head of size {head_size}: "
                f"a change between leaf {first} (event #{event_ids[first]}) and leaf {head_size - 1}",
                event_id=event_ids[first], leaf_index=first))
        else:
            last_good = head_size
    problems.sort(key=lambda p: (p.leaf_index if p.leaf_index is not None else float("inf")))
    first_bad = next((p.event_id for p in problems if p.event_id is not None), None)
    return VerifyResult(
        ok=not problems, events=size, root=root, pending=pending, heads_checked=checked,
        latest_head=latest, first_bad_event=first_bad, problems=problems,
        first_problem=problems[0].message if problems else None,
    )
