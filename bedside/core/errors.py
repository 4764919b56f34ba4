"""Errors that services raise and every surface (web, API, commands) shows the same way."""

from __future__ import annotations


class BedsideError(Exception):
    """Base of user-facing errors: a stable machine code and a clear sentence for a person."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field


class InvalidInput(BedsideError):
    code = "invalid_input"
    status = 400


class NotFound(BedsideError):
    """Raise for a missing object and for one the user may not see alike (no existence oracle)."""

    code = "not_found"
    status = 404

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message)


def object_pk(raw: object) -> int:
    """Return RAW (an id from a URL or a form) as a database id, or raise NotFound.

    Garbage, zero, negatives and ids past the 64-bit range are "not found" like any id the user
    may not see, and never reach the database (where a huge id would overflow, a 500).
    """
    try:
        pk = int(raw)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        raise NotFound() from None
    if pk <= 0 or pk > 2**63 - 1:
        raise NotFound()
    return pk


class Forbidden(BedsideError):
    """Raise when the user is known to be entitled to ask but the guidelines forbid the action."""

    code = "forbidden"
    status = 403


class Conflict(BedsideError):
    code = "conflict"
    status = 409
