"""``/api/v1/public/...``: the published figures, with no token, cacheable, under the disclosure rule."""

from __future__ import annotations

from flask import jsonify

from registry.extensions import limiter
from registry.months import is_month
from registry.problems import InvalidInput
from registry.public import services
from registry.public.http import MAX_AGE, cacheable, rate_limit
from registry.public.schemas import PipelineMonthOut, PipelineRange, PublicSummaryOut
from registry.rest.fields import MONTH_PATTERN, NOT_A_MONTH
from registry.rest.schema import Blueprint

blp = Blueprint("public", __name__, url_prefix="/api/v1/public",
                description="Published figures, no token needed: national and provincial capacity, national "
                            "caps and the pipeline of additions. A figure is published only when at least 3 "
                            "enterprises contribute and the largest holds at most 75 % of it; suppressed "
                            "provinces are pooled into other_provinces, which passes the same test. "
                            "Responses carry an ETag and may be cached for five minutes.")

CACHE_HEADERS = {
    "ETag": {"description": "Entity tag of the body; send it back in If-None-Match for a 304.",
             "schema": {"type": "string"}},
    "Cache-Control": {"description": f"public, max-age={MAX_AGE}", "schema": {"type": "string"}},
}
IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "required": False,
                 "description": "An ETag from an earlier response: 304 when the figures have not changed.",
                 "schema": {"type": "string"}}
MONTH_IN_PATH = {"name": "month", "in": "path", "required": True, "description": "YYYY-MM (else 422).",
                 "schema": {"type": "string", "pattern": MONTH_PATTERN, "example": "2016-11"}}
PUBLIC_DOC = {"security": [], "parameters": [IF_NONE_MATCH]}


@blp.route("/summaries/<month>")
@limiter.limit(rate_limit)
@blp.doc(security=[], parameters=[MONTH_IN_PATH, IF_NONE_MATCH])
@blp.response(200, PublicSummaryOut, headers=CACHE_HEADERS)
@blp.alt_response(304, description="Not modified: the ETag in If-None-Match is current.", headers=CACHE_HEADERS)
def public_summary(month: str):
    """A month's published figures (``month`` as YYYY-MM, else 422).

    National built, operating and idle capacity and utilisation, the month's
    approved and pending additions, a row per province (null figures and
    ``suppressed`` where the rule withholds them), the pooled other provinces
    and the national caps with their usage and status.
    """
    if not is_month(month):
        raise InvalidInput("month", NOT_A_MONTH())
    return cacheable(jsonify(services.public_summary(month)), shared=True)


@blp.route("/pipeline")
@limiter.limit(rate_limit)
@blp.doc(**PUBLIC_DOC)
@blp.arguments(PipelineRange, location="query")
@blp.response(200, PipelineMonthOut(many=True), headers=CACHE_HEADERS)
@blp.alt_response(304, description="Not modified: the ETag in If-None-Match is current.", headers=CACHE_HEADERS)
def public_pipeline(query):
    """National approved and pending additions per month (default: this month and the next 11).

    A month's figure is null when fewer than 3 enterprises contribute to it or one holds more than 75 %.
    """
    first, last = services.pipeline_range(query.get("from_"), query.get("to"))
    return cacheable(jsonify(services.pipeline(first, last)), shared=True)
