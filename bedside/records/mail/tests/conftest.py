"""A real aiosmtpd server on a free port, spoken to with smtplib or a raw socket.

The server's database work is handed back to the test's own thread (MainThreadRunner), so it
runs inside the test transaction — on SQLite and PostgreSQL alike, with no flush of the
append-only audit table — while the SMTP conversation runs in a client thread.
"""

from __future__ import annotations

import queue
import smtplib
import socket
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest

from bedside.records.mail.server import mail_controller

RIVERSIDE = "riverside-family-medicine@bedside.localhost"
LAKESIDE = "lakeside-orthopedics@bedside.localhost"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MainThreadRunner:
    """Run the server's jobs on the test thread (its transaction), on-commit callbacks included."""

    def __init__(self, capture: Callable[..., Any]) -> None:
        self.jobs: queue.Queue[tuple[Future[Any], Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = queue.Queue()
        self.capture = capture

    def __call__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        self.jobs.put((future, fn, args, kwargs))
        return future

    def pump_while(self, alive: Callable[[], bool]) -> None:
        while alive() or not self.jobs.empty():
            try:
                future, fn, args, kwargs = self.jobs.get(timeout=0.01)
            except queue.Empty:
                continue
            try:
                with self.capture(execute=True):
                    result = fn(*args, **kwargs)
                future.set_result(result)
            except BaseException as exc:
                future.set_exception(exc)


@dataclass
class Exchange:
    """The server's answers to one SMTP transaction."""

    mail: tuple[int, bytes] = (0, b"")
    rcpt: list[tuple[int, bytes]] = field(default_factory=list)
    data: tuple[int, bytes] = (0, b"")

    @property
    def data_code(self) -> int:
        return self.data[0]


class Mailer:
    def __init__(self, port: int, runner: MainThreadRunner) -> None:
        self.port = port
        self.runner = runner

    def _in_client_thread(self, job: Callable[[], Any]) -> Any:
        box: dict[str, Any] = {}

        def client() -> None:
            try:
                box["result"] = job()
            except BaseException as exc:
                box["error"] = exc

        thread = threading.Thread(target=client)
        thread.start()
        self.runner.pump_while(thread.is_alive)
        thread.join()
        if "error" in box:
            raise box["error"]
        return box["result"]

    def send(
        self, message: EmailMessage | bytes, *, mail_from: str = "bob@demo.bedside",
        to: list[str] | None = None, mail_options: list[str] | None = None,
    ) -> Exchange:
        # SMTP lines end in CRLF; smtplib sends bytes as they are.
        data = message.as_bytes(policy=message.policy.clone(linesep="\r\n")) if isinstance(message, EmailMessage) else message
        recipients = to or [RIVERSIDE]

        def job() -> Exchange:
            exchange = Exchange()
            with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as client:
                client.ehlo()
                exchange.mail = client.mail(mail_from, mail_options or [])
                if exchange.mail[0] != 250:
                    return exchange
                exchange.rcpt = [client.rcpt(address) for address in recipients]
                if not any(code == 250 for code, _ in exchange.rcpt):
                    return exchange
                exchange.data = client.data(data)
            return exchange

        result: Exchange = self._in_client_thread(job)
        return result

    def raw(self, lines: list[bytes]) -> list[bytes]:
        """Send raw command lines (each must end in CRLF); return each reply line."""

        def job() -> list[bytes]:
            replies: list[bytes] = []
            with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
                reader = sock.makefile("rb")
                reader.readline()  # greeting
                for line in lines:
                    sock.sendall(line)
                    reply = reader.readline()
                    while reply[3:4] == b"-":  # multi-line (EHLO)
                        reply = reader.readline()
                    replies.append(reply)
            return replies

        result: list[bytes] = self._in_client_thread(job)
        return result


@pytest.fixture
def smtp(demo: Any, django_capture_on_commit_callbacks: Callable[..., Any]) -> Iterator[Mailer]:
    runner = MainThreadRunner(django_capture_on_commit_callbacks)
    port = free_port()
    controller = mail_controller(host="127.0.0.1", port=port, runner=runner)
    controller.start()
    try:
        yield Mailer(port, runner)
    finally:
        controller.stop()


def email(
    *, sender: str = "Bob Lindqvist <bob@demo.bedside>", to: str = RIVERSIDE, subject: str = "Question",
    body: str = "Hello, a question about my medication.", headers: dict[str, str] | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    return msg
