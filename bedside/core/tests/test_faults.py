"""Fault injection (issue 8 item 6): a worker killed mid-delivery, an SMTP server that is down.

Real components throughout: a real local SMTP server (aiosmtpd), a real local HTTP server standing
in for the EHR, and — for the kill tests — real `run_huey` consumer processes on the test
PostgreSQL database and a real Redis queue, killed with SIGKILL (no clean-up code runs).

The kill tests are skipped without PostgreSQL (BEDSIDE_TEST_DB=postgres, TEST_DATABASE_URL) and
Redis (REDIS_URL); the SMTP-down tests run everywhere.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from bedside.accounts.models import Practice, User
from bedside.messaging import notifications
from bedside.messaging.models import Notification, NotificationChannel, NotificationState
from bedside.messaging.services import thread_create
from bench.common import free_port, prod_env, with_database

ROOT = Path(__file__).resolve().parents[3]
PG = os.environ.get("TEST_DATABASE_URL") if os.environ.get("BEDSIDE_TEST_DB") == "postgres" else None
REDIS = os.environ.get("REDIS_URL")
SKIP = "needs PostgreSQL (BEDSIDE_TEST_DB=postgres, TEST_DATABASE_URL) and Redis (REDIS_URL)"


# ---------------------------------------------------------------------------------------------
# A real SMTP server that can hold the first message (the worker is then stuck mid-send)


class HoldingSmtp:
    """Accept mail; with `hold_first`, keep the first DATA unanswered until `release` is set.

    A message counts as delivered only once the server answered 250 to it, as with a real MTA:
    the held one is refused (451) after release, its client being dead by then.
    """

    def __init__(self, *, hold_first: bool = False) -> None:
        self.hold_first = hold_first
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.delivered: list[str] = []  # one recipient address per accepted message
        self.bodies: list[str] = []
        self._seen = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self._seen += 1
        if self.hold_first and self._seen == 1:
            self.arrived.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)  # poll, so the server's loop keeps serving others
            return "451 4.3.0 Aborted: the client went away"
        message = message_from_bytes(envelope.content)
        self.bodies.append(str(message.get_payload()))
        self.delivered.extend(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[HoldingSmtp, int]]:
    handler = HoldingSmtp(hold_first=True)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    handler.release.set()
    controller.stop()


# ---------------------------------------------------------------------------------------------
# SMTP down → retried with exponential backoff, FAILED after MAX_ATTEMPTS, sent once when back


def _smtp_to(port: int) -> Any:
    return override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                             EMAIL_HOST="127.0.0.1", EMAIL_PORT=port, EMAIL_TIMEOUT=5, EMAIL_USE_TLS=False)


def _last_try_ago(ids: list[int], age: timedelta) -> None:
    """Time travel: pretend the last attempt was AGE ago (the clock is not ours to wait on)."""
    Notification.objects.filter(pk__in=ids).update(claimed_at=timezone.now() - age)


def _try(ids: list[int]) -> list[bool | str]:
    """Run one delivery attempt per id (what the worker's task does); return sent / error name."""
    outcome: list[bool | str] = []
    for pk in ids:
        try:
            outcome.append(notifications.notification_deliver(notification_id=pk))
        except Exception as exc:  # the task re-raises so that Huey logs it
            outcome.append(type(exc).__name__)
    return outcome


def _new_emails(pat_bob: User, riverside: Practice, capture: Callable[..., Any]) -> list[int]:
    closed = free_port()  # bound then released: nobody listens there
    with _smtp_to(closed), capture(execute=True):
        thread_create(patient=pat_bob, practice=riverside, subject="Inhaler", category="prescription",
                      body="I need a refill of my inhaler, please.")
    ids = list(Notification.objects.filter(channel=NotificationChannel.EMAIL).order_by("pk")
               .values_list("pk", flat=True))
    assert ids
    return ids


@pytest.fixture
def riverside(demo: dict[str, User]) -> Practice:
    return Practice.objects.get(name="Riverside Family Medicine")


def test_smtp_down_retries_with_backoff_then_sends_once(
    pat_bob: User, riverside: Practice, django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    # The send on commit found the SMTP port closed: every email is pending after one attempt.
    ids = _new_emails(pat_bob, riverside, django_capture_on_commit_callbacks)
    notes = Notification.objects.filter(pk__in=ids)
    assert set(notes.values_list("state", "attempts", "last_error")) == {
        (NotificationState.PENDING, 1, "ConnectionRefusedError")}

    closed = free_port()
    with _smtp_to(closed):
        # Backoff respected: nothing is due, nor claimable, before a minute has passed…
        _last_try_ago(ids, timedelta(seconds=50))
        assert notifications.notifications_due() == []
        assert _try(ids) == [False] * len(ids)
        # …then it is, the server is still down, and the delay doubles.
        _last_try_ago(ids, notifications.retry_backoff(1) + timedelta(seconds=1))
        assert sorted(notifications.notifications_due()) == ids
        assert _try(ids) == ["ConnectionRefusedError"] * len(ids)
        assert set(notes.values_list("state", "attempts")) == {(NotificationState.PENDING, 2)}
        _last_try_ago(ids, notifications.retry_backoff(1) + timedelta(seconds=1))  # 61 s: too soon now
        assert notifications.notifications_due() == [] and _try(ids) == [False] * len(ids)
        _last_try_ago(ids, notifications.retry_backoff(2) + timedelta(seconds=1))
        assert _try(ids) == ["ConnectionRefusedError"] * len(ids)
    assert [notifications.retry_backoff(n).total_seconds() for n in range(1, 9)] == [
        60, 120, 240, 480, 960, 1920, 3600, 3600]

    # The server is back: each email is delivered once, and later rounds send nothing more.
    handler = HoldingSmtp()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with _smtp_to(port):
            _last_try_ago(ids, notifications.retry_backoff(3) + timedelta(seconds=1))
            assert _try(ids) == [True] * len(ids)
            assert _try(ids) == [False] * len(ids)
            _last_try_ago(ids, timedelta(days=1))
            assert notifications.notifications_due() == [] and _try(ids) == [False] * len(ids)
    finally:
        controller.stop()
    assert set(notes.values_list("state", "attempts")) == {(NotificationState.SENT, 4)}
    assert Counter(handler.delivered) == Counter(notes.values_list("recipient__email", flat=True))
    assert not any("inhaler" in body.lower() for body in handler.bodies)  # still PHI-free


def test_smtp_down_for_good_gives_up_after_max_attempts(
    pat_bob: User, riverside: Practice, django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    ids = _new_emails(pat_bob, riverside, django_capture_on_commit_callbacks)
    with _smtp_to(free_port()):
        for attempt in range(2, notifications.MAX_ATTEMPTS + 1):
            _last_try_ago(ids, notifications.retry_backoff(attempt - 1) + timedelta(seconds=1))
            assert _try(ids) == ["ConnectionRefusedError"] * len(ids), attempt
        _last_try_ago(ids, timedelta(days=1))
        assert notifications.notifications_due() == [] and _try(ids) == [False] * len(ids)
    assert set(Notification.objects.filter(pk__in=ids).values_list("state", "attempts")) == {
        (NotificationState.FAILED, notifications.MAX_ATTEMPTS)}


# ---------------------------------------------------------------------------------------------
# kill -9 a real worker mid-delivery (PostgreSQL + Redis)


class Workers:
    """Start `run_huey` consumers and one-off `manage.py shell` steps on the test database."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, **extra: str) -> subprocess.Popen[bytes]:
        with open(self.logs / f"worker{len(self.procs)}.log", "wb") as log:  # the child keeps its own copy
            proc = subprocess.Popen(
                # No periodic tasks: the test runs the periodic round itself, when it wants it.
                [sys.executable, "manage.py", "run_huey", "--workers", "2", "--worker-type", "thread",
                 "--no-periodic"],
                cwd=ROOT, env={**self.env, **extra}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc

    def shell(self, code: str, **extra: str) -> str:
        done = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT,
                              env={**self.env, **extra}, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    @staticmethod
    def kill9(proc: subprocess.Popen[bytes]) -> None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                self.kill9(proc)


@pytest.fixture
def workers(committed_demo: dict[str, User], tmp_path: Path) -> Iterator[Workers]:
    """Yield a launcher for real consumers (production settings) on this test's committed database."""
    assert PG and REDIS
    database_url = with_database(PG, connection.settings_dict["NAME"])
    queue = f"bedside-faults-{secrets.token_hex(4)}"
    env = prod_env(database_url, REDIS, tmp_path / "var")
    env.update(
        BEDSIDE_QUEUE_NAME=queue, BEDSIDE_EHR_ALLOW_PRIVATE="1",
        # The test process's keys: the workers read what it wrote (encrypted fields, audit chain).
        BEDSIDE_ENCRYPTION_KEYS=",".join(settings.BEDSIDE_ENCRYPTION_KEYS),
        BEDSIDE_AUDIT_SIGNING_KEY=settings.BEDSIDE_AUDIT_SIGNING_KEY,
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        BEDSIDE_SMS_BACKEND="bedside.triage.sms.ConsoleSmsBackend",
    )
    launcher = Workers(env, tmp_path)
    try:
        yield launcher
    finally:
        launcher.stop_all()
        from redis import Redis

        client = Redis.from_url(REDIS)
        for key in client.scan_iter(f"huey*{queue}*"):
            client.delete(key)


# Bob starts a thread and Alice answers twice: several notifications (and EHR pushes) queued at once.
CONVERSATION = """
from bedside.accounts.models import Practice, User
from bedside.messaging.services import message_send, thread_create
bob = User.objects.get(email="bob@demo.bedside")
alice = User.objects.get(email="alice@demo.bedside")
riverside = Practice.objects.get(name="Riverside Family Medicine")
sent = thread_create(patient=bob, practice=riverside, subject="Inhaler", category="prescription",
                     body="I need a refill of my inhaler, please.")
message_send(author=alice, thread=sent.thread, body="Sent to your pharmacy.")
message_send(author=alice, thread=sent.thread, body="Pick it up after 3 pm.")
"""

# What the periodic round does, run now (the next cron minute may be minutes away): find what is
# due or stuck and hand it to the queue, where the fresh worker picks it up.
REDELIVER = """
from bedside.messaging.tasks import redeliver_stuck_notifications
from bedside.records.services import push_due
from bedside.records.tasks import deliver_push
redeliver_stuck_notifications.call_local()
for pk in push_due():
    deliver_push(pk)
"""


def _wait(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class HoldingEhr(BaseHTTPRequestHandler):
    """A FHIR transaction endpoint that commits each Bundle, then holds its answer to the first one.

    Storing before answering is the hard case: the EHR has the data, the worker never hears so.
    Conditional creates are counted by identifier: a resend must match, never create.
    """

    offered: Counter[str] = Counter()  # conditional creates received, by identifier
    matched = 0  # … of which already stored (a duplicate the EHR did not create)
    bundles = 0
    lock = threading.Lock()
    arrived = threading.Event()
    release = threading.Event()

    def do_POST(self) -> None:
        bundle = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        cls = type(self)
        with cls.lock:
            cls.bundles += 1
            first = cls.bundles == 1
            for entry in bundle["entry"]:
                request = entry["request"]
                if request["method"] == "POST":
                    key = f"{request['url']}|{unquote(request['ifNoneExist'].removeprefix('identifier='))}"
                    cls.matched += int(key in cls.offered)
                    cls.offered[key] += 1
        if first:
            cls.arrived.set()
            cls.release.wait(30)
        answer = json.dumps({"resourceType": "Bundle", "type": "transaction-response", "entry": []}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/fhir+json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except OSError:
            pass  # the worker was killed while we held the answer

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def holding_ehr() -> Iterator[str]:
    HoldingEhr.offered, HoldingEhr.matched, HoldingEhr.bundles = Counter(), 0, 0
    HoldingEhr.arrived, HoldingEhr.release = threading.Event(), threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), HoldingEhr)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/fhir"
    HoldingEhr.release.set()
    server.shutdown()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.skipif(not PG or not REDIS, reason=SKIP)
def test_worker_killed_mid_delivery_every_effect_happens_once(
    workers: Workers, smtp: tuple[HoldingSmtp, int], holding_ehr: str,
) -> None:
    """kill -9 a worker while one of its threads is inside an SMTP exchange and the other inside an
    EHR push; after a fresh worker starts, every email and every Bundle lands exactly once.

    The SMTP server holds its first DATA unanswered, the EHR stores its first Bundle and holds the
    answer; the worker (two threads, the production default) runs until both threads are stuck
    there, then gets SIGKILL. The fresh worker sends what was still queued in Redis; the periodic
    round (run here at once) releases the two claims the dead worker left — the notification after
    BEDSIDE_NOTIFICATION_CLAIM_TIMEOUT_SECONDS (1 s here), the push after its claim timeout (time
    travelled in the database) — and the fresh worker sends them.

    The at-least-once windows, honestly:
    - email: a worker killed *after* the SMTP server answered 250 to DATA and *before* its
      `UPDATE … SET state = 'sent'` commits leaves a row that is released and mailed again. That
      window is one local UPDATE plus an audit INSERT (milliseconds) against an SMTP exchange of
      tens to hundreds of milliseconds; SMTP has no idempotency key to close it, and the duplicate
      "you have a new message" email carries no PHI. This test kills inside the exchange (before
      250), where nothing may be lost or doubled.
    - EHR: the push is at-least-once on the wire by design (the killed worker's Bundle was stored,
      its answer lost, so the resend is a real duplicate) and exactly-once in the EHR through the
      `ifNoneExist` identifiers of conditional creates — which is what the stand-in EHR counts.
    """
    from bedside.records import services as records
    from bedside.records.models import PushJob, PushState

    with override_settings(BEDSIDE_EHR_ALLOW_PRIVATE=True):
        records.ehr_endpoint_set(practice=Practice.objects.get(name="Riverside Family Medicine"),
                                 name="Riverside EHR", base_url=holding_ehr, credential="ehr-credential")
    handler, port = smtp
    mail = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port), "BEDSIDE_NOTIFICATION_CLAIM_TIMEOUT_SECONDS": "1"}
    first = workers.start(**mail)
    workers.shell(CONVERSATION, **mail)
    email = Notification.objects.filter(channel=NotificationChannel.EMAIL)
    jobs = PushJob.objects.all()
    assert email.count() >= 3 and jobs.count() >= 3
    assert handler.arrived.wait(30), "the worker never reached the SMTP server"
    assert HoldingEhr.arrived.wait(30), "the worker never reached the EHR"
    workers.kill9(first)  # one thread mid-SMTP (no 250 yet), the other waiting for the EHR's answer
    handler.release.set()
    HoldingEhr.release.set()
    stuck_email = email.get(state=NotificationState.SENDING)
    stuck_job = jobs.get(state=PushState.SENDING)
    delivered_before = len(handler.delivered)
    assert delivered_before == email.filter(state=NotificationState.SENT).count()

    workers.start(**mail)
    _wait(lambda: not email.filter(state=NotificationState.PENDING).exists()
          and not jobs.filter(state=PushState.PENDING).exists(), "the queued emails and pushes")
    # Nobody finishes a dead worker's claims until they time out.
    assert email.get(pk=stuck_email.pk).state == NotificationState.SENDING
    assert jobs.get(pk=stuck_job.pk).state == PushState.SENDING
    # Past the claim timeouts: 1 s for the notification; travel in time for the push (10 minutes).
    time.sleep(1.1)
    jobs.filter(pk=stuck_job.pk).update(claimed_at=timezone.now() - records.push_claim_timeout() - timedelta(seconds=1))
    workers.shell(REDELIVER, **mail)
    _wait(lambda: not email.exclude(state=NotificationState.SENT).exists()
          and not jobs.exclude(state=PushState.DELIVERED).exists(), "every email sent and every push delivered")

    # Email: each outbox row mailed exactly once, the killed one by its second attempt.
    stuck_email.refresh_from_db()
    assert stuck_email.attempts == 2
    assert Counter(handler.delivered) == Counter(email.values_list("recipient__email", flat=True))
    assert not any("inhaler" in body.lower() for body in handler.bodies)

    # EHR: the stuck job's Bundle went twice over the wire (killed, then resent), every other once…
    assert HoldingEhr.bundles == jobs.count() + 1
    # …and the EHR, matching conditional creates by identifier, holds each message once: the resend
    # offered the stuck job's creates again, every other message was offered once.
    resent = _stuck_creates(stuck_job.pk)
    messages = {k: n for k, n in HoldingEhr.offered.items() if k.startswith("Communication|")}
    assert len(messages) == jobs.filter(kind="message").count()
    assert messages == {k: 2 if k in resent else 1 for k in messages}

    # A later round, or a late duplicate enqueue, delivers nothing more.
    assert notifications.notifications_due() == [] and records.push_due() == []
    assert _try(list(email.values_list("pk", flat=True))) == [False] * email.count()
    assert all(records.push_deliver(job_id=pk) is None for pk in jobs.values_list("pk", flat=True))
    assert len(handler.delivered) == email.count() and HoldingEhr.bundles == jobs.count() + 1


def _stuck_creates(job_id: int) -> list[str]:
    """Return the conditional-create keys of one job's Bundle (what a resend offers again)."""
    from bedside.records.models import PushJob
    from bedside.records.push import bundle_for

    job = PushJob.objects.select_related("endpoint__practice").get(pk=job_id)
    bundle = bundle_for(practice=job.endpoint.practice, kind=job.kind, object_id=job.object_id)
    return [f"{e['request']['url']}|{unquote(e['request']['ifNoneExist'].removeprefix('identifier='))}"
            for e in bundle["entry"] if e["request"]["method"] == "POST"]
