"""API shapes of enterprises, smelters and positions."""

import re

import marshmallow as ma
from marshmallow import validate

from registry.members.models import POWER_SOURCES
from registry.messages import Template
from registry.rest.fields import Boolean, Id, Month, Name, Province, Tonnes, valid_uscc
from registry.rest.schema import Schema

MAX_SMELTER_TPA = 20_000_000
PREFECTURE_PATTERN = "^[0-9]{4}$"
NOT_A_PREFECTURE = Template("not_a_prefecture", "Must be a GB/T 2260 prefecture code of four digits, e.g. 4406.")


def valid_prefecture(value: str) -> None:
    """Four ASCII digits; whether they lie in the smelter's province is the service's rule."""
    if not re.fullmatch(r"[0-9]{4}", value):
        raise ma.ValidationError(NOT_A_PREFECTURE())


USCC_PATTERN = "^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"


class EnterpriseIn(Schema):
    uscc = ma.fields.String(required=True, validate=valid_uscc,
                            metadata={"example": "91150000MA0N0D2B75", "pattern": USCC_PATTERN})
    name = Name(required=True)
    name_en = Name(allow_none=True)
    province = Province(required=True)
    active = Boolean(load_default=True)


class EnterprisePatch(EnterpriseIn):
    """Every field optional; only those sent change."""


class EnterpriseOut(Schema):
    id = ma.fields.Integer()
    uscc = ma.fields.String()
    name = ma.fields.String()
    name_en = ma.fields.String(allow_none=True)
    province = ma.fields.String()
    active = ma.fields.Boolean()


class SmelterIn(Schema):
    enterprise_id = Id(required=True)
    name = Name(required=True)
    province = Province(required=True)
    prefecture = ma.fields.String(allow_none=True, validate=valid_prefecture, metadata={
        "pattern": PREFECTURE_PATTERN, "example": "4406",
        "description": "GB/T 2260 prefecture, starting with the province's two digits; its ratio applies first."})
    baseline_month = Month(required=True)
    baseline_built_tpa = Tonnes(MAX_SMELTER_TPA, required=True)
    baseline_operating_tpa = Tonnes(MAX_SMELTER_TPA, required=True)
    cell_amperage_ka = ma.fields.Integer(strict=True, allow_none=True,
                                         validate=validate.Range(min=50, max=1500))
    power_source = ma.fields.String(load_default="grid", validate=validate.OneOf(POWER_SOURCES))


class SmelterPatch(SmelterIn):
    """Every field optional; only those sent change."""


class SmelterOut(Schema):
    id = ma.fields.Integer()
    enterprise_id = ma.fields.Integer()
    name = ma.fields.String()
    province = ma.fields.String()
    prefecture = ma.fields.String(allow_none=True)
    baseline_month = ma.fields.String()
    baseline_built_tpa = ma.fields.Integer()
    baseline_operating_tpa = ma.fields.Integer()
    cell_amperage_ka = ma.fields.Integer(allow_none=True)
    power_source = ma.fields.String()


class SmelterFilter(Schema):
    enterprise_id = Id(strict=False)
    province = Province()


class PositionRange(Schema):
    from_ = Month(data_key="from", metadata={"description": "First month (default: the baseline month)."})
    to = Month(metadata={"description": "Last month (default: this month); at most 600 months."})


class PositionOut(Schema):
    month = ma.fields.String()
    built_tpa = ma.fields.Integer()
    operating_tpa = ma.fields.Integer()
    idle_tpa = ma.fields.Integer()
