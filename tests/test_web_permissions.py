"""Who may open which page: deny by default, 404 across enterprises, 403 for a role that may never."""

from __future__ import annotations

import pytest

from tests.web_helpers import sign_in, text

PAGES = ["/", "/filings", "/filings/new", "/review", "/smelters", "/caps", "/account", "/admin/",
         "/admin/enterprises", "/admin/smelters", "/admin/users", "/admin/caps", "/admin/users/new"]
ADMIN_PAGES = ["/admin/", "/admin/enterprises", "/admin/enterprises/new", "/admin/smelters",
               "/admin/smelters/new", "/admin/users", "/admin/users/new", "/admin/caps", "/admin/caps/new"]


@pytest.mark.parametrize("path", [*PAGES, "/filings/1", "/smelters/1", "/smelters/1/positions.svg",
                                  "/caps/1/usage.svg"])
def test_anonymous_is_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_filer_sees_only_its_own_enterprise(client, factory, world):
    own = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=40_000)
    other = factory.filing(world.smelter_b, world.filer_b, capacity_tpa=70_000)
    sign_in(client, world.filer_a)
    listing = text(client.get("/filings"))
    assert f"/filings/{own.id}" in listing and f"/filings/{other.id}" not in listing
    assert client.get(f"/filings/{own.id}").status_code == 200
    for path in (f"/filings/{other.id}", f"/filings/{other.id}/edit", f"/smelters/{world.smelter_b.id}",
                 f"/smelters/{world.smelter_b.id}/positions.svg"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/filings/{other.id}/withdraw").status_code == 404
    smelters = text(client.get("/smelters"))
    assert world.smelter_a.name in smelters and world.smelter_b.name not in smelters


def test_filer_may_not_open_admin_or_review_pages(client, world):
    sign_in(client, world.filer_a)
    for path in [*ADMIN_PAGES, "/review"]:
        assert client.get(path).status_code == 403, path
    assert client.post("/admin/enterprises/new", data={"uscc": "x"}).status_code == 403


@pytest.mark.parametrize("role", ["reviewer", "auditor"])
def test_staff_other_than_admin_may_not_administer(client, world, role):
    sign_in(client, getattr(world, role))
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 403, path
    assert client.get("/review").status_code == 200
    assert client.get("/filings/new").status_code == 403  # only filers file


def test_every_page_opens_for_its_roles(client, factory, world):
    factory.cap(limit_tpa=900_000)
    factory.filing(world.smelter_a, world.filer_a, status="submitted")
    sign_in(client, world.admin)
    for path in [p for p in PAGES if p != "/filings/new"] + ["/filings/1", "/smelters/1", "/caps/1/usage.svg",
                                                            "/admin/enterprises/1", "/admin/smelters/1",
                                                            "/admin/caps/1"]:
        assert client.get(path).status_code == 200, path


def test_buttons_are_exactly_the_allowed_actions(client, factory, world):
    filing = factory.filing(world.smelter_a, world.filer_a, status="submitted")
    sign_in(client, world.filer_a)
    page = text(client.get(f"/filings/{filing.id}"))
    assert "/withdraw" in page and "/approve" not in page and "/submit" not in page
    client.post("/logout")
    sign_in(client, world.auditor)
    page = text(client.get(f"/filings/{filing.id}"))
    assert "/approve" not in page and "/withdraw" not in page
    assert client.post(f"/filings/{filing.id}/approve").status_code == 403
    client.post("/logout")
    sign_in(client, world.reviewer)
    page = text(client.get(f"/filings/{filing.id}"))
    for action in ("approve", "reject", "return"):
        assert f"/filings/{filing.id}/{action}" in page
    assert "/withdraw" not in page
