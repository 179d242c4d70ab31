"""``flask --app wsgi calendar load YEAR``: copy a year's holiday arrangement into the registry's calendar."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from registry.transactions import committed
from registry.workdays import seed, services

calendar_cli = AppGroup("calendar", help="The working-day calendar (State Council holiday arrangements).")


@calendar_cli.command("load")
@click.argument("year", type=click.IntRange(services.FIRST_YEAR, services.LAST_YEAR))
@committed
def load_command(year: int) -> None:
    """Load YEAR from the installed chinese-calendar package (upgrade it first when the notice is new)."""
    if not seed.known_to_package(year):
        click.echo(f"The installed chinese-calendar package has no arrangement for {year}: upgrade it, "
                   f"or PUT /api/v1/calendar/{year} with the notice's holidays and make-up days.", err=True)
        raise click.exceptions.Exit(1)
    off, on = seed.arrangement(year)
    services.set_year(year, off, on, seed.SOURCE, None)
    click.echo(f"Loaded {year}: {len(off)} holidays on weekdays, {len(on)} make-up working days.")
