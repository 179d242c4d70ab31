"""API shapes of monthly returns and their list filters."""

import marshmallow as ma

from registry.rest.fields import Id, Month, Timestamp, Tonnes
from registry.rest.schema import Schema

# No smelter in the world runs 20 Mt/a (the largest run about 6 Mt/a), and a
# month's production cannot exceed a twelfth of that by much: 31 days of 20 Mt/a.
MAX_OPERATING_TPA = 20_000_000
MAX_PRODUCTION_T = 1_700_000


class ReturnIn(Schema):
    smelter_id = Id(required=True)
    month = Month(required=True, metadata={"description": "A past or the current month; future months are 422."})
    operating_tpa = Tonnes(MAX_OPERATING_TPA, required=True,
                           metadata={"description": "Capacity actually operating in the month (t/a)."})
    production_t = Tonnes(MAX_PRODUCTION_T, required=True,
                          metadata={"description": "Tonnes of primary aluminium produced in the month."})


class ReturnOut(Schema):
    id = ma.fields.Integer()
    smelter_id = ma.fields.Integer()
    enterprise_id = ma.fields.Integer()
    month = ma.fields.String()
    operating_tpa = ma.fields.Integer()
    production_t = ma.fields.Integer()
    revision = ma.fields.Integer(metadata={"description": "1 for the first filing of this smelter and month; "
                                                          "each re-filing adds one."})
    submitted_at = Timestamp()
    submitted_by = ma.fields.Integer()
    due_on = ma.fields.Date(metadata={"description": "The last day the return is on time "
                                                     "(RETURN_DUE_DAY of the following month)."})
    late = ma.fields.Boolean(metadata={"description": "Whether this revision was filed after ``due_on``."})


class ReturnFilter(Schema):
    smelter_id = Id(strict=False)
    enterprise_id = Id(strict=False)
    month = Month()
    all_revisions = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Also list earlier revisions; by default only the latest "
                                 "revision of each smelter and month."})
