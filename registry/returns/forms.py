"""The month's returns form (one row per smelter) and the month page's filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, HiddenField, SelectField, StringField

from registry.ui.forms import TonnesField, optional_int


class ReturnRowForm(FlaskForm):
    """One smelter's figures: the API's ``operating_tpa`` and ``production_t``."""

    class Meta:
        csrf = False  # a part of ReturnsForm, which carries the token

    smelter_id = HiddenField()
    operating_tpa = TonnesField(_l("Operating capacity (t/a)"))
    production_t = TonnesField(_l("Production (t)"))


class ReturnsForm(FlaskForm):
    """Every smelter of the filer's enterprise that owes a return for the month; one submit files them."""

    rows = FieldList(FormField(ReturnRowForm), min_entries=0)


class MonthFilterForm(FlaskForm):
    """The month page's month and (staff) filters: a GET form, nothing changes, so no CSRF token."""

    class Meta:
        csrf = False

    month = StringField(_l("Month"), render_kw={"type": "month", "min": "1990-01", "max": "2100-12"})
    enterprise_id = SelectField(_l("Enterprise"), coerce=optional_int, default="")
    province = SelectField(_l("Province"), default="")
