"""Exceptions that services raise; each surface renders them its own way.

The API turns them into RFC 9457 problem details; the web pages show the
``errors`` beside the form fields and the ``detail`` as a message.
"""

from __future__ import annotations

from typing import Any

PROBLEM_BASE = "https://capacity-registry.invalid/problems/"


class Problem(Exception):
    """A refusal with an HTTP status, a stable type and the figures behind it."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(
        self, detail: str, *, errors: dict[str, list[str]] | None = None,
        slug: str | None = None, title: str | None = None, **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.extra = extra
        if slug:
            self.slug = slug
        if title:
            self.title = title
        self.audit: dict[str, Any] | None = None  # an event to keep after rollback

    @property
    def type(self) -> str:
        return PROBLEM_BASE + self.slug

    def to_dict(self) -> dict[str, Any]:
        """The problem+json body."""
        body: dict[str, Any] = {
            "type": self.type, "title": self.title,
            "status": self.status, "detail": self.detail,
        }
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class NotFound(Problem):
    status, slug, title = 404, "not-found", "Not found"


class Forbidden(Problem):
    status, slug, title = 403, "forbidden", "Forbidden"


class Conflict(Problem):
    status, slug, title = 409, "conflict", "Conflict"


class InvalidInput(Problem):
    """422 naming the field: a rule that needs the database, checked in a service."""

    status, slug, title = 422, "validation", "Invalid input"

    def __init__(self, field: str, message: str, **extra: Any) -> None:
        super().__init__(message, errors={field: [message]}, **extra)


class PreconditionFailed(Problem):
    status, slug, title = 412, "precondition-failed", "Precondition failed"


class RuleBroken(Conflict):
    """An approval that would break a domain rule: position, cap or cover."""

    slug, title = "rule-broken", "Approval refused"

    def __init__(self, rule: str, detail: str, **figures: Any) -> None:
        super().__init__(detail, rule=rule, **figures)
        self.rule = rule
        self.figures = figures
