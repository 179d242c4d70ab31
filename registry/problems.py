"""Refusals that services raise: a stable code, an HTTP status, a coded message and the figures.

The API turns them into RFC 9457 problem details (``code``, the figures as
members, ``detail`` and ``errors`` in the request's language); the web
pages show the ``errors`` beside the form fields and the message as a
notice. A problem never carries plain text: its message is a
``registry.messages.Message``, so every surface can render it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l

from registry.messages import Message, Template, localize, localize_errors

PROBLEM_BASE = "https://capacity-registry.invalid/problems/"


def _coded(message: Any, where: str) -> Message:
    if not isinstance(message, Message):
        raise TypeError(f"{where} must be a registry.messages.Message, not {type(message).__name__}: {message!r}")
    return message


class Problem(Exception):
    """A refusal with an HTTP status, a stable code and the figures behind it."""

    status: ClassVar[int] = 400
    code: str = "bad_request"
    title: ClassVar[Any] = _l("Bad request")
    template: ClassVar[Template | None] = None  # the message of a subclass that always says the same

    def __init__(self, message: Message | None = None, *, errors: dict[str, list[Message]] | None = None,
                 code: str | None = None, **figures: Any) -> None:
        if message is None and self.template is not None:
            message = self.template(**figures)
        self.message = _coded(message, f"{type(self).__name__}'s message")
        super().__init__(str(self.message))
        self.errors = {field: [_coded(m, f"errors[{field!r}]") for m in messages]
                       for field, messages in (errors or {}).items()}
        if code:
            self.code = code
        self.figures = figures
        self.audit: dict[str, Any] | None = None  # an event to keep after rollback

    @property
    def type(self) -> str:
        return PROBLEM_BASE + self.code.replace("_", "-")

    def to_dict(self) -> dict[str, Any]:
        """The problem+json body, in the current language; figures stay locale-independent."""
        body: dict[str, Any] = {"type": self.type, "title": str(self.title), "status": self.status,
                                "code": self.code, "detail": localize(self.message)}
        if self.errors:
            body["errors"] = localize_errors(self.errors)
        body.update(self.figures)
        return body


class NotFound(Problem):
    status, code, title = 404, "not_found", _l("Not found")


class Forbidden(Problem):
    status, code, title = 403, "forbidden", _l("Forbidden")
    template = Template("role_forbidden", "Your role (%(role)s) may not do this.")


class Unauthorized(Problem):
    status, code, title = 401, "unauthorized", _l("Unauthorized")
    template = Template("token_required", "Send a valid API token: Authorization: Bearer <token>.")


class Conflict(Problem):
    status, code, title = 409, "conflict", _l("Conflict")


class PreconditionFailed(Problem):
    status, code, title = 412, "precondition_failed", _l("Precondition failed")
    template = Template("stale_etag", "The resource changed since you read it: GET it again and reapply your change.")


class UnsupportedMediaType(Problem):
    status, code, title = 415, "unsupported_media_type", _l("Unsupported media type")
    template = Template("json_body_required", "Send the body as application/json (got %(mimetype)s).")


class Invalid(Problem):
    """422: input that cannot be accepted, with ``errors`` naming each field."""

    status, code, title = 422, "validation", _l("Invalid input")


class InvalidInput(Invalid):
    """422 naming one field: a rule that needs the database, checked in a service."""

    def __init__(self, field: str, message: Message, **figures: Any) -> None:
        super().__init__(message, errors={field: [message]}, **figures)


# Approval refusals: each rule of domain.md that an approval can break ---------------------------

class RuleBroken(Conflict):
    """An approval (or baseline change) that would break a domain rule; ``rule`` repeats the code."""

    title = _l("Approval refused")
    later: ClassVar[Template | None] = None  # the message when the breach is in a later month

    def __init__(self, **figures: Any) -> None:
        month, effective = figures.get("month"), figures.get("effective_month")
        template = self.later if self.later is not None and effective and month != effective else self.template
        super().__init__(template(**figures), rule=self.code, **figures)

    label_text: ClassVar[Any] = _l("Approval refused")  # the rule's name, for headings

    @property
    def rule(self) -> str:
        return self.code


class ClosureExceedsBuilt(RuleBroken):
    code, label_text = "closure_exceeds_built", _l("Closure exceeds built capacity")
    template = Template("closure_exceeds_built", "A closure of %(capacity_tpa)s exceeds the %(built_tpa)s built in "
                                                 "%(month)s.")
    later = Template("closure_exceeds_built_later",
                     "A closure of %(capacity_tpa)s exceeds the %(built_tpa)s built in %(month)s (approved filings "
                     "already take effect by %(month)s).")


class CurtailmentExceedsOperating(RuleBroken):
    code, label_text = "curtailment_exceeds_operating", _l("Curtailment exceeds operating capacity")
    template = Template("curtailment_exceeds_operating",
                        "A curtailment of %(capacity_tpa)s exceeds the %(operating_tpa)s operating in %(month)s.")
    later = Template("curtailment_exceeds_operating_later",
                     "A curtailment of %(capacity_tpa)s exceeds the %(operating_tpa)s operating in %(month)s "
                     "(approved filings already take effect by %(month)s).")


class RestartExceedsIdle(RuleBroken):
    code, label_text = "restart_exceeds_idle", _l("Restart exceeds idle capacity")
    template = Template("restart_exceeds_idle",
                        "This restart of %(capacity_tpa)s would leave operating capacity above built capacity in "
                        "%(month)s: only %(idle_tpa)s is idle then.")
    later = Template("restart_exceeds_idle_later",
                     "This restart of %(capacity_tpa)s would leave operating capacity above built capacity in "
                     "%(month)s: only %(idle_tpa)s is idle then (approved filings already take effect by "
                     "%(month)s).")


class OperatingExceedsBuilt(RuleBroken):
    code, label_text = "operating_exceeds_built", _l("Operating capacity would exceed built capacity")
    template = Template("operating_exceeds_built",
                        "This %(kind)s of %(capacity_tpa)s would leave operating capacity above built capacity in "
                        "%(month)s: only %(idle_tpa)s is idle then.")
    later = Template("operating_exceeds_built_later",
                     "This %(kind)s of %(capacity_tpa)s would leave operating capacity above built capacity in "
                     "%(month)s: only %(idle_tpa)s is idle then (approved filings already take effect by "
                     "%(month)s).")


class BaselineConflictsWithApprovals(RuleBroken):
    code, label_text = "baseline_conflicts_with_approvals", _l("Baseline conflicts with approved filings")
    template = Template("baseline_conflicts_with_approvals",
                        "With this baseline the approved filings leave %(operating_tpa)s operating of %(built_tpa)s "
                        "built in %(month)s.")


class CapExceeded(RuleBroken):
    code, label_text = "cap_exceeded", _l("Cap exceeded")
    template = Template("cap_exceeded",
                        "Approving this filing would take cap “%(cap_name)s” to %(resulting_tpa)s in %(month)s, "
                        "%(excess_tpa)s above its limit of %(limit_tpa)s.")


class ShortCover(RuleBroken):
    """New capacity without enough replacement indicators: in total, or one indicator lacking tonnes."""

    code, label_text = "short_cover", _l("Not enough replacement indicators")
    template = Template("short_cover",
                        "New capacity of %(capacity_tpa)s needs %(required_tpa)s of replacement indicators (ratio "
                        "%(ratio)s in %(province)s); the filing offers %(offered_tpa)s, %(shortfall_tpa)s short.")
    lacking_template: ClassVar[Template] = Template(
        "short_cover_indicator",
        "Indicator #%(indicator_id)s has %(indicator_remaining_tpa)s left, less than the %(indicator_wanted_tpa)s "
        "this filing would use: %(indicator_short_tpa)s short.")

    def __init__(self, **figures: Any) -> None:
        if "indicator_id" in figures:
            figures["indicator_short_tpa"] = figures["indicator_wanted_tpa"] - figures["indicator_remaining_tpa"]
            Problem.__init__(self, self.lacking_template(**figures), rule=self.code, **figures)
        else:
            super().__init__(**figures)


class IndicatorAlreadyUsed(RuleBroken):
    """A closure's amendment that would take back tonnes its indicator no longer holds."""

    code, label_text = "indicator_already_used", _l("Indicator already used")
    template = Template("indicator_already_used",
                        "The indicator #%(indicator_id)s of this closure has %(remaining_tpa)s of its %(tonnes_tpa)s "
                        "left (used or transferred): the amendment would take back %(withdrawn_tpa)s.")


class IndicatorExpired(RuleBroken):
    """New capacity naming an indicator past its expiry date (MIIT 2018 No. 12)."""

    code, label_text = "indicator_expired", _l("Indicator expired")
    template = Template("indicator_expired",
                        "Indicator #%(indicator_id)s expired on %(expires_on)s: it cannot cover new capacity any more.")


class IndicatorProvinceRestricted(RuleBroken):
    """A traded indicator from a province that keeps trade inside its borders, named outside it (Henan, 2017)."""

    code, label_text = "indicator_province_restricted", _l("Indicator restricted to its province")
    template = Template("indicator_province_restricted",
                        "Indicator #%(indicator_id)s was traded, and %(province)s keeps traded indicators inside its "
                        "borders: it can cover only new capacity in %(province)s.")


def rule_label(code: str | None) -> Any:
    """The name of the rule with this code (also the codes of earlier versions, for old history)."""
    names = {cls.code: cls.label_text for cls in RuleBroken.__subclasses__()}
    names["replacement_short"] = names["short_cover"]  # the code before 2026-12
    return names.get(code or "", code or "")
