"""Bearer tokens: the only way into the API; stored hashed, revocable, last use noted."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from registry.auth.models import ApiToken, User
from registry.auth.services import revoke_token
from registry.extensions import db
from tests.api_helpers import assert_problem

URL = "/api/v1/filings"


@pytest.mark.parametrize("header", [
    None, "", "Bearer", "Bearer ", "Bearer nope", "Bearer cr_not-a-real-token", "Basic dXNlcjpwYXNz",
    "Token cr_x", "Bearer " + "cr_" + "x" * 200,
])
def test_missing_or_bad_token_is_401_problem(world, client, header):
    headers = {"Authorization": header} if header is not None else {}
    body = assert_problem(client.get(URL, headers=headers), 401)
    assert "token" in body["detail"].lower()


@pytest.mark.parametrize("url", ["/api/v1/enterprises", "/api/v1/smelters/1", "/api/v1/audit-events",
                                 "/api/v1/filings/1/approve", "/api/v1/no-such-thing"])
def test_every_api_path_needs_a_token(world, client, url):
    response = client.post(url, json={}) if url.endswith("approve") else client.get(url)
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_openapi_document_and_docs_are_public(client):
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/docs").status_code == 200


def test_valid_token_works_and_notes_its_last_use(world, factory, client, app):
    token = factory.token(world.auditor)
    with app.app_context():
        row = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == world.auditor.id))
        assert row.last_used_at is None
        db.session.remove()
    assert client.get(URL, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    with app.app_context():
        row = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == world.auditor.id))
        assert row.last_used_at is not None
        assert row.created_at <= row.last_used_at
        db.session.remove()


def test_revoked_token_is_401(world, factory, client, app):
    token = factory.token(world.filer_a)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(URL, headers=headers).status_code == 200
    with app.app_context():
        user = db.session.get(User, world.filer_a.id)
        token_id = db.session.scalar(sa.select(ApiToken.id).where(ApiToken.user_id == user.id))
        revoke_token(user, token_id)
        db.session.commit()
        db.session.remove()
    assert_problem(client.get(URL, headers=headers), 401)


def test_token_of_a_deactivated_user_is_401(world, factory, client, app):
    token = factory.token(world.reviewer)
    with app.app_context():
        db.session.get(User, world.reviewer.id).active = False
        db.session.commit()
        db.session.remove()
    assert_problem(client.get(URL, headers={"Authorization": f"Bearer {token}"}), 401)


def test_tokens_are_stored_only_as_a_hash(world, factory, app):
    token = factory.token(world.admin)
    with app.app_context():
        rows = db.session.execute(sa.select(ApiToken.__table__)).mappings().all()
        db.session.remove()
    stored = [str(value) for row in rows for value in row.values()]
    assert not any(token in value for value in stored)
    assert hashlib.sha256(token.encode()).hexdigest() in stored


def test_session_cookie_alone_does_not_open_the_api(world, client):
    signed_in = client.post("/login", data={"email": world.auditor.email, "password": world.auditor.password})
    assert signed_in.status_code == 302, signed_in.get_data(as_text=True)[:300]
    assert client.get("/").status_code == 200  # the session works on the web
    assert_problem(client.get(URL), 401)
    assert_problem(client.post("/api/v1/enterprises", json={"uscc": "x"}), 401)
