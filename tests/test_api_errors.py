"""Every error under /api/ is problem+json: 404, 405 and an unexpected 500."""

from __future__ import annotations

import pytest

from registry.extensions import db
from tests.api_helpers import assert_problem


def test_unknown_api_path_is_404_problem(world, api_as):
    assert_problem(api_as(world.admin).get("/api/v1/no-such-resource"), 404)
    assert_problem(api_as(world.admin).get("/api/v2/enterprises"), 404)


@pytest.mark.parametrize(("method", "url"), [
    ("delete", "/api/v1/enterprises/1"), ("put", "/api/v1/filings/1"), ("delete", "/api/v1/filings"),
    ("patch", "/api/v1/enterprises"), ("get", "/api/v1/filings/1/approve"),
])
def test_wrong_method_is_405_problem_with_allow(world, api_as, method, url):
    response = getattr(api_as(world.admin), method)(url)
    assert_problem(response, 405)
    assert response.headers.get("Allow")


def test_unexpected_error_is_500_problem_without_internals(world, app, factory):
    token = factory.token(world.admin)

    @app.route("/api/v1/test-boom")
    def boom():
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/api/v1/test-boom", headers={"Authorization": f"Bearer {token}"})
    body = assert_problem(response, 500)
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in body["detail"]
    with app.app_context():
        db.session.remove()


def test_web_404_stays_html(client):
    response = client.get("/no-such-page")
    assert response.status_code in (302, 404)
    assert response.mimetype != "application/problem+json"
