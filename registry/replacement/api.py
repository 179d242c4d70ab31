"""REST endpoints: /api/v1/indicators, their transfers, and /api/v1/replacement-ratios."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from registry.extensions import db
from registry.messages import Template
from registry.permissions import enterprise_scope, roles_required
from registry.problems import InvalidInput
from registry.replacement import services
from registry.replacement.lineage import lineage
from registry.replacement.models import Indicator, IndicatorTransfer
from registry.replacement.schemas import (
    IndicatorDetailOut,
    IndicatorFilter,
    IndicatorOut,
    RatioIn,
    RatioOut,
    TransferIn,
    TransferOut,
)
from registry.rest.etag import ETAG_HEADER, with_etag
from registry.rest.paging import PAGINATION_HEADER, PageArgs, paginate
from registry.rest.schema import Blueprint
from registry.roles import ADMIN, REVIEWER

PROVINCE_MISMATCH = Template("province_mismatch", "Must match the province in the path.")

indicators = Blueprint("indicators", __name__, url_prefix="/api/v1/indicators",
                       description="Replacement indicators (置换指标): tonnes retired by closures, "
                                   "spent once by new capacity, traded between members.")
ratios = Blueprint("replacement_ratios", __name__, url_prefix="/api/v1/replacement-ratios",
                   description="Replacement ratios per province (1.25 in the sensitive regions).")


def _detail(indicator: Indicator) -> dict:
    """The indicator's fields and its lineage, for IndicatorDetailOut."""
    out = {name: getattr(indicator, name) for name in IndicatorOut().fields}
    out["lineage"] = lineage(indicator, enterprise_scope(current_user))
    return out


@indicators.route("")
class Indicators(MethodView):
    @indicators.arguments(IndicatorFilter, location="query")
    @indicators.arguments(PageArgs, location="query")
    @indicators.response(200, IndicatorOut(many=True), headers=PAGINATION_HEADER)
    def get(self, filters, paging):
        """List indicators (a filer sees its own enterprise's), with filters and paging."""
        items, headers = paginate(services.indicators_for(current_user, filters), **paging)
        return items, 200, headers


@indicators.route("/<int:indicator_id>")
@indicators.response(200, IndicatorDetailOut, headers=ETAG_HEADER)
def indicator(indicator_id):
    """One indicator with its lineage: origin closure, transfers in and out, consuming filings."""
    found = services.get_indicator(current_user, indicator_id)
    return with_etag(IndicatorDetailOut(), _detail(found))


@indicators.route("/<int:indicator_id>/transfers", methods=["POST"])
@roles_required(REVIEWER, ADMIN)
@indicators.arguments(TransferIn)
@indicators.response(201, TransferOut)
def transfer(data, indicator_id):
    """Record a transfer of tonnes to another member (reviewer, admin); more than remains is 409."""
    trade = services.transfer(indicator_id, data["to_enterprise_id"], data["tonnes_tpa"], data["note"],
                              current_user)
    return _transfer_out(trade), 201


def _transfer_out(trade: IndicatorTransfer) -> dict:
    return {"id": trade.id, "from_indicator": db.session.get(Indicator, trade.from_indicator_id),
            "to_indicator": db.session.get(Indicator, trade.to_indicator_id), "tonnes_tpa": trade.tonnes_tpa,
            "note": trade.note, "recorded_by": trade.recorded_by, "created_at": trade.created_at}


@ratios.route("")
@ratios.response(200, RatioOut(many=True))
def ratio_list():
    """Every province with its replacement ratio (1.0 where none is set)."""
    return services.ratios()


@ratios.route("/<province>")
class RatioItem(MethodView):
    @ratios.response(200, RatioOut)
    def get(self, province):
        """One province's replacement ratio."""
        return services.get_ratio(province)

    @roles_required(ADMIN)
    @ratios.arguments(RatioIn)
    @ratios.response(200, RatioOut)
    def put(self, data, province):
        """Set a province's replacement ratio, 1 to 10 (admin)."""
        if data.get("province") not in (None, province):
            raise InvalidInput("province", PROVINCE_MISMATCH())
        out = services.set_ratio(province, data["ratio"], current_user)
        return out
