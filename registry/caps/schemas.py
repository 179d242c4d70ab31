"""API shapes of caps and their usage."""

import marshmallow as ma
from marshmallow import validate

from registry.caps.models import BASES, SCOPES
from registry.rest.fields import Boolean, Month, Name, Text, Tonnes
from registry.rest.schema import Schema

MAX_CAP_TPA = 1_000_000_000


class ScopeRef(ma.fields.String):
    """A province code or an enterprise id; an enterprise id may come as a JSON number."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        return super()._deserialize(value, attr, data, **kwargs)


class CapIn(Schema):
    name = Name(required=True)
    scope = ma.fields.String(required=True, validate=validate.OneOf(SCOPES))
    scope_ref = ScopeRef(
        allow_none=True, validate=validate.Length(max=20),
        metadata={"description": "Province code for a province cap, enterprise id for an "
                                 "enterprise cap, null for a national cap."})
    basis = ma.fields.String(required=True, validate=validate.OneOf(BASES))
    limit_tpa = Tonnes(MAX_CAP_TPA, required=True)
    period_from = Month(required=True)
    period_to = Month(required=True)
    source = Text(load_default="", metadata={"example": "CNIA self-discipline, 2016-12-02"})
    active = Boolean(load_default=True)


class CapPatch(CapIn):
    """Every field optional; only those sent change."""


class CapOut(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    scope = ma.fields.String()
    scope_ref = ma.fields.String(allow_none=True)
    basis = ma.fields.String()
    limit_tpa = ma.fields.Integer()
    period_from = ma.fields.String()
    period_to = ma.fields.String()
    source = ma.fields.String()
    active = ma.fields.Boolean()


class CapFilter(Schema):
    active = ma.fields.Boolean()


class UsageRange(Schema):
    from_ = Month(data_key="from", metadata={
        "description": "First month, within the cap's period (default: period start; else 422)."})
    to = Month(metadata={"description": "Last month, within the cap's period (default: period end; else 422)."})


class UsageOut(Schema):
    month = ma.fields.String()
    approved_tpa = ma.fields.Integer(allow_none=True, metadata={"description": "Null for a filer when withheld."})
    pending_tpa = ma.fields.Integer(allow_none=True)
    limit_tpa = ma.fields.Integer()
    headroom_tpa = ma.fields.Integer(allow_none=True, metadata={
        "description": "limit minus approved usage (negative in breach)."})
    status = ma.fields.String(metadata={"enum": ["ok", "warning", "breach"]})
    pending_status = ma.fields.String(metadata={"enum": ["ok", "warning", "breach"],
                                                "description": "The status if every submitted filing were approved."})
    national_additions_tpa = ma.fields.Integer(
        allow_none=True, metadata={
            "description": "Restarts and new capacity effective this month nationally, approved and pending."})
    surge = ma.fields.Boolean(
        metadata={"description": "Whether national additions this month reach the surge threshold."})
