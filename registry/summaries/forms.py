"""The admin's forms on the summary page (CSRF-protected by Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from registry.rest.fields import NOTE_LENGTH


class CloseForm(FlaskForm):
    """Closing a month needs nothing but the CSRF token."""


class CorrectionForm(FlaskForm):
    note = TextAreaField(_l("What does this correction correct?"),
                         validators=[DataRequired(), Length(max=NOTE_LENGTH)])
