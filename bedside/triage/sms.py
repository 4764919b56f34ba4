"""Pluggable text-message backends for on-call alerts, chosen by the dotted class name in
settings.BEDSIDE_SMS_BACKEND (like Django's EMAIL_BACKEND). Texts carry no PHI, ever."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

DEFAULT_BACKEND = "bedside.triage.sms.ConsoleSmsBackend"


class BaseSmsBackend(ABC):
    """Send one short text; raise on failure so the outbox retries it."""

    @abstractmethod
    def send(self, *, to: str, body: str) -> None:
        """Deliver BODY to the phone number TO."""


class ConsoleSmsBackend(BaseSmsBackend):
    """Write texts to the log (development): the number's last digits only."""

    def send(self, *, to: str, body: str) -> None:
        log.warning("SMS to …%s: %s", to[-2:], body)


class LocmemSmsBackend(BaseSmsBackend):
    """Keep texts in memory for tests, like django.core.mail's locmem backend."""

    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, *, to: str, body: str) -> None:
        LocmemSmsBackend.outbox.append((to, body))


def sms_backend() -> BaseSmsBackend:
    path = getattr(settings, "BEDSIDE_SMS_BACKEND", "") or DEFAULT_BACKEND
    backend_class = import_string(path)
    backend = backend_class()
    if not isinstance(backend, BaseSmsBackend):
        raise TypeError(f"BEDSIDE_SMS_BACKEND {path} is not a BaseSmsBackend")
    return backend
