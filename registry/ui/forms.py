"""Fields and forms every page shares (Flask-WTF: CSRF on every form that changes something).

Field names are the API's (``smelter_id``, ``kind``, ``capacity_tpa`` ...).
Fields only parse; the API's schemas and the services check the values
(``registry.ui.formkit``), so no rule is written twice."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    StringField,
    TextAreaField,
)

from registry.formatting import is_chinese
from registry.messages import Template
from registry.months import parse_loose
from registry.quantities import parse_tonnes
from registry.reference.provinces import PROVINCES
from registry.rest.fields import NOTE_LENGTH

NOT_TONNES = Template("form_not_tonnes", "Enter whole tonnes, such as 100000, 100,000 or 10万.")
NOT_WHOLE = Template("form_not_whole", "Enter a whole number, such as 120.")
NOT_A_MONTH = Template("form_not_a_month",
                       "Enter a month between 1990-01 and 2100-12, such as 2027-01, 2027/1 or 2027年1月.")
TONNES_HINT = _l("Whole tonnes: 100000, 100,000 or 10万 all work.")
MONTH_HINT = _l("A month such as 2027-01, 2027/1 or 2027年1月.")


def optional_int(value) -> int | None:
    """A select's value as an int, or None for the empty choice."""
    return None if value in (None, "", "None") else int(value)


class WholeNumberField(IntegerField):
    """A whole number in a text input; empty is None (the schema decides if it is required).

    A text input rather than type=number, so members can type "120,000" or
    "120 000" as they write numbers; the separators are dropped here.
    """

    ten_thousands = False  # whether "10万" reads as 100000
    not_a_number = NOT_WHOLE

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        render_kw = {"inputmode": "numeric", "type": "text", "autocomplete": "off",
                     **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0]
        if not text.strip():
            self.data = None
            return
        self.data = parse_tonnes(text, ten_thousands=self.ten_thousands)
        if self.data is None:
            raise ValueError(self.not_a_number().render())

    def _value(self) -> str:
        """Tonnes read back with separators (600,000); what was typed comes back as typed."""
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data:,}" if isinstance(self.data, int) else ""


class TonnesField(WholeNumberField):
    """Tonnes (per annum): "100000", "100,000", "10万", "10.5万吨", full-width digits; see ``parse_tonnes``."""

    ten_thousands = True
    not_a_number = NOT_TONNES

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        kwargs.setdefault("description", TONNES_HINT)
        super().__init__(label, validators, **kwargs)


class MonthField(StringField):
    """A month in a plain text input, read loosely (``parse_loose``) into ``YYYY-MM``.

    What was typed comes back as typed, even when wrong; empty is None.
    """

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0]
        if not text.strip():
            self.data = None
            return
        self.data = parse_loose(text)
        if self.data is None:
            self.data = text.strip()[:40]
            raise ValueError(NOT_A_MONTH().render())

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data or ""


def month_field(label, **kwargs) -> MonthField:
    """A month field with its hint (what it accepts)."""
    kwargs.setdefault("description", MONTH_HINT)
    return MonthField(label, render_kw={"placeholder": "2027-01", "maxlength": 20, "inputmode": "text",
                                        "autocomplete": "off", "spellcheck": "false"}, **kwargs)


class NoteForm(FlaskForm):
    """A workflow step; reject and return need the note."""

    note = TextAreaField(_l("Note to the filer"), render_kw={"rows": 3, "maxlength": NOTE_LENGTH})


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


def province_choices(blank: str | None = None) -> list[tuple]:
    head = [("", blank)] if blank else []
    return head + [(code, f"{code} · {zh if is_chinese() else en}") for code, zh, en in PROVINCES]
