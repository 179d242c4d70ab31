"""API shapes of indicators, their lineage, transfers and replacement ratios."""

import marshmallow as ma
from marshmallow import validate

from registry.filings.models import MAX_CAPACITY_TPA
from registry.replacement.models import ROUTES
from registry.rest.fields import Boolean, Id, Province, Text, Timestamp, Tonnes
from registry.rest.schema import Schema


class ReplacementIn(Schema):
    """One indicator a new-capacity filing draws on."""

    indicator_id = Id(required=True)
    tonnes_tpa = Tonnes(MAX_CAPACITY_TPA, minimum=1, required=True)


class ReplacementOut(Schema):
    indicator_id = ma.fields.Integer()
    tonnes_tpa = ma.fields.Integer()


class IndicatorOut(Schema):
    id = ma.fields.Integer()
    enterprise_id = ma.fields.Integer()
    origin_smelter_id = ma.fields.Integer()
    origin_filing_id = ma.fields.Integer()
    parent_id = ma.fields.Integer(allow_none=True, metadata={
        "description": "The seller's indicator when these tonnes were bought; null for a closure's own."})
    province = ma.fields.String(metadata={"description": "Province of the retired capacity."})
    tonnes_tpa = ma.fields.Integer()
    remaining_tpa = ma.fields.Integer()
    claimed_tpa = ma.fields.Integer(metadata={
        "description": "Tonnes named by filings in review (submitted or awaiting a second approval): reserved."})
    available_tpa = ma.fields.Integer(metadata={
        "description": "remaining_tpa minus claimed_tpa, at least 0: what a transfer or a new filing may take."})
    source_document = ma.fields.String(allow_none=True, metadata={
        "description": "The document that approved the retired capacity."})
    expires_on = ma.fields.Date(allow_none=True, metadata={
        "description": "Last day the indicator may be used: an approval after it is refused (indicator_expired)."})
    created_at = Timestamp()


class IndicatorPatch(Schema):
    """What staff may record on an indicator; send null to clear."""

    source_document = Text(max_length=500, allow_none=True)
    expires_on = ma.fields.Date(allow_none=True)


class TransferStepOut(Schema):
    id = ma.fields.Integer()
    from_indicator_id = ma.fields.Integer()
    tonnes_tpa = ma.fields.Integer()
    route = ma.fields.String()
    note = ma.fields.String()
    created_at = Timestamp()


class ChainStepOut(Schema):
    indicator_id = ma.fields.Integer()
    enterprise_id = ma.fields.Integer()
    enterprise_name = ma.fields.String()
    tonnes_tpa = ma.fields.Integer()
    created_at = Timestamp()
    transfer = ma.fields.Nested(TransferStepOut, allow_none=True)


class OriginOut(Schema):
    filing_id = ma.fields.Integer()
    smelter_id = ma.fields.Integer()
    smelter_name = ma.fields.String()
    province = ma.fields.String()
    effective_month = ma.fields.String()
    capacity_tpa = ma.fields.Integer()


class TransferOutLine(Schema):
    id = ma.fields.Integer()
    to_indicator_id = ma.fields.Integer()
    to_enterprise_id = ma.fields.Integer()
    to_enterprise_name = ma.fields.String()
    tonnes_tpa = ma.fields.Integer()
    route = ma.fields.String()
    note = ma.fields.String()
    created_at = Timestamp()


class UseOut(Schema):
    filing_id = ma.fields.Integer()
    status = ma.fields.String()
    smelter_id = ma.fields.Integer()
    effective_month = ma.fields.String()
    tonnes_tpa = ma.fields.Integer()
    decided_at = Timestamp(allow_none=True)


class LineageOut(Schema):
    origin = ma.fields.Nested(OriginOut, metadata={"description": "The closure the tonnes were retired by."})
    chain = ma.fields.List(ma.fields.Nested(ChainStepOut), metadata={
        "description": "From the origin closure's indicator to this one, each with the transfer into it."})
    transfers_out = ma.fields.List(ma.fields.Nested(TransferOutLine))
    consumed_by = ma.fields.List(ma.fields.Nested(UseOut), metadata={
        "description": "Approved new-capacity filings that used these tonnes."})
    claimed_by = ma.fields.List(ma.fields.Nested(UseOut), metadata={
        "description": "Filings still in the workflow that name this indicator."})


class IndicatorDetailOut(IndicatorOut):
    lineage = ma.fields.Nested(LineageOut)


class IndicatorFilter(Schema):
    enterprise_id = Id(strict=False)
    province = Province()
    origin_smelter_id = Id(strict=False)
    origin_filing_id = Id(strict=False)
    has_remaining = ma.fields.Boolean(metadata={"description": "Only indicators with (true) or without "
                                                               "(false) tonnes left."})


class TransferIn(Schema):
    to_enterprise_id = Id(required=True)
    tonnes_tpa = Tonnes(MAX_CAPACITY_TPA, minimum=1, required=True)
    route = ma.fields.String(required=True, validate=validate.OneOf(ROUTES), metadata={
        "description": "How the tonnes change hands (MIIT 2018 No. 12): merger, intra_group or trade."})
    note = Text(load_default="")


class TransferOut(Schema):
    id = ma.fields.Integer()
    from_indicator = ma.fields.Nested(IndicatorOut)
    to_indicator = ma.fields.Nested(IndicatorOut)
    tonnes_tpa = ma.fields.Integer()
    route = ma.fields.String()
    note = ma.fields.String()
    recorded_by = ma.fields.Integer()
    created_at = Timestamp()


class RatioIn(Schema):
    province = Province()  # optional; must match the path
    ratio = ma.fields.Float(required=True, allow_nan=False, validate=validate.Range(min=1, max=10),
                            metadata={"example": 1.25, "description": "Rounded to three decimals."})


class RatioOut(Schema):
    prefecture = ma.fields.String(metadata={"description": "Only on a prefecture's ratio (four digits)."})
    province = ma.fields.String()
    ratio = ma.fields.Float()
    default = ma.fields.Boolean(metadata={
        "description": "True when no ratio is set here: a province's 1.0, or a prefecture's province's ratio."})


class PolicyIn(Schema):
    trade_out_allowed = Boolean(required=True, metadata={
        "description": "False: a traded indicator from this province covers only new capacity in it."})


class PolicyOut(Schema):
    province = ma.fields.String()
    trade_out_allowed = ma.fields.Boolean()
    default = ma.fields.Boolean(metadata={"description": "True when no policy is set (trading out allowed)."})
