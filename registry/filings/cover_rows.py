"""The filing form's replacement rows: which indicators a filer may name, and the rows as the API's list.

The rows only parse: each non-empty one goes through the API's
``ReplacementIn`` schema, and the filings services (``set_replacements``)
decide whether the indicator is the enterprise's own and has the tonnes."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import request
from flask_babel import gettext as _
from wtforms.fields.core import Label

from registry.extensions import db
from registry.filings.forms import FilingForm
from registry.members.models import Smelter
from registry.replacement.models import Indicator
from registry.replacement.schemas import ReplacementIn
from registry.replacement.services import indicators_for
from registry.ui.filters import num
from registry.ui.formkit import load

ROW_FIELDS = ("indicator_id", "tonnes_tpa")


def indicator_choices(user, keep: Iterable[int] = ()) -> list[tuple[int, str]]:
    """The user's enterprise's indicators with tonnes left (and those in ``keep``), labelled for a select."""
    keep = list(keep)
    left = Indicator.remaining_tpa > 0
    stmt = (indicators_for(user).where(sa.or_(left, Indicator.id.in_(keep)) if keep else left)
            .join(Smelter, Smelter.id == Indicator.origin_smelter_id).add_columns(Smelter.name))
    return [(indicator.id, _("#%(id)s · %(origin)s · %(left)s t/a left", id=indicator.id, origin=origin,
                              left=num(indicator.remaining_tpa)))
            for indicator, origin in db.session.execute(stmt)]


def prepare_rows(form: FilingForm, choices: list[tuple[int, str]], *, spare_row: bool = False) -> None:
    """Give every row the choices and a label naming its row; optionally one empty row more."""
    rows = form.replacements
    if spare_row and all(row.form.indicator_id.data is not None for row in rows):
        rows.append_entry()
    for number, row in enumerate(rows, start=1):
        select, tonnes = row.form.indicator_id, row.form.tonnes_tpa
        select.choices = [("", _("Choose an indicator")), *choices]
        select.label = Label(select.id, _("Indicator (row %(n)s)", n=number))
        tonnes.label = Label(tonnes.id, _("Tonnes used, t/a (row %(n)s)", n=number))


def rows_posted() -> bool:
    """Whether the page that was posted had the rows (a form without them keeps the filing's list)."""
    return any(key.startswith("replacements-") for key in request.form)


def replacement_rows(form: FilingForm) -> list[dict[str, int]] | None:
    """The non-empty rows as the API's ``replacements``; None when a row is wrong (its messages beside it)."""
    items, ok = [], True
    for row in form.replacements:
        sub = row.form
        if all(sub[name].data is None and not sub[name].errors for name in ROW_FIELDS):
            continue
        item = load(sub, ReplacementIn(), ROW_FIELDS)
        if item is None:
            ok = False
        else:
            items.append(item)
    return items if ok else None


def row_errors(form: FilingForm) -> list[str]:
    """Messages about the list as a whole (the service's), shown at the top of the rows."""
    return [error for error in form.replacements.errors if isinstance(error, str)]
