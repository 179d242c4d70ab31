"""The filing form with its cover rows, and the filings list's filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)

from registry.rest.fields import NOTE_LENGTH
from registry.ui.forms import TonnesField, WholeNumberField, month_field, optional_int

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


class AmendmentForm(FlaskForm):
    """An approved filing's amendment: a new capacity and/or month, or its cancellation."""

    capacity_tpa = TonnesField(_l("New capacity (t/a)"))
    effective_month = month_field(_l("New effective month"))
    cancel = BooleanField(_l("Cancel this plan altogether"))
    notes = TextAreaField(_l("Why the plan changes"), render_kw={"rows": 4, "maxlength": NOTE_LENGTH})


class QueueFilterForm(FlaskForm):
    """The review queue's filters: a GET form, nothing changes, so no CSRF token."""

    class Meta:
        csrf = False

    # default="": a link that sets only some filters (/filings?status=submitted) leaves the others
    # at "any" instead of failing their choices and dropping every filter.
    q = SearchField(_l("Search smelter, enterprise or filing number"))
    status = SelectField(_l("Stage"), default="")
    kind = SelectField(_l("Kind"), default="")
    province = SelectField(_l("Province"), default="")


class FilingFilterForm(QueueFilterForm):
    """The filings list's filters: the queue's, any status, and smelter, enterprise and months."""

    status = SelectField(_l("Status"), default="")
    smelter_id = SelectField(_l("Smelter"), coerce=optional_int)
    enterprise_id = SelectField(_l("Enterprise"), coerce=optional_int)
    effective_from = month_field(_l("Effective from"))
    effective_to = month_field(_l("Effective to"))


class NoticeForm(FlaskForm):
    """The replacement plan's public notice (公示) as the province published it."""

    authority = StringField(_l("Published by"), render_kw={"maxlength": 200})
    published_on = StringField(_l("Published on"), render_kw={"type": "date"})
    url = StringField(_l("Address of the notice (URL)"), render_kw={"type": "url", "maxlength": 500})


class AnnouncementForm(FlaskForm):
    """The announcement (公告) that follows the notice."""

    announced_on = StringField(_l("Announced on"), render_kw={"type": "date"})
    document_no = StringField(_l("Document number"), render_kw={"maxlength": 100})


class ObjectionForm(FlaskForm):
    note = TextAreaField(_l("Objection"), render_kw={"rows": 3, "maxlength": NOTE_LENGTH})


class ResolutionForm(FlaskForm):
    upheld = SelectField(_l("Decision"), choices=[("false", _l("Not upheld: the notice stands")),
                                                  ("true", _l("Upheld: the plan is published again"))])
    note = TextAreaField(_l("Reason"), render_kw={"rows": 2, "maxlength": NOTE_LENGTH})


class DismantlingForm(FlaskForm):
    """A closure's cells dismantled (拆除到位): when, and the evidence."""

    completed_on = StringField(_l("Dismantling completed on"), render_kw={"type": "date"})
    evidence = TextAreaField(_l("Evidence"), render_kw={"rows": 3, "maxlength": NOTE_LENGTH})
