"""Admins edit users and issue one-time, expiring password reset links; every change is audited."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from registry import create_app
from registry.audit.models import AuditEvent
from registry.auth.models import PasswordReset, User
from registry.extensions import db
from tests.test_notify import Inbox, _free_port
from tests.web_helpers import sign_in, text

NEW_PASSWORD = "granite-ladle-orchard-57"


def _events(app, user_id: int) -> list[str]:
    with app.app_context():
        actions = list(db.session.scalars(sa.select(AuditEvent.action).where(
            AuditEvent.entity_type == "user", AuditEvent.entity_id == user_id).order_by(AuditEvent.id)))
        db.session.remove()
    return actions


def _user(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        db.session.remove()
    return user


def _reset_link(client, user_id: int) -> str:
    response = client.post(f"/admin/users/{user_id}/reset-password")
    assert response.status_code == 200
    match = re.search(r'id="new-token"[^>]*value="https?://[^/"]+(/password-reset/[A-Za-z0-9_-]+)"', text(response))
    assert match, text(response)
    return match.group(1)


def _listed(client, url: str) -> list[str]:
    """The e-mails the users table lists, in its order."""
    return re.findall(r'<th scope="row"><a href="/admin/users/\d+">([^<]+)</a>', text(client.get(url)))


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_the_users_list_searches_sorts_and_links_to_each_edit_page(client, world, factory):
    factory.user("filer", world.ent_b, email="zhang.wei@smelter-b.example")
    sign_in(client, world.admin)
    everyone = text(client.get("/admin/users"))
    assert world.filer_a.email in everyone and f'href="/admin/users/{world.filer_a.id}"' in everyone
    assert _listed(client, "/admin/users?q=zhang") == ["zhang.wei@smelter-b.example"]
    by_enterprise = _listed(client, "/admin/users?" + urlencode({"q": world.ent_b.name}))
    assert "zhang.wei@smelter-b.example" in by_enterprise and world.filer_b.email in by_enterprise
    assert world.admin.email not in by_enterprise and world.filer_a.email not in by_enterprise
    emails = _listed(client, "/admin/users?sort=-email")
    assert emails == sorted(emails, reverse=True) and len(emails) >= 5
    assert 'aria-sort="descending"' in text(client.get("/admin/users?sort=-email"))


def test_the_users_list_pages(app, client, world):
    with app.app_context():  # more users than a page holds, without 52 slow password hashes
        db.session.add_all([User(email=f"auditor-{n:02d}@test.example", role="auditor", password_hash="x")
                            for n in range(52)])
        db.session.commit()
        db.session.remove()
    sign_in(client, world.admin)
    first = text(client.get("/admin/users?sort=email"))
    assert 'rel="next"' in first and "Page 1 of 2" in first
    second = text(client.get("/admin/users?sort=email&page=2"))
    assert "Page 2 of 2" in second and 'rel="prev"' in second


def test_an_admin_edits_role_enterprise_language_and_active_and_each_is_audited(app, client, world):
    sign_in(client, world.admin)
    page = text(client.get(f"/admin/users/{world.reviewer.id}"))
    assert 'name="role"' in page and 'name="locale"' in page and 'name="active"' in page
    response = client.post(f"/admin/users/{world.reviewer.id}", data={
        "role": "filer", "enterprise_id": str(world.ent_a.id), "locale": "zh_CN", "active": "y"})
    assert response.status_code == 302
    user = _user(app, world.reviewer.id)
    assert (user.role, user.enterprise_id, user.locale, user.active) == ("filer", world.ent_a.id, "zh_CN", True)
    assert _events(app, world.reviewer.id)[-2:] == ["change_role", "change_locale"]
    client.post(f"/admin/users/{world.reviewer.id}", data={
        "role": "filer", "enterprise_id": str(world.ent_a.id), "locale": "zh_CN"})  # the box unticked
    assert not _user(app, world.reviewer.id).active
    assert _events(app, world.reviewer.id)[-1] == "deactivate"


def test_a_filer_needs_an_enterprise_and_the_form_says_so(app, client, world):
    sign_in(client, world.admin)
    response = client.post(f"/admin/users/{world.auditor.id}", data={"role": "filer", "enterprise_id": "",
                                                                     "active": "y"})
    assert response.status_code == 422
    assert "A filer needs an enterprise." in text(response) and "There is a problem" in text(response)
    assert _user(app, world.auditor.id).role == "auditor"


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(app, client, world):
    sign_in(client, world.admin)
    with app.app_context():  # the factory's other admins (the second pair of eyes) leave
        db.session.execute(sa.update(User).where(User.role == "admin", User.id != world.admin.id)
                           .values(active=False))
        db.session.commit()
        db.session.remove()
    demoted = client.post(f"/admin/users/{world.admin.id}", data={"role": "reviewer", "active": "y"})
    assert demoted.status_code == 422 and "At least one active admin must remain" in text(demoted)
    assert _user(app, world.admin.id).role == "admin"
    assert "change_role" not in _events(app, world.admin.id)


def test_with_a_second_admin_an_admin_may_step_down(app, client, world, factory):
    factory.user("admin")
    sign_in(client, world.admin)
    response = client.post(f"/admin/users/{world.admin.id}", data={"role": "reviewer", "active": "y"})
    assert response.status_code == 302
    assert _user(app, world.admin.id).role == "reviewer"
    assert client.get("/admin/users").status_code in (302, 403)  # the session ended with the old role


@pytest.mark.parametrize("role", ["filer_a", "reviewer", "auditor"])
def test_other_roles_may_not_see_or_edit_users(app, client, world, role):
    sign_in(client, getattr(world, role))
    assert client.get("/admin/users").status_code == 403
    assert client.get(f"/admin/users/{world.filer_b.id}").status_code == 403
    own = client.post(f"/admin/users/{getattr(world, role).id}", data={"role": "admin", "active": "y"})
    assert own.status_code == 403
    assert _user(app, getattr(world, role).id).role != "admin"


def test_a_filer_cannot_issue_a_reset_link_for_anyone(client, world):
    sign_in(client, world.filer_a)
    assert client.post(f"/admin/users/{world.filer_b.id}/reset-password").status_code == 403
    assert client.post(f"/admin/users/{world.filer_a.id}/reset-password").status_code == 403


def test_an_unknown_user_is_404(client, world):
    sign_in(client, world.admin)
    assert client.get("/admin/users/999999").status_code == 404
    assert client.post("/admin/users/999999/reset-password").status_code == 404


def test_a_reset_link_sets_a_password_once_and_ends_the_users_other_sessions(app, client, world):
    filer = app.test_client()
    sign_in(filer, world.filer_a)
    sign_in(client, world.admin)
    link = _reset_link(client, world.filer_a.id)
    with app.app_context():
        stored = db.session.scalars(sa.select(PasswordReset.token_hash)).all()
        db.session.remove()
    assert link.rsplit("/", 1)[1] not in stored and len(stored) == 1  # only the hash is kept

    stranger = app.test_client()
    page = stranger.get(link)
    assert page.status_code == 200 and world.filer_a.email in text(page)
    weak = stranger.post(link, data={"new_password": "short"})
    assert weak.status_code == 422 and "Use at least 10 characters." in text(weak)
    assert 'href="#new_password"' in text(weak)
    done = stranger.post(link, data={"new_password": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")

    assert not _signed_in(filer)  # the user's open session ended
    assert stranger.get(link).status_code == 404  # and the link is spent
    assert stranger.post(link, data={"new_password": "another-granite-ladle-99"}).status_code == 404
    assert stranger.post("/login", data={"email": world.filer_a.email, "password": NEW_PASSWORD}).status_code == 302
    assert app.test_client().post("/login", data={"email": world.filer_a.email,
                                                  "password": world.filer_a.password}).status_code == 200
    assert _events(app, world.filer_a.id)[-2:] == ["issue_password_reset", "reset_password"]


def test_a_reset_link_expires_after_a_day(app, client, world):
    sign_in(client, world.admin)
    link = _reset_link(client, world.filer_a.id)
    with app.app_context():
        reset = db.session.scalars(sa.select(PasswordReset)).one()
        reset.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        db.session.commit()
        db.session.remove()
    expired = app.test_client().get(link)
    assert expired.status_code == 404 and "This link has expired or has already been used." in text(expired)


def test_a_new_link_replaces_the_earlier_one(app, client, world):
    sign_in(client, world.admin)
    first = _reset_link(client, world.filer_a.id)
    second = _reset_link(client, world.filer_a.id)
    assert first != second
    other = app.test_client()
    assert other.get(first).status_code == 404
    assert other.get(second).status_code == 200


def test_a_made_up_link_is_404(app, world):
    client = app.test_client()
    assert client.get("/password-reset/not-a-token").status_code == 404
    assert client.get("/password-reset/" + "x" * 300).status_code == 404


def test_the_reset_link_is_mailed_to_the_user(database_url, world):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "MAIL_SERVER": "127.0.0.1",
                                     "MAIL_PORT": controller.port, "REGISTRY_BASE_URL": "https://registry.example"})
        with app.app_context():
            db.session.get(User, world.filer_a.id).locale = "zh_CN"
            db.session.commit()
            db.session.remove()
        client = app.test_client()
        sign_in(client, world.admin)
        page = text(client.post(f"/admin/users/{world.filer_a.id}/reset-password"))
        assert "It has been e-mailed to" in page
        link = re.search(r'value="(https://registry.example/password-reset/[^"]+)"', page).group(1)
        [message] = inbox.to(world.filer_a.email)
        assert link in message.body and message.subject
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        controller.stop()
