"""The command line of api.md: users create, tokens create, seed-demo."""

from __future__ import annotations

import sqlalchemy as sa

from registry.auth.models import User
from registry.extensions import db
from registry.filings.models import STATUSES, Filing
from registry.members.models import Enterprise, Smelter
from tests.api_helpers import row_count

PASSWORD = "long-enough-password"


def _invoke(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def _user(app, email: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        db.session.remove()
        return user


def test_users_create_staff(app):
    result = _invoke(app, "users", "create", "Reviewer@Example.org", "--role", "reviewer", "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    user = _user(app, "reviewer@example.org")
    assert (user.role, user.enterprise_id) == ("reviewer", None)
    assert PASSWORD not in user.password_hash


def test_filer_needs_an_enterprise(app):
    result = _invoke(app, "users", "create", "f@example.org", "--role", "filer", "--password", PASSWORD)
    assert result.exit_code != 0
    assert "enterprise" in result.output.lower()
    assert _user(app, "f@example.org") is None


def test_filer_with_an_enterprise(app, factory):
    enterprise = factory.enterprise()
    result = _invoke(app, "users", "create", "f@example.org", "--role", "filer",
                     "--enterprise", enterprise.uscc, "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert _user(app, "f@example.org").enterprise_id == enterprise.id


def test_users_create_refusals(app, factory):
    enterprise = factory.enterprise()
    cases = [
        (["--role", "filer", "--enterprise", "91410000MA00000000", "--password", PASSWORD], "91410000MA00000000"),
        (["--role", "auditor", "--password", "short"], "10 characters"),
        (["--role", "superuser", "--password", PASSWORD], "superuser"),
    ]
    for options, message in cases:
        result = _invoke(app, "users", "create", "x@example.org", *options)
        assert result.exit_code != 0
        assert message in result.output
    assert _user(app, "x@example.org") is None
    assert _invoke(app, "users", "create", "y@example.org", "--role", "filer", "--enterprise", enterprise.uscc,
                   "--password", PASSWORD).exit_code == 0
    again = _invoke(app, "users", "create", "y@example.org", "--role", "auditor", "--password", PASSWORD)
    assert again.exit_code != 0
    assert "already exists" in again.output


def test_tokens_create_prints_a_working_token_last(app, factory, client):
    user = factory.user("auditor")
    result = _invoke(app, "tokens", "create", user.email)
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    response = client.get("/api/v1/enterprises", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_tokens_create_for_nobody_fails(app):
    result = _invoke(app, "tokens", "create", "nobody@example.org")
    assert result.exit_code != 0
    assert "nobody@example.org" in result.output


def _demo_counts(app) -> dict:
    with app.app_context():
        statuses = dict(db.session.execute(
            sa.select(Filing.status, sa.func.count()).group_by(Filing.status)).all())
        roles = set(db.session.scalars(sa.select(User.role).distinct()))
        provinces = set(db.session.scalars(sa.select(Smelter.province).distinct()))
        db.session.remove()
    return {"enterprises": row_count(app, Enterprise), "smelters": row_count(app, Smelter),
            "filings": row_count(app, Filing), "statuses": statuses, "roles": roles, "provinces": provinces}


def test_seed_demo_loads_a_realistic_registry_once(app, client):
    first = _invoke(app, "seed-demo")
    assert first.exit_code == 0, first.output
    assert "admin@registry.example" in first.output and "filer@zhongyuan.example" in first.output
    counts = _demo_counts(app)
    assert counts["enterprises"] == 10
    assert counts["smelters"] == 20
    assert set(counts["statuses"]) == set(STATUSES)
    assert counts["roles"] == {"admin", "reviewer", "auditor", "filer"}
    assert {"41", "37", "65", "15", "53", "45", "52", "62"} <= counts["provinces"]

    again = _invoke(app, "seed-demo")
    assert again.exit_code == 0, again.output
    assert "already" in again.output
    assert _demo_counts(app) == counts

    token = _invoke(app, "tokens", "create", "filer@zhongyuan.example").output.strip().splitlines()[-1]
    filings = client.get("/api/v1/filings", headers={"Authorization": f"Bearer {token}"})
    assert filings.status_code == 200
    assert {f["enterprise_id"] for f in filings.json} == {1}
    signed_in = client.post("/login", data={"email": "reviewer@registry.example",
                                            "password": "anode-demo-2016"})
    assert signed_in.status_code == 302
