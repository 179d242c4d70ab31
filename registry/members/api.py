"""REST endpoints: /api/v1/enterprises and /api/v1/smelters."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from registry.capacity.positions import positions_by_month
from registry.members import services
from registry.members.schemas import (
    EnterpriseIn,
    EnterpriseOut,
    EnterprisePatch,
    PositionOut,
    PositionRange,
    SmelterFilter,
    SmelterIn,
    SmelterOut,
    SmelterPatch,
)
from registry.messages import Template
from registry.months import add, count, current
from registry.permissions import roles_required
from registry.problems import InvalidInput
from registry.rest.etag import ETAG_HEADER, IF_MATCH, check_if_match, with_etag
from registry.rest.paging import PAGINATION_HEADER, PageArgs, paginate
from registry.rest.schema import Blueprint
from registry.roles import ADMIN

TO_BEFORE_FROM = Template("to_before_from", "Must not be before 'from'.")
TOO_MANY_MONTHS_UNTIL = Template("too_many_months_until", "Ask for at most %(count)s months (up to %(last_month)s).")

enterprises = Blueprint("enterprises", __name__, url_prefix="/api/v1/enterprises",
                        description="Member enterprises (统一社会信用代码 identifies each).")
smelters = Blueprint("smelters", __name__, url_prefix="/api/v1/smelters",
                     description="Smelters, their baselines and positions.")

MAX_POSITION_MONTHS = 600


@enterprises.route("")
class Enterprises(MethodView):
    @enterprises.arguments(PageArgs, location="query")
    @enterprises.response(200, EnterpriseOut(many=True), headers=PAGINATION_HEADER)
    def get(self, paging):
        """List enterprises (a filer sees its own)."""
        items, headers = paginate(services.enterprises_for(current_user), **paging)
        return items, 200, headers

    @roles_required(ADMIN)
    @enterprises.arguments(EnterpriseIn)
    @enterprises.response(201, EnterpriseOut, headers=ETAG_HEADER)
    def post(self, data):
        """Register an enterprise (admin). Duplicate USCC: 409."""
        enterprise = services.create_enterprise(data, current_user)
        return with_etag(EnterpriseOut(), enterprise, 201)


@enterprises.route("/<int:enterprise_id>")
class EnterpriseItem(MethodView):
    @enterprises.response(200, EnterpriseOut, headers=ETAG_HEADER)
    def get(self, enterprise_id):
        """One enterprise."""
        return with_etag(EnterpriseOut(), services.get_enterprise(current_user, enterprise_id))

    @roles_required(ADMIN)
    @enterprises.doc(parameters=[IF_MATCH])
    @enterprises.arguments(EnterprisePatch(partial=True))
    @enterprises.response(200, EnterpriseOut, headers=ETAG_HEADER)
    def patch(self, data, enterprise_id):
        """Edit an enterprise (admin); honours If-Match."""
        enterprise = services.get_enterprise(current_user, enterprise_id)
        check_if_match(EnterpriseOut().dump(enterprise))
        services.update_enterprise(enterprise, data, current_user)
        return with_etag(EnterpriseOut(), enterprise)


@smelters.route("")
class Smelters(MethodView):
    @smelters.arguments(SmelterFilter, location="query")
    @smelters.arguments(PageArgs, location="query")
    @smelters.response(200, SmelterOut(many=True), headers=PAGINATION_HEADER)
    def get(self, filters, paging):
        """List smelters (a filer sees its own enterprise's)."""
        items, headers = paginate(services.smelters_for(current_user, **filters), **paging)
        return items, 200, headers

    @roles_required(ADMIN)
    @smelters.arguments(SmelterIn)
    @smelters.response(201, SmelterOut, headers=ETAG_HEADER)
    def post(self, data):
        """Register a smelter with its baseline (admin)."""
        smelter = services.create_smelter(data, current_user)
        return with_etag(SmelterOut(), smelter, 201)


@smelters.route("/<int:smelter_id>")
class SmelterItem(MethodView):
    @smelters.response(200, SmelterOut, headers=ETAG_HEADER)
    def get(self, smelter_id):
        """One smelter."""
        return with_etag(SmelterOut(), services.get_smelter(current_user, smelter_id))

    @roles_required(ADMIN)
    @smelters.doc(parameters=[IF_MATCH])
    @smelters.arguments(SmelterPatch(partial=True))
    @smelters.response(200, SmelterOut, headers=ETAG_HEADER)
    def patch(self, data, smelter_id):
        """Edit a smelter (admin); a new baseline must fit its approved filings."""
        smelter = services.get_smelter(current_user, smelter_id, for_update=True)
        check_if_match(SmelterOut().dump(smelter))
        services.update_smelter(smelter, data, current_user)
        return with_etag(SmelterOut(), smelter)


@smelters.route("/<int:smelter_id>/positions")
@smelters.arguments(PositionRange, location="query")
@smelters.response(200, PositionOut(many=True))
def positions(query, smelter_id):
    """Built, operating and idle capacity per month, from the baseline and approved filings."""
    smelter = services.get_smelter(current_user, smelter_id)
    first = query.get("from_") or smelter.baseline_month
    last = query.get("to") or max(current(), first)
    if first > last:
        raise InvalidInput("to", TO_BEFORE_FROM())
    if count(first, last) > MAX_POSITION_MONTHS:
        raise InvalidInput("to", TOO_MANY_MONTHS_UNTIL(count=MAX_POSITION_MONTHS,
                                                       last_month=add(first, MAX_POSITION_MONTHS - 1)))
    return [p.to_dict() for p in positions_by_month(smelter, first, last)]
