"""REST endpoints: /api/v1/indicators, their transfers, /api/v1/replacement-ratios and the province policies."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from registry.extensions import db
from registry.messages import Template
from registry.permissions import enterprise_scope, require_role, roles_required
from registry.problems import InvalidInput
from registry.replacement import ratios as regions
from registry.replacement import services
from registry.replacement.lineage import lineage
from registry.replacement.models import Indicator, IndicatorTransfer
from registry.replacement.schemas import (
    IndicatorDetailOut,
    IndicatorFilter,
    IndicatorOut,
    IndicatorPatch,
    PolicyIn,
    PolicyOut,
    RatioIn,
    RatioOut,
    TransferIn,
    TransferOut,
)
from registry.rest.etag import ETAG_HEADER, IF_MATCH, check_if_match, with_etag
from registry.rest.paging import PAGINATION_HEADER, PageArgs, paginate
from registry.rest.schema import Blueprint
from registry.roles import ADMIN, DECIDERS, REVIEWER

PROVINCE_MISMATCH = Template("province_mismatch", "Must match the province in the path.")

indicators = Blueprint("indicators", __name__, url_prefix="/api/v1/indicators",
                       description="Replacement indicators (置换指标): tonnes retired by closures, "
                                   "spent once by new capacity, traded between members.")
# One blueprint for the replacement rules of a place: ratios, and a province's indicator policy.
ratios = Blueprint("replacement_ratios", __name__, url_prefix="/api/v1",
                   description="Replacement ratios per province or prefecture (1.25 in the sensitive regions), "
                               "and whether a province lets its indicators be traded out.")


def _detail(indicator: Indicator) -> dict:
    """The indicator's fields, claims and lineage, for IndicatorDetailOut."""
    out = services.with_claims([indicator])[0]
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
        return services.with_claims(items), 200, headers


@indicators.route("/<int:indicator_id>")
class IndicatorItem(MethodView):
    @indicators.response(200, IndicatorDetailOut, headers=ETAG_HEADER)
    def get(self, indicator_id):
        """One indicator with its claims and lineage: origin closure, transfers in and out, consuming filings."""
        found = services.get_indicator(current_user, indicator_id)
        return with_etag(IndicatorDetailOut(), _detail(found))

    @indicators.doc(parameters=[IF_MATCH])
    @indicators.arguments(IndicatorPatch(partial=True))
    @indicators.response(200, IndicatorDetailOut, headers=ETAG_HEADER)
    def patch(self, data, indicator_id):
        """Record the source document and expiry date (reviewer, admin); a filer's own is 403, another's 404."""
        found = services.get_indicator(current_user, indicator_id)
        require_role(current_user, *DECIDERS)  # after the lookup: another member's indicator stays 404
        check_if_match(IndicatorDetailOut().dump(_detail(found)))
        services.update_indicator(found, data, current_user)
        return with_etag(IndicatorDetailOut(), _detail(found))


@indicators.route("/<int:indicator_id>/transfers", methods=["POST"])
@roles_required(REVIEWER, ADMIN)
@indicators.arguments(TransferIn)
@indicators.response(201, TransferOut)
def transfer(data, indicator_id):
    """Record a transfer of tonnes to another member by its route (reviewer, admin).

    More than remains is 409 ``indicator_insufficient``; more than remains once the
    tonnes claimed by filings in review are reserved is 409 ``indicator_reserved``.
    """
    trade = services.transfer(indicator_id, data["to_enterprise_id"], data["tonnes_tpa"], data["note"],
                              current_user, route=data["route"])
    return _transfer_out(trade), 201


def _transfer_out(trade: IndicatorTransfer) -> dict:
    return {"id": trade.id, "from_indicator": db.session.get(Indicator, trade.from_indicator_id),
            "to_indicator": db.session.get(Indicator, trade.to_indicator_id), "tonnes_tpa": trade.tonnes_tpa,
            "route": trade.route, "note": trade.note, "recorded_by": trade.recorded_by, "created_at": trade.created_at}


@ratios.route("/replacement-ratios")
@ratios.response(200, RatioOut(many=True))
def ratio_list():
    """Every province with its replacement ratio (1.0 where none is set), then the prefectures that have one."""
    return regions.ratios()


@ratios.route("/replacement-ratios/<province>")
class RatioItem(MethodView):
    @ratios.response(200, RatioOut)
    def get(self, province):
        """The ratio of a province (two digits) or a prefecture (four: its own, else its province's)."""
        return regions.get_ratio(province)

    @roles_required(ADMIN)
    @ratios.arguments(RatioIn)
    @ratios.response(200, RatioOut)
    def put(self, data, province):
        """Set a province's or a prefecture's replacement ratio, 1 to 10 (admin)."""
        if data.get("province") not in (None, province[:2]):
            raise InvalidInput("province", PROVINCE_MISMATCH())
        out = regions.set_ratio(province, data["ratio"], current_user)
        return out


@ratios.route("/provinces/<province>/indicator-policy")
class PolicyItem(MethodView):
    @ratios.response(200, PolicyOut)
    def get(self, province):
        """Whether the province lets its indicators be traded out (default: yes)."""
        return regions.get_policy(province)

    @roles_required(ADMIN)
    @ratios.arguments(PolicyIn)
    @ratios.response(200, PolicyOut)
    def put(self, data, province):
        """Allow or forbid trading the province's indicators out (admin)."""
        return regions.set_policy(province, data["trade_out_allowed"], current_user)
