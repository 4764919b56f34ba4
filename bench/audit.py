"""Audit trail benchmark: batch append rate and the time to verify 1,000,000 events.

`run()` starts a child process (its own Django set-up, so other benchmarks are not disturbed)
that creates a scratch database — PostgreSQL when TEST_DATABASE_URL, DATABASE_URL or localhost:5432 offers a
reachable server, else SQLite — migrates it, and:
1. appends events with `audit_record_many` (the bulk path) and reports events per second;
2. fills the trail to BENCH_AUDIT_EVENTS (default 1,000,000) rows with COPY / executemany;
3. seals them into the Merkle tree (`audit_seal`) and signs a tree head;
4. times `audit_verify()` over the whole trail (every row re-hashed, the tree rebuilt, the
   signed head checked).
The scratch database is dropped at the end. Returns {"audit": {"append_per_s", "verify_1m_s", …}}.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import postgres_url

ROOT = Path(__file__).resolve().parent.parent
MARK = "BENCH_AUDIT_RESULT "


def run() -> dict[str, Any]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test", PYTHONUNBUFFERED="1")
    url = postgres_url()  # the same server the other benchmarks find (env, then localhost)
    if url:
        env.update(BEDSIDE_TEST_DB="postgres", TEST_DATABASE_URL=url)
    else:
        env.pop("BEDSIDE_TEST_DB", None)
    proc = subprocess.run([sys.executable, "-m", "bench.audit", "--child"], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, text=True, timeout=3600)
    result: dict[str, Any] | None = None
    for line in proc.stdout.splitlines():
        if line.startswith(MARK):
            result = json.loads(line[len(MARK):])
        else:
            print(line, flush=True)
    if proc.returncode != 0 or result is None:
        return {"audit": {"error": f"benchmark process failed (exit {proc.returncode})"}}
    return {"audit": result}


# --- the child process -------------------------------------------------------------------------


def _progress(label: str, done: int, total: int, started: float) -> None:
    rate = done / max(time.perf_counter() - started, 1e-9)
    end = "\n" if done >= total else ""
    print(f"\r  {label}: {done:,}/{total:,} ({rate:,.0f}/s)", end=end, file=sys.stderr, flush=True)


def _fill(total: int, start_id: int) -> float:
    """Insert rows start_id.. until `total` rows exist, fast (COPY or executemany); return rows/s."""
    from datetime import UTC, datetime, timedelta

    from django.db import connection

    base = datetime.now(UTC) - timedelta(days=1)
    existing = start_id - 1
    need = total - existing
    if need <= 0:
        return 0.0
    actions = ["thread.view", "message.send", "thread.list", "consent.view", "auth.login"]
    started = time.perf_counter()
    chunk = 50_000
    columns = ("id", "at", "actor_id", "actor_role", "action", "outcome", "object_type", "object_id",
               "patient_id", "practice_id", "ip", "channel", "detail", "prev_hash", "hash")
    done = 0
    while done < need:
        size = min(chunk, need - done)
        rows = []
        for i in range(done, done + size):
            pk = start_id + i
            rows.append((pk, base + timedelta(microseconds=pk * 50), 1 + pk % 40, "clinician", actions[pk % 5],
                         "success", "thread", str(pk % 9000), 1 + pk % 700, 1, "10.0.0.1", "web",
                         json.dumps({"count": pk % 7}), "", ""))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY audit_auditevent ({', '.join(columns)}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO audit_auditevent ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
                    rows,
                )
        done += size
        _progress("filling", done, need, started)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('audit_auditevent', 'id'), %s)", [total])
            cursor.execute("ANALYZE audit_auditevent")
    return need / (time.perf_counter() - started)


def child() -> int:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    total = int(os.environ.get("BENCH_AUDIT_EVENTS", "1000000"))
    append_n = int(os.environ.get("BENCH_AUDIT_APPEND", "100000"))
    settings.BEDSIDE_AUDIT_HEADS_FILE = Path(settings.BEDSIDE_AUDIT_HEADS_FILE).with_name("bench-heads.jsonl")
    print(f"  scratch database on {connection.vendor}; {total:,} events", file=sys.stderr, flush=True)
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from bedside.audit.models import Action, AuditEvent
        from bedside.audit.services import audit_record_many, audit_seal, tree_head_checkpoint
        from bedside.audit.verification import audit_verify

        # 1. the bulk append path, as the application would use it
        started = time.perf_counter()
        batch = 10_000
        appended = 0
        while appended < append_n:
            n = min(batch, append_n - appended)
            audit_record_many(({"action": Action.THREAD_VIEW, "actor_id": 7, "actor_role": "clinician",
                                "object_type": "thread", "object_id": i, "patient_id": 1 + i % 500,
                                "practice_id": 1, "ip": "10.0.0.1", "channel": "api", "detail": {"n": i}}
                               for i in range(n)), batch_size=batch)
            appended += n
            _progress("appending", appended, append_n, started)
        append_per_s = append_n / (time.perf_counter() - started)

        # 2. the rest of the million, fast
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        fill_per_s = _fill(total, last + 1)

        # 3. seal and sign
        started = time.perf_counter()
        sealed = audit_seal(delay_seconds=0, batch_size=50_000)
        seal_s = time.perf_counter() - started
        print(f"  sealed {sealed:,} events in {seal_s:.1f}s", file=sys.stderr, flush=True)
        tree_head_checkpoint(force=True)

        # 4. verify everything
        started = time.perf_counter()
        result = audit_verify(progress=lambda n: _progress("verifying", n, sealed, started))
        verify_s = time.perf_counter() - started
        if not result.ok or result.events != sealed:
            print(f"  verification failed: {result.first_problem}", file=sys.stderr)
            return 1
        print(MARK + json.dumps({
            "append_per_s": round(append_per_s),
            "verify_1m_s": round(verify_s * 1_000_000 / max(result.events, 1), 2),
            "verified_events": result.events,
            "verify_s": round(verify_s, 2),
            "seal_per_s": round(sealed / seal_s) if seal_s else None,
            "fill_per_s": round(fill_per_s),
            "db": connection.vendor,
        }), flush=True)
        return 0
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    if "--child" in sys.argv:
        raise SystemExit(child())
    print(json.dumps(run(), indent=2))
