"""Logs carry no PHI from exception messages and cannot be forged with newlines."""

from __future__ import annotations

import io
import logging

from bedside.core.logging import ControlCharFilter, PhiSafeFormatter
from config.settings import base


def _logger(stream: io.StringIO) -> logging.Logger:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(PhiSafeFormatter("%(levelname)s %(message)s"))
    handler.addFilter(ControlCharFilter())
    logger = logging.getLogger("bedside.test.phi")
    logger.handlers = [handler]
    logger.propagate = False
    return logger


def test_exception_messages_are_withheld_but_frames_and_types_kept():
    stream = io.StringIO()
    log = _logger(stream)
    email, body = "bob" + "@demo.bedside", "crushing chest " + "pain"  # not in the source lines shown
    try:
        try:
            raise KeyError(email)
        except KeyError as inner:
            raise ValueError(f"Key (body)=({body}) already exists") from inner
    except ValueError:
        log.exception("push %s failed", 7)
    out = stream.getvalue()
    assert "push 7 failed" in out
    assert "builtins.ValueError" in out and "builtins.KeyError" in out
    assert "test_exception_messages_are_withheld" in out  # the frame is still there to debug
    assert "chest pain" not in out and "bob@demo.bedside" not in out, out


def test_newlines_cannot_forge_a_log_line():
    stream = io.StringIO()
    _logger(stream).warning("user said %s", "hi\nERROR forged line")
    assert stream.getvalue().count("\n") == 1


def test_every_handler_uses_the_safe_formatter():
    formatter = base.LOGGING["formatters"][base.LOGGING["handlers"]["console"]["formatter"]]
    assert formatter["()"] == "bedside.core.logging.PhiSafeFormatter"
    assert base.LOGGING["loggers"]["huey"]["handlers"] == ["console"]  # Huey's own handler is not added
