"""The SMTP surface: envelope and MIME abuse get a clear 4xx/5xx, nothing is stored, nothing crashes."""

from __future__ import annotations

import os
import random
import signal
import smtplib
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import mail

from bedside.audit.models import AuditEvent
from bedside.messaging.models import Message, Thread
from bedside.records.mail.server import mail_controller
from bedside.records.mail.tests.conftest import (
    RIVERSIDE,
    Mailer,
    MainThreadRunner,
    email,
    free_port,
)

ROOT = Path(__file__).resolve().parents[4]


def _nothing_stored() -> bool:
    return not Thread.objects.exists() and not Message.objects.exists() and mail.outbox == []


def test_the_greeting_offers_size_and_refuses_a_declared_oversize(smtp, demo, settings):
    replies = smtp.raw([b"EHLO client.example\r\n"])
    assert replies[0].startswith(b"250 ")
    exchange = smtp.send(email(), mail_options=[f"SIZE={settings.BEDSIDE_SMTP_MAX_BYTES + 1}"])
    assert exchange.mail[0] == 552
    assert _nothing_stored()


def test_oversized_data_is_refused_with_552(demo, settings, django_capture_on_commit_callbacks):
    settings.BEDSIDE_SMTP_MAX_BYTES = 64 * 1024
    runner = MainThreadRunner(django_capture_on_commit_callbacks)
    port = free_port()
    controller = mail_controller(host="127.0.0.1", port=port, runner=runner)
    controller.start()
    try:
        exchange = Mailer(port, runner).send(email(body=("All fine here. " * 8 + "\n") * 1000))
    finally:
        controller.stop()
    assert exchange.data_code == 552
    assert _nothing_stored()


def test_too_many_recipients_get_452(smtp, demo, settings):
    exchange = smtp.send(email(), to=[RIVERSIDE] * (settings.BEDSIDE_SMTP_MAX_RECIPIENTS + 1))
    codes = [code for code, _ in exchange.rcpt]
    assert codes[:-1] == [250] * settings.BEDSIDE_SMTP_MAX_RECIPIENTS and codes[-1] == 452


@pytest.mark.parametrize(
    "recipient",
    ["nobody@bedside.localhost", "riverside-family-medicine@example.org", "lakeside-orthopedics@bedside.localhost.evil"],
)
def test_unknown_mailboxes_are_refused_at_rcpt(smtp, demo, recipient):
    exchange = smtp.send(email(to=recipient), to=[recipient])
    assert exchange.rcpt[0][0] == 550
    assert _nothing_stored()


@pytest.mark.parametrize(
    "line",
    [
        b"MAIL FROM:<bob@demo.bedside\rBcc: eve@example.org>\r\n",
        b"MAIL FROM:<bob@demo.bedside,eve@example.org>\r\n",
        b"MAIL FROM:<bob smith@demo.bedside>\r\n",
    ],
)
def test_cr_lf_and_lists_in_the_envelope_sender_are_refused(smtp, demo, line):
    replies = smtp.raw([b"EHLO client.example\r\n", line])
    assert replies[1][:1] == b"5", replies


def test_a_command_smuggled_after_a_bare_lf_is_checked_like_any_other(smtp, demo):
    replies = smtp.raw([b"EHLO client.example\r\n", b"MAIL FROM:<bob@demo.bedside>\nRCPT TO:<eve@example.org>\r\n", b"NOOP\r\n"])
    assert replies[1].startswith(b"250") and replies[2].startswith(b"550"), replies


def test_cr_lf_in_the_recipient_is_refused(smtp, demo):
    replies = smtp.raw([
        b"EHLO client.example\r\n", b"MAIL FROM:<bob@demo.bedside>\r\n",
        b"RCPT TO:<riverside-family-medicine@bedside.localhost\rBcc: eve@example.org>\r\n",
    ])
    assert replies[2][:1] == b"5", replies


def _raw(headers: str, body: str = "I have a question.") -> bytes:
    return (headers.replace("\n", "\r\n") + "\r\n" + body + "\r\n").encode("utf-8")


def _garbage(size: int) -> bytes:
    noise = random.Random(4).randbytes(size).replace(b"\r", b"").replace(b"\n", b"").replace(b"\x00", b"")
    return b"".join(noise[i:i + 70] + b"\r\n" for i in range(0, len(noise), 70))


@pytest.mark.parametrize(
    ("data", "code"),
    [
        # Header injection: an encoded CR/LF that would add a header when the value is reused.
        (_raw(f"From: bob@demo.bedside\nTo: {RIVERSIDE}\nSubject: =?utf-8?q?Hi=0D=0ABcc:_eve@example.org?=\n"), 550),
        (_raw(f"From: =?utf-8?q?Bob=0D=0ABcc:_eve@x.org?= <bob@demo.bedside>\nTo: {RIVERSIDE}\nSubject: Hi\n"), 550),
        (_raw(f"From: bob@demo.bedside\nFrom: eve@example.org\nTo: {RIVERSIDE}\nSubject: Hi\n"), 550),
        (_raw(f"From: bob@demo.bedside, eve@example.org\nTo: {RIVERSIDE}\nSubject: Hi\n"), 550),
        (_raw(f"To: {RIVERSIDE}\nSubject: no sender\n"), 550),
        (_raw(f"From: not an address\nTo: {RIVERSIDE}\nSubject: Hi\n"), 550),
        (_garbage(4000), 550),
        (_garbage(4000).replace(b"\r\n", b"") + b"\r\n", 500),  # one 4000-byte line
        (b"\xff\xfe\x00G\x00a\x00r\x00b\x00a\x00g\x00e\r\n", 550),
    ],
    ids=["subject-crlf", "from-crlf", "two-from", "two-addresses", "no-from", "bad-from", "garbage", "long-line", "nul-bytes"],
)
def test_malformed_mail_is_rejected_cleanly(smtp, pat_bob, data, code):
    exchange = smtp.send(data)
    assert exchange.data_code == code, exchange.data
    assert _nothing_stored()
    assert not AuditEvent.objects.filter(action__startswith="mail.").exists()
    # The server is still up and well after the rejection.
    assert smtp.send(email()).data_code == 250


def _nested_multipart(depth: int) -> bytes:
    head = f"From: bob@demo.bedside\r\nTo: {RIVERSIDE}\r\nSubject: bomb\r\nMIME-Version: 1.0\r\n"
    parts = [head]
    for level in range(depth):
        parts.append(f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n--b{level}\r\n')
    parts.append("Content-Type: text/plain\r\n\r\nhello\r\n")
    for level in reversed(range(depth)):
        parts.append(f"--b{level}--\r\n")
    return "".join(parts).encode("ascii")


@pytest.mark.parametrize("depth", [10, 2000])
def test_nested_multipart_bombs_are_rejected(smtp, pat_bob, depth):
    exchange = smtp.send(_nested_multipart(depth))
    assert exchange.data_code == 554
    assert _nothing_stored()


def test_a_wide_multipart_bomb_is_rejected(smtp, pat_bob):
    parts = "".join(f"--b\r\nContent-Type: text/plain\r\n\r\npart {i}\r\n" for i in range(500))
    data = (
        f"From: bob@demo.bedside\r\nTo: {RIVERSIDE}\r\nSubject: wide\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/mixed; boundary="b"\r\n\r\n{parts}--b--\r\n'
    ).encode("ascii")
    assert smtp.send(data).data_code == 554
    assert _nothing_stored()


def test_an_internal_error_is_a_temporary_failure_not_a_leak(smtp, pat_bob, monkeypatch):
    def boom(**kwargs: object) -> None:
        raise RuntimeError("secret detail bob@demo.bedside")

    monkeypatch.setattr("bedside.records.mail.server.mail_receive", boom)
    exchange = smtp.send(email())
    assert exchange.data_code == 451
    assert b"secret" not in exchange.data[1] and b"bob" not in exchange.data[1]


# --- processes --------------------------------------------------------------------------------


def _wait_for_smtp(port: int, proc: subprocess.Popen[bytes], seconds: float = 60) -> bytes:
    deadline = time.time() + seconds
    while time.time() < deadline:
        assert proc.poll() is None, "the process exited early"
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
                code, banner = client.ehlo()
                assert code == 250
                return banner
        except (TimeoutError, ConnectionRefusedError, smtplib.SMTPServerDisconnected):
            time.sleep(0.2)
    raise AssertionError("no SMTP server came up")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    # Embedded defaults only (SQLite, SqliteHuey under tmp_path): never the CI's shared Redis or database.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST", "DJANGO_", "BEDSIDE_", "REDIS_", "DATABASE_", "TEST_DATABASE"))}
    env.update(BEDSIDE_VAR_DIR=str(tmp_path), PYTHONUNBUFFERED="1", **extra)
    return env


def test_the_smtpd_command_serves_and_stops_on_ctrl_c(tmp_path):
    port = free_port()
    env = _env(tmp_path, DJANGO_SETTINGS_MODULE="config.settings.test")
    proc = subprocess.Popen([sys.executable, "manage.py", "smtpd", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _wait_for_smtp(port, proc)
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert b"listening on 127.0.0.1:" in out and b"smtpd stopped" in out


def test_bedside_serve_starts_the_mail_server_and_ctrl_c_stops_everything(tmp_path):
    web, smtp_port = free_port(), free_port()
    while smtp_port == web:
        smtp_port = free_port()
    env = _env(tmp_path, DJANGO_SETTINGS_MODULE="config.settings.dev", PORT=str(web),
               BEDSIDE_SMTP_PORT=str(smtp_port), WEB_CONCURRENCY="1")
    proc = subprocess.Popen([sys.executable, "-m", "bedside.cli", "serve"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        try:
            _wait_for_smtp(smtp_port, proc, seconds=90)
        except AssertionError:
            os.killpg(proc.pid, signal.SIGKILL)
            raise AssertionError(proc.communicate(timeout=10)[0].decode(errors="replace")[-3000:]) from None
        # Ctrl-C in a terminal signals the whole foreground process group.
        os.killpg(proc.pid, signal.SIGINT)
        out, _ = proc.communicate(timeout=40)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert b"bedside stopped." in out
    assert f"smtp://127.0.0.1:{smtp_port}".encode() in out
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", smtp_port), timeout=2).close()


def test_the_smtpd_command_says_clearly_when_its_port_is_taken(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = _env(tmp_path, DJANGO_SETTINGS_MODULE="config.settings.test")
        result = subprocess.run([sys.executable, "manage.py", "smtpd", "--port", str(port)], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"Cannot listen on 127.0.0.1:{port}" in result.stderr and "BEDSIDE_SMTP_PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_bedside_serve_keeps_serving_when_the_mail_port_is_taken(tmp_path):
    log = tmp_path / "serve.log"
    with socket.socket() as busy, open(log, "wb") as sink:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        smtp_port = busy.getsockname()[1]
        web = free_port()
        env = _env(tmp_path, DJANGO_SETTINGS_MODULE="config.settings.dev", PORT=str(web),
                   BEDSIDE_SMTP_PORT=str(smtp_port), WEB_CONCURRENCY="1")
        proc = subprocess.Popen([sys.executable, "-m", "bedside.cli", "serve"], cwd=ROOT, env=env,
                                stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.time() + 90
            while b"mail server exited" not in log.read_bytes() and time.time() < deadline:
                assert proc.poll() is None, log.read_bytes().decode(errors="replace")[-3000:]
                time.sleep(0.2)
            time.sleep(1)
            assert proc.poll() is None, "serve stopped because the mail server could not start"
            socket.create_connection(("127.0.0.1", web), timeout=5).close()  # the web server still answers
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(timeout=40)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    out = log.read_bytes()
    assert b"mail server exited" in out and b"keep running" in out
    assert b"BEDSIDE_SMTP_PORT" in out and b"bedside stopped." in out
