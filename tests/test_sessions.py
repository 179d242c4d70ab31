"""Server-side session ends: a copied cookie dies with logout, password change, role change and deactivation."""

from __future__ import annotations

from registry.auth.models import User
from registry.auth.services import set_user_active
from registry.extensions import db
from tests.web_helpers import sign_in


def _copy(app, client):
    """A second browser holding a copy of ``client``'s session cookie."""
    other = app.test_client()
    cookie = client.get_cookie("session")
    other.set_cookie("session", cookie.value)
    return other


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_copied_cookie_dies_at_logout(app, client, world):
    sign_in(client, world.filer_a)
    copy = _copy(app, client)
    assert _signed_in(copy)
    client.post("/logout")
    response = copy.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_change_ends_other_sessions_only(app, client, world):
    sign_in(client, world.filer_a)
    other = app.test_client()
    sign_in(other, world.filer_a)
    response = client.post("/account/password", data={"current_password": world.filer_a.password,
                                                      "new_password": "ingot-furnace-quarry"})
    assert response.status_code == 302
    assert _signed_in(client)
    assert not _signed_in(other)


def _set_active(app, user_id: int, active: bool) -> None:
    with app.app_context():
        set_user_active(db.session.get(User, user_id), active, None)
        db.session.commit()


def test_reactivation_revives_neither_session_nor_token(app, client, world, factory, api_as):
    token_client = api_as(world.filer_a)
    web = app.test_client()
    sign_in(web, world.filer_a)
    assert token_client.get("/api/v1/enterprises").status_code == 200
    _set_active(app, world.filer_a.id, False)
    _set_active(app, world.filer_a.id, True)
    assert not _signed_in(web)
    assert token_client.get("/api/v1/enterprises").status_code == 401


def test_role_change_ends_sessions_and_tokens(app, client, world, api_as):
    token_client = api_as(world.reviewer)
    sign_in(client, world.reviewer)
    result = app.test_cli_runner().invoke(args=["users", "set-role", world.reviewer.email, "--role", "filer",
                                                "--enterprise", world.ent_a.uscc])
    assert result.exit_code == 0, result.output
    assert not _signed_in(client)
    assert token_client.get("/api/v1/enterprises").status_code == 401
    with app.app_context():
        user = db.session.get(User, world.reviewer.id)
        assert (user.role, user.enterprise_id) == ("filer", world.ent_a.id)
        db.session.remove()


def test_role_change_of_a_filer_needs_an_enterprise(app, world):
    result = app.test_cli_runner().invoke(args=["users", "set-role", world.reviewer.email, "--role", "filer"])
    assert result.exit_code != 0 and "enterprise" in result.output.lower()
    with app.app_context():
        assert db.session.get(User, world.reviewer.id).role == "reviewer"
        db.session.remove()
