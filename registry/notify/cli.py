"""``flask --app wsgi notify``: send the e-mails that are due, each at most once however often it runs.

Not ``@committed``: one transaction for the whole run would let a crash
midway resend every mail before it. Each notice is its own transaction
instead: claimed (its ``sent_notifications`` rows) and committed first, then
sent; a failed send deletes the claim, so the next run tries again. Two runs
at once cannot both send a mail, since the second claim breaks the unique
key. A crash between the claim and the send loses that one mail rather than
risk sending it twice: at most once, as api.md asks.
"""

from __future__ import annotations

import smtplib
from collections import Counter

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from registry.extensions import db
from registry.notify.mail import compose
from registry.notify.services import KINDS, Notice, claim, due_notices, release
from registry.transactions import commit_step

CLAIMED, SENT, FAILED = "claimed elsewhere", "sent", "failed"


def _deliver(notice: Notice) -> tuple[str, str | None]:
    """Claim, send, or give the claim back: the outcome and, on failure, why."""
    message = compose(notice)  # before the claim: a mail that cannot be written is never claimed
    try:
        claim(notice)
        commit_step()
    except IntegrityError:
        db.session.rollback()
        return CLAIMED, None  # another run has it
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        release(notice)
        commit_step()
        return FAILED, f"{type(error).__name__}: {error}"
    return SENT, None


def _counts(counter: Counter) -> str:
    return ", ".join(f"{kind} {counter[kind]}" for kind in KINDS)


@click.command("notify")
@click.option("--dry-run", is_flag=True, help="List the e-mails due; send and record nothing.")
@with_appcontext
def notify_command(dry_run: bool) -> None:
    """Send the due reminder, decision and review-digest e-mails; exit 1 if any could not be sent."""
    try:
        notices = due_notices()
        if dry_run:
            for notice in notices:
                click.echo(f"would send {notice.describe()}")
            click.echo(f"Would send {len(notices)} e-mails: {_counts(Counter(n.kind for n in notices))}.")
            return
        db.session.rollback()  # end the reading transaction: each notice is claimed in its own
        outcomes: dict[str, Counter] = {SENT: Counter(), FAILED: Counter(), CLAIMED: Counter()}
        for notice in notices:
            outcome, why = _deliver(notice)
            outcomes[outcome][notice.kind] += 1
            if outcome == SENT:
                click.echo(f"sent {notice.describe()}")
            elif outcome == FAILED:
                click.echo(f"FAILED {notice.describe()}: {why}; the next run tries again", err=True)
    finally:
        db.session.rollback()
    sent, failed = outcomes[SENT], outcomes[FAILED]
    click.echo(f"Sent {sum(sent.values())} e-mails: {_counts(sent)}.")
    if outcomes[CLAIMED]:
        click.echo(f"{sum(outcomes[CLAIMED].values())} were being sent by another run at the same time.")
    if failed:
        click.echo(f"Could not send {sum(failed.values())}: {_counts(failed)}.", err=True)
        raise click.exceptions.Exit(1)
