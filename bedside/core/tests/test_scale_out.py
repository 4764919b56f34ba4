"""Scale-out proof: two app servers and two Huey consumers on one PostgreSQL and one Redis.

Starts, on a scratch database, two gunicorn processes (production settings, different ports) and
two `run_huey` consumers sharing one Redis queue, with a stand-in EHR (a local HTTP server) as
the practice's push endpoint; drives message sends at both servers at once; waits for the
workers to drain the queue; then checks that
- no message is lost: every id answered 201 is in the database, and nothing else was added;
- no notification email and no EHR push is duplicated: each outbox row was mailed exactly once
  (the consumers print every email they send), each message reached the EHR exactly once;
- the audit trail verifies (`audit checkpoint` then `audit verify`);
- a web session opened on one server is honoured by the other (sessions in the database, the
  rate-limit cache in Redis).
Skipped without PostgreSQL (BEDSIDE_TEST_DB=postgres, TEST_DATABASE_URL) and Redis (REDIS_URL).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bedside.messaging.notifications import ALERT_SUBJECT, ESCALATION_SUBJECT, SUBJECT
from bench.common import drop_database, free_port, prod_env, scratch_database, wait_http
from bench.message_send import start_web, stop

ROOT = Path(__file__).resolve().parents[3]
PG = os.environ.get("TEST_DATABASE_URL") if os.environ.get("BEDSIDE_TEST_DB") == "postgres" else None
REDIS = os.environ.get("REDIS_URL")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(not PG, reason="PostgreSQL only: set BEDSIDE_TEST_DB=postgres and TEST_DATABASE_URL"),
    pytest.mark.skipif(not REDIS, reason="REDIS_URL is not set: the scale-out test needs a Redis server"),
]

CLIENTS = 16
SECONDS = 6.0


class StandInEhr(BaseHTTPRequestHandler):
    """Accept FHIR transaction bundles and remember them (the practice's EHR, for the test)."""

    received: list[dict[str, Any]] = []
    lock = threading.Lock()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with self.lock:
            self.received.append(json.loads(body))
        answer = json.dumps({"resourceType": "Bundle", "type": "transaction-response", "entry": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/fhir+json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Yield a seeded scratch database, two app servers, two consumers and a stand-in EHR."""
    assert PG and REDIS
    name = f"bedside_scaleout_{os.getpid()}"
    database_url = scratch_database(PG, name)
    StandInEhr.received = []
    ehr = ThreadingHTTPServer(("127.0.0.1", 0), StandInEhr)
    threading.Thread(target=ehr.serve_forever, daemon=True).start()
    queue_name = f"bedside-scaleout-{secrets.token_hex(4)}"
    # The benchmark's production environment, plus what this test watches: its own queue, the
    # stand-in EHR, and mail/SMS on the console (workers in other processes: no locmem outbox).
    env = prod_env(database_url, REDIS, tmp_path / "var")
    env.update(
        BEDSIDE_QUEUE_NAME=queue_name, BEDSIDE_EHR_ALLOW_PRIVATE="1",
        BENCH_EHR_URL=f"http://127.0.0.1:{ehr.server_address[1]}/fhir",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        BEDSIDE_SMS_BACKEND="bedside.triage.sms.ConsoleSmsBackend",
    )
    procs: list[subprocess.Popen[bytes]] = []
    try:
        targets = tmp_path / "targets.json"
        subprocess.run([sys.executable, "-m", "bench.seed", "senders", str(CLIENTS), str(targets)], cwd=ROOT,
                       env=env, check=True, timeout=600, stderr=subprocess.DEVNULL)
        ports = [free_port(), free_port()]
        for i, port in enumerate(ports):
            procs.append(start_web(env, port, workers="1", threads="4", log=tmp_path / f"web{i}.log"))
        for i in range(2):
            procs.append(subprocess.Popen(
                [sys.executable, "manage.py", "run_huey", "--workers", "2", "--worker-type", "thread"],
                cwd=ROOT, env=env, stdout=open(tmp_path / f"worker{i}.log", "wb"),
                stderr=subprocess.STDOUT, start_new_session=True))
        for port in ports:
            wait_http(port, "/api/v1/me", timeout=90)
        yield {"env": env, "ports": ports, "targets": targets, "db": database_url, "logs": tmp_path}
    finally:
        for proc in procs:
            stop(proc)
        ehr.shutdown()
        drop_database(PG, name)
        from redis import Redis

        client = Redis.from_url(REDIS)
        for key in client.scan_iter(f"huey*{queue_name}*"):
            client.delete(key)


def _rows(database_url: str, sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return list(conn.execute(sql).fetchall())


def _drained(database_url: str, timeout: float = 120.0) -> None:
    """Wait until no notification or EHR push is left to send."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        left = _rows(database_url, "SELECT (SELECT count(*) FROM messaging_notification WHERE state IN "
                                   "('pending', 'sending')) + (SELECT count(*) FROM records_pushjob WHERE state IN "
                                   "('pending', 'sending'))")[0][0]
        if left == 0:
            return
        time.sleep(1)
    raise AssertionError(f"the workers left {left} notifications/pushes unsent")


def _cross_server_session(ports: list[int]) -> None:
    """Sign Bob in on the first server and read his inbox through the second."""
    import httpx

    from bedside.core.demo import demo_password

    first, second = (f"http://127.0.0.1:{port}" for port in ports)
    # The load balancer ends TLS and says so; cookies are Secure, so they are carried by hand.
    https = {"X-Forwarded-Proto": "https"}
    with httpx.Client(timeout=30) as http:
        page = http.get(f"{first}/accounts/login/", headers=https)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert page.status_code == 200 and token
        csrf = page.cookies["csrftoken"]
        signed_in = http.post(
            f"{first}/accounts/login/",
            data={"login": "bob@demo.bedside", "password": demo_password(), "csrfmiddlewaretoken": token.group(1)},
            headers={**https, "Referer": f"https://127.0.0.1:{ports[0]}/accounts/login/",
                     "Cookie": f"csrftoken={csrf}"},
        )
        assert signed_in.status_code == 302, signed_in.status_code
        session = signed_in.cookies["sessionid"]
        inbox = http.get(f"{second}/inbox/", headers={**https, "Cookie": f"sessionid={session}"})
        assert inbox.status_code == 200, inbox.status_code
        assert "Sign in" not in inbox.text.split("<main", 1)[-1][:500]


def test_two_servers_two_workers_lose_and_duplicate_nothing(cluster: dict[str, Any]) -> None:
    db = cluster["db"]
    before = _rows(db, "SELECT count(*) FROM messaging_message")[0][0]
    load = subprocess.run(
        [sys.executable, "-m", "bench.loadgen", str(cluster["targets"]), "--ports",
         ",".join(str(p) for p in cluster["ports"]), "--clients", str(CLIENTS), "--warmup", "0",
         "--duration", str(SECONDS)],
        cwd=ROOT, env=cluster["env"], capture_output=True, text=True, check=True, timeout=120,
    )
    result = json.loads(load.stdout.strip().splitlines()[-1])
    created = result["created"]
    assert len(created) > 20, result
    assert result["errors"] == 0, result

    # No lost message: every 201 is stored, and nothing was stored that no client was told of.
    stored = {row[0] for row in _rows(db, f"SELECT id FROM messaging_message WHERE id >= {min(created)} "
                                          "AND kind = 'patient'")}
    assert stored == set(created)
    after = _rows(db, "SELECT count(*) FROM messaging_message")[0][0]
    auto_replies = _rows(db, f"SELECT count(*) FROM messaging_message WHERE id >= {min(created)} "
                             "AND kind = 'auto_reply'")[0][0]
    assert after - before == len(created) + auto_replies

    _drained(db)
    # No duplicated email: each outbox row mailed once (the consumers print every email they send).
    sent_rows = _rows(db, "SELECT count(*) FROM messaging_notification WHERE state = 'sent' AND channel = 'email'")
    # Other apps mail too (moderation, say): count the outbox's own subjects.
    subjects = "|".join(re.escape(s) for s in (SUBJECT, ALERT_SUBJECT, ESCALATION_SUBJECT))
    mailed = sum(len(re.findall(rf"^Subject: (?:{subjects})$", (cluster["logs"] / f"worker{i}.log").read_text(),
                                re.M))
                 for i in range(2))
    assert sent_rows[0][0] > 0
    assert mailed == sent_rows[0][0]
    failed = _rows(db, "SELECT count(*) FROM messaging_notification WHERE state = 'failed'")[0][0]
    assert failed == 0
    # Both consumers took part (the work really was shared).
    assert all(f"Subject: {SUBJECT}" in (cluster["logs"] / f"worker{i}.log").read_text() for i in range(2))

    # No duplicated EHR push: one bundle per job, and each message's Communication once.
    jobs = _rows(db, "SELECT count(*), count(*) FILTER (WHERE state = 'delivered') FROM records_pushjob")[0]
    assert jobs[0] == jobs[1] > 0
    assert len(StandInEhr.received) == jobs[0]
    pushed = [entry["request"]["ifNoneExist"] for bundle in StandInEhr.received for entry in bundle["entry"]
              if entry["resource"]["resourceType"] == "Communication" and entry["request"]["method"] == "POST"]
    assert len(pushed) == len(set(pushed))
    message_jobs = _rows(db, "SELECT count(*) FROM records_pushjob WHERE kind = 'message'")[0][0]
    assert len(pushed) == message_jobs

    # The audit chain written by four processes at once verifies.
    manage = [sys.executable, "manage.py", "audit"]
    subprocess.run([*manage, "checkpoint"], cwd=ROOT, env=cluster["env"], check=True, capture_output=True)
    verified = subprocess.run([*manage, "verify", "--json", "--quiet"], cwd=ROOT, env=cluster["env"],
                              capture_output=True, text=True)
    assert verified.returncode == 0, verified.stdout[-500:]
    assert json.loads(verified.stdout)["ok"] is True

    _cross_server_session(cluster["ports"])
