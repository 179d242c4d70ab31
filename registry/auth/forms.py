"""Sign-in, password, token and user forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length

from registry.rest.fields import NAME_LENGTH
from registry.ui.forms import optional_int


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)],
                                 render_kw={"autocomplete": "new-password"})


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[Length(max=NAME_LENGTH)],
                       render_kw={"placeholder": _l("e.g. ERP export")})


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Length(max=NAME_LENGTH)])
    role = SelectField(_l("Role"))
    enterprise_id = SelectField(_l("Enterprise (filers only)"), coerce=optional_int)
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "new-password"})
