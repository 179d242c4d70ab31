"""Replacement ratios by province and prefecture, and each province's policy on trading indicators out.

MIIT 2015 No. 127: retired capacity at least equal to the new, 1.25 times it in
the sensitive regions; only the Pearl River Delta part of Guangdong is
sensitive, so a prefecture's ratio, where set, comes before its province's.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa

from registry.audit.services import record
from registry.extensions import db
from registry.messages import Template
from registry.permissions import require_role
from registry.problems import InvalidInput, NotFound
from registry.reference.provinces import PROVINCE_CODES, is_prefecture
from registry.replacement.models import PrefectureRatio, ProvinceIndicatorPolicy, ReplacementRatio
from registry.roles import ADMIN

NO_SUCH_PROVINCE = Template("no_such_province", "No such province.")
NO_SUCH_REGION = Template("no_such_region", "No such province or prefecture.")
RATIO_RANGE = Template("ratio_range", "Must be between %(min)s and %(max)s.")
DEFAULT_RATIO = Decimal("1.000")


def ratio_for(province: str, prefecture: str | None = None) -> Decimal:
    """Tonnes to retire per tonne of new capacity: the prefecture's ratio, else the province's, else 1.0."""
    return ratios_for({(province, prefecture)})[(province, prefecture)]


def ratios_for(places: set[tuple[str, str | None]]) -> dict[tuple[str, str | None], Decimal]:
    """:func:`ratio_for` many (province, prefecture) pairs in two queries (lists of filings)."""
    provinces = {province for province, _ in places}
    prefectures = {prefecture for _, prefecture in places if prefecture}
    by_province = dict(db.session.execute(
        sa.select(ReplacementRatio.province, ReplacementRatio.ratio)
        .where(ReplacementRatio.province.in_(provinces))).all()) if provinces else {}
    by_prefecture = dict(db.session.execute(
        sa.select(PrefectureRatio.prefecture, PrefectureRatio.ratio)
        .where(PrefectureRatio.prefecture.in_(prefectures))).all()) if prefectures else {}
    return {(province, prefecture): Decimal(str(by_prefecture.get(prefecture) or by_province.get(province)
                                                or DEFAULT_RATIO))
            for province, prefecture in places}


def ratios() -> list[dict[str, Any]]:
    """Every province with the ratio that applies there, by code, then each prefecture that has its own."""
    rows = dict(db.session.execute(sa.select(ReplacementRatio.province, ReplacementRatio.ratio)).all())
    out = [{"province": code, "ratio": Decimal(str(rows.get(code, DEFAULT_RATIO))), "default": code not in rows}
           for code in sorted(PROVINCE_CODES)]
    out += [{"prefecture": row.prefecture, "province": row.province, "ratio": Decimal(str(row.ratio)),
             "default": False}
            for row in db.session.scalars(sa.select(PrefectureRatio).order_by(PrefectureRatio.prefecture))]
    return out


def get_ratio(code: str) -> dict[str, Any]:
    """The ratio of a province (two digits) or a prefecture (four); 404 for any other code.

    A prefecture without its own ratio shows its province's, with ``default`` true.
    """
    if is_prefecture(code):
        row = db.session.get(PrefectureRatio, code)
        ratio = Decimal(str(row.ratio)) if row else ratio_for(code[:2])
        return {"prefecture": code, "province": code[:2], "ratio": ratio, "default": row is None}
    if code not in PROVINCE_CODES:
        raise NotFound(NO_SUCH_REGION())
    row = db.session.get(ReplacementRatio, code)
    return {"province": code, "ratio": Decimal(str(row.ratio)) if row else DEFAULT_RATIO,
            "default": row is None}


def set_ratio(code: str, ratio: float, actor) -> dict[str, Any]:
    """Set a province's or a prefecture's ratio (admin); bounds 1 to 10, rounded to the three decimals stored."""
    require_role(actor, ADMIN)
    prefecture = is_prefecture(code)
    if not prefecture and code not in PROVINCE_CODES:
        raise NotFound(NO_SUCH_REGION())
    value = Decimal(str(ratio)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    if not Decimal(1) <= value <= Decimal(10):
        raise InvalidInput("ratio", RATIO_RANGE(min=1, max=10))
    model = PrefectureRatio if prefecture else ReplacementRatio
    row = db.session.get(model, code)
    before = {"ratio": str(row.ratio)} if row else {"ratio": str(ratio_for(code[:2])), "default": True}
    if row is None:
        row = PrefectureRatio(prefecture=code, province=code[:2]) if prefecture else ReplacementRatio(province=code)
        db.session.add(row)
    row.ratio = value
    db.session.flush()
    record(actor, "prefecture_ratio" if prefecture else "replacement_ratio", int(code), "update", before=before,
           after={"ratio": str(row.ratio)})
    return get_ratio(code)


# Province indicator policy -----------------------------------------------------------------------

def get_policy(province: str) -> dict[str, Any]:
    """Whether ``province`` lets its indicators be traded out (default: yes); 404 for no such province."""
    if province not in PROVINCE_CODES:
        raise NotFound(NO_SUCH_PROVINCE())
    row = db.session.get(ProvinceIndicatorPolicy, province)
    return {"province": province, "trade_out_allowed": True if row is None else row.trade_out_allowed,
            "default": row is None}


def set_policy(province: str, trade_out_allowed: bool, actor) -> dict[str, Any]:
    """Set a province's indicator policy (admin), with its audit event."""
    require_role(actor, ADMIN)
    before = get_policy(province)
    row = db.session.get(ProvinceIndicatorPolicy, province)
    if row is None:
        row = ProvinceIndicatorPolicy(province=province)
        db.session.add(row)
    row.trade_out_allowed = trade_out_allowed
    db.session.flush()
    record(actor, "province_indicator_policy", int(province), "update",
           before={"trade_out_allowed": before["trade_out_allowed"]}, after={"trade_out_allowed": trade_out_allowed})
    return get_policy(province)


def required_tpa(capacity_tpa: int, ratio: Decimal) -> int:
    """Tonnes of indicators that ``capacity_tpa`` of new capacity needs, rounded up."""
    return int((Decimal(capacity_tpa) * ratio).to_integral_value(rounding=ROUND_CEILING))
