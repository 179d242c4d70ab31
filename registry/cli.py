"""Command line: ``flask --app wsgi <command>``; each command calls a service and commits once."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from registry.auth.roles import ROLES
from registry.extensions import db

users_cli = AppGroup("users", help="Manage users.")
tokens_cli = AppGroup("tokens", help="Manage API tokens.")


def _fail(message: str) -> None:
    raise click.ClickException(message)


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--enterprise", "uscc", help="USCC of the filer's enterprise (required for filers).")
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--name", default="", help="Display name.")
def create_user_command(email: str, role: str, uscc: str | None, password: str, name: str) -> None:
    """Create a user."""
    from registry.auth.services import create_user
    from registry.members.models import Enterprise
    from registry.problems import Problem

    enterprise = None
    if uscc:
        enterprise = db.session.scalar(sa.select(Enterprise).where(Enterprise.uscc == uscc))
        if enterprise is None:
            _fail(f"No enterprise with USCC {uscc}.")
    try:
        user = create_user(email, role, password, enterprise=enterprise, name=name)
    except Problem as problem:
        _fail(problem.detail)
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="cli", help="A label to recognise the token by.")
def create_token_command(email: str, name: str) -> None:
    """Create an API token; it is printed once, as the last line."""
    from registry.auth.models import User
    from registry.auth.services import create_token

    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        _fail(f"No user {email}.")
    _, plain = create_token(user, name)
    db.session.commit()
    click.echo(f"Token for {user.email} (store it now; it is not shown again):")
    click.echo(plain)


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Load the illustrative demo data set and print the demo users' credentials."""
    from registry.demo import DEMO_USERS, load_demo

    if not load_demo():
        click.echo("Demo data is already loaded.")
    else:
        db.session.commit()
        click.echo("Loaded the demo data set.")
    click.echo("Demo users (e-mail / password / role):")
    for email, password, role, _ in DEMO_USERS:
        click.echo(f"  {email:32} {password:22} {role}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(seed_demo_command)
