"""API shapes of the public figures (documentation of the JSON the services build)."""

import marshmallow as ma

from registry.rest.fields import Month
from registry.rest.schema import Schema

Int = ma.fields.Integer
WITHHELD = " Null where the disclosure rule withholds it."


def _tpa(description: str = "") -> Int:
    return Int(allow_none=True, metadata={"description": (description + WITHHELD).strip()})


def _utilisation() -> ma.fields.Float:
    return ma.fields.Float(allow_none=True, metadata={"description": "Operating over built capacity." + WITHHELD})


class PipelineRange(Schema):
    from_ = Month(data_key="from", metadata={"description": "First month (default: this month)."})
    to = Month(metadata={"description": "Last month (default: 11 months after 'from'); at most 120 months."})


class NationalOut(Schema):
    suppressed = ma.fields.Boolean(metadata={
        "description": "True when the national total itself fails the rule (too few members, or one dominant): "
                       "then no capacity figure is published, nationally or by province."})
    built_tpa = _tpa("Approved built capacity at the end of the month.")
    operating_tpa = _tpa()
    idle_tpa = _tpa()
    utilisation = _utilisation()
    approved_additions_tpa = _tpa("Approved restarts and new capacity effective in the month, tested on its own.")
    pending_additions_tpa = _tpa("Restarts and new capacity effective in the month in submitted filings not yet "
                                 "decided, tested on its own.")


class ProvinceOut(Schema):
    province = ma.fields.String(metadata={"description": "GB/T 2260 code."})
    suppressed = ma.fields.Boolean(metadata={"description": "True: the figures are null and the province is "
                                                            "counted in other_provinces."})
    built_tpa = _tpa()
    operating_tpa = _tpa()
    idle_tpa = _tpa()
    utilisation = _utilisation()


class PoolOut(Schema):
    provinces = ma.fields.List(ma.fields.String(), metadata={"description": "The provinces pooled in this row."})
    built_tpa = Int()
    operating_tpa = Int()
    idle_tpa = Int()
    utilisation = ma.fields.Float(allow_none=True)


class PublicCapOut(Schema):
    name = ma.fields.String()
    basis = ma.fields.String(metadata={"enum": ["operating_capacity", "built_capacity", "monthly_additions"]})
    limit_tpa = Int()
    period_from = ma.fields.String()
    period_to = ma.fields.String()
    usage_tpa = _tpa("Approved usage in the month.")
    pending_tpa = _tpa("Usage if every submitted filing were approved.")
    headroom_tpa = _tpa("Limit minus approved usage.")
    status = ma.fields.String(metadata={"enum": ["ok", "warning", "breach"]})
    pending_status = ma.fields.String(metadata={"enum": ["ok", "warning", "breach"]})


class RuleOut(Schema):
    min_enterprises = Int(metadata={"description": "Enterprises that must contribute to a published figure."})
    max_share = ma.fields.Float(metadata={"description": "The most one enterprise may hold of a published figure."})


class PublicSummaryOut(Schema):
    month = ma.fields.String()
    national = ma.fields.Nested(NationalOut)
    provinces = ma.fields.List(ma.fields.Nested(ProvinceOut))
    other_provinces = ma.fields.Nested(PoolOut, allow_none=True, metadata={
        "description": "The suppressed provinces pooled, passing the rule itself; null when none is suppressed "
                       "(or the national total is)."})
    caps = ma.fields.List(ma.fields.Nested(PublicCapOut))
    rule = ma.fields.Nested(RuleOut)


class PipelineMonthOut(Schema):
    month = ma.fields.String()
    approved_additions_tpa = _tpa("Approved restarts and new capacity effective in the month.")
    pending_additions_tpa = _tpa("Restarts and new capacity effective in the month in submitted filings.")
