"""Importing a sheet of filings or monthly returns: every row through the single POST's rules, all or none.

Each row is loaded with the API's schema and handed to the same service a
single POST calls (``create_filing``, ``file_return``), which audits it. The
rows are first written in one SAVEPOINT (a clean file, the usual case, costs
no more); when one is refused that is undone and each row runs in a SAVEPOINT
of its own, so one refused row leaves the others' checks intact and every
row's errors are found before the outcome is decided. If any row
failed, or on a dry run, the whole import's savepoint is rolled back: nothing
of it, audit events included, reaches the request's commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma
import sqlalchemy as sa

from registry.extensions import db
from registry.filings import workflow
from registry.filings.schemas import FilingIn
from registry.filings.services import create_filing
from registry.imports.cells import Smelters, row_body
from registry.imports.columns import SHEETS, Sheet, kind_lookup
from registry.imports.reading import read_upload
from registry.messages import Message, Template, localize_errors
from registry.permissions import require_role
from registry.problems import Invalid, Problem
from registry.returns.schemas import ReturnIn
from registry.returns.services import file_return
from registry.roles import FILER

ROWS_INVALID = Template("import_rows_invalid",
                        "%(failed_rows)s of %(rows)s rows have errors; nothing was imported.")
NOT_STORED = Template("import_row_not_stored", "This row's values cannot be stored.")
ROW_ERROR = "_schema"  # a refusal that names no field (as marshmallow calls the schema's own errors)


@dataclass
class RowOutcome:
    number: int  # the row's number in the sheet (the header is row 1)
    body: dict[str, Any]  # the values as the single POST would receive them
    errors: dict[str, list[Message]] = field(default_factory=dict)
    created_id: int | None = None


@dataclass
class Outcome:
    sheet: Sheet
    rows: list[RowOutcome]
    example_rows: list[int]
    dry_run: bool
    submitted: bool

    @property
    def failed(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.errors]

    @property
    def created(self) -> list[int]:
        """The ids written (none on a dry run or when any row failed)."""
        if self.dry_run or self.failed:
            return []
        return [row.created_id for row in self.rows if row.created_id is not None]


class RowsInvalid(Invalid):
    """422: some rows break the rules; ``errors`` maps "row N" to that row's fields and messages."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(ROWS_INVALID(failed_rows=len(outcome.failed), rows=len(outcome.rows)),
                         rows=len(outcome.rows), failed_rows=len(outcome.failed))
        self.outcome = outcome

    def to_dict(self) -> dict[str, Any]:
        body = super().to_dict()
        body["errors"] = {f"row {row.number}": localize_errors(row.errors) for row in self.outcome.failed}
        return body


def _create_filing(data: dict[str, Any], user, submit: bool) -> int:
    filing = create_filing(data, user)
    if submit:
        workflow.transition(filing.id, "submit", user)  # the API's own submit step
    return filing.id


def _file_return(data: dict[str, Any], user, _submit: bool) -> int:
    return file_return(data, user).id


WRITERS: dict[str, tuple[type[ma.Schema], Callable[[dict[str, Any], Any, bool], int]]] = {
    "filings": (FilingIn, _create_filing),
    "monthly_returns": (ReturnIn, _file_return),
}


def _schema_errors(error: ma.ValidationError) -> dict[str, list[Message]]:
    messages = error.messages if isinstance(error.messages, dict) else {ROW_ERROR: error.messages}
    return {name: list(found) if isinstance(found, list) else [found] for name, found in messages.items()}


def _problem_errors(problem: Problem) -> dict[str, list[Message]]:
    return dict(problem.errors) if problem.errors else {ROW_ERROR: [problem.message]}


def _write_all(loaded: list[tuple[RowOutcome, dict]], write: Callable, user, submit: bool) -> bool:
    """Every row in one savepoint: the quick way when none fails; False (and undone) when one does."""
    savepoint = db.session.begin_nested()
    try:
        for row, data in loaded:
            row.created_id = write(data, user, submit)
    except (Problem, sa.exc.DataError):
        savepoint.rollback()
        for row, _ in loaded:
            row.created_id = None
        return False
    savepoint.commit()
    return True


def _write_each(loaded: list[tuple[RowOutcome, dict]], write: Callable, user, submit: bool) -> None:
    """Each row in a savepoint of its own, so a refused row leaves the others' checks intact."""
    for row, data in loaded:
        try:
            with db.session.begin_nested():
                row.created_id = write(data, user, submit)
        except Problem as problem:
            row.errors = _problem_errors(problem)
        except sa.exc.DataError:  # a value the database refuses that no rule foresaw
            row.errors = {ROW_ERROR: [NOT_STORED()]}


def run_import(sheet_name: str, data: bytes, user, *, dry_run: bool = False, submit: bool = False) -> Outcome:
    """Check every row of an upload and, unless a dry run or a row failed, keep what they created.

    ``submit`` (filings only) submits each new draft for review, as the
    API's submit step does. A file that cannot be read is a 422 naming
    ``file``; a role that may not file is 403, as for a single POST.
    """
    require_role(user, FILER)
    sheet = SHEETS[sheet_name]
    table = read_upload(data, sheet)
    schema_class, write = WRITERS[sheet_name]
    schema, smelters, kinds = schema_class(), Smelters.of(user), kind_lookup()
    submit = submit and sheet_name == "filings"
    rows, loaded = [], []
    for number, values in table.rows:
        body, errors = row_body(values, sheet, smelters, kinds)
        row = RowOutcome(number, body, errors)
        rows.append(row)
        try:
            fields = schema.load(body, partial=tuple(errors))
        except ma.ValidationError as error:
            row.errors = {**_schema_errors(error), **errors}
            continue
        if not errors:
            loaded.append((row, fields))
    outer = db.session.begin_nested()
    if len(loaded) < len(rows) or not _write_all(loaded, write, user, submit):
        _write_each(loaded, write, user, submit)
    outcome = Outcome(sheet, rows, table.example_rows, dry_run, submit)
    if dry_run or outcome.failed:
        outer.rollback()
    else:
        outer.commit()
    return outcome


def import_or_refuse(sheet_name: str, data: bytes, user, *, dry_run: bool = False,
                     submit: bool = False) -> Outcome:
    """``run_import``, raising ``RowsInvalid`` (422, "row N" errors) when any row failed."""
    outcome = run_import(sheet_name, data, user, dry_run=dry_run, submit=submit)
    if outcome.failed:
        raise RowsInvalid(outcome)
    return outcome
