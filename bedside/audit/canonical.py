"""The canonical bytes of an audit row: what its Merkle leaf hashes.

Every column of `audit_auditevent` is in it (a test checks the list against the model), read with
raw SQL so that nothing the ORM hides or converts escapes the hash. Values are normalised so that
the same row gives the same bytes on SQLite and PostgreSQL: the time as integer microseconds
since the Unix epoch (UTC), `detail` as a string of compact JSON with sorted keys, everything as
one compact JSON array (ASCII, escaped) in column order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

CANONICAL_COLUMNS: tuple[str, ...] = (
    "id", "at", "actor_id", "actor_role", "action", "outcome", "object_type", "object_id",
    "patient_id", "practice_id", "ip", "channel", "detail", "prev_hash", "hash",
)
_AT = CANONICAL_COLUMNS.index("at")
_DETAIL = CANONICAL_COLUMNS.index("detail")
_IP = CANONICAL_COLUMNS.index("ip")
_WIDTH = len(CANONICAL_COLUMNS)

_EPOCH_AWARE = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_NAIVE = datetime(1970, 1, 1)
_US = timedelta(microseconds=1)
_dumps = json.JSONEncoder(separators=(",", ":"), sort_keys=True, check_circular=False).encode
_quote = encode_basestring_ascii
_loads = json.loads
_detail_cache: dict[str, str] = {}
_DETAIL_CACHE_MAX = 200_000

# The time is turned into epoch microseconds by the database (exactly, no float), so that a
# million rows need no datetime objects; `canonical_bytes` accepts datetimes too.
_AT_SQL = {
    "postgresql": "(EXTRACT(EPOCH FROM e.at) * 1000000)::bigint",
    # Whole seconds from the text without its fraction: SQLite's date functions keep milliseconds
    # only and round, so ".999888" would become the next second.
    "sqlite": "(CAST(strftime('%%s', substr(e.at, 1, 19)) AS INTEGER) * 1000000 + CAST(substr(e.at || '000000', 21, 6) AS INTEGER))",
}
_DETAIL_SQL = {"postgresql": "e.detail::text", "sqlite": "e.detail"}


def select_columns(vendor: str) -> str:
    """Return the SELECT list (table alias `e`) giving CANONICAL_COLUMNS in order, for this database."""
    parts = []
    for name in CANONICAL_COLUMNS:
        if name == "at" and vendor in _AT_SQL:
            parts.append(_AT_SQL[vendor])
        elif name == "detail":
            parts.append(_DETAIL_SQL.get(vendor, "e.detail"))
        else:
            parts.append(f"e.{name}")
    return ", ".join(parts)


def at_micros(value: Any) -> int | None:
    """Return a stored time as integer microseconds since the epoch (naive values are UTC)."""
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return (value - _EPOCH_NAIVE) // _US
    return (value - _EPOCH_AWARE) // _US


def canonical_detail(value: Any) -> str:
    """Return `detail` as compact JSON with sorted keys, whatever the database's own spelling."""
    if isinstance(value, bytes | bytearray | memoryview):
        value = bytes(value).decode("utf-8")
    if isinstance(value, str):
        cached = _detail_cache.get(value)
        if cached is not None:
            return cached
        result = _dumps(_loads(value))
        if len(_detail_cache) < _DETAIL_CACHE_MAX:
            _detail_cache[value] = result
        return result
    return _dumps(value)


def _generic(values: list[Any]) -> bytes:
    return _dumps(values).encode("ascii")


def canonical_bytes(row: Sequence[Any]) -> bytes:
    """Return the canonical bytes of one row given in CANONICAL_COLUMNS order (extra items ignored).

    A compact JSON array (ASCII, escaped) of the columns in order; `at` as epoch microseconds;
    `ip` as text; `detail` as a JSON string holding its sorted-key compact JSON. Well-typed rows
    take a fast path that writes exactly what `json.dumps` would (a test holds both together).
    """
    i, at, actor, role, action, outcome, otype, oid, patient, practice, ip, channel, detail, prev, own = row[:_WIDTH]
    if type(at) is not int:
        at = at_micros(at)
    if ip is not None and type(ip) is not str:
        ip = str(ip)
    detail = canonical_detail(detail)
    if (type(i) is int and type(at) is int and (actor is None or type(actor) is int)
            and (patient is None or type(patient) is int) and (practice is None or type(practice) is int)
            and type(role) is str and type(action) is str and type(outcome) is str and type(otype) is str
            and type(oid) is str and type(channel) is str and type(prev) is str and type(own) is str):
        q = _quote
        return (
            f"[{i},{at},{'null' if actor is None else actor},{q(role)},{q(action)},{q(outcome)},{q(otype)},"
            f"{q(oid)},{'null' if patient is None else patient},{'null' if practice is None else practice},"
            f"{'null' if ip is None else q(ip)},{q(channel)},{q(detail)},{q(prev)},{q(own)}]"
        ).encode("ascii")
    return _generic([i, at, actor, role, action, outcome, otype, oid, patient, practice, ip, channel, detail, prev, own])


def leaf_hashes(rows: Iterable[Sequence[Any]]) -> list[bytes]:
    """Return the RFC 6962 leaf hash of each row."""
    sha = hashlib.sha256
    return [sha(b"\x00" + canonical_bytes(row)).digest() for row in rows]
