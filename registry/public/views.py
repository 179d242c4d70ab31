"""The bilingual /public page and its chart: no login, cacheable in the reader's browser."""

from __future__ import annotations

from flask import Blueprint, Response, make_response, render_template

from registry import months
from registry.extensions import limiter
from registry.public import services
from registry.public.charts import pipeline_chart
from registry.public.http import cacheable, rate_limit
from registry.summaries.converters import install_month_converter
from registry.ui.charts import svg_response

bp = Blueprint("public_pages", __name__, url_prefix="/public")
bp.record_once(install_month_converter)


@bp.route("")
@limiter.limit(rate_limit)
def page() -> Response:
    """This month's published figures."""
    return _page(months.current())


@bp.route("/<month:month>")
@limiter.limit(rate_limit)
def month_page(month: str) -> Response:
    """A month's published figures: national totals, national caps, the 12-month pipeline, provinces."""
    return _page(month)


def _page(month: str) -> Response:
    last = months.add(month, services.PIPELINE_MONTHS - 1)
    body = render_template(
        "public/page.html", month=month, summary=services.public_summary(month),
        pipeline=services.pipeline(month, last), last=last,
        previous=months.add(month, -1), following=months.add(month, 1))
    return cacheable(make_response(body), shared=False)


@bp.route("/<month:month>/pipeline.svg", endpoint="pipeline_chart")
@limiter.limit(rate_limit)
def pipeline_chart_svg(month: str) -> Response:
    """The pipeline from ``month`` for 12 months, as the page shows it in its table."""
    rows = services.pipeline(month, months.add(month, services.PIPELINE_MONTHS - 1))
    response = svg_response(pipeline_chart(rows))
    del response.headers["Cache-Control"]
    return cacheable(response, shared=False)
