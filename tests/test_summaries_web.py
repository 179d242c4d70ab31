"""The printable summary page: who may see it, its charts, downloads and the admin's buttons."""

from __future__ import annotations

import csv
import io
import re

import pytest
from babel.messages.pofile import read_po

from registry import create_app
from tests import summary_world
from tests.summary_world import MONTH

PAGE = f"/summaries/{MONTH}"


@pytest.fixture
def setup(factory, world, api_as):
    return summary_world.build_with_returns_and_cap(factory, world, api_as)


def sign_in(client, user) -> None:
    response = client.post("/login", data={"email": user.email, "password": user.password})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_filer_may_not_open_the_page_or_its_charts(client, world):
    sign_in(client, world.filer_a)
    for path in (PAGE, PAGE + "/caps.svg", PAGE + ".csv"):
        assert client.get(path).status_code == 403


@pytest.mark.parametrize("role", ["auditor", "reviewer"])
def test_staff_read_the_page_without_admin_buttons(client, world, setup, role):
    sign_in(client, getattr(world, role))
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "包头铝厂 C" in html and "全国运行产能" in html
    assert f'src="/summaries/{MONTH}/caps.svg"' in html
    assert f'src="/summaries/{MONTH}/provinces.svg"' in html
    assert "css/summaries.css" in html
    assert "<style" not in html and "<script>" not in html and " style=" not in html
    assert "/close" not in html and "/corrections" not in html


def test_charts_are_svg_without_scripts_under_a_narrow_csp(client, world, setup):
    sign_in(client, world.auditor)
    for chart in ("caps.svg", "provinces.svg"):
        response = client.get(f"{PAGE}/{chart}")
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        svg = response.get_data(as_text=True)
        assert "<svg" in svg and "<script" not in svg
        csp = response.headers["Content-Security-Policy"]
        assert "style-src 'unsafe-inline'" in csp and "script-src" not in csp
    assert "全国运行产能" in client.get(f"{PAGE}/caps.svg").get_data(as_text=True)
    assert "Inner Mongolia" in client.get(f"{PAGE}/provinces.svg").get_data(as_text=True)
    page_csp = client.get(PAGE).headers["Content-Security-Policy"]
    assert "unsafe-inline" not in page_csp


def test_chinese_page_shows_chinese_names(client, world, setup):
    sign_in(client, world.auditor)
    client.post("/language/zh_CN", data={"next": PAGE})
    html = client.get(PAGE).get_data(as_text=True)
    assert 'lang="zh-CN"' in html
    assert "2016年11月" in html and "内蒙古自治区" in html
    assert "月度合规汇总" in html and "全国合计" in html and "缺报" in html  # the catalogue (make translations)
    assert "内蒙古自治区" in client.get(f"{PAGE}/provinces.svg").get_data(as_text=True)


def test_downloads_from_the_page(client, world, setup):
    sign_in(client, world.auditor)
    response = client.get(PAGE + ".csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 6  # header, three smelters, total, note
    assert client.get(PAGE + ".xlsx").data[:2] == b"PK"


def test_the_admin_closes_and_corrects_from_the_page(client, factory, world, setup):
    sign_in(client, world.admin)
    html = client.get(PAGE).get_data(as_text=True)
    assert f'action="/summaries/{MONTH}/close"' in html
    closed = client.post(PAGE + "/close", data={"confirm": "yes"}, follow_redirects=True)
    html = closed.get_data(as_text=True)
    sha = re.search(r'<code class="hash">([0-9a-f]{64})</code>', html).group(1)
    assert f'action="/summaries/{MONTH}/corrections"' in html
    again = client.post(PAGE + "/close", data={"confirm": "yes"}, follow_redirects=True).get_data(as_text=True)
    assert "already closed" in again

    factory.filing(world.smelter_b, world.filer_b, "curtailment", 60_000, MONTH, status="approved")
    html = client.get(PAGE).get_data(as_text=True)
    assert "Amendments since the month was closed" in html and "-60,000" in html
    assert client.post(PAGE + "/corrections", data={"note": ""}).status_code == 422
    corrected = client.post(PAGE + "/corrections", data={"note": "late approval"}, follow_redirects=True)
    html = corrected.get_data(as_text=True)
    assert "late approval" in html and sha in html  # the revisions table keeps revision 1
    assert "Amendments since the month was closed" not in html


def test_close_and_correct_need_a_csrf_token(database_url, world):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', login_page).group(1)
    assert client.post("/login", data={"email": world.admin.email, "password": world.admin.password,
                                       "csrf_token": token}).status_code == 302
    assert client.post(PAGE + "/close").status_code == 400
    page = client.get(PAGE).get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    assert client.post(PAGE + "/close", data={"csrf_token": token, "confirm": "yes"}).status_code == 302
    with app.app_context():
        from registry.extensions import db

        db.session.remove()
        db.engine.dispose()


def test_every_message_of_the_page_has_a_chinese_translation():
    with open("registry/translations/zh_CN/LC_MESSAGES/messages.po", encoding="utf-8") as handle:
        catalog = read_po(handle)
    sources = ""
    for path in ("registry/templates/summaries/page.html", "registry/summaries/views.py",
                 "registry/summaries/charts.py", "registry/summaries/forms.py"):
        with open(path, encoding="utf-8") as handle:
            sources += handle.read()
    wanted = (set(re.findall(r"_l?\('((?:[^'\\]|\\.)+)'", sources))
              | set(re.findall(r'_l?\("((?:[^"\\]|\\.)+)"', sources)))
    assert wanted
    missing = sorted(m for m in wanted if not (catalog.get(m) and catalog.get(m).string))
    assert missing == []
