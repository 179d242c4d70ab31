"""A form that comes back with errors opens with a summary linking to each field; its messages say what to do."""

from __future__ import annotations

import html
import re

import pytest

from tests.test_replacement_cover import closure_indicator
from tests.web_helpers import sign_in, text


def _summary(page: str) -> list[tuple[str, str]]:
    """(target id, message) of each link in the page's error summary; the box must be there."""
    match = re.search(r'<div class="error-summary" role="alert" tabindex="-1"[^>]*data-error-summary>(.*?)</div>',
                      page, re.S)
    assert match, page
    assert "There is a problem" in match.group(1)
    return [(target, html.unescape(re.sub(r"<[^>]+>", "", label)).strip())
            for target, label in re.findall(r'<a href="#([^"]+)">(.*?)</a>', match.group(1), re.S)]


def _ids(page: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', page))


def test_the_filing_form_lists_every_wrong_field_with_a_link_to_it(client, world):
    sign_in(client, world.filer_a)
    response = client.post("/filings/new", data={"smelter_id": "", "kind": "", "capacity_tpa": "lots",
                                                 "effective_month": "", "cell_count": "x"})
    page = text(response)
    assert response.status_code == 422
    links = dict(_summary(page))
    assert links["smelter_id"] == "Smelter: Choose the smelter."
    assert links["kind"].startswith("Kind: Choose the kind")
    assert links["capacity_tpa"] == "Capacity (t/a): Enter whole tonnes, such as 100000, 100,000 or 10万."
    assert links["effective_month"] == "Effective month: Enter the effective month."
    assert links["cell_count"] == "Number of cells (optional): Enter a whole number, such as 120."
    assert set(links) <= _ids(page)  # every link has its field
    assert "Missing data for required field." not in page and "Please correct the marked fields." not in page


def test_a_replacement_rows_errors_are_in_the_summary(app, client, world, factory):
    ind = closure_indicator(factory, app, world.smelter_a, world.filer_a, 150_000)
    sign_in(client, world.filer_a)
    data = {"smelter_id": str(world.smelter_a.id), "kind": "new_capacity", "capacity_tpa": "100000",
            "effective_month": "2016-11", "replacements-0-indicator_id": str(ind.id),
            "replacements-0-tonnes_tpa": "", "replacements-1-indicator_id": str(ind.id),
            "replacements-1-tonnes_tpa": "12x", "replacements-2-indicator_id": "", "replacements-2-tonnes_tpa": ""}
    page = text(client.post("/filings/new", data=data))
    links = dict(_summary(page))
    assert links["replacements-0-tonnes_tpa"] == "Tonnes used, t/a (row 1): Enter the tonnes per year."
    assert links["replacements-1-tonnes_tpa"].startswith("Tonnes used, t/a (row 2): Enter whole tonnes")
    assert {"replacements-0-tonnes_tpa", "replacements-1-tonnes_tpa"} <= _ids(page)


def test_a_services_refusal_on_a_field_is_in_the_summary(app, client, world, factory):
    ind = closure_indicator(factory, app, world.smelter_a, world.filer_a, 150_000)
    sign_in(client, world.filer_a)
    data = {"smelter_id": str(world.smelter_a.id), "kind": "restart", "capacity_tpa": "100000",
            "effective_month": "2016-11", "replacements-0-indicator_id": str(ind.id),
            "replacements-0-tonnes_tpa": "50000"}
    page = text(client.post("/filings/new", data=data))
    links = _summary(page)
    assert ("replacements", "Only a new_capacity filing lists replacements.") in links
    assert 'id="replacements"' in page


def test_the_amendment_form_has_the_summary(client, world, factory):
    filing = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=100_000, status="approved")
    sign_in(client, world.filer_a)
    page = text(client.post(f"/filings/{filing.id}/amend", data={"capacity_tpa": "0.5", "effective_month": "soon"}))
    links = dict(_summary(page))
    assert set(links) == {"capacity_tpa", "effective_month"}


def test_sign_in_says_what_is_missing(client, world):
    page = text(client.post("/login", data={"email": "", "password": ""}))
    links = dict(_summary(page))
    assert links == {"email": "E-mail: Enter your e-mail address.", "password": "Password: Enter your password."}
    wrong = dict(_summary(text(client.post("/login", data={"email": world.filer_a.email, "password": "nope"}))))
    assert wrong == {"password": "Password: Wrong e-mail or password."}


def test_the_account_page_summarises_the_form_that_failed(client, world):
    sign_in(client, world.filer_a)
    page = text(client.post("/account/password", data={"current_password": "wrong", "new_password": "x"}))
    assert dict(_summary(page)) == {"current_password": "Current password: The current password is not correct."}
    assert page.count("data-error-summary") == 1


def test_the_returns_form_names_the_smelter_in_the_summary(client, world):
    sign_in(client, world.filer_a)
    page = text(client.get("/returns?month=2016-11"))
    names = re.findall(r'name="(rows-\d+-(?:smelter_id|operating_tpa|production_t))"[^>]*value="([^"]*)"', page)
    data = {name: value for name, value in names}
    data.update({name: "" for name, _ in names if not name.endswith("smelter_id")})
    operating = next(name for name in data if name.endswith("operating_tpa"))
    data[operating] = "lots"
    page = text(client.post("/returns?month=2016-11", data=data))
    links = dict(_summary(page))
    assert links[operating].startswith(f"{world.smelter_a.name} · Operating capacity (t/a): Enter whole tonnes")


@pytest.mark.parametrize(("path", "data", "field"), [
    ("/admin/caps/new", {"name": "", "scope": "national", "basis": "operating", "limit_tpa": "",
                         "period_from": "2016-01", "period_to": "2016-12"}, "name"),
    ("/admin/users/new", {"email": "", "role": "auditor", "password": ""}, "email"),
])
def test_admin_forms_have_the_summary(client, world, path, data, field):
    sign_in(client, world.admin)
    links = dict(_summary(text(client.post(path, data=data))))
    assert field in links


def test_an_upload_without_a_file_has_the_summary(client, world):
    sign_in(client, world.filer_a)
    response = client.post("/imports", data={"what": "filings"}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert _summary(text(response))


def test_a_transfer_with_bad_tonnes_has_the_summary(app, client, world, factory):
    ind = closure_indicator(factory, app, world.smelter_a, world.filer_a, 150_000)
    sign_in(client, world.reviewer)
    page = text(client.post(f"/indicators/{ind.id}/transfer", data={
        "to_enterprise_id": str(world.ent_b.id), "tonnes_tpa": "many"}))
    assert "tonnes_tpa" in dict(_summary(page))


def test_a_page_without_errors_has_no_summary(client, world):
    sign_in(client, world.filer_a)
    assert "data-error-summary" not in text(client.get("/filings/new"))
