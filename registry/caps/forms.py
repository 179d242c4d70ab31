"""The cap form (admin)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    TextAreaField,
)

from registry.rest.fields import NAME_LENGTH, NOTE_LENGTH
from registry.ui.forms import TonnesField, month_field


class CapForm(FlaskForm):
    name = StringField(_l("Name"), render_kw={"maxlength": NAME_LENGTH})
    scope = SelectField(_l("Scope"))
    scope_ref = StringField(_l("Province code or enterprise id"),
                            render_kw={"maxlength": 20, "spellcheck": "false"})
    basis = SelectField(_l("Basis"))
    limit_tpa = TonnesField(_l("Limit (t/a)"))
    period_from = month_field(_l("Period from"))
    period_to = month_field(_l("Period to"))
    source = TextAreaField(_l("Source (document or agreement)"), render_kw={"rows": 2, "maxlength": NOTE_LENGTH})
    active = BooleanField(_l("Active"), default=True)
