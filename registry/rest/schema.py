"""The base schema and blueprint of the API: every validation message is a coded message.

marshmallow and webargs write English sentences; the schemas here swap
each field's and validator's messages for ``registry.messages`` templates
when a field is bound, so a 422 reads in the request's language (and in the
page's, where a web form loads through the same schema).
"""

from __future__ import annotations

from typing import Any, ClassVar

import flask
import flask_smorest
import marshmallow as ma
from marshmallow import validate
from webargs.flaskparser import FlaskParser, abort

from registry.messages import Message, Template

# marshmallow's own sentences ("Missing data for required field.") say neither what is wrong nor
# how to put it right: each says what to send (GOV.UK's "Enter the ..." style).
REQUIRED = Template("required", "Enter a value for this field.")
NULL = Template("null", "Enter a value for this field: it cannot be empty (null).")
INVALID = Template("invalid_value", "Enter a valid value for this field.")
INVALID_STRING = Template("invalid_string", "Enter text here (a JSON string).")
INVALID_INTEGER = Template("invalid_integer", "Enter a whole number, such as 120000.")
INVALID_NUMBER = Template("invalid_number", "Enter a number, such as 1.25.")
NUMBER_TOO_LARGE = Template("number_too_large", "Enter a smaller number.")
SPECIAL_NUMBER = Template("special_number", "Enter a number: NaN and infinity are not accepted.")
INVALID_BOOLEAN = Template("invalid_boolean", "Enter true or false.")
INVALID_LIST = Template("invalid_list", "Send a list here (a JSON array).")
INVALID_MAPPING = Template("invalid_mapping", "Send an object here (a JSON object).")
INVALID_DATE = Template("invalid_date", "Enter a date as YYYY-MM-DD, such as 2027-01-31.")
INVALID_URL = Template("invalid_url", "Enter a web address starting with https:// or http://.")
INVALID_DATETIME = Template("invalid_datetime",
                            "Enter a date and time with its time zone, such as 2027-01-31T08:00:00Z.")
INVALID_TYPE = Template("invalid_type", "Send an object here (a JSON object).")
UNKNOWN_FIELD = Template("unknown_field", "This field is not accepted here: check its name.")
INVALID_JSON = Template("invalid_json", "The body is not valid JSON.")
AT_LEAST = Template("at_least", "Must be at least %(min)s.")
AT_MOST = Template("at_most", "Must be at most %(max)s.")
BETWEEN = Template("between", "Must be between %(min)s and %(max)s.")
MIN_LENGTH = Template("min_length", "At least %(min)s characters.")
MAX_LENGTH = Template("max_length", "At most %(max)s characters.")
LENGTH_BETWEEN = Template("length_between", "Between %(min)s and %(max)s characters.")
LENGTH_EQUAL = Template("length_equal", "Exactly %(equal)s characters.")
ONE_OF = Template("one_of", "Must be one of: %(choices)s.")

# (field class name, error key) -> template; looked up along the field's class hierarchy.
FIELD_TEMPLATES: dict[tuple[str, str], Template] = {
    ("Field", "required"): REQUIRED, ("Field", "null"): NULL, ("Field", "validator_failed"): INVALID,
    ("String", "invalid"): INVALID_STRING, ("String", "invalid_utf8"): INVALID_STRING,
    ("Integer", "invalid"): INVALID_INTEGER, ("Number", "invalid"): INVALID_NUMBER,
    ("Number", "too_large"): NUMBER_TOO_LARGE, ("Float", "special"): SPECIAL_NUMBER,
    ("Decimal", "special"): SPECIAL_NUMBER, ("Boolean", "invalid"): INVALID_BOOLEAN,
    ("List", "invalid"): INVALID_LIST, ("Mapping", "invalid"): INVALID_MAPPING, ("Nested", "type"): INVALID_TYPE,
    ("Date", "invalid"): INVALID_DATE, ("Date", "format"): INVALID_DATE, ("Url", "invalid"): INVALID_URL,
    ("DateTime", "invalid"): INVALID_DATETIME, ("DateTime", "invalid_awareness"): INVALID_DATETIME,
    ("DateTime", "format"): INVALID_DATETIME,
}


def _field_template(field: ma.fields.Field, key: str, message: Any) -> Message:
    if isinstance(message, Message):  # a message a field or schema already set
        return message
    for cls in type(field).__mro__:
        template = FIELD_TEMPLATES.get((cls.__name__, key))
        if template is not None:
            return template
    return INVALID


def _code_validator(validator: Any) -> None:
    if isinstance(validator, validate.Range):
        validator.message_min, validator.message_max, validator.message_all = AT_LEAST, AT_MOST, BETWEEN
    elif isinstance(validator, validate.Length):
        validator.message_min, validator.message_max = MIN_LENGTH, MAX_LENGTH
        validator.message_all, validator.message_equal = LENGTH_BETWEEN, LENGTH_EQUAL
    elif isinstance(validator, validate.OneOf) and not isinstance(validator.error, Message):
        validator.error = ONE_OF
    elif isinstance(validator, validate.URL):
        validator.error = INVALID_URL


def code_messages(field: ma.fields.Field) -> None:
    """Give ``field`` (and the fields inside it) coded messages instead of marshmallow's English."""
    field.error_messages = {key: _field_template(field, key, message)
                            for key, message in field.error_messages.items()}
    for validator in field.validators:
        _code_validator(validator)
    for inner in (getattr(field, "inner", None), getattr(field, "key_field", None),
                  getattr(field, "value_field", None)):
        if isinstance(inner, ma.fields.Field):
            code_messages(inner)


# What a missing (or null) field asks for, by the field's name in the API.
MISSING = {
    "smelter_id": Template("required_smelter", "Choose the smelter."),
    "kind": Template("required_kind", "Choose the kind: restart, new capacity, curtailment or closure."),
    "capacity_tpa": Template("required_capacity", "Enter the capacity in tonnes per year."),
    "effective_month": Template("required_effective_month", "Enter the effective month."),
    "month": Template("required_month", "Enter the month."),
    "operating_tpa": Template("required_operating", "Enter the operating capacity in tonnes per year."),
    "production_t": Template("required_production", "Enter the month's production in tonnes."),
    "indicator_id": Template("required_indicator", "Choose the replacement indicator."),
    "tonnes_tpa": Template("required_tonnes", "Enter the tonnes per year."),
    "to_enterprise_id": Template("required_to_enterprise", "Choose the enterprise that receives the tonnes."),
    "enterprise_id": Template("required_enterprise", "Choose the enterprise."),
    "name": Template("required_name", "Enter the name."),
    "uscc": Template("required_uscc", "Enter the unified social credit code (18 characters)."),
    "province": Template("required_province", "Choose the province."),
    "baseline_month": Template("required_baseline_month", "Enter the baseline month."),
    "baseline_built_tpa": Template("required_baseline_built", "Enter the built capacity at the baseline."),
    "baseline_operating_tpa": Template("required_baseline_operating",
                                       "Enter the operating capacity at the baseline."),
    "scope": Template("required_scope", "Choose the cap's scope: national, a province or an enterprise."),
    "scope_ref": Template("required_scope_ref", "Choose the province or enterprise the cap covers."),
    "basis": Template("required_basis", "Choose what the cap limits: operating or built capacity."),
    "limit_tpa": Template("required_limit", "Enter the limit in tonnes per year."),
    "period_from": Template("required_period_from", "Enter the first month of the period."),
    "period_to": Template("required_period_to", "Enter the last month of the period."),
    "note": Template("required_note", "Enter a note."),
    "ratio": Template("required_ratio", "Enter the ratio, such as 1.25."),
    "file": Template("required_file", "Choose a file to upload."),
}
GENERIC = {REQUIRED.code, NULL.code}


def specific_messages(messages: dict) -> None:
    """Swap the generic "enter a value" for the one naming the field, in place (nested schemas too)."""
    for name, field_messages in messages.items():
        if isinstance(field_messages, dict):
            specific_messages(field_messages)
        elif isinstance(field_messages, list) and name in MISSING:
            messages[name] = [MISSING[name]() if isinstance(m, Message) and m.code in GENERIC else m
                              for m in field_messages]


class Schema(ma.Schema):
    """Every API schema: coded messages for its fields, its unknown fields and its type."""

    error_messages: ClassVar[dict] = {"type": INVALID_TYPE, "unknown": UNKNOWN_FIELD}

    def on_bind_field(self, field_name: str, field_obj: ma.fields.Field) -> None:
        code_messages(field_obj)

    def handle_error(self, error: ma.ValidationError, data: Any, *, many: bool, **kwargs: Any) -> None:
        """A missing field's message names it ("Enter the effective month"), whichever check found it."""
        if isinstance(error.messages, dict):
            specific_messages(error.messages)


class Parser(FlaskParser):
    """webargs' parser, with a coded message for a body that is not JSON."""

    DEFAULT_VALIDATION_MESSAGE = INVALID

    def _handle_invalid_json_error(self, error: Exception, req: flask.Request, *args: Any, **kwargs: Any):
        abort(400, exc=error, messages={"json": [INVALID_JSON]})

    def load_json(self, req: flask.Request, schema: ma.Schema) -> Any:
        """A body the decoder gives up on is invalid JSON (a 400), not a 500.

        Nesting too deep for it raises RecursionError; an integer of more than
        4,300 digits (Python's int_max_str_digits) raises a plain ValueError.
        """
        try:
            return super().load_json(req, schema)
        except (RecursionError, ValueError) as error:
            return self._handle_invalid_json_error(error, req)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's blueprint, parsing with :class:`Parser`."""

    ARGUMENTS_PARSER = Parser()
