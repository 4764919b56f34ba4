"""Logging that cannot leak PHI or be forged: no user-controlled newlines, no exception messages.

Exception messages routinely carry the data that caused them — a PostgreSQL IntegrityError names
the duplicate value, a pydantic/FHIR validation error quotes the field, an SMTP error the
address — so tracebacks are logged with their frames and the exception *type* only. This is done
once in the formatter, so every logger (Django's request logger, Huey, our own `log.exception`)
is covered without each call site having to remember it.
"""

from __future__ import annotations

import logging
import traceback
from types import TracebackType

_ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


def _is_control(ch: str) -> bool:
    # C0 (CR, LF, ESC …), DEL, C1 (NEL, 8-bit CSI) and the Unicode line/paragraph separators:
    # each can start a forged line or drive a terminal in some log viewer.
    code = ord(ch)
    return (code < 32 and ch != "\t") or 0x7F <= code <= 0x9F or ch in "\u2028\u2029"


class ControlCharFilter(logging.Filter):
    """Escape CR/LF and other control characters in the formatted message (log injection)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = message.encode("unicode_escape").decode("ascii") if any(
            _is_control(ch) for ch in message
        ) else message
        record.msg = cleaned
        record.args = None
        return True


class PhiSafeFormatter(logging.Formatter):
    """Format tracebacks as frames plus exception type names, never the exception's message."""

    def formatException(self, ei: _ExcInfo) -> str:
        exc_type, exc, _tb = ei
        if exc_type is None or exc is None:
            return ""
        parts: list[str] = []
        seen: set[int] = set()
        current: BaseException | None = exc
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            frames = "".join(traceback.format_tb(current.__traceback__))
            parts.append(f"Traceback (most recent call last):\n{frames}{type(current).__module__}.{type(current).__qualname__}"
                         " (message withheld: it may contain patient data)")
            current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
        return "\n\nWhile handling the above, or caused by it:\n\n".join(reversed(parts))
