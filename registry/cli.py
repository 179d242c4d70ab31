"""Command line: ``flask --app wsgi <command>``; each command calls a service, committed once (``committed``)."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from registry.audit.cli import audit_cli
from registry.auth.models import User
from registry.auth.services import create_token, create_user, set_user_role
from registry.capacity.projection import rebuild, verify
from registry.demo import DEMO_USERS, load_demo
from registry.dump import DumpError, export_to, import_from
from registry.extensions import db
from registry.members.models import Enterprise
from registry.months import is_month
from registry.notify.cli import notify_command
from registry.problems import Problem
from registry.roles import ROLES
from registry.scale import SCALE_PASSWORD, ScaleSpec, generate
from registry.transactions import committed
from registry.workdays.cli import calendar_cli

users_cli = AppGroup("users", help="Manage users.")
ledger_cli = AppGroup("ledger", help="The capacity projection against the ledger of approved filings.")
tokens_cli = AppGroup("tokens", help="Manage API tokens.")


def _fail(message: str) -> None:
    raise click.ClickException(message)


def _user_by_email(email: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        _fail(f"No user {email}.")
    return user


def _enterprise_by_uscc(uscc: str | None) -> Enterprise | None:
    """The enterprise of ``--enterprise USCC``, or None when the option is not given."""
    if not uscc:
        return None
    enterprise = db.session.scalar(sa.select(Enterprise).where(Enterprise.uscc == uscc))
    if enterprise is None:
        _fail(f"No enterprise with USCC {uscc}.")
    return enterprise


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--enterprise", "uscc", help="USCC of the filer's enterprise (required for filers).")
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--name", default="", help="Display name.")
@committed
def create_user_command(email: str, role: str, uscc: str | None, password: str, name: str) -> None:
    """Create a user."""
    enterprise = _enterprise_by_uscc(uscc)
    try:
        user = create_user(email, role, password, enterprise=enterprise, name=name)
    except Problem as problem:
        _fail(str(problem.message))
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@users_cli.command("set-role")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--enterprise", "uscc", help="USCC of the filer's enterprise (required for filers).")
@committed
def set_role_command(email: str, role: str, uscc: str | None) -> None:
    """Change a user's role; their sessions and API tokens end."""
    user, enterprise = _user_by_email(email), _enterprise_by_uscc(uscc)
    try:
        set_user_role(user, role, None, enterprise=enterprise)
    except Problem as problem:
        _fail(str(problem.message))
    click.echo(f"{user.email} is now {user.role}; their sessions and tokens have ended.")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="cli", help="A label to recognise the token by.")
@committed
def create_token_command(email: str, name: str) -> None:
    """Create an API token; it is printed once, as the last line."""
    user = _user_by_email(email)
    _, plain = create_token(user, name)
    click.echo(f"Token for {user.email} (store it now; it is not shown again):")
    click.echo(plain)


@click.command("seed-demo")
@with_appcontext  # `flask` pushes one anyway; app.cli and the test runner do not
@committed
def seed_demo_command() -> None:
    """Load the illustrative demo data set and print the demo users' credentials."""
    if not load_demo():
        click.echo("Demo data is already loaded.")
    else:
        click.echo("Loaded the demo data set.")
    click.echo("Demo users (e-mail / password / role):")
    for email, password, role, _ in DEMO_USERS:
        click.echo(f"  {email:32} {password:22} {role}")


@click.command("seed-scale")
@click.option("--enterprises", default=100, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--smelters", default=500, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--months", default=120, show_default=True, type=click.IntRange(1, 600))
@click.option("--filings", default=200_000, show_default=True, type=click.IntRange(0, 100_000_000))
@click.option("--seed", default=1, show_default=True, help="The same seed gives the same data set.")
@click.option("--start", default="2016-01", show_default=True, help="First month (YYYY-MM).")
@click.option("--append", is_flag=True, help="Add to a database that already has filings.")
@committed
def seed_scale_command(enterprises: int, smelters: int, months: int, filings: int, seed: int, start: str,
                       append: bool) -> None:
    """Load a large synthetic data set for performance work (bulk inserts, one commit)."""
    if not is_month(start):
        _fail("--start must be a month, YYYY-MM.")
    if smelters < enterprises:
        _fail("Give at least one smelter per enterprise (--smelters >= --enterprises).")
    spec = ScaleSpec(enterprises, smelters, months, filings, seed, start)
    try:
        with click.progressbar(length=filings, label="Filings", show_pos=True) as bar:
            counts = generate(spec, append=append, progress=bar.update)
    except Problem as problem:
        _fail(str(problem.message))
    click.echo("Wrote " + ", ".join(f"{n:,} {table}" for table, n in counts.items()) + ".")
    click.echo(f"Every scale user (scale-<role>-<id>@scale.example) has the password {SCALE_PASSWORD}.")


@click.command("export")
@click.argument("file", type=click.File("w", encoding="utf-8", atomic=True))
@with_appcontext
@committed
def export_command(file) -> None:
    """Write every table to FILE as one JSON document (README, Backups); `-` is standard output."""
    counts = export_to(file)
    click.echo(f"Exported {sum(counts.values()):,} rows of {len(counts)} tables.", err=True)


@click.command("import-dump")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@with_appcontext
@committed
def import_dump_command(file) -> None:
    """Load an export into this freshly migrated, empty database, all rows or none."""
    try:
        counts = import_from(file)
    except DumpError as error:
        _fail(str(error.message))  # English, as every command prints (no request, no locale)
    click.echo(f"Imported {sum(counts.values()):,} rows of {len(counts)} tables.")


@ledger_cli.command("verify")
def ledger_verify_command() -> None:
    """Replay every smelter from the filings and compare with the stored projection; exit 1 on a difference."""
    differences = verify()
    db.session.rollback()
    if not differences:
        click.echo("The projection agrees with the filings.")
        return
    for difference in differences[:200]:
        click.echo(str(difference))
    if len(differences) > 200:
        click.echo(f"... and {len(differences) - 200:,} more.")
    raise click.exceptions.Exit(1)


@ledger_cli.command("rebuild")
@committed
def ledger_rebuild_command() -> None:
    """Rewrite the projection from the filings (after a restore or a repair), in one transaction."""
    rows = rebuild()
    click.echo(f"Rebuilt the projection: {rows:,} smelter-months.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(ledger_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(seed_scale_command)
    app.cli.add_command(export_command)
    app.cli.add_command(import_dump_command)
    app.cli.add_command(notify_command)
    app.cli.add_command(audit_cli)
    app.cli.add_command(calendar_cli)
