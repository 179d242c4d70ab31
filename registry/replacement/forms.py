"""Web form for recording a transfer; the API's TransferIn schema checks its values."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField

from registry.rest.fields import NOTE_LENGTH
from registry.ui.forms import TonnesField, optional_int


class TransferForm(FlaskForm):
    to_enterprise_id = SelectField(_l("Buyer"), coerce=optional_int)
    tonnes_tpa = TonnesField(_l("Tonnes (t/a)"))
    route = SelectField(_l("Route"))  # choices: the view, in the page's language
    note = TextAreaField(_l("Note"), render_kw={"maxlength": NOTE_LENGTH, "rows": 3})
