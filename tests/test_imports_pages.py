"""The import pages: upload, a preview of every row with its errors, confirm; nothing written before."""

from __future__ import annotations

import io
import re

import openpyxl
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.extensions import db
from registry.filings.models import Filing
from registry.returns.models import MonthlyReturn
from tests.api_helpers import row_count
from tests.test_imports_api import FILING_HEADER, RETURN_HEADER, filing_row, xlsx
from tests.web_helpers import sign_in, text


def _upload(client, data: bytes, what: str = "filings", filename: str = "filings.xlsx", **headers):
    return client.post("/imports", data={"what": what, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data", headers=headers)


def _token(response) -> str:
    assert response.status_code == 303, text(response)[:500]
    match = re.fullmatch(r"/imports/([A-Za-z0-9_-]{32})", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def test_upload_preview_errors_then_a_fixed_file_confirms(world, client, app):
    sign_in(client, world.filer_a)
    page = client.get("/imports")
    assert page.status_code == 200
    assert "/imports/templates/filings.xlsx" in text(page) and "/imports/templates/monthly-returns.xlsx" in text(page)
    audit_before = row_count(app, AuditEvent)

    bad = xlsx(FILING_HEADER, [filing_row(world.smelter_a.name, capacity=40_000),
                               filing_row(world.smelter_a.name, capacity=-3),
                               filing_row("Nowhere Works")])
    token = _token(_upload(client, bad))
    preview = client.get(f"/imports/{token}")
    assert preview.status_code == 200
    html = text(preview)
    row_3 = html[html.index('id="row-3"'):html.index('id="row-4"')]
    assert "row-error" in row_3 and "Must be between 1 and 10,000,000." in row_3  # the error beside its row
    assert "No such smelter in your enterprise." in html[html.index('id="row-4"'):]
    assert 'id="row-2" class="row-ok"' in html and "40,000" in html
    assert f"/imports/{token}/confirm" not in html  # no confirm button while a row fails
    assert row_count(app, Filing) == 0 and row_count(app, AuditEvent) == audit_before

    refused = client.post(f"/imports/{token}/confirm", data={})
    assert refused.status_code == 422 and "Nothing was imported" in text(refused)
    assert row_count(app, Filing) == 0

    good = xlsx(FILING_HEADER, [filing_row(world.smelter_a.name, capacity=40_000),
                                filing_row(world.smelter_a.name, capacity=3_000)])
    token = _token(_upload(client, good))
    preview = client.get(f"/imports/{token}")
    assert "All 2 rows pass every check." in text(preview) and f"/imports/{token}/confirm" in text(preview)
    assert row_count(app, Filing) == 0
    done = client.post(f"/imports/{token}/confirm", data={"submit_for_review": "y"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/filings")
    with app.app_context():
        found = [(f.capacity_tpa, f.status) for f in db.session.scalars(sa.select(Filing).order_by(Filing.id))]
        db.session.remove()
    assert found == [(40_000, "submitted"), (3_000, "submitted")]
    assert "Imported 2 filings and submitted them for review." in text(client.get("/filings"))
    assert client.get(f"/imports/{token}").status_code == 404  # the upload is gone once imported


def test_returns_import_through_the_pages(world, client, app):
    sign_in(client, world.filer_a)
    token = _token(_upload(client, xlsx(RETURN_HEADER, [[world.smelter_a.name, "2016-11", 300_000, 24_000]]),
                           what="monthly_returns"))
    assert "All 1 rows" in text(client.get(f"/imports/{token}")) or "1 row passes" in text(
        client.get(f"/imports/{token}"))
    done = client.post(f"/imports/{token}/confirm", data={})
    assert done.status_code == 302
    assert row_count(app, MonthlyReturn) == 1


def test_a_file_that_cannot_be_read_comes_back_on_the_form(world, client, app):
    sign_in(client, world.filer_a)
    response = _upload(client, b"\x00garbage", filename="x.csv")
    assert response.status_code == 422 and "Not an Excel workbook (.xlsx) or a CSV file." in text(response)
    missing = client.post("/imports", data={"what": "filings"}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "Choose a file to upload" in text(missing)


def test_the_script_gets_where_to_go_or_the_errors_as_json(world, client):
    sign_in(client, world.filer_a)
    ok = _upload(client, xlsx(FILING_HEADER, [filing_row(world.smelter_a.name)]),
                 **{"X-Requested-With": "XMLHttpRequest"})
    assert ok.status_code == 200 and re.fullmatch(r"/imports/[A-Za-z0-9_-]{32}", ok.json["location"])
    bad = _upload(client, b"", filename="x.csv", **{"X-Requested-With": "XMLHttpRequest"})
    assert bad.status_code == 422 and bad.json["errors"] == ["The file is empty."]


def test_another_users_upload_is_404(world, client, factory):
    sign_in(client, world.filer_a)
    token = _token(_upload(client, xlsx(FILING_HEADER, [filing_row(world.smelter_a.name)])))
    colleague = factory.user("filer", world.ent_a)
    other = client.application.test_client()
    sign_in(other, colleague)
    assert other.get(f"/imports/{token}").status_code == 404
    assert other.post(f"/imports/{token}/confirm", data={}).status_code == 404
    assert other.get("/imports/..%2f..%2fetc").status_code == 404


def test_staff_do_not_import_but_the_template_downloads_for_filers(world, client):
    sign_in(client, world.reviewer)
    assert client.get("/imports").status_code == 403
    filer = client.application.test_client()
    sign_in(filer, world.filer_a)
    response = filer.get("/imports/templates/filings.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert [c.value for c in book.worksheets[0][1]] == FILING_HEADER


def test_the_filings_list_links_to_the_import(world, client):
    sign_in(client, world.filer_a)
    assert 'href="/imports"' in text(client.get("/filings"))


def test_a_5_mb_page_upload_is_allowed_past_the_2_mb_limit(world, client):
    sign_in(client, world.filer_a)
    note = "检" * 3900
    rows = [[world.smelter_a.name, "restart", 1000, "2016-11", note]] * 260  # about 3 MB of CSV
    data = ("\r\n".join([",".join(FILING_HEADER[:5])] + [",".join(map(str, r)) for r in rows])).encode()
    assert len(data) > 2 * 1024 * 1024
    _token(_upload(client, data, filename="big.csv"))
    too_big = _upload(client, b"a" * (6 * 1024 * 1024), filename="huge.csv")
    assert too_big.status_code == 413
