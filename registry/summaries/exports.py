"""A summary as CSV (the smelter table) and as a workbook of every section, in the reader's language.

Every code becomes its label (scopes, bases, cap statuses, return states,
exception kinds), the exceptions are sentences rendered from their figures,
every table starts with the month as a real date, t/a figures are numbers
(with a 万吨/年 companion in Chinese) and each total row is a ``SUM``
formula over the rows above it. The sheets are laid out by
``registry.spreadsheets``: autofilter, frozen header, landscape print.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry import labels, spreadsheets
from registry.formatting import month_label, province
from registry.messages import Template, localize
from registry.spreadsheets import AUTO, ID, INT, MONTH, PERCENT, Column, Table, wan
from registry.summaries.services import PRODUCTION_IMPLAUSIBLE

RETURN_STATES = {"in": _l("In"), "missing": _l("Missing"), "not_due": _l("Not yet due"),
                 "not_required": _l("Not required")}
EXCEPTION_KINDS = {"cap_breach": _l("Cap breached"), "cap_warning": _l("Cap warning"),
                   "operating_above_approved": _l("Operating above approved capacity"),
                   "production_implausible": _l("Implausible production"),
                   "missing_return": _l("Monthly return missing")}
SECTIONS = {"totals": _l("National totals"), "smelters": _l("Smelters"), "enterprises": _l("Enterprises"),
            "caps": _l("Caps")}

CAP_EXCEPTION = Template("summary_cap_exception", "%(cap)s: %(usage_tpa)s of its limit of %(limit_tpa)s.")
ABOVE_APPROVED = Template("summary_operating_above_approved",
                          "%(smelter)s reports %(reported_tpa)s operating, %(excess_tpa)s above its "
                          "approved %(approved_tpa)s.")
RETURN_MISSING = Template("summary_return_missing", "No return from %(smelter)s for %(month)s.")


def _tpa(key: str, header: str, header_wan: str) -> list[Column]:
    """A t/a column summed in the total row, with its 万吨/年 companion in Chinese."""
    return wan(Column(key, header, INT, total=True), header_wan)


def _capacity_columns() -> list[Column]:
    return [
        *_tpa("built_tpa", _("Built capacity (t/a)"), _("Built capacity (10,000 t/a)")),
        *_tpa("operating_tpa", _("Operating capacity (t/a)"), _("Operating capacity (10,000 t/a)")),
        *_tpa("idle_tpa", _("Idle capacity (t/a)"), _("Idle capacity (10,000 t/a)")),
        Column("additions_tpa", _("Additions this month (t/a)"), INT, total=True),
        Column("reductions_tpa", _("Reductions this month (t/a)"), INT, total=True),
        Column("pending_additions_tpa", _("Pending additions (t/a)"), INT, total=True),
    ]


def _reported_columns() -> list[Column]:
    return [Column("reported_operating_tpa", _("Reported operating capacity (t/a)"), INT, total=True),
            Column("production_t", _("Production (t)"), INT, total=True),
            Column("deviation_tpa", _("Deviation (t/a)"), INT, total=True)]


def _count_columns() -> list[Column]:
    return [Column("smelters", _("Number of smelters"), INT, total=True),
            Column("returns_in", _("Returns in"), INT, total=True),
            Column("returns_missing", _("Returns missing"), INT, total=True)]


def _month_column() -> Column:
    return Column("month", _("Month"), MONTH)


def smelter_columns() -> list[Column]:
    """The smelter table's columns, in the reader's language."""
    return [
        _month_column(), Column("smelter_id", _("Smelter ID"), ID), Column("name", _("Smelter")),
        Column("enterprise_name", _("Enterprise")), Column("uscc", _("Unified social credit code")),
        Column("province", _("Province code")), Column("province_name", _("Province")),
        *_capacity_columns(),
        Column("return_label", _("Monthly return")), Column("return_revision", _("Return revision"), ID),
        *_reported_columns(), Column("above_approved", _("Above approved capacity")),
    ]


def _enterprise_columns() -> list[Column]:
    return [_month_column(), Column("enterprise_id", _("Enterprise ID"), ID), Column("name", _("Enterprise")),
            Column("uscc", _("Unified social credit code")), *_count_columns(), *_capacity_columns(),
            *_reported_columns()]


def _province_columns() -> list[Column]:
    return [_month_column(), Column("province", _("Province code")), Column("province_name", _("Province")),
            *_count_columns(), *_capacity_columns(), *_reported_columns()]


def _cap_columns() -> list[Column]:
    return [
        _month_column(), Column("cap_id", _("Cap ID"), ID), Column("name", _("Cap")),
        Column("scope_label", _("Scope")), Column("scope_name", _("Covers")), Column("basis_label", _("Basis")),
        *wan(Column("limit_tpa", _("Limit (t/a)"), INT), _("Limit (10,000 t/a)")),
        *wan(Column("usage_tpa", _("Approved usage (t/a)"), INT), _("Approved usage (10,000 t/a)")),
        Column("share", _("Share of the limit used"), PERCENT),
        Column("pending_tpa", _("Usage with pending filings (t/a)"), INT),
        Column("headroom_tpa", _("Headroom (t/a)"), INT),
        Column("status_label", _("Status")), Column("pending_status_label", _("Status with pending filings")),
    ]


def _exception_columns() -> list[Column]:
    return [_month_column(), Column("kind_label", _("Exception")), Column("cap_id", _("Cap ID"), ID),
            Column("smelter_id", _("Smelter ID"), ID), Column("name", _("Name")), Column("detail", _("Detail"))]


def _amendment_columns() -> list[Column]:
    return [Column("section_label", _("Part")), Column("id", _("ID"), ID), Column("name", _("Name")),
            Column("field_label", _("Figure")), Column("frozen", _("Frozen"), AUTO),
            Column("live", _("Now"), AUTO), Column("delta", _("Change"), INT)]


def _smelter_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**row, "month": summary["month"], "province_name": province(row["province"]),
             "return_label": labels.label(RETURN_STATES, row["return"])} for row in summary["smelters"]]


def _scope_name(cap: dict[str, Any], enterprises: dict[int, str]) -> str:
    """What a cap covers, by name: the province or the enterprise; nothing for a national cap."""
    if cap["scope"] == "province":
        return province(cap["scope_ref"])
    if cap["scope"] == "enterprise" and cap["scope_ref"] is not None:
        return enterprises.get(int(cap["scope_ref"]), str(cap["scope_ref"]))
    return ""


def _cap_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    enterprises = {e["enterprise_id"]: e["name"] for e in summary["enterprises"]}
    return [{**cap, "month": summary["month"], "scope_label": labels.label(labels.SCOPES, cap["scope"]),
             "scope_name": _scope_name(cap, enterprises), "basis_label": labels.label(labels.BASES, cap["basis"]),
             "share": cap["usage_tpa"] / cap["limit_tpa"] if cap["limit_tpa"] else None,
             "status_label": labels.label(labels.CAP_STATUSES, cap["status"]),
             "pending_status_label": labels.label(labels.CAP_STATUSES, cap["pending_status"])}
            for cap in summary["caps"]]


def exception_text(item: dict[str, Any], month: str) -> str:
    """An exception as a sentence in the reader's language, from its figures."""
    try:
        if item["kind"].startswith("cap_"):
            message = CAP_EXCEPTION(cap=item["cap_name"], usage_tpa=item["usage_tpa"], limit_tpa=item["limit_tpa"])
        elif item["kind"] == "operating_above_approved":
            message = ABOVE_APPROVED(smelter=item["smelter_name"], reported_tpa=item["reported_operating_tpa"],
                                     excess_tpa=item["excess_tpa"], approved_tpa=item["approved_operating_tpa"])
        elif item["kind"] == "production_implausible":
            message = PRODUCTION_IMPLAUSIBLE(
                smelter=item["smelter_name"], production_t=item["production_t"],
                reported_operating_tpa=item["reported_operating_tpa"], built_tpa=item["built_tpa"],
                max_from_operating_t=item["max_from_operating_t"], max_from_built_t=item["max_from_built_t"])
        else:
            message = RETURN_MISSING(smelter=item["smelter_name"], month=month)
    except KeyError:  # a summary frozen before the figures were kept: the label says enough
        return ""
    return localize(message)


def _exception_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**item, "month": summary["month"], "kind_label": labels.label(EXCEPTION_KINDS, item["kind"]),
             "name": item.get("cap_name") or item.get("smelter_name"),
             "detail": exception_text(item, summary["month"])} for item in summary["exceptions"]]


def _field_labels() -> dict[str, str]:
    columns = [*smelter_columns(), *_enterprise_columns(), *_cap_columns()]
    found = {column.key: column.header for column in columns}
    found.update({"return": found["return_label"], "status": found["status_label"],
                  "pending_status": found["pending_status_label"], "scope": _("Scope"), "basis": _("Basis"),
                  "return_late": _("Return late"), "scope_ref": found["scope_name"]})
    return found


def _figure(field: str, value: Any) -> Any:
    """A frozen or live value of an amended figure, codes as labels."""
    tables = {"return": RETURN_STATES, "status": labels.CAP_STATUSES, "pending_status": labels.CAP_STATUSES,
              "scope": labels.SCOPES, "basis": labels.BASES}
    if field in tables and isinstance(value, str):
        return labels.label(tables[field], value)
    if isinstance(value, bool):
        return spreadsheets.yes_no(value)
    if field == "province" and isinstance(value, str):
        return province(value)
    return value


def _amendment_rows(amendments: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not amendments:
        return []
    names = _field_labels()

    def row(section: str, ident: Any, name: str, field: str, change: dict) -> dict[str, Any]:
        return {"section_label": labels.label(SECTIONS, section), "id": ident, "name": name,
                "field_label": names.get(field, field), "frozen": _figure(field, change.get("frozen")),
                "live": _figure(field, change.get("live")), "delta": change.get("delta")}

    rows = [row("totals", None, "", field, change) for field, change in amendments["totals"].items()]
    for section, key in (("smelters", "smelter_id"), ("enterprises", "enterprise_id"), ("caps", "cap_id")):
        for item in amendments[section]:
            rows += [row(section, item[key], item["name"], field, change)
                     for field, change in item["changes"].items()]
    return rows


def _overview_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    totals, utilisation = summary["totals"], summary["utilisation"]
    due = summary.get("returns_due_on")
    rows = [{"item": _("Month"), "value": summary["month"], "value:kind": MONTH},
            {"item": _("Closed"), "value": bool(summary.get("closed"))},
            {"item": _("Revision"), "value": summary.get("revision")},
            {"item": _("Checksum (SHA-256)"), "value": summary.get("sha256")},
            {"item": _("Returns due by"), "value": dt.date.fromisoformat(due) if due else None}]
    columns = {c.key: c.header for c in [*_count_columns(), *_capacity_columns(), *_reported_columns()]}
    rows += [{"item": header, "value": totals.get(key)} for key, header in columns.items()]
    rows += [{"item": _("Utilisation target"), "value": utilisation.get("target"), "value:kind": PERCENT},
             {"item": _("Utilisation, approved"), "value": utilisation.get("approved"), "value:kind": PERCENT},
             {"item": _("Utilisation, reported"), "value": utilisation.get("reported"), "value:kind": PERCENT}]
    return rows


def _title(summary: dict[str, Any], part: str) -> str:
    return f"{_('Monthly compliance summary')} · {month_label(summary['month'])} · {part}"


def _note(summary: dict[str, Any]) -> str:
    """Under the title: frozen or live, and whose rows a filer's copy holds."""
    if summary.get("closed"):
        note = _("Frozen summary, revision %(revision)s.", revision=summary.get("revision"))
    else:
        note = _("Open: the figures are live and change with every approval and return.")
    if summary.get("scope"):
        note += " " + _("Only your enterprise's rows; the overview holds the national totals.")
    return note


def _smelter_table(summary: dict[str, Any]) -> Table:
    return Table(_title(summary, _("Smelters")), smelter_columns(), _smelter_rows(summary),
                 total_label=_("Total"), note=_note(summary))


def to_csv(summary: dict[str, Any]) -> bytes:
    """The smelter table with a total row, UTF-8 with a byte-order mark, in the reader's language."""
    return spreadsheets.csv_bytes(_smelter_table(summary))


def to_xlsx(summary: dict[str, Any]) -> bytes:
    """A workbook: overview, smelters, enterprises, provinces, caps, exceptions (and amendments once closed)."""
    note = _note(summary)
    month = summary["month"]
    sheets = [
        (_("Overview"), Table(_title(summary, _("Overview")),
                              [Column("item", _("Item")), Column("value", _("Value"), AUTO)],
                              _overview_rows(summary), note=note)),
        (_("Smelters"), _smelter_table(summary)),
        (_("Enterprises"), Table(_title(summary, _("Enterprises")), _enterprise_columns(),
                                 [{**e, "month": month} for e in summary["enterprises"]],
                                 total_label=_("Total"), note=note)),
        (_("Provinces"), Table(_title(summary, _("Provinces")), _province_columns(),
                               [{**p, "month": month, "province_name": province(p["province"])}
                                for p in summary["provinces"]], total_label=_("Total"), note=note)),
        (_("Caps"), Table(_title(summary, _("Caps")), _cap_columns(), _cap_rows(summary), note=note)),
        (_("Exceptions"), Table(_title(summary, _("Exceptions")), _exception_columns(),
                                _exception_rows(summary), note=note)),
    ]
    if summary.get("amendments"):
        sheets.append((_("Amendments"), Table(_title(summary, _("Amendments")), _amendment_columns(),
                                              _amendment_rows(summary["amendments"]), note=note)))
    return spreadsheets.workbook_bytes(sheets)
