"""CSRF, security headers, cookies, sign-in limits, sign-out and the translated error pages."""

from __future__ import annotations

import re

import pytest

from registry import create_app
from tests.web_helpers import sign_in, text


@pytest.fixture
def csrf_client(database_url):
    """A client of an app configured as deployed: CSRF on."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": True})
    yield app.test_client()
    with app.app_context():
        from registry.extensions import db

        db.engine.dispose()



def test_forms_without_a_csrf_token_are_refused(csrf_client, world):
    client = csrf_client
    response = client.post("/login", data={"email": world.filer_a.email, "password": world.filer_a.password})
    assert response.status_code == 400
    login_page = text(client.get("/login"))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    response = client.post("/login", data={"email": world.filer_a.email, "password": world.filer_a.password,
                                           "csrf_token": token})
    assert response.status_code == 302
    assert client.post("/filings/new", data={"kind": "restart"}).status_code == 400
    assert client.post("/logout").status_code == 400
    assert client.post("/language/zh_CN").status_code == 400
    assert client.get("/").status_code == 200  # still signed in: the forged posts did nothing


def test_security_headers_on_pages_and_charts(client, world):
    page = client.get("/login")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cache-Control"] == "no-store"
    sign_in(client, world.filer_a)
    chart = client.get(f"/smelters/{world.smelter_a.id}/positions.svg")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    assert chart.headers["Content-Security-Policy"].startswith("default-src 'none'; style-src 'unsafe-inline'")
    svg = text(chart)
    assert "<script" not in svg
    assert not re.search(r'(href|src)="(https?:)?//|url\((https?:)?//|@import', svg)  # nothing remote


def test_no_page_has_inline_scripts_or_styles(client, factory, world):
    factory.filing(world.smelter_a, world.filer_a, status="submitted")
    sign_in(client, world.admin)
    for path in ("/", "/filings", "/filings/1", "/review", "/smelters/1", "/caps", "/account", "/admin/users"):
        page = text(client.get(path))
        assert "<style" not in page and " style=" not in page, path
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), path


def test_session_cookie_is_httponly_and_lax_and_logout_ends_it(client, world):
    response = client.post("/login", data={"email": world.filer_a.email, "password": world.filer_a.password})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_failed_sign_ins_are_rate_limited_with_a_clear_message(database_url, world):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "LOGIN_FAILURE_LIMIT": "3 per minute"})
    client = app.test_client()
    for _ in range(3):
        response = client.post("/login", data={"email": world.filer_a.email, "password": "wrong-password"})
        assert response.status_code == 200 and "Wrong e-mail or password." in text(response)
    response = client.post("/login", data={"email": world.filer_a.email, "password": world.filer_a.password})
    assert response.status_code == 429
    assert "Too many failed sign-ins. Wait a few minutes and try again." in text(response)
    response = client.post("/login", data={"email": world.filer_a.email, "password": world.filer_a.password},
                           headers={"Accept-Language": "zh-CN"})
    assert "登录失败次数过多" in text(response)
    with app.app_context():
        from registry.extensions import db

        db.engine.dispose()


def test_after_sign_in_only_local_next_is_followed(client, world):
    response = client.post("/login?next=//evil.example/x",
                           data={"email": world.filer_a.email, "password": world.filer_a.password})
    assert response.headers["Location"] == "/"


def test_error_pages_in_the_users_language(client, world):
    assert "Page not found" in text(client.get("/no-such-page"))
    assert "页面不存在" in text(client.get("/no-such-page", headers={"Accept-Language": "zh-CN,zh;q=0.9"}))
    sign_in(client, world.filer_a)
    client.post("/language/zh_CN")
    forbidden = client.get("/admin/users")
    assert forbidden.status_code == 403 and "您无权访问此页面" in text(forbidden)
    missing = client.get("/filings/999999")
    assert missing.status_code == 404 and "没有该备案。" in text(missing)


def test_language_setting_follows_the_user(client, world):
    page = text(client.get("/login", headers={"Accept-Language": "zh-CN"}))
    assert 'lang="zh-CN"' in page and "登录" in page
    sign_in(client, world.filer_a)
    client.post("/language/zh_CN")
    other_browser = client.application.test_client()  # no session, an English browser
    sign_in(other_browser, world.filer_a)
    page = text(other_browser.get("/", headers={"Accept-Language": "en"}))
    assert 'lang="zh-CN"' in page and "概览" in page  # the account's own setting wins
    assert "吨/年" in page and "t/a" not in page


def test_numbers_have_separators_and_wan_tonnes_in_chinese(client, factory, world):
    sign_in(client, world.filer_a)
    page = text(client.get(f"/smelters/{world.smelter_a.id}"))
    assert "500,000" in page and "万吨" not in page
    client.post("/language/zh_CN")
    page = text(client.get(f"/smelters/{world.smelter_a.id}"))
    shown = re.sub(r'title="[^"]*"', "", page)  # the exact tonnes stay on hover
    assert '50万<span class="unit">吨/年</span>' in shown and "500,000" not in shown
    assert 'title="500,000吨/年"' in page
