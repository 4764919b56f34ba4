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


class Forbidden(BedsideError):
    """Raise when the user is known to be entitled to ask but the guidelines forbid the action."""

    code = "forbidden"
    status = 403


class Conflict(BedsideError):
    code = "conflict"
    status = 409
