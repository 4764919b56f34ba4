"""Logging filters: no forged log lines through user-controlled newlines."""

from __future__ import annotations

import logging


class ControlCharFilter(logging.Filter):
    """Escape CR/LF and other control characters in the formatted message (log injection)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = message.encode("unicode_escape").decode("ascii") if any(
            ord(ch) < 32 and ch != "\t" for ch in message
        ) else message
        record.msg = cleaned
        record.args = None
        return True
