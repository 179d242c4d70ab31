"""``flask --app wsgi audit verify``: walk the audit chain and say where it breaks, if it does."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from registry.audit.chain import verify
from registry.extensions import db

audit_cli = AppGroup("audit", help="The tamper-evident audit chain.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Recompute every event's hash in seq order; exit 1 naming the first that does not hold."""
    try:
        verdict = verify(db.session)
    finally:
        db.session.rollback()  # read only
    if verdict.problem is None:
        click.echo(f"The audit chain holds: {verdict.count:,} events, head #{verdict.head_seq} {verdict.head_hash}.")
        return
    click.echo(f"The audit chain is broken after {verdict.count:,} good events "
               f"(last good #{verdict.head_seq} {verdict.head_hash}).")
    click.echo(verdict.problem)
    raise click.exceptions.Exit(1)
