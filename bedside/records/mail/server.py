"""The inbound SMTP service (aiosmtpd): envelope checks in the event loop, the database in threads.

It listens on a local port behind the practice's MX (docs/mail.md). Every failure becomes a clear
SMTP reply; no exception reaches the client and nothing of a rejected mail is kept.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import close_old_connections

from bedside.records.mail.ingest import MailRejected, address_clean, mail_receive, recipient_resolve

log = logging.getLogger(__name__)
# aiosmtpd logs every command (addresses included) at INFO/DEBUG and bogus commands at WARNING:
# correspondents' addresses are PHI here, so only its errors reach the logs.
logging.getLogger("mail.log").setLevel(logging.ERROR)

T = TypeVar("T")
Runner = Callable[..., "Future[Any]"]


def thread_runner(workers: int = 4) -> Runner:
    """Return a runner that calls Django code in a thread pool, with fresh database connections."""
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bedside-smtpd")

    def job(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        close_old_connections()
        try:
            return fn(*args, **kwargs)
        finally:
            close_old_connections()

    def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future[Any]:
        return pool.submit(job, fn, *args, **kwargs)

    return run


class MailHandler:
    """aiosmtpd handler: accept mail for `<practice-slug>[+t<token>]@BEDSIDE_INBOUND_DOMAIN` only."""

    def __init__(self, *, runner: Runner | None = None, max_recipients: int | None = None) -> None:
        self.runner = runner or thread_runner()
        self.max_recipients = max_recipients or settings.BEDSIDE_SMTP_MAX_RECIPIENTS

    async def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.wrap_future(self.runner(fn, *args, **kwargs))

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, mail_options: list[str]
    ) -> str:
        # An empty return path (<>) is legal (bounces): accepted, and never answered.
        # aiosmtpd needs a true mail_from before RCPT: the null sender is kept as "<>".
        address = "<>" if address in ("", "<>") else address
        if address != "<>" and address_clean(address) is None:
            return "553 5.1.7 Invalid sender address"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if len(envelope.rcpt_tos) >= self.max_recipients:
            return "452 4.5.3 Too many recipients"
        if address_clean(address) is None:
            return "553 5.1.3 Invalid recipient address"
        try:
            resolved = await self._call(recipient_resolve, address)
        except Exception as exc:
            log.error("smtpd: recipient lookup failed: %s", type(exc).__name__)
            return "451 4.3.0 Temporary failure, please try again later"
        if resolved is None:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or envelope.content or b""
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        peer = session.peer[0] if isinstance(session.peer, tuple) and session.peer else None
        try:
            deliveries = await self._call(
                mail_receive, envelope_from=envelope.mail_from, recipients=list(envelope.rcpt_tos),
                data=data, peer=peer,
            )
        except MailRejected as rejected:
            log.info("smtpd: message rejected: %s", rejected.reply[:3])
            return rejected.reply
        except Exception as exc:
            # Never let an exception (and what it may quote) reach the client: ask to retry later.
            log.error("smtpd: message not processed: %s", type(exc).__name__)
            return "451 4.3.0 Temporary failure, please try again later"
        accepted = sum(1 for d in deliveries if d.accepted)
        log.info("smtpd: message handled (%s accepted, %s refused)", accepted, len(deliveries) - accepted)
        return "250 2.0.0 Message accepted for delivery"


def mail_controller(
    *, host: str | None = None, port: int | None = None, runner: Runner | None = None
) -> Controller:
    """Return (not started) the SMTP server for the settings: size limit, timeouts, no SMTPUTF8."""
    return Controller(
        MailHandler(runner=runner),
        hostname=host or settings.BEDSIDE_SMTP_HOST,
        port=port or settings.BEDSIDE_SMTP_PORT,
        data_size_limit=settings.BEDSIDE_SMTP_MAX_BYTES,
        ident="bedside smtpd",
        timeout=60,
    )
