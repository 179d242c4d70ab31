"""Export every table to one JSON document, and load one into an empty database.

A backup that does not depend on the engine: a SQLite registry can move to
PostgreSQL and back. The document records the schema revision; it loads only
into a database at that revision, whose tables are empty but for the
reference rows the migrations insert (those are replaced by the dump's).
Rows are in primary-key order and values in a fixed encoding, so exporting,
importing into a fresh database and exporting again gives the same bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
from collections.abc import Callable, Iterator
from typing import IO, Any

import sqlalchemy as sa

from registry.extensions import db
from registry.messages import Template
from registry.revision import database_revision

FORMAT = "capacity-registry-export"
VERSION = 1
# rows the migrations insert, replaced by the dump's
REFERENCE_TABLES = frozenset({"provinces", "replacement_ratios", "prefecture_ratios", "calendar_years",
                              "calendar_days"})
CHUNK = 1000


NOT_A_DOCUMENT = Template("dump_not_a_document", "Not a capacity-registry-export document.")
OTHER_VERSION = Template("dump_other_version",
                         "Export format version %(version)s; this code reads version %(supported)s.")
OTHER_REVISION = Template("dump_other_revision",
                          "The dump is at schema revision %(revision)s, this database at %(here)s: load it into "
                          "a database at revision %(revision)s, then upgrade that.")
NO_TABLES = Template("dump_no_tables", "The document has no tables.")
UNKNOWN_TABLE = Template("dump_unknown_table", "Table %(table)s is not in this schema.")
OTHER_COLUMNS = Template("dump_other_columns", "Table %(table)s: the columns differ from this schema's %(columns)s.")
NO_ROWS = Template("dump_no_rows", "Table %(table)s has no rows list.")
BAD_ROW = Template("dump_bad_row", "Table %(table)s: a row does not fit its columns (%(detail)s).")
NOT_JSON = Template("dump_not_json", "Not a JSON document: %(detail)s")
NOT_EMPTY = Template("dump_not_empty", "The database is not empty (table %(table)s has rows); import into a "
                                       "freshly migrated database.")
ROW_REFUSED = Template("dump_row_refused", "Table %(table)s: the database refused a row (%(detail)s).")


class DumpError(ValueError):
    """The document cannot be loaded here: a coded message with its figures says why."""

    def __init__(self, template: Template, **figures: Any) -> None:
        self.message = template(**figures)
        super().__init__(str(self.message))


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _same(value: Any) -> Any:
    return value


def _decoder(column: sa.Column) -> Callable[[Any], Any]:
    kind = column.type
    if isinstance(kind, sa.types.TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, sa.DateTime):
        return dt.datetime.fromisoformat
    if isinstance(kind, sa.Date):
        return dt.date.fromisoformat
    if isinstance(kind, sa.Numeric) and kind.asdecimal:
        return decimal.Decimal
    if isinstance(kind, sa.LargeBinary):
        return base64.b64decode
    return _same  # strings, integers, booleans and JSON are stored as JSON has them


def _tables() -> list[sa.Table]:
    return list(db.metadata.sorted_tables)  # parents before children


def _rows(table: sa.Table) -> Iterator[list[Any]]:
    query = sa.select(*table.columns).order_by(*table.primary_key.columns)
    for row in db.session.execute(query.execution_options(yield_per=CHUNK)):
        yield [_encode(value) for value in row]


def export_to(out: IO[str]) -> dict[str, int]:
    """Write the document; returns the rows written per table."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":  # one snapshot for every table
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    revision = database_revision(connection)
    counts: dict[str, int] = {}
    out.write(f'{{"format": "{FORMAT}", "version": {VERSION}, "revision": {json.dumps(revision)}, "tables": {{')
    for index, table in enumerate(_tables()):
        columns = [column.name for column in table.columns]
        out.write(f'{"," if index else ""}\n{json.dumps(table.name)}: {{"columns": {json.dumps(columns)}, "rows": [')
        counts[table.name] = 0
        for row in _rows(table):
            out.write(("," if counts[table.name] else "") + "\n" + json.dumps(row, ensure_ascii=False))
            counts[table.name] += 1
        out.write("]}")
    out.write("\n}}\n")
    return counts


def _check(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DumpError(NOT_A_DOCUMENT)
    if document.get("version") != VERSION:
        raise DumpError(OTHER_VERSION, version=str(document.get("version")), supported=str(VERSION))
    here = database_revision(db.session.connection())
    if document.get("revision") != here:
        raise DumpError(OTHER_REVISION, revision=str(document.get("revision")), here=str(here))
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise DumpError(NO_TABLES)
    known = {table.name: table for table in _tables()}
    for name, content in tables.items():
        if name not in known:
            raise DumpError(UNKNOWN_TABLE, table=name)
        columns = [column.name for column in known[name].columns]
        if not isinstance(content, dict) or content.get("columns") != columns:
            raise DumpError(OTHER_COLUMNS, table=name, columns=", ".join(columns))
        if not isinstance(content.get("rows"), list):
            raise DumpError(NO_ROWS, table=name)
    return tables


def _decoded(table: sa.Table, rows: list[Any]) -> list[dict[str, Any]]:
    names = [column.name for column in table.columns]
    decoders = [_decoder(column) for column in table.columns]
    try:
        return [{name: None if value is None else decode(value)
                 for name, decode, value in zip(names, decoders, row, strict=True)} for row in rows]
    except (ValueError, TypeError, ArithmeticError) as error:
        raise DumpError(BAD_ROW, table=table.name, detail=str(error)) from None


def _self_references(table: sa.Table) -> list[str]:
    """Columns naming another row of the same table: loaded after every row is in."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def import_from(source: IO[str]) -> dict[str, int]:
    """Load the document into this (empty) database; the caller commits. Returns rows per table."""
    try:
        document = json.load(source)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DumpError(NOT_JSON, detail=str(error)) from None
    tables = _check(document)
    for table in _tables():
        if table.name not in REFERENCE_TABLES and db.session.execute(
                sa.select(sa.literal(1)).select_from(table).limit(1)).first():
            raise DumpError(NOT_EMPTY, table=table.name)
    for table in reversed(_tables()):
        if table.name in tables:
            db.session.execute(table.delete())
    counts: dict[str, int] = {}
    for table in _tables():
        content = tables.get(table.name)
        if content is None:
            continue
        rows = _decoded(table, content["rows"])
        later = _self_references(table)  # a filing names the amendment that superseded it: a later row
        try:
            for start in range(0, len(rows), CHUNK):
                chunk = [{**row, **dict.fromkeys(later)} for row in rows[start:start + CHUNK]]
                db.session.execute(table.insert(), chunk)
            pending = [row for row in rows if any(row.get(name) is not None for name in later)]
            if pending:
                key = next(iter(table.primary_key.columns))
                kept = later + [c.name for c in table.columns if c.onupdate is not None]  # updated_at stays
                db.session.execute(
                    table.update().where(key == sa.bindparam("_key")).values({n: sa.bindparam(n) for n in kept}),
                    [{"_key": row[key.name], **{n: row.get(n) for n in kept}} for row in pending])
        except sa.exc.DBAPIError as error:
            raise DumpError(ROW_REFUSED, table=table.name, detail=str(error.orig).splitlines()[0]) from None
        counts[table.name] = len(rows)
    _restart_sequences()
    return counts


def _restart_sequences() -> None:
    """PostgreSQL: the next id after the loaded ones (SQLite takes max(rowid) + 1 by itself)."""
    if db.session.connection().dialect.name != "postgresql":
        return
    for table in _tables():
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, sa.Integer) or keys[0].autoincrement is False:
            continue  # provinces and ratios are keyed by code, calendar years by the year
        key = keys[0]
        following = sa.select(sa.func.coalesce(sa.func.max(key), 0) + 1).scalar_subquery()
        sequence = sa.func.pg_get_serial_sequence(table.name, key.name)
        db.session.execute(sa.select(sa.func.setval(sequence, following, False)))
