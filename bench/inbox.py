"""Inbox cost at 10,000 and at 1,000,000 messages (PostgreSQL).

In a production-settings process on a scratch database (`bedside_bench_inbox`, dropped after):
1. 10 practices, 50 clinicians (5 each, TOTP on), 10,000 patients (1,000 per practice) — ORM
   bulk inserts;
2. the 10k dataset: 1,000 open threads (100 per practice, mixed urgency and due times) with 10
   messages each — COPY;
3. measure (below); 4. grow to the 1M dataset: 99,000 more threads, all closed (history), with
   10 messages each — 100,000 threads and 1,000,000 messages in all — COPY, then ANALYZE;
5. measure again.

The open queue is the same 1,000 threads in both datasets on purpose: what a care team has
waiting depends on the day's work, not on how many years of history the database holds; the
question is whether the history makes today's pages slower.

Subjects and bodies are one constant ciphertext each (encrypted once with the real key through
the model field) so that generation is not dominated by encryption; the pages decrypt them as
usual.

Measured, each 100 times after 10 warm-up requests, through Django's test client (the whole
middleware stack, templates, audit row of each list view; production settings, DEBUG off):
- `queue`: a clinician's queue page `/queue/` (open threads, most urgent first, 50 a page);
- `patient_inbox`: a patient's thread list `/inbox/`;
- `api_list_patient` / `api_list_clinician`: `GET /api/v1/threads` (keyset page of 50).
`p50_ms_10k` / `p50_ms_1m` are the slowest of these medians (the figure the target applies to).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import ROOT, drop_database, postgres_url, prod_env, progress, scratch_database

DB_NAME = "bedside_bench_inbox"
MARK = "BENCH_INBOX_RESULT "
PRACTICES = 10
CLINICIANS_PER_PRACTICE = 5
PATIENTS = 10_000
OPEN_THREADS = 1_000
THREADS = int(os.environ.get("BENCH_INBOX_THREADS", "100000"))
PER_THREAD = 10
SAMPLES = int(os.environ.get("BENCH_INBOX_SAMPLES", "100"))
CATEGORIES = ["medical_question", "appointment", "prescription", "billing", "post_op", "other"]


def run() -> dict[str, Any]:
    pg = postgres_url()
    if pg is None:
        return {"inbox": {"skipped": "no PostgreSQL server (set TEST_DATABASE_URL or DATABASE_URL)"}}
    url = scratch_database(pg, DB_NAME)
    work = Path(tempfile.mkdtemp(prefix="bedside-inbox-"))
    env = prod_env(url, None, work / "var")
    try:
        proc = subprocess.run([sys.executable, "-m", "bench.inbox", "--child"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, text=True, timeout=3600)
    finally:
        drop_database(pg, DB_NAME)
    result = None
    for line in proc.stdout.splitlines():
        if line.startswith(MARK):
            result = json.loads(line[len(MARK):])
        else:
            print(line, flush=True)
    if proc.returncode != 0 or result is None:
        return {"inbox": {"error": f"benchmark process failed (exit {proc.returncode})"}}
    return {"inbox": result}


# --- the child process ---------------------------------------------------------------------------


def _people() -> dict[str, Any]:
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.hashers import make_password

    from bedside.accounts import services as accounts
    from bedside.accounts.models import Practice, Role, User
    from bedside.core.demo import demo_totp_secret

    started = time.perf_counter()
    unusable = make_password(None)
    practices = [accounts.practice_create(name=f"Bench Practice {i}") for i in range(PRACTICES)]
    clinicians: list[list[User]] = []
    for p, practice in enumerate(practices):
        team = User.objects.bulk_create([
            User(email=f"clin-{p}-{c}@bench.bedside", full_name=f"Clinician {p}-{c}", role=Role.CLINICIAN,
                 password=unusable)
            for c in range(CLINICIANS_PER_PRACTICE)
        ])
        for user in team:
            accounts.membership_add(practice=practice, user=user)
        clinicians.append(team)
    done = 0
    patients: list[User] = []
    for chunk in range(0, PATIENTS, 2000):
        patients += User.objects.bulk_create([
            User(email=f"pat-{i}@bench.bedside", full_name=f"Patient {i}", role=Role.PATIENT, password=unusable)
            for i in range(chunk, min(chunk + 2000, PATIENTS))
        ])
        done = len(patients)
        progress("users", done, PATIENTS, started)
    TOTP.activate(clinicians[0][0], demo_totp_secret())  # the measured clinician passes the MFA gate
    assert all(isinstance(p, Practice) for p in practices)
    return {"practices": [p.pk for p in practices], "clinicians": [[u.pk for u in t] for t in clinicians],
            "patients": [u.pk for u in patients]}


def _ciphertexts() -> tuple[str, str]:
    """Return the stored form of a subject and of a 350-character body, encrypted with the real key."""
    from django.db import connection

    from bedside.messaging.models import Message, Thread

    subject = Thread._meta.get_field("subject").get_db_prep_value("Question about my results", connection)
    body = Message._meta.get_field("body").get_db_prep_value(
        ("I had my blood test last week and the portal shows a few values flagged. Could you tell me "
         "whether I need to change anything in my medication or book another visit? ") * 2, connection)
    return str(subject), str(body)


def _copy(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor, cursor.cursor.copy(
        f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    ) as copy:
        for row in rows:
            copy.write_row(row)


THREAD_COLUMNS = ["id", "practice_id", "patient_id", "clinician_id", "subject", "category", "urgency", "status",
                  "pool_id", "assignee_id", "created_at", "last_message_at", "due_at", "warn_at", "first_due_at",
                  "crisis", "closed_at", "closed_by_id"]
MESSAGE_COLUMNS = ["id", "thread_id", "author_id", "kind", "body", "sent_at", "urgency"]


def _threads(people: dict[str, Any], first: int, count: int, open_: bool, label: str) -> None:
    """COPY threads first..first+count-1 with PER_THREAD messages each (ids chosen here)."""
    from django.db import connection

    subject, body = _ciphertexts()
    now = datetime.now(UTC)
    started = time.perf_counter()
    batch = 5_000
    for start in range(first, first + count, batch):
        threads: list[tuple[Any, ...]] = []
        messages: list[tuple[Any, ...]] = []
        for tid in range(start, min(start + batch, first + count)):
            patient_index = (tid * 7919) % PATIENTS  # spread each patient's threads over time
            practice_index = patient_index % PRACTICES
            clinician = people["clinicians"][practice_index][patient_index % CLINICIANS_PER_PRACTICE]
            patient = people["patients"][patient_index]
            if open_:
                created = now - timedelta(minutes=tid % 5000)
                urgency = ("emergency", "urgent", "routine", "routine", "routine")[tid % 5]
                due = created + timedelta(hours=(1, 4, 48, 48, 48)[tid % 5])
                threads.append((tid, people["practices"][practice_index], patient, clinician, subject,
                                CATEGORIES[tid % 6], urgency, "open", None, None, created,
                                created + timedelta(minutes=PER_THREAD), due, due - timedelta(minutes=15), due,
                                False, None, None))
            else:
                created = now - timedelta(days=30 + tid % 3000, minutes=tid % 1440)
                threads.append((tid, people["practices"][practice_index], patient, clinician, subject,
                                CATEGORIES[tid % 6], "routine", "closed", None, None, created,
                                created + timedelta(minutes=PER_THREAD), None, None, created + timedelta(days=2),
                                False, created + timedelta(days=1), clinician))
            for m in range(PER_THREAD):
                patient_turn = m % 2 == 0
                messages.append((tid * PER_THREAD + m, tid, patient if patient_turn else clinician,
                                 "patient" if patient_turn else "care_team", body, created + timedelta(minutes=m),
                                 "routine" if patient_turn else ""))
        _copy("messaging_thread", THREAD_COLUMNS, threads)
        _copy("messaging_message", MESSAGE_COLUMNS, messages)
        progress(label, min(start + batch, first + count) - first, count, started)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('messaging_thread', 'id'), %s)", [first + count])
        cursor.execute("SELECT setval(pg_get_serial_sequence('messaging_message', 'id'), %s)",
                       [(first + count) * PER_THREAD + 1])
        cursor.execute("VACUUM ANALYZE messaging_thread")
        cursor.execute("VACUUM ANALYZE messaging_message")


# Median CPU time of this process per request, by page: on a shared machine the wall-clock p50
# moves with everyone else's load, the CPU a page costs much less (filled by _p50).
CPU_MS: dict[str, float] = {}


def _p50(fn: Any, n: int = SAMPLES, name: str = "") -> float:
    for _ in range(10):
        fn()
    times, cpu = [], []
    for _ in range(n):
        started, cpu_started = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    if name:
        CPU_MS[name] = round(statistics.median(cpu) * 1000, 2)
    return round(statistics.median(times) * 1000, 2)


def _explain(pages: list[tuple[Any, str]]) -> None:
    """Print each page's statements with EXPLAIN ANALYZE of the slowest three (BENCH_INBOX_EXPLAIN=1)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for client, url in pages:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(f"== {url}: {len(queries.captured_queries)} statements", file=sys.stderr)
        for q in queries.captured_queries:
            print(f"  {q['time']}s {q['sql'][:160]}", file=sys.stderr)
        for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:2]:
            if q["sql"].startswith("SELECT"):
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                    print("\n".join(r[0] for r in cursor.fetchall()), file=sys.stderr)


def _measure(people: dict[str, Any]) -> dict[str, float]:
    from django.test import Client

    from bedside.accounts.models import User
    from bench.seed import token_for

    clinician = User.objects.get(pk=people["clinicians"][0][0])
    # A patient of practice 0 with threads in the measured dataset.
    from bedside.messaging.models import Thread

    patient = User.objects.get(pk=Thread.objects.filter(practice_id=people["practices"][0])
                               .order_by("pk").values_list("patient_id", flat=True)[0])
    web_clinician, web_patient = Client(HTTP_X_FORWARDED_PROTO="https"), Client(HTTP_X_FORWARDED_PROTO="https")
    web_clinician.force_login(clinician)
    web_patient.force_login(patient)
    api_patient = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(patient)}", HTTP_X_FORWARDED_PROTO="https")
    api_clinician = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(clinician)}", HTTP_X_FORWARDED_PROTO="https")

    def get(client: Client, url: str) -> Any:
        def call() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return call

    if os.environ.get("BENCH_INBOX_EXPLAIN"):
        _explain([(web_clinician, "/queue/"), (web_patient, "/inbox/"), (api_patient, "/api/v1/threads"),
                  (api_clinician, "/api/v1/threads")])
    if os.environ.get("BENCH_INBOX_PROFILE"):
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        with profiler:
            for _ in range(30):
                get(web_clinician, "/queue/")()
        print(profiler.output_text(unicode=False, color=False, show_all=os.environ["BENCH_INBOX_PROFILE"] == "all"),
              file=sys.stderr)
    CPU_MS.clear()
    return {
        "queue": _p50(get(web_clinician, "/queue/"), name="queue"),
        "patient_inbox": _p50(get(web_patient, "/inbox/"), name="patient_inbox"),
        "api_list_patient": _p50(get(api_patient, "/api/v1/threads"), name="api_list_patient"),
        "api_list_clinician": _p50(get(api_clinician, "/api/v1/threads"), name="api_list_clinician"),
    }


def child() -> int:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    people = _people()
    _threads(people, 1, OPEN_THREADS, True, "10k dataset: threads")
    small = _measure(people)
    cpu_small = dict(CPU_MS)
    print(f"  10k messages: {small}  CPU ms: {cpu_small}", file=sys.stderr, flush=True)
    _threads(people, OPEN_THREADS + 1, THREADS - OPEN_THREADS, False, "1M dataset: threads")
    large = _measure(people)
    print(f"  {THREADS * PER_THREAD:,} messages: {large}  CPU ms: {CPU_MS}", file=sys.stderr, flush=True)
    p10k, p1m = max(small.values()), max(large.values())
    print(MARK + json.dumps({
        "p50_ms_10k": p10k, "p50_ms_1m": p1m, "ratio": round(p1m / p10k, 2) if p10k else None,
        "pages_10k": small, "pages_1m": large, "cpu_ms_10k": cpu_small, "cpu_ms_1m": dict(CPU_MS), "messages_1m": THREADS * PER_THREAD,
        "threads_1m": THREADS, "patients": PATIENTS, "clinicians": PRACTICES * CLINICIANS_PER_PRACTICE,
        "db": "postgresql",
    }), flush=True)
    return 0


if __name__ == "__main__":
    if "--child" in sys.argv:
        raise SystemExit(child())
    sys.path.insert(0, str(ROOT))
    print(json.dumps(run(), indent=2))
