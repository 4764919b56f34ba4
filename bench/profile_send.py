"""Profile the message path in-process: `python -m bench.profile_send [N]`.

Creates the scratch database as bench/message_send.py does, seeds a few patients, then sends N
messages through Django's test client (the whole middleware and API stack, production
settings) under pyinstrument, and prints the profile plus the SQL statements of one request.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, drop_database, postgres_url, prod_env, redis_url, scratch_database

DB_NAME = "bedside_bench_profile"


def child(targets_file: str, n: int) -> int:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    from bench.loadgen import bodies

    targets = json.loads(Path(targets_file).read_text())
    texts = bodies()
    rng = random.Random(3)  # noqa: S311
    clients = [(Client(HTTP_AUTHORIZATION=f"Bearer {t['token']}", HTTP_X_FORWARDED_PROTO="https"), t["thread"])
               for t in targets]

    def send(i: int) -> None:
        client, thread = clients[i % len(clients)]
        response = client.post(f"/api/v1/threads/{thread}/messages", {"body": rng.choice(texts)},
                               content_type="application/json")
        assert response.status_code == 201, response.content

    for i in range(20):  # warm up caches, connections, imports
        send(i)
    with CaptureQueriesContext(connection) as queries:
        send(0)
    print(f"== one request: {len(queries.captured_queries)} queries")
    for q in queries.captured_queries:
        print(f"  {q['time']}s  {q['sql'][:220]}")
    cpu, started = time.process_time(), time.perf_counter()
    for i in range(n):
        send(i)
    cpu, elapsed = time.process_time() - cpu, time.perf_counter() - started
    print(f"== {n} requests, one process, serial: {elapsed / n * 1000:.2f} ms wall, "
          f"{cpu / n * 1000:.2f} ms CPU of this process per request")
    if os.environ.get("BENCH_CPROFILE"):
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        for i in range(n):
            send(i)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(40)
    else:
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for i in range(n):
            send(i)
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    return 0


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    pg = postgres_url()
    if pg is None:
        print("no PostgreSQL", file=sys.stderr)
        return 1
    url = scratch_database(pg, DB_NAME)
    work = Path(tempfile.mkdtemp(prefix="bedside-profile-"))
    env = prod_env(url, redis_url(), work / "var")
    try:
        targets = work / "targets.json"
        subprocess.run([sys.executable, "-m", "bench.seed", "senders", "10", str(targets)], cwd=ROOT, env=env,
                       check=True)
        return subprocess.run([sys.executable, "-m", "bench.profile_send", "--child", str(targets), str(n)],
                              cwd=ROOT, env=env).returncode
    finally:
        drop_database(pg, DB_NAME)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        raise SystemExit(child(sys.argv[2], int(sys.argv[3])))
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
