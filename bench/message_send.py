"""Message-send throughput of the real server, and the PostgreSQL floor it is steered by.

message_send
  1. creates a scratch PostgreSQL database (`bedside_bench`, dropped at the end) and seeds it in
     a production-settings process (bench/seed.py): the demo practice plus BENCH_CLIENTS patients,
     each with relationship, consent, one thread and an API token;
  2. starts gunicorn (gthread) with config.settings.prod — DEBUG off, fresh keys, the RedisHuey
     queue on Redis database 15 — the way `bedside serve` does;
  3. runs the load generator (bench/loadgen.py) in a separate process: 50 keep-alive clients,
     each POSTing 200–500-character messages to `/api/v1/threads/{id}/messages` for
     BENCH_SECONDS (20) after a 3-second warm-up. Every request does the real work: access
     check, consent gate, screening, triage targets, encryption, audit row, notification
     outbox row and its enqueue to Redis after commit.
  No Huey consumer runs during the measurement, so the numbers are those of the request path
  alone (a consumer on the same 2 cores would take CPU from it); the jobs left queued are
  reported and flushed.

pg_insert_baseline
  pgbench on the same server, database and moment: 50 clients (-c 50 -j 2 -T 15 -M prepared)
  each inserting one row of the size of a stored message (thread id, ~560-byte ciphertext-sized
  text, timestamp) into a scratch table — one durable commit per message, the physical floor.

Skips with {"skipped": reason} without PostgreSQL, Redis or pgbench.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.common import (
    ROOT,
    drop_database,
    free_port,
    postgres_url,
    prod_env,
    redis_url,
    scratch_database,
    wait_http,
)

DB_NAME = "bedside_bench"
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "50"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
# Two cores: one gunicorn process per core, a few threads each so a worker waiting on PostgreSQL
# still has a thread that can use the CPU. Override to explore (docs/performance.md).
WORKERS = os.environ.get("BENCH_WEB_WORKERS", "2")
THREADS = os.environ.get("BENCH_WEB_THREADS", "4")
ROW_BYTES = 560  # a 200–500-character body encrypted and base64-encoded is about this long


def _skip(reason: str) -> dict[str, Any]:
    return {"message_send": {"skipped": reason}, "pg_insert_baseline": {"skipped": reason}}


def start_web(env: dict[str, str], port: int, workers: str = WORKERS, threads: str = THREADS,
              log: Path | None = None) -> subprocess.Popen[bytes]:
    """Start gunicorn as `bedside serve` does (gthread workers), without the access log."""
    cmd = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", workers, "--threads", threads, "--worker-class", "gthread",
        "--graceful-timeout", "10", "--timeout", "60", "--keep-alive", "30",
    ]
    out = open(log, "ab") if log else subprocess.DEVNULL
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def pgbench_insert(url: str, clients: int = 50, seconds: int = 15) -> dict[str, Any]:
    """Run pgbench inserting one message-sized row per transaction; return {"rps", …}."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_insert")
        conn.execute("CREATE TABLE bench_insert (id bigserial PRIMARY KEY, thread_id bigint NOT NULL, "
                     "body text NOT NULL, sent_at timestamptz NOT NULL)")
        conn.execute("CREATE INDEX ON bench_insert (thread_id, sent_at)")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write("\\set tid random(1, 100000)\n")
        script.write(f"INSERT INTO bench_insert (thread_id, body, sent_at) VALUES (:tid, '{'x' * ROW_BYTES}', now());\n")
    try:
        proc = subprocess.run(
            ["pgbench", "-n", "-c", str(clients), "-j", "2", "-T", str(seconds), "-M", "prepared",
             "-f", script.name, url],
            capture_output=True, text=True, timeout=seconds + 60,
        )
    finally:
        os.unlink(script.name)
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", proc.stdout)
    latency = re.search(r"latency average = ([\d.]+) ms", proc.stdout)
    if proc.returncode != 0 or not match:
        return {"error": f"pgbench failed: {proc.stderr.strip()[-300:]}"}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE bench_insert")
    return {"rps": round(float(match.group(1)), 1), "latency_avg_ms": float(latency.group(1)) if latency else None,
            "clients": clients, "row_bytes": ROW_BYTES}


def _queued_jobs(redis: str) -> int:
    from redis import Redis

    client = Redis.from_url(redis)
    keys = client.keys("huey.redis.bedside*")
    total = sum(int(client.llen(k)) for k in keys if client.type(k) == b"list")
    client.flushdb()  # database 15 is the benchmark's own
    return total


def run() -> dict[str, Any]:
    pg = postgres_url()
    if pg is None:
        return _skip("no PostgreSQL server (set TEST_DATABASE_URL or DATABASE_URL)")
    redis = redis_url()
    if redis is None:
        return _skip("no Redis server (set REDIS_URL)")
    if shutil.which("pgbench") is None:
        return _skip("pgbench is not installed (Debian: postgresql-client)")
    url = scratch_database(pg, DB_NAME)
    _queued_jobs(redis)  # start from an empty benchmark queue
    work = Path(tempfile.mkdtemp(prefix="bedside-bench-"))
    env = prod_env(url, redis, work / "var")
    try:
        targets = work / "targets.json"
        subprocess.run([sys.executable, "-m", "bench.seed", "senders", str(CLIENTS), str(targets)],
                       cwd=ROOT, env=env, check=True, timeout=900)
        port = free_port()
        web = start_web(env, port, log=work / "web.log")
        try:
            wait_http(port, "/api/v1/me")
            load = subprocess.run(
                [sys.executable, "-m", "bench.loadgen", str(targets), "--ports", str(port),
                 "--clients", str(CLIENTS), "--warmup", "3", "--duration", str(SECONDS)],
                cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=SECONDS + 120,
            )
        finally:
            stop(web)
        measured = json.loads(load.stdout.strip().splitlines()[-1])
        measured.pop("created", None)
        queued = _queued_jobs(redis)
        send = {
            "rps": measured["rps"], "p50_ms": measured["p50_ms"], "p99_ms": measured["p99_ms"],
            "clients": CLIENTS, "db": "postgresql", "requests": measured["requests"],
            "errors": measured["errors"], "statuses": measured["statuses"], "seconds": SECONDS,
            "server": f"gunicorn gthread {WORKERS}x{THREADS}, config.settings.prod",
            "queue": "RedisHuey, no consumer during the run", "jobs_queued": queued,
        }
        baseline = pgbench_insert(url)
        if baseline.get("rps"):
            send["ratio_to_pg_insert"] = round(send["rps"] / baseline["rps"], 3)
            print(f"  message_send / pg_insert_baseline = {send['rps']} / {baseline['rps']} "
                  f"= {send['ratio_to_pg_insert']:.3f}", flush=True)
        return {"message_send": send, "pg_insert_baseline": baseline}
    finally:
        drop_database(pg, DB_NAME)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(json.dumps(run(), indent=2))
