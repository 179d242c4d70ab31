"""``/api/v1/calendar``: working days, and each year's arrangement (admin loads the next one each November)."""

from __future__ import annotations

from flask import jsonify
from flask.views import MethodView
from flask_login import current_user

from registry.messages import Template
from registry.permissions import roles_required
from registry.problems import NotFound
from registry.rest.schema import Blueprint
from registry.roles import ADMIN
from registry.workdays import services
from registry.workdays.schemas import WorkingDaysArgs, YearIn, YearOut

NO_SUCH_YEAR = Template("calendar_no_such_year", "The calendar has no arrangement for this year.")

blp = Blueprint("calendar", __name__, url_prefix="/api/v1/calendar",
                description="China's working days (State Council holiday arrangements with make-up days), "
                            "from the registry's own table: public notices count 10 of them.")


@blp.route("/working-days")
@blp.arguments(WorkingDaysArgs, location="query")
@blp.doc(responses={"200": {"description": "The working days, as a JSON array of YYYY-MM-DD dates.", "content": {
    "application/json": {"schema": {"type": "array", "items": {"type": "string", "format": "date"}}}}}})
def working_days(args):
    """The working days from ``from`` to ``to`` (both included, at most two years); 409 for a year not loaded."""
    return jsonify([day.isoformat() for day in services.working_days(args["from_"], args["to"])])


@blp.route("/<int(min=2000, max=2100):year>")
class Year(MethodView):
    @blp.response(200, YearOut)
    def get(self, year):
        """A year's holidays on weekdays and make-up working weekends, as loaded."""
        arrangement = services.year_arrangement(year)
        if arrangement is None:
            raise NotFound(NO_SUCH_YEAR())
        return arrangement

    @roles_required(ADMIN)
    @blp.arguments(YearIn)
    @blp.response(200, YearOut)
    def put(self, data, year):
        """Load or replace a year's arrangement (admin), as the State Council publishes it."""
        return services.set_year(year, data["holidays"], data["workdays"], data["source"], current_user)
