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
from registry.reference.provinces import PROVINCES
from registry.rest.fields import NOTE_LENGTH


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


class NoteForm(FlaskForm):
    """A workflow step; reject and return need the note."""

    note = TextAreaField(_l("Note to the filer"), render_kw={"rows": 3, "maxlength": NOTE_LENGTH})


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


def province_choices(blank: str | None = None) -> list[tuple]:
    head = [("", blank)] if blank else []
    return head + [(code, f"{code} · {zh if is_chinese() else en}") for code, zh, en in PROVINCES]
