"""REST endpoints: /api/v1/monthly-returns."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from registry.rest.etag import ETAG_HEADER, with_etag
from registry.rest.paging import PAGINATION_HEADER, PageArgs, paginate
from registry.rest.schema import Blueprint
from registry.returns import services
from registry.returns.schemas import ReturnFilter, ReturnIn, ReturnOut

blp = Blueprint("monthly_returns", __name__, url_prefix="/api/v1/monthly-returns",
                description="Monthly returns (月报): what each smelter actually ran and produced.")


@blp.route("")
class MonthlyReturns(MethodView):
    @blp.arguments(ReturnFilter, location="query")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, ReturnOut(many=True), headers=PAGINATION_HEADER)
    def get(self, filters, paging):
        """List returns by month and smelter: the latest revision of each unless ``all_revisions=true``.

        A filer sees its own enterprise's returns only.
        """
        items, headers = paginate(services.returns_for(current_user, filters), **paging)
        return items, 200, headers

    @blp.arguments(ReturnIn)
    @blp.response(201, ReturnOut, headers=ETAG_HEADER)
    def post(self, data):
        """File a return (filer of the smelter's enterprise).

        Filing the same smelter and month again creates the next revision; earlier
        revisions stay readable. A month that has not begun is 422. A return is due by
        RETURN_DUE_DAY (default the 10th) of the following month; after that a missing
        return is an exception in the month's summary.
        """
        monthly_return = services.file_return(data, current_user)
        return with_etag(ReturnOut(), monthly_return, 201)


@blp.route("/<int:return_id>")
@blp.response(200, ReturnOut, headers=ETAG_HEADER)
def get_return(return_id):
    """One revision of a return."""
    return with_etag(ReturnOut(), services.get_return(current_user, return_id))
