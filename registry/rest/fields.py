"""Marshmallow fields and validators shared by the API schemas."""

from __future__ import annotations

import datetime as dt
import re

import marshmallow as ma
from marshmallow import validate

from registry.messages import Template
from registry.months import is_month
from registry.reference.provinces import PROVINCE_CODES
from registry.reference.uscc import uscc_problem

NO_NUL = Template("no_nul", "Must not contain NUL characters.")
CONTROL_CHARACTER = Template("control_character", "Must not contain control characters (found U+%(codepoint)s).")
LONE_SURROGATE = Template("lone_surrogate", "Must not contain unpaired surrogate characters.")
NOT_A_MONTH = Template("not_a_month", "Must be a month YYYY-MM between 1990-01 and 2100-12.")

MAX_ID = 2**63 - 1
NAME_LENGTH = 200
NOTE_LENGTH = 4000
# The same months as registry.months.is_month, so generated clients (and schemathesis) know the range.
MONTH_PATTERN = r"^(199\d|20\d\d|2100)-(0[1-9]|1[0-2])$"


LINE_BREAKS = frozenset("\n\t")  # what a multi-line note may hold of the C0 controls
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")
ASCII_INTEGER = re.compile(r"[+-]?[0-9]+")


def no_nul(value: str) -> None:
    """Refuse NUL characters: PostgreSQL cannot store them in text."""
    if "\x00" in value:
        raise ma.ValidationError(NO_NUL())


def _check_text(value: str, allowed: frozenset[str]) -> None:
    """Refuse what no store or export keeps intact: NUL, other controls, unpaired surrogates."""
    no_nul(value)
    for found in CONTROL.findall(value):
        if found not in allowed:
            raise ma.ValidationError(CONTROL_CHARACTER(codepoint=f"{ord(found):04X}"))
    if SURROGATE.search(value):
        raise ma.ValidationError(LONE_SURROGATE())


def plain_line(value: str) -> None:
    """A one-line text (a name): no control characters at all."""
    _check_text(value, frozenset())


def plain_text(value: str) -> None:
    """A free text (notes): line breaks and tabs pass, other controls do not."""
    _check_text(value, LINE_BREAKS)


def valid_month(value: str) -> None:
    if not is_month(value):
        raise ma.ValidationError(NOT_A_MONTH())


def valid_uscc(value: str) -> None:
    problem = uscc_problem(value)
    if problem:
        raise ma.ValidationError(problem)


def Text(max_length: int = NOTE_LENGTH, **kwargs) -> ma.fields.String:  # noqa: N802
    """A free-text field: bounded, free of controls other than line breaks and tabs."""
    return ma.fields.String(validate=[validate.Length(max=max_length), plain_text], **kwargs)


def Name(**kwargs) -> ma.fields.String:  # noqa: N802
    """A required name of 1 to 200 characters."""
    return ma.fields.String(
        validate=[validate.Length(min=1, max=NAME_LENGTH), plain_line], **kwargs
    )


def Month(**kwargs) -> ma.fields.String:  # noqa: N802
    """A month as ``YYYY-MM``."""
    metadata = {"pattern": MONTH_PATTERN, "example": "2016-11"}
    metadata.update(kwargs.pop("metadata", {}))
    return ma.fields.String(validate=valid_month, metadata=metadata, **kwargs)


def Province(**kwargs) -> ma.fields.String:  # noqa: N802
    """A GB/T 2260 two-digit province code."""
    return ma.fields.String(
        validate=validate.OneOf(sorted(PROVINCE_CODES)),
        metadata={"example": "41"}, **kwargs,
    )


class AsciiInteger(ma.fields.Integer):
    """An integer; as text (a query string) only in the digits 0-9.

    Python's ``int()`` reads any Unicode digit, so ``?page=１２`` or
    ``?smelter_id=١٢`` would pass as 12: a client's bug, refused here.
    """

    def _validated(self, value):
        if isinstance(value, str) and not ASCII_INTEGER.fullmatch(value):
            raise self.make_error("invalid")
        return super()._validated(value)


def Id(**kwargs) -> ma.fields.Integer:  # noqa: N802
    """A database id (strict in JSON bodies; query strings pass ``strict=False``)."""
    kwargs.setdefault("strict", True)
    return AsciiInteger(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def Tonnes(maximum: int, minimum: int = 0, **kwargs) -> ma.fields.Integer:  # noqa: N802
    """Whole tonnes (per annum for ``_tpa``), bounded."""
    return ma.fields.Integer(strict=True, validate=validate.Range(min=minimum, max=maximum), **kwargs)


class Timestamp(ma.fields.DateTime):
    """ISO 8601 in UTC with a ``Z`` (documented as date-time)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class StrictBoolean(ma.fields.Boolean):
    """``truthy={True}`` alone lets 1 and 0 through (1 == True in a set): check the type."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def Boolean(**kwargs) -> ma.fields.Boolean:  # noqa: N802
    """A JSON boolean only: 0, 1 and "yes" are refused, as the document says."""
    return StrictBoolean(**kwargs)
