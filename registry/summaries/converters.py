"""The ``<month:...>`` URL converter: YYYY-MM from 1990-01 to 2100-12, else 404."""

from __future__ import annotations

from werkzeug.routing import BaseConverter

from registry.rest.api import api

MONTH_PATTERN = r"(?:199\d|20\d\d|2100)-(?:0[1-9]|1[0-2])"


class MonthConverter(BaseConverter):
    regex = MONTH_PATTERN


def install_month_converter(state) -> None:
    """Blueprint ``record_once`` hook: the converter for the app, documented for the API."""
    if "month" in state.app.url_map.converters:
        return

    state.app.url_map.converters["month"] = MonthConverter
    api.register_converter(MonthConverter, lambda _converter: {
        "type": "string", "pattern": f"^{MONTH_PATTERN}$", "example": "2016-11"})
