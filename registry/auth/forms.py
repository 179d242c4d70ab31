"""Sign-in, password, token and user forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length

from registry.rest.fields import NAME_LENGTH
from registry.ui.forms import optional_int

ENTER_EMAIL = _l("Enter your e-mail address.")
ENTER_PASSWORD = _l("Enter your password.")
ENTER_CURRENT_PASSWORD = _l("Enter your current password.")
ENTER_NEW_PASSWORD = _l("Enter a new password.")
TOO_LONG = _l("Use at most %(max)d characters.")


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(ENTER_EMAIL), Length(max=254, message=TOO_LONG)])
    password = PasswordField(_l("Password"), validators=[DataRequired(ENTER_PASSWORD),
                                                         Length(max=200, message=TOO_LONG)])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(ENTER_CURRENT_PASSWORD)],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"), validators=[DataRequired(ENTER_NEW_PASSWORD),
                                                                 Length(max=200, message=TOO_LONG)],
                                 render_kw={"autocomplete": "new-password"})


class NewPasswordForm(FlaskForm):
    """A reset link's page: the new password only (the link stands for the current one)."""

    new_password = PasswordField(_l("New password"), validators=[DataRequired(ENTER_NEW_PASSWORD),
                                                                 Length(max=200, message=TOO_LONG)],
                                 render_kw={"autocomplete": "new-password"})


class UserEditForm(FlaskForm):
    """An admin's edit of a user: what the admin may change (the e-mail and password stay the user's)."""

    role = SelectField(_l("Role"))
    # The service says whether a filer's enterprise is there; "none" is the empty choice.
    enterprise_id = SelectField(_l("Enterprise (filers only)"), coerce=optional_int, validate_choice=False)
    locale = SelectField(_l("Language"), default="")
    active = BooleanField(_l("Active: the user can sign in"))


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[Length(max=NAME_LENGTH)],
                       render_kw={"placeholder": _l("e.g. ERP export")})


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Enter the user's e-mail address.")),
                                                 Length(max=254, message=TOO_LONG)])
    name = StringField(_l("Name"), validators=[Length(max=NAME_LENGTH)])
    role = SelectField(_l("Role"))
    enterprise_id = SelectField(_l("Enterprise (filers only)"), coerce=optional_int)
    password = PasswordField(_l("Initial password"), validators=[DataRequired(_l("Enter an initial password.")),
                                                                 Length(max=200, message=TOO_LONG)],
                             render_kw={"autocomplete": "new-password"})
