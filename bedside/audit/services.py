"""Write audit rows (inside the transaction of the change or read being recorded), seal them into
the Merkle tree and sign tree heads."""

from __future__ import annotations

import hashlib
import ipaddress
import json
import logging
import os
import socket
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from bedside.audit import keys
from bedside.audit.canonical import CANONICAL_COLUMNS, at_micros, canonical_bytes, select_columns
from bedside.audit.merkle import compact_push, compact_root
from bedside.audit.models import Action, AuditEvent, AuditLeaf, AuditTreeHead, Outcome

log = logging.getLogger(__name__)

_ALLOWED_DETAIL_TYPES = (int, bool, type(None))


def client_ip(request: HttpRequest | None) -> str | None:
    """Return the client's address: REMOTE_ADDR, or, when that is a trusted reverse proxy
    (settings.BEDSIDE_TRUSTED_PROXIES), the right-most X-Forwarded-For entry that is not one.

    Entries left of the first untrusted one are whatever the client chose to send, so they are
    never used; a malformed entry ends the walk at the last trusted hop.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = settings.BEDSIDE_TRUSTED_PROXIES
    if not trusted or remote is None or not _is_trusted(remote, trusted):
        return remote
    current = remote
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        candidate = entry.strip()
        try:
            address = ipaddress.ip_address(candidate)
        except ValueError:
            return current
        current = str(address)
        if not _is_trusted(current, trusted):
            return current
    return current


def _is_trusted(address: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _clean_detail(detail: dict[str, Any] | None) -> dict[str, Any]:
    """Keep detail to ids, flags and short machine codes so no free text reaches the trail."""
    cleaned: dict[str, Any] = {}
    for key, value in (detail or {}).items():
        if isinstance(value, _ALLOWED_DETAIL_TYPES):
            cleaned[key] = value
        elif isinstance(value, str) and len(value) <= 64 and value.replace("_", "").replace(".", "").replace("-", "").isalnum():
            cleaned[key] = value
        else:
            raise ValueError(f"audit detail {key!r} must be an id, flag or short code")
    return cleaned


def audit_record(
    *,
    action: Action | str,
    actor: Any = None,
    obj: Any = None,
    object_type: str = "",
    object_id: Any = "",
    patient_id: int | None = None,
    practice_id: int | None = None,
    request: HttpRequest | None = None,
    ip: str | None = None,
    channel: str | None = None,
    outcome: Outcome | str = Outcome.SUCCESS,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row describing who did what to which record."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or obj.pk
    actor_id = getattr(actor, "pk", None) if actor is not None and getattr(actor, "is_authenticated", False) else None
    if channel is None:
        channel = getattr(request, "bedside_channel", "web") if request is not None else "worker"
    return AuditEvent.objects.create(
        actor_id=actor_id,
        actor_role=getattr(actor, "role", "") if actor_id else "",
        action=str(action),
        outcome=str(outcome),
        object_type=object_type,
        object_id=str(object_id) if object_id not in (None, "") else "",
        patient_id=patient_id,
        practice_id=practice_id,
        ip=ip or client_ip(request),
        channel=channel,
        detail=_clean_detail(detail),
    )


_BULK_COLUMNS = ("at", "actor_id", "actor_role", "action", "outcome", "object_type", "object_id",
                 "patient_id", "practice_id", "ip", "channel", "detail", "prev_hash", "hash")


def _bulk_row(item: dict[str, Any], now: datetime) -> tuple[Any, ...]:
    actor = item.get("actor")
    actor_id = item.get("actor_id")
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_id = actor.pk
    object_id = item.get("object_id", "")
    return (
        item.get("at") or now,
        actor_id,
        item.get("actor_role") or (getattr(actor, "role", "") if actor is not None else ""),
        str(item["action"]),
        str(item.get("outcome", Outcome.SUCCESS)),
        item.get("object_type", ""),
        str(object_id) if object_id not in (None, "") else "",
        item.get("patient_id"),
        item.get("practice_id"),
        item.get("ip"),
        item.get("channel") or "worker",
        json.dumps(_clean_detail(item.get("detail"))),
        "",
        "",
    )


@transaction.atomic
def audit_record_many(events: Iterable[dict[str, Any]], *, batch_size: int = 10_000) -> int:
    """Append many audit rows at once (imports, back-fills, workers); return how many.

    Each item takes the keyword arguments of `audit_record` except `obj` and `request` (plus
    `actor_id`/`actor_role` when there is no user object at hand). `detail` is checked the same
    way, so the bulk path can't smuggle free text into the trail either. PostgreSQL gets one COPY
    per batch, SQLite one executemany.
    """
    now = timezone.now()
    count = 0
    batch: list[tuple[Any, ...]] = []
    columns = ", ".join(_BULK_COLUMNS)

    def flush() -> None:
        if not batch:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY audit_auditevent ({columns}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                adapt = connection.ops.adapt_datetimefield_value
                cursor.executemany(
                    f"INSERT INTO audit_auditevent ({columns}) VALUES ({', '.join(['%s'] * len(_BULK_COLUMNS))})",  # noqa: S608 (fixed column names)
                    [(adapt(row[0]), *row[1:]) for row in batch],
                )

    for item in events:
        batch.append(_bulk_row(item, now))
        if len(batch) >= batch_size:
            flush()
            count += len(batch)
            batch = []
    flush()
    return count + len(batch)


# --- sealing: append events to the Merkle tree in a fixed order ----------------------------------

_SEAL_LOCK = 7_331_001  # pg_advisory_xact_lock key: one sealer at a time across all workers


def _seal_lock() -> None:
    """Serialise sealers. PostgreSQL: an advisory lock; SQLite: the write transaction is the lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEAL_LOCK])


def _seal_cutoff(delay_seconds: int) -> int:
    """Return the time (epoch microseconds) before which every audit row is committed or never will be.

    Rows are sealed in id order only while older than the delay, and on PostgreSQL older than
    the oldest transaction still writing, so a row whose id was taken by a slow transaction is
    not skipped: the leaf order, once written, never has to change.
    """
    # A delay of 0 means "every committed row now": comparing against the clock would hold back a
    # row stamped a moment ago whenever the clock steps backwards (seen on VMs).
    cutoff = timezone.now() + timedelta(days=1) if delay_seconds <= 0 else timezone.now() - timedelta(seconds=delay_seconds)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT min(xact_start) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
            )
            oldest = cursor.fetchone()[0]
        if oldest is not None:
            cutoff = min(cutoff, oldest - timedelta(seconds=delay_seconds))
    micros = at_micros(cutoff)
    assert micros is not None
    return micros


def tree_state() -> tuple[int, int]:
    """Return (number of leaves, i.e. the next leaf index, and the highest sealed event id)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(leaf_index) + 1, 0), COALESCE(MAX(event_id), 0) FROM audit_auditleaf")
        size, watermark = cursor.fetchone()
    return int(size), int(watermark)


@transaction.atomic
def audit_seal(*, delay_seconds: int | None = None, batch_size: int = 10_000) -> int:
    """Append every settled, unsealed audit row to the tree, in id order; return how many."""
    if delay_seconds is None:
        delay_seconds = settings.BEDSIDE_AUDIT_SEAL_DELAY_SECONDS
    _seal_lock()
    cutoff = _seal_cutoff(delay_seconds)
    size, watermark = tree_state()
    sealed = 0
    sealed_at = connection.ops.adapt_datetimefield_value(timezone.now())
    at_index = CANONICAL_COLUMNS.index("at")
    sha = hashlib.sha256
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT {select_columns(connection.vendor)} FROM audit_auditevent e WHERE e.id > %s "  # noqa: S608 (fixed SQL)
                "ORDER BY e.id LIMIT %s",
                [watermark, batch_size],
            )
            rows = cursor.fetchall()
            leaves = []
            for row in rows:
                if row[at_index] >= cutoff:
                    break
                leaves.append((size, row[0], sha(b"\x00" + canonical_bytes(row)).digest(), sealed_at))
                size += 1
            if leaves:
                cursor.executemany(
                    "INSERT INTO audit_auditleaf (leaf_index, event_id, leaf_hash, sealed_at) VALUES (%s, %s, %s, %s)",
                    leaves,
                )
                sealed += len(leaves)
                watermark = leaves[-1][1]
            if len(leaves) < batch_size:
                return sealed


# --- signed tree heads ---------------------------------------------------------------------------


def head_statement(*, tree_size: int, root_hash: str, last_event_id: int | None, signed_at: datetime) -> bytes:
    """Return the bytes a tree head's signature covers."""
    stamp = signed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return f"bedside-audit-tree-head/v1\n{tree_size}\n{root_hash}\n{last_event_id or 0}\n{stamp}\n".encode("ascii")


def head_as_dict(head: AuditTreeHead) -> dict[str, Any]:
    """Return a tree head as exported (the JSON Lines file, syslog, the API)."""
    return {
        "tree_size": head.tree_size,
        "root": head.root_hash,
        "last_event_id": head.last_event_id,
        "signed_at": head.signed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "key_id": head.key_id,
        "signature": head.signature,
    }


def _leaf_hash_rows(start: int) -> Iterator[bytes]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT leaf_hash FROM audit_auditleaf WHERE leaf_index >= %s ORDER BY leaf_index", [start])
        while chunk := cursor.fetchmany(10_000):
            for (value,) in chunk:
                yield bytes(value)


def _compact_for(size: int, last: AuditTreeHead | None) -> list[tuple[int, bytes]]:
    """Return the compact range of the first `size` leaves, extending the last head's when it checks out."""
    stack: list[tuple[int, bytes]] = []
    start = 0
    if last is not None and last.tree_size <= size and last.compact:
        try:
            stack = [(int(h), bytes.fromhex(node)) for h, node in last.compact]
        except (TypeError, ValueError):
            stack = []
        if stack and compact_root(stack).hex() == last.root_hash and sum(1 << h for h, _ in stack) == last.tree_size:
            start = last.tree_size
        else:
            stack = []
    for index, leaf in enumerate(_leaf_hash_rows(start), start=start):
        if index >= size:
            break
        compact_push(stack, leaf)
    return stack


def tree_head_checkpoint(*, force: bool = False) -> AuditTreeHead | None:
    """Seal pending rows and sign a new tree head when the tree grew (or the last head is old).

    The head is stored and, after commit, appended to BEDSIDE_AUDIT_HEADS_FILE and sent to
    syslog when configured: copies outside the database reveal a truncated tail.
    """
    audit_seal()
    with transaction.atomic():
        _seal_lock()
        size, _ = tree_state()
        last = AuditTreeHead.objects.order_by("-tree_size", "-id").first()
        now = timezone.now()
        max_age = timedelta(minutes=settings.BEDSIDE_AUDIT_HEAD_MAX_AGE_MINUTES)
        if not force and last is not None and last.tree_size == size and now - last.signed_at < max_age:
            return None
        if not force and last is None and size == 0:
            return None
        stack = _compact_for(size, last)
        root = compact_root(stack).hex()
        last_event_id = None
        if size:
            last_event_id = AuditLeaf.objects.filter(leaf_index=size - 1).values_list("event_id", flat=True).first()
        statement = head_statement(tree_size=size, root_hash=root, last_event_id=last_event_id, signed_at=now)
        key, signature = keys.sign(statement)
        head = AuditTreeHead.objects.create(
            tree_size=size, root_hash=root, last_event_id=last_event_id, signed_at=now, key_id=key,
            signature=signature, compact=[[h, node.hex()] for h, node in stack],
        )
        exported = head_as_dict(head)
        transaction.on_commit(lambda: tree_head_export(exported))
    return head


def tree_head_export(head: dict[str, Any]) -> None:
    """Append a signed tree head to the JSON Lines file (fsync'd) and to syslog when configured."""
    path = Path(settings.BEDSIDE_AUDIT_HEADS_FILE)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
        try:
            os.write(fd, (json.dumps(head, sort_keys=True) + "\n").encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        log.error("audit tree head %s not written to %s: %s", head["tree_size"], path, exc)
    target = settings.BEDSIDE_AUDIT_SYSLOG
    if target:
        try:
            syslog_send(target, syslog_format(head))
        except OSError as exc:
            log.error("audit tree head %s not sent to syslog: %s", head["tree_size"], exc)


def syslog_format(head: dict[str, Any], *, hostname: str | None = None) -> bytes:
    """Return an RFC 5424 message (facility authpriv, severity notice) carrying a tree head."""
    pri = 10 * 8 + 5
    host = (hostname or socket.gethostname() or "-").replace(" ", "")[:255]
    params = " ".join(
        f'{name}="{str(head[key]).replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34)).replace("]", chr(92) + "]")}"'
        for name, key in (("size", "tree_size"), ("root", "root"), ("last_event", "last_event_id"),
                          ("signed_at", "signed_at"), ("key_id", "key_id"), ("sig", "signature"))
    )
    timestamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    message = (f"<{pri}>1 {timestamp} {host} bedside {os.getpid()} treehead "
               f"[treehead@32473 {params}] audit tree head size {head['tree_size']}")
    return message.encode("utf-8")


def syslog_send(target: str, message: bytes) -> None:
    """Send one message to udp://host:port, tcp://host:port (octet counting, RFC 6587) or a unix socket."""
    if target.startswith(("udp://", "tcp://")):
        host, _, port = target[6:].rpartition(":")
        address = (host.strip("[]"), int(port or 514))
        if target.startswith("udp://"):
            with socket.socket(socket.AF_INET6 if ":" in address[0] else socket.AF_INET, socket.SOCK_DGRAM) as sock:
                sock.sendto(message, address)
        else:
            with socket.create_connection(address, timeout=5) as sock:
                sock.sendall(str(len(message)).encode("ascii") + b" " + message)
        return
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.connect(target)
        sock.send(message)
