"""Signing in through the web form with the test client."""

from __future__ import annotations


def sign_in(client, user) -> None:
    """Sign in as ``user`` (a factory user) and check it worked."""
    response = client.post("/login", data={"email": user.email, "password": user.password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def text(response) -> str:
    return response.get_data(as_text=True)
