"""Web forms (Flask-WTF: CSRF on every form that changes something).

Field names are the API's (``smelter_id``, ``kind``, ``capacity_tpa`` ...).
Fields only parse; the API's schemas and the services check the values
(``registry.web.formkit``), so no rule is written twice.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    FormField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from registry.rest.fields import NAME_LENGTH, NOTE_LENGTH


def optional_int(value) -> int | None:
    """A select's value as an int, or None for the empty choice."""
    return None if value in (None, "", "None") else int(value)


class WholeNumberField(IntegerField):
    """A whole number in a text input; empty is None (the schema decides if it is required).

    A text input rather than type=number, so members can type "120,000" or
    "120 000" as they write tonnes; the separators are dropped here.
    """

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        render_kw = {"inputmode": "numeric", "type": "text", **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            text = valuelist[0].replace(",", "").replace("，", "").replace(" ", "").replace("\u00a0", "")
            if text == "":
                self.data = None
                return
            valuelist = [text]
        super().process_formdata(valuelist)


    def _value(self) -> str:
        """Tonnes read back with separators (600,000); what was typed comes back as typed."""
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data:,}" if isinstance(self.data, int) else ""


TonnesField = WholeNumberField


def month_field(label) -> StringField:
    """A month as YYYY-MM in a plain text input: what was typed comes back as typed, even when wrong."""
    return StringField(label, render_kw={"placeholder": "YYYY-MM", "maxlength": 7, "inputmode": "numeric",
                                         "autocomplete": "off", "spellcheck": "false"})


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


REPLACEMENT_ROWS = 3  # rows on the filing form; empty ones are ignored, the API takes up to 100


class ReplacementRowForm(FlaskForm):
    """One indicator a new-capacity filing draws on: the API's ``replacements[]`` item.

    The choices are not checked here: the service says whether the
    indicator is the enterprise's own and has the tonnes.
    """

    class Meta:
        csrf = False  # a part of FilingForm, which carries the token

    indicator_id = SelectField(_l("Indicator"), coerce=optional_int, validate_choice=False)
    tonnes_tpa = TonnesField(_l("Tonnes used (t/a)"))


class FilingForm(FlaskForm):
    smelter_id = SelectField(_l("Smelter"), coerce=optional_int)
    kind = SelectField(_l("Kind"))
    capacity_tpa = TonnesField(_l("Capacity (t/a)"))
    effective_month = month_field(_l("Effective month"))
    cell_count = WholeNumberField(_l("Number of cells (optional)"))
    cell_amperage_ka = WholeNumberField(_l("Cell amperage, kA (optional)"))
    notes = TextAreaField(_l("Notes"), render_kw={"rows": 4, "maxlength": NOTE_LENGTH})
    replacements = FieldList(FormField(ReplacementRowForm), min_entries=REPLACEMENT_ROWS)


class NoteForm(FlaskForm):
    """A workflow step; reject and return need the note."""

    note = TextAreaField(_l("Note to the filer"), render_kw={"rows": 3, "maxlength": NOTE_LENGTH})


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class FilingFilterForm(FlaskForm):
    """The list's filters: a GET form, nothing changes, so no CSRF token."""

    class Meta:
        csrf = False

    # default="": a link that sets only some filters (/filings?status=submitted) leaves the others
    # at "any" instead of failing their choices and dropping every filter.
    status = SelectField(_l("Status"), default="")
    kind = SelectField(_l("Kind"), default="")
    smelter_id = SelectField(_l("Smelter"), coerce=optional_int)
    enterprise_id = SelectField(_l("Enterprise"), coerce=optional_int)
    province = SelectField(_l("Province"), default="")
    effective_from = month_field(_l("Effective from"))
    effective_to = month_field(_l("Effective to"))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)],
                                 render_kw={"autocomplete": "new-password"})


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[Length(max=NAME_LENGTH)],
                       render_kw={"placeholder": _l("e.g. ERP export")})


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
    baseline_month = month_field(_l("Baseline month"))
    baseline_built_tpa = TonnesField(_l("Built capacity at baseline (t/a)"))
    baseline_operating_tpa = TonnesField(_l("Operating capacity at baseline (t/a)"))
    cell_amperage_ka = WholeNumberField(_l("Cell amperage, kA (optional)"))
    power_source = SelectField(_l("Power source"))


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Length(max=NAME_LENGTH)])
    role = SelectField(_l("Role"))
    enterprise_id = SelectField(_l("Enterprise (filers only)"), coerce=optional_int)
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "new-password"})


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
