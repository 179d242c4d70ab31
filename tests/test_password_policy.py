"""The password policy: long, not common, not the user's own e-mail or name."""

from __future__ import annotations

import pytest

from registry.auth.services import check_password_strength
from registry.problems import InvalidInput
from tests.web_helpers import sign_in

WEAK = ["short", "aaaaaaaaaa", "password12"]


@pytest.mark.parametrize("password", [*WEAK, "mei.lin@example.org", "xx-mei.lin-xx", "Zhang Wei 2016!"])
def test_weak_passwords_refused(ctx, password):
    with pytest.raises(InvalidInput):
        check_password_strength(password, email="mei.lin@example.org", name="Zhang Wei")


def test_strong_password_passes(ctx):
    check_password_strength("ingot-furnace-quarry", email="mei.lin@example.org", name="Zhang Wei")


@pytest.mark.parametrize("password", WEAK)
def test_account_page_refuses_weak_new_password(client, world, password):
    sign_in(client, world.filer_a)
    response = client.post("/account/password", data={"current_password": world.filer_a.password,
                                                      "new_password": password})
    assert response.status_code == 422


def test_admin_form_refuses_personal_password(client, world):
    sign_in(client, world.admin)
    response = client.post("/admin/users/new", data={"email": "wang.fang@member.example", "role": "auditor",
                                                     "enterprise_id": "", "password": "wang.fang-2016"})
    assert response.status_code == 422


@pytest.mark.parametrize("password", WEAK)
def test_cli_refuses_weak_password(app, password):
    result = app.test_cli_runner().invoke(args=["users", "create", "x@member.example", "--role", "auditor",
                                                "--password", password])
    assert result.exit_code != 0
    assert result.output.startswith("Error:")
