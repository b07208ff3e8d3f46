"""Rule violations. Each kind maps to one HTTP status in the API layer; `code` is the stable identifier."""

from typing import Any


class DomainError(Exception):
    code = "DOMAIN_ERROR"

    def __init__(self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


class InvalidRequest(DomainError):
    """The request breaks a rule that does not depend on stored state (400)."""

    code = "INVALID_REQUEST"


class NotFound(DomainError):
    """The object does not exist or belongs to someone else (404)."""

    code = "NOT_FOUND"


class Conflict(DomainError):
    """The object's current state forbids the action (409); details carry `current`."""

    code = "CONFLICT"


class Unprocessable(DomainError):
    """The request is well formed but cannot be taken as it stands, e.g. an Idempotency-Key reused (422)."""

    code = "UNPROCESSABLE"


def reason_not_allowed(reason: str, allowed: list[str], why: str) -> InvalidRequest:
    return InvalidRequest(
        f"Reason {reason} is not allowed {why}.",
        code="REASON_NOT_ALLOWED",
        details={"reason": reason, "allowed": allowed},
    )
