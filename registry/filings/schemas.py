"""API shapes of filings, their transitions and list filters."""

import marshmallow as ma
from marshmallow import validate

from registry.filings.models import KINDS, MAX_CAPACITY_TPA, STATUSES
from registry.replacement.schemas import ReplacementIn, ReplacementOut
from registry.rest.fields import Id, Month, Province, Text, Timestamp, Tonnes, plain_text
from registry.rest.schema import Schema

CELL_AMPERAGE = validate.Range(min=50, max=1500)
MAX_REPLACEMENTS = 100


class FilingIn(Schema):
    smelter_id = Id(required=True)
    kind = ma.fields.String(required=True, validate=validate.OneOf(KINDS))
    capacity_tpa = Tonnes(MAX_CAPACITY_TPA, minimum=1, required=True)
    effective_month = Month(required=True)
    notes = Text(load_default="")
    cell_count = ma.fields.Integer(strict=True, allow_none=True,
                                   validate=validate.Range(min=1, max=20_000))
    cell_amperage_ka = ma.fields.Integer(strict=True, allow_none=True, validate=CELL_AMPERAGE)
    replacements = ma.fields.List(
        ma.fields.Nested(ReplacementIn), validate=validate.Length(max=MAX_REPLACEMENTS),
        metadata={"description": "new_capacity only: your enterprise's indicators and the tonnes of each "
                                 "this filing uses; approval needs them to sum to capacity x the province's "
                                 "replacement ratio."})


class FilingPatch(FilingIn):
    """A draft or returned filing's editable fields; the smelter stays."""

    class Meta:
        exclude = ("smelter_id",)


class FilingOut(Schema):
    id = ma.fields.Integer()
    smelter_id = ma.fields.Integer()
    enterprise_id = ma.fields.Integer(attribute="smelter.enterprise_id")
    province = ma.fields.String(attribute="smelter.province")
    kind = ma.fields.String()
    capacity_tpa = ma.fields.Integer()
    effective_month = ma.fields.String()
    status = ma.fields.String()
    notes = ma.fields.String()
    decision_note = ma.fields.String(allow_none=True)
    cell_count = ma.fields.Integer(allow_none=True)
    cell_amperage_ka = ma.fields.Integer(allow_none=True)
    replacements = ma.fields.List(ma.fields.Nested(ReplacementOut))
    submitted_at = Timestamp(allow_none=True)
    decided_at = Timestamp(allow_none=True)
    decided_by = ma.fields.Integer(allow_none=True)
    created_by = ma.fields.Integer()
    created_at = Timestamp()
    version = ma.fields.Integer()


class CapPreviewOut(Schema):
    cap_id = ma.fields.Integer()
    name = ma.fields.String()
    scope = ma.fields.String()
    scope_ref = ma.fields.String(allow_none=True)
    basis = ma.fields.String()
    affected = ma.fields.Boolean(metadata={"description": "Whether the filing changes a month of the cap's period."})
    month = ma.fields.String(allow_none=True, metadata={"description": "The affected month where the cap ends "
                                                                      "highest."})
    delta_tpa = ma.fields.Integer()
    usage_tpa = ma.fields.Integer(allow_none=True)
    resulting_tpa = ma.fields.Integer(allow_none=True)
    limit_tpa = ma.fields.Integer()
    excess_tpa = ma.fields.Integer()
    status = ma.fields.String(allow_none=True)
    refused = ma.fields.Boolean()


class ChecksOut(Schema):
    filing_id = ma.fields.Integer()
    status = ma.fields.String()
    checked = ma.fields.Boolean(metadata={"description": "False once the filing is decided: nothing is left to "
                                                         "check."})
    would_pass = ma.fields.Boolean(metadata={"description": "Whether an approval now would pass every rule."})
    refusals = ma.fields.List(ma.fields.Dict(), metadata={
        "description": "What an approval now would refuse, each as the 409 problem the approval would answer "
                       "(code, detail in the request's language, the figures)."})
    caps = ma.fields.List(ma.fields.Nested(CapPreviewOut), metadata={
        "description": "Each covering cap at its worst affected month, before and after approval."})


class TransitionIn(Schema):
    note = Text(load_default=None, allow_none=True)


class DecisionIn(Schema):
    """Reject and return say why."""

    note = ma.fields.String(required=True, validate=[validate.Length(min=1, max=4000), plain_text])


class FilingFilter(Schema):
    status = ma.fields.String(validate=validate.OneOf(STATUSES))
    kind = ma.fields.String(validate=validate.OneOf(KINDS))
    smelter_id = Id(strict=False)
    enterprise_id = Id(strict=False)
    province = Province()
    effective_from = Month()
    effective_to = Month()
