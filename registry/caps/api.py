"""REST endpoints: /api/v1/caps and their usage."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from registry.capacity.usage import usage_report
from registry.caps import services
from registry.caps.schemas import (
    CapFilter,
    CapIn,
    CapOut,
    CapPatch,
    UsageOut,
    UsageRange,
)
from registry.messages import Template
from registry.months import count
from registry.permissions import roles_required
from registry.problems import InvalidInput
from registry.rest.etag import ETAG_HEADER, IF_MATCH, check_if_match, with_etag
from registry.rest.paging import PAGINATION_HEADER, PageArgs, paginate
from registry.rest.schema import Blueprint
from registry.roles import ADMIN

TO_BEFORE_FROM = Template("to_before_from", "Must not be before 'from'.")
OUTSIDE_PERIOD = Template("outside_cap_period", "The cap applies from %(from_month)s to %(to_month)s; ask for months "
                                                "within that period.")
TOO_MANY_MONTHS = Template("too_many_months", "Ask for at most %(count)s months.")

blp = Blueprint("caps", __name__, url_prefix="/api/v1/caps",
                description="Caps (总量控制): agreed ceilings and their usage month by month.")

MAX_USAGE_MONTHS = 600


@blp.route("")
class Caps(MethodView):
    @blp.arguments(CapFilter, location="query")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, CapOut(many=True), headers=PAGINATION_HEADER)
    def get(self, filters, paging):
        """List caps (a filer sees those that cover its enterprise)."""
        items, headers = paginate(services.caps_for(current_user, filters.get("active")), **paging)
        return items, 200, headers

    @roles_required(ADMIN)
    @blp.arguments(CapIn)
    @blp.response(201, CapOut, headers=ETAG_HEADER)
    def post(self, data):
        """Create a cap (admin)."""
        cap = services.create_cap(data, current_user)
        return with_etag(CapOut(), cap, 201)


@blp.route("/<int:cap_id>")
class CapItem(MethodView):
    @blp.response(200, CapOut, headers=ETAG_HEADER)
    def get(self, cap_id):
        """One cap."""
        return with_etag(CapOut(), services.get_cap(current_user, cap_id))

    @roles_required(ADMIN)
    @blp.doc(parameters=[IF_MATCH])
    @blp.arguments(CapPatch(partial=True))
    @blp.response(200, CapOut, headers=ETAG_HEADER)
    def patch(self, data, cap_id):
        """Edit or deactivate a cap (admin); caps are never deleted."""
        cap = services.get_cap(current_user, cap_id, for_update=True)
        check_if_match(CapOut().dump(cap))
        services.update_cap(cap, data, current_user)
        return with_etag(CapOut(), cap)


@blp.route("/<int:cap_id>/usage")
@blp.arguments(UsageRange, location="query")
@blp.response(200, UsageOut(many=True))
def usage(query, cap_id):
    """Approved and pending usage, headroom and status per month.

    A filer reads a national or province cap's figures only when they pass the public disclosure rule
    (at least 3 enterprises, none above 75 %); else they are null and the statuses remain."""
    cap = services.get_cap(current_user, cap_id)
    first = query.get("from_") or cap.period_from
    last = query.get("to") or cap.period_to
    if first > last:
        raise InvalidInput("to", TO_BEFORE_FROM())
    for field, month in (("from", first), ("to", last)):
        if not cap.period_from <= month <= cap.period_to:
            raise InvalidInput(field, OUTSIDE_PERIOD(from_month=cap.period_from, to_month=cap.period_to))
    if count(first, last) > MAX_USAGE_MONTHS:
        raise InvalidInput("to", TOO_MANY_MONTHS(count=MAX_USAGE_MONTHS))
    rows = usage_report(cap, first, last)
    return rows if services.usage_disclosed(current_user, cap) else services.withheld_usage(rows)
