"""Enterprise and smelter forms, and the enterprise choices other forms offer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
)

from registry.extensions import db
from registry.members.services import enterprises_for
from registry.rest.fields import NAME_LENGTH
from registry.ui.forms import TonnesField, WholeNumberField, month_field, optional_int


class EnterpriseForm(FlaskForm):
    uscc = StringField(_l("Unified Social Credit Code"), render_kw={"maxlength": 18, "spellcheck": "false"})
    name = StringField(_l("Name (Chinese)"), render_kw={"maxlength": NAME_LENGTH})
    name_en = StringField(_l("Name (English)"), render_kw={"maxlength": NAME_LENGTH})
    province = SelectField(_l("Province"))
    active = BooleanField(_l("Active member"), default=True)


class SmelterForm(FlaskForm):
    enterprise_id = SelectField(_l("Enterprise"), coerce=optional_int)
    name = StringField(_l("Name"), render_kw={"maxlength": NAME_LENGTH})
    province = SelectField(_l("Province"))
    prefecture = StringField(_l("Prefecture code (optional)"), render_kw={
        "maxlength": 4, "inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"})
    baseline_month = month_field(_l("Baseline month"))
    baseline_built_tpa = TonnesField(_l("Built capacity at baseline (t/a)"))
    baseline_operating_tpa = TonnesField(_l("Operating capacity at baseline (t/a)"))
    cell_amperage_ka = WholeNumberField(_l("Cell amperage, kA (optional)"))
    power_source = SelectField(_l("Power source"))


def enterprise_choices(user, blank: str | None = None) -> list[tuple]:
    head = [("", blank)] if blank else []
    return head + [(e.id, e.name) for e in db.session.scalars(enterprises_for(user))]
