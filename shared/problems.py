"""Problems: what the caller sent wrong, answered as RFC 9457 problem details.

Each failure a caller can cause is one exception class with its own status and type, raised
by ``shared/`` and turned into an ``application/problem+json`` answer by the HTTP layer. The
message is a full sentence that says what to change. Field errors name the record and the
field (``transactions[3].dueDate``), so a bad ingest batch comes back with every mistake at
once rather than one per attempt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

PROBLEM_BASE = "https://collections.example/problems/"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One bad value: where it is (``transactions[2].amount``) and what is wrong with it."""

    field: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class Problem(Exception):
    """Base of every client error; ``status`` and ``slug`` identify the kind."""

    status: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "The request is not valid."

    def __init__(
        self,
        detail: str,
        errors: Sequence[FieldError] = (),
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = tuple(errors)
        self.extra = dict(extra or {})

    def to_json(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = [error.to_json() for error in self.errors]
        body.update(self.extra)
        return body


class InvalidRequest(Problem):
    """A query parameter, route value or body that cannot be read."""

    slug = "invalid-request"
    title = "The request has invalid values."


class InvalidLedger(Problem):
    """An ingest batch with records that cannot be right; nothing of it was written."""

    status = 422
    slug = "invalid-ledger"
    title = "The ledger batch has invalid records; nothing was written."


class NotFound(Problem):
    """An unknown company, customer or other resource."""

    status = 404
    slug = "not-found"
    title = "Not found."


class NotReady(Problem):
    """A figure that a nightly job computes has not been computed yet."""

    status = 409
    slug = "not-ready"
    title = "Not computed yet."


class ConfirmationRequired(Problem):
    """An AI draft asked for without the caller's confirmation."""

    status = 428
    slug = "confirmation-required"
    title = "Confirmation required."


class NothingToRemind(Problem):
    """A reminder asked for a customer with nothing overdue to remind of."""

    status = 409
    slug = "nothing-overdue"
    title = "Nothing to remind."


class Unauthorized(Problem):
    status = 401
    slug = "unauthorized"
    title = "Authentication required."
