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

REQUIRED = Template("required", "Missing data for required field.")
NULL = Template("null", "Field may not be null.")
INVALID = Template("invalid_value", "Not a valid value.")
INVALID_STRING = Template("invalid_string", "Not a valid string.")
INVALID_INTEGER = Template("invalid_integer", "Not a valid integer.")
INVALID_NUMBER = Template("invalid_number", "Not a valid number.")
NUMBER_TOO_LARGE = Template("number_too_large", "Number too large.")
SPECIAL_NUMBER = Template("special_number", "Special numeric values (nan or infinity) are not permitted.")
INVALID_BOOLEAN = Template("invalid_boolean", "Not a valid boolean.")
INVALID_LIST = Template("invalid_list", "Not a valid list.")
INVALID_MAPPING = Template("invalid_mapping", "Not a valid mapping type.")
INVALID_DATE = Template("invalid_date", "Not a valid date.")
INVALID_DATETIME = Template("invalid_datetime", "Not a valid date and time.")
INVALID_TYPE = Template("invalid_type", "Invalid input type.")
UNKNOWN_FIELD = Template("unknown_field", "Unknown field.")
INVALID_JSON = Template("invalid_json", "Invalid JSON body.")
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
    ("Date", "invalid"): INVALID_DATE, ("Date", "format"): INVALID_DATE,
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


class Schema(ma.Schema):
    """Every API schema: coded messages for its fields, its unknown fields and its type."""

    error_messages: ClassVar[dict] = {"type": INVALID_TYPE, "unknown": UNKNOWN_FIELD}

    def on_bind_field(self, field_name: str, field_obj: ma.fields.Field) -> None:
        code_messages(field_obj)


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
