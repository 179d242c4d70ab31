"""From a sheet's cells to the body a single POST would send: smelters by name, kinds by label, months.

Only the shape of a cell is changed here (a date cell becomes "2027-01", a
label becomes its code, "120,000" or "12万" becomes 120000, read as the web
forms read them: ``registry.months.parse_loose``, ``registry.quantities.parse_tonnes``); whatever cannot be read
is passed on as it is, so the API's schema refuses it with the API's message.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from registry.extensions import db
from registry.filings.services import SMELTER_NOT_YOURS
from registry.imports.columns import KIND, MONTH, SMELTER, WHOLE, Sheet, kind_lookup, normalise
from registry.members.services import smelters_for
from registry.messages import Message, Template
from registry.months import parse_loose
from registry.quantities import parse_tonnes

AMBIGUOUS_SMELTER = Template("import_ambiguous_smelter",
                             "Several of your smelters are named %(name)s: choose one from the list.")

ID_TEXT = re.compile(r"(?:.*\(\s*)?#([0-9]{1,18})\s*\)?")


@dataclass
class Smelters:
    """The user's smelters as the template lists them: a name, or "name (#id)" where names repeat."""

    choices: list[tuple[str, int]]
    by_name: dict[str, int | None]  # None: the name is shared by several smelters
    # The rows themselves, held for the import's length: the session keeps only weak references,
    # and each row's service would otherwise read its smelter again.
    loaded: list = field(default_factory=list, repr=False)

    @classmethod
    def of(cls, user) -> Smelters:
        smelters = list(db.session.scalars(smelters_for(user)))
        counts: dict[str, int] = {}
        for smelter in smelters:
            counts[normalise(smelter.name)] = counts.get(normalise(smelter.name), 0) + 1
        choices = [(s.name if counts[normalise(s.name)] == 1 else f"{s.name} (#{s.id})", s.id) for s in smelters]
        by_name: dict[str, int | None] = {normalise(s.name): (s.id if counts[normalise(s.name)] == 1 else None)
                                          for s in smelters}
        by_name.update({normalise(label): smelter_id for label, smelter_id in choices})
        return cls(choices, by_name, smelters)

    def resolve(self, cell: object) -> tuple[object, Message | None]:
        """The smelter id a cell names (a listed name, a unique name, ``#id`` or an id), or why not."""
        if isinstance(cell, bool):
            return str(cell), None
        if isinstance(cell, int | float):
            return _whole(cell), None
        text = str(cell).strip()
        key = normalise(text)
        if key in self.by_name:
            found = self.by_name[key]
            return (found, None) if found is not None else (None, AMBIGUOUS_SMELTER(name=text[:200]))
        match = ID_TEXT.fullmatch(text) or re.fullmatch(r"([0-9]{1,18})", text)
        if match:
            return int(match.group(1)), None  # the service checks the smelter is the user's
        return None, SMELTER_NOT_YOURS()


def _whole(value: object) -> object:
    """A whole number from a number or text cell; anything else unchanged (the schema refuses it)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() and abs(value) < 1e18 else value
    if isinstance(value, str):
        whole = parse_tonnes(value)
        return value if whole is None else whole
    return str(value)


def _month(value: object) -> object:
    """"YYYY-MM" from a date cell or a text such as 2027-01, 2027/1, 2027年1月 or 2027-01-01."""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    text = str(value).strip()
    return parse_loose(text) or text


def _text(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        return str(int(value))
    return str(value).strip()


def row_body(values: dict[str, object], sheet: Sheet, smelters: Smelters,
             kinds: dict[str, str] | None = None) -> tuple[dict[str, object], dict[str, list[Message]]]:
    """The row as the single POST's body, and the errors found while reading it (a smelter not found)."""
    kinds = kinds if kinds is not None else kind_lookup()
    body: dict[str, object] = {}
    errors: dict[str, list[Message]] = {}
    for column in sheet.columns:
        cell = values.get(column.key)
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        if column.kind == SMELTER:
            smelter_id, problem = smelters.resolve(cell)
            if problem is not None:
                errors[column.key] = [problem]
                continue
            body[column.key] = smelter_id
        elif column.kind == KIND:
            body[column.key] = kinds.get(normalise(cell), str(cell).strip()) if isinstance(cell, str) else str(cell)
        elif column.kind == WHOLE:
            body[column.key] = _whole(cell)
        elif column.kind == MONTH:
            body[column.key] = _month(cell)
        else:
            body[column.key] = _text(cell)
    return body, errors
