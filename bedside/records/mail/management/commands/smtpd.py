"""`manage.py smtpd`: run the inbound SMTP service until SIGINT/SIGTERM."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bedside.records.mail.server import mail_controller


class Command(BaseCommand):
    help = "Receive patient email for the practices' addresses (docs/mail.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.BEDSIDE_SMTP_HOST)
        parser.add_argument("--port", type=int, default=settings.BEDSIDE_SMTP_PORT)

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()

        def _stop(signum: int, frame: object) -> None:
            stop.set()

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        controller = mail_controller(host=options["host"], port=options["port"])
        try:
            controller.start()
        except OSError as exc:
            # A failed start leaves the controller's event loop open (aiosmtpd 1.4); closed at
            # interpreter exit instead, asyncio may print a traceback over the clear message.
            controller.loop.close()
            raise CommandError(
                f"Cannot listen on {options['host']}:{options['port']} ({exc.strerror or exc}); "
                "set BEDSIDE_SMTP_PORT to a free port."
            ) from exc
        self.stdout.write(
            f"bedside smtpd listening on {options['host']}:{options['port']} "
            f"for <practice>@{settings.BEDSIDE_INBOUND_DOMAIN}",
        )
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            controller.stop()
        self.stdout.write("bedside smtpd stopped.")
