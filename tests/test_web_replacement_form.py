"""The filing form names replacement indicators; refused approvals show their rule and figures in both languages.

Enterprise A is in Henan (41, ratio 1.0); the Jiangsu enterprise (32) has
ratio 1.25. Each smelter is built 500,000 t/a, operating 300,000 t/a, 400 kA.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from registry.extensions import db
from registry.filings.models import Filing
from registry.replacement.models import FilingReplacement
from tests.proof import prove_replacement
from tests.test_replacement_cover import closure_indicator, new_capacity, remaining
from tests.web_helpers import sign_in, text


def _rows(app, filing_id: int) -> list[tuple[int, int]]:
    with app.app_context():
        rows = db.session.execute(sa.select(FilingReplacement.indicator_id, FilingReplacement.tonnes_tpa)
                                  .where(FilingReplacement.filing_id == filing_id)
                                  .order_by(FilingReplacement.indicator_id)).all()
        db.session.remove()
        return [tuple(row) for row in rows]


def _filing_count(app) -> int:
    """Filings other than the closures that made the indicators."""
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Filing).where(Filing.kind != "closure"))
        db.session.remove()
        return count


def _refusal(page: str) -> str:
    """The refusal section of a filing page, tags dropped."""
    section = page.split('<section class="refusal"')[1].split("</section>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


def _form(smelter_id: int, capacity: str, rows: list[tuple[object, str]], kind: str = "new_capacity") -> dict:
    data = {"smelter_id": str(smelter_id), "kind": kind, "capacity_tpa": capacity,
            "effective_month": "2016-11", "notes": "Line 3"}
    for index in range(3):
        indicator, tonnes = rows[index] if index < len(rows) else ("", "")
        data[f"replacements-{index}-indicator_id"] = str(indicator)
        data[f"replacements-{index}-tonnes_tpa"] = tonnes
    return data


def test_new_capacity_with_cover_is_filed_from_the_form_then_approved(app, client, world, factory):
    ind = closure_indicator(factory, app, world.smelter_a, world.filer_a, 150_000)
    foreign = closure_indicator(factory, app, world.smelter_b, world.filer_b, 90_000)
    sign_in(client, world.filer_a)
    form = text(client.get("/filings/new"))
    assert f'<option value="{ind.id}">#{ind.id} · ' in form and "150,000 t/a left" in form
    assert f'<option value="{foreign.id}">' not in form  # only the filer's own enterprise's
    assert 'for="replacements-0-indicator_id"' in form and 'for="replacements-2-tonnes_tpa"' in form

    created = client.post("/filings/new", data=_form(world.smelter_a.id, "100,000", [(ind.id, "100,000")]))

    assert created.status_code == 302, text(created)[:2000]
    filing_id = int(created.headers["Location"].rsplit("/", 1)[1])
    assert _rows(app, filing_id) == [(ind.id, 100_000)]  # the two empty rows are ignored
    detail = text(client.get(f"/filings/{filing_id}"))
    assert "Replacement cover" in detail and "Covered" in detail
    assert client.post(f"/filings/{filing_id}/submit").status_code == 302
    client.post("/logout")
    with app.app_context():
        prove_replacement(filing_id)  # the plan's notice and announcement, the closure dismantled
    sign_in(client, world.reviewer)
    approved = client.post(f"/filings/{filing_id}/approve", data={"next": "review"})
    assert approved.status_code == 302 and approved.headers["Location"] == "/review"
    assert remaining(app, ind.id) == 50_000
    assert "Consumed on approval" in text(client.get(f"/filings/{filing_id}"))


def test_a_wrong_row_is_answered_beside_it_and_the_input_is_kept(app, client, world, factory):
    ind = closure_indicator(factory, app, world.smelter_a, world.filer_a, 150_000)
    foreign = closure_indicator(factory, app, world.smelter_b, world.filer_b, 90_000)
    sign_in(client, world.filer_a)

    missing = client.post("/filings/new", data=_form(world.smelter_a.id, "100000", [(ind.id, "")]))
    page = text(missing)
    assert missing.status_code == 422
    assert 'id="replacements-0-tonnes_tpa-err"' in page and "Enter the tonnes per year." in page
    assert f'<option selected value="{ind.id}">' in page and 'value="100000"' in page

    too_much = client.post("/filings/new", data=_form(world.smelter_a.id, "100000", [(ind.id, "200,000")]))
    page = text(too_much)
    assert too_much.status_code == 422
    assert 'id="replacements-err"' in page
    assert f"Indicator #{ind.id} has 150,000 t/a left, less than the 200,000 t/a named." in page
    assert 'value="200,000"' in page

    client.post("/language/zh_CN")
    stolen = text(client.post("/filings/new", data=_form(world.smelter_a.id, "100000", [(foreign.id, "1000")])))
    assert f"本企业没有指标 #{foreign.id}。" in stolen
    twice = text(client.post("/filings/new", data=_form(world.smelter_a.id, "100000",
                                                            [(ind.id, "1000"), (ind.id, "2000")])))
    assert "每项指标只能填写一次。" in twice
    restart = text(client.post("/filings/new", data=_form(world.smelter_a.id, "100000", [(ind.id, "1000")],
                                                             kind="restart")))
    assert "只有新增产能备案才能列出产能置换指标。" in restart
    assert _filing_count(app) == 0


def test_edit_shows_the_rows_changes_and_drops_them(app, client, world, factory):
    ind = closure_indicator(factory, app, world.smelter_a, world.filer_a, 150_000)
    filing = factory.filing(world.smelter_a, world.filer_a, kind="new_capacity", capacity_tpa=100_000,
                            replacements=[{"indicator_id": ind.id, "tonnes_tpa": 100_000}])
    sign_in(client, world.filer_a)
    page = text(client.get(f"/filings/{filing.id}/edit"))
    assert f'<option selected value="{ind.id}">' in page and 'value="100,000"' in page
    assert "As saved: " in page and "100,000" in page

    data = _form(world.smelter_a.id, "120,000", [(ind.id, "120,000")])
    del data["smelter_id"]
    assert client.post(f"/filings/{filing.id}/edit", data=data).status_code == 302
    assert _rows(app, filing.id) == [(ind.id, 120_000)]

    # A post without the rows (an older page) keeps them; emptied rows drop them.
    basic = {k: v for k, v in data.items() if not k.startswith("replacements-")}
    assert client.post(f"/filings/{filing.id}/edit", data=basic).status_code == 302
    assert _rows(app, filing.id) == [(ind.id, 120_000)]
    assert client.post(f"/filings/{filing.id}/edit", data={**data, "replacements-0-indicator_id": "",
                                                          "replacements-0-tonnes_tpa": ""}).status_code == 302
    assert _rows(app, filing.id) == []


def test_no_indicators_says_how_to_get_some(client, world):
    sign_in(client, world.filer_a)
    page = text(client.get("/filings/new"))
    assert "Your enterprise has no indicators with tonnes left." in page
    assert 'name="replacements-0-indicator_id"' not in page


def test_implausible_capacity_shows_the_maximum_beside_the_field(app, client, world):
    sign_in(client, world.filer_a)
    client.post("/language/zh_CN")
    data = _form(world.smelter_a.id, "200,000", [], kind="restart")
    data["cell_count"] = "100"
    response = client.post("/filings/new", data=data)
    page = text(response)
    assert response.status_code == 422
    error = page.split('id="capacity_tpa-err"')[1].split("</ul>")[0]
    assert "100 台 400 kA 电解槽在 96% 电流效率下最多可生产 11.289万吨/年。" in error
    assert 'value="100"' in page and 'value="200,000"' in page
    assert _filing_count(app) == 0


def _jiangsu(factory, app):
    ent = factory.enterprise(province="32")  # Jiangsu: ratio 1.25
    smelter = factory.smelter(ent)
    filer = factory.user("filer", ent)
    return smelter, filer


def test_refused_for_short_cover_shows_required_offered_and_shortfall(app, client, factory):
    smelter, filer = _jiangsu(factory, app)
    ind = closure_indicator(factory, app, smelter, filer, 200_000)
    short = new_capacity(factory, smelter, filer, 100_000, [(ind.id, 100_000)])
    reviewer = factory.user("reviewer")
    sign_in(client, reviewer)

    response = client.post(f"/filings/{short.id}/approve", data={"next": "review"})

    assert response.status_code == 409
    page = text(response)
    refusal = _refusal(page)
    assert "Approval refused: Not enough replacement indicators" in refusal
    assert ("New capacity of 100,000 t/a needs 125,000 t/a of replacement indicators (ratio 1.25 in Jiangsu); "
            "the filing offers 100,000 t/a, 25,000 t/a short.") in refusal
    for key, figure in (("ratio", "1.25"), ("capacity_tpa", "100,000"), ("required_tpa", "125,000"),
                        ("offered_tpa", "100,000"), ("shortfall_tpa", "25,000")):
        assert re.search(rf'class="fig-{key}"><dt>[^<]+</dt><dd>(<span[^>]*>)*{figure}', page), key
    assert remaining(app, ind.id) == 200_000
    assert "Approval refused" in page.split('class="timeline"')[1]

    client.post("/language/zh_CN")
    refusal = _refusal(text(client.post(f"/filings/{short.id}/approve")))
    assert "不予批准：产能置换指标不足" in refusal
    assert "新增产能 10万吨/年需 12.5万吨/年产能置换指标（江苏省置换比例 1.25）" in refusal
    assert "缺口 2.5万吨/年" in refusal and "t/a" not in refusal


def test_refused_when_an_indicator_lacks_the_tonnes_names_it_and_what_remains(app, client, factory):
    smelter, filer = _jiangsu(factory, app)
    ind = closure_indicator(factory, app, smelter, filer, 150_000)
    first = new_capacity(factory, smelter, filer, 80_000, [(ind.id, 100_000)])
    second = new_capacity(factory, smelter, filer, 80_000, [(ind.id, 100_000)], effective_month="2016-12")
    reviewer = factory.user("reviewer")
    sign_in(client, reviewer)
    assert client.post(f"/filings/{first.id}/approve").status_code == 302

    response = client.post(f"/filings/{second.id}/approve")

    assert response.status_code == 409
    page = text(response)
    refusal = _refusal(page)
    assert (f"Indicator #{ind.id} has 50,000 t/a left, less than the 100,000 t/a this filing would use: "
            "50,000 t/a short.") in refusal
    row = page.split(f'id="lacking-{ind.id}"')[1].split("</tr>")[0]
    assert [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)] == [
        "100,000 t/a", "50,000 t/a", "50,000 t/a"]
    assert "fig-shortfall_tpa" not in page.split("</section>")[0]  # the total is covered: no "0 t/a short"
    assert remaining(app, ind.id) == 50_000

    client.post("/language/zh_CN")
    refusal = _refusal(text(client.post(f"/filings/{second.id}/approve")))
    assert f"指标 #{ind.id} 仅剩 5万吨/年，少于本备案拟使用的 10万吨/年，缺口 5万吨/年。" in refusal
    assert "t/a" not in refusal
