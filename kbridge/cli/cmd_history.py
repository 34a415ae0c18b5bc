"""Revision commands: history, diff, restore."""

from __future__ import annotations

import click

from kbridge.cli.main import AppContext
from kbridge.cli.options import json_option, pass_app, reason_option
from kbridge.cli.output import emit_json, print_table, revision_dict
from kbridge.escaping import terminal_text


@click.command("history")
@click.argument("key")
@json_option
@pass_app
def history_command(app: AppContext, key: str, as_json: bool) -> None:
    """List a record's revisions, oldest first (REV is what restore takes)."""
    revisions = app.kb().history(key)
    if as_json:
        emit_json([revision_dict(revision) for revision in revisions])
        return
    print_table(
        [[str(r.rev), r.at.replace("T", " ")[:19], r.author, r.status or "-", r.reason] for r in revisions],
        ["REV", "WHEN (UTC)", "AUTHOR", "STATUS", "REASON"],
    )


@click.command("diff")
@click.argument("key")
@click.argument("rev_a", type=int)
@click.argument("rev_b", type=int)
@pass_app
def diff_command(app: AppContext, key: str, rev_a: int, rev_b: int) -> None:
    """Show what changed between two revisions of a record."""
    text = app.kb().diff(key, rev_a, rev_b)
    for line in text.splitlines():
        colour = "green" if line.startswith("+") else "red" if line.startswith("-") else None
        shown = terminal_text(line)  # a record's text, shown, never obeyed by the terminal
        click.echo(click.style(shown, fg=colour) if colour else shown)
    if not text:
        click.echo(f"revisions {rev_a} and {rev_b} have the same content", err=True)


@click.command("restore")
@click.argument("key")
@click.argument("rev", type=int)
@reason_option
@pass_app
def restore_command(app: AppContext, key: str, rev: int, reason: str) -> None:
    """Bring back revision REV of a record, as a new revision (nothing is overwritten)."""
    kb = app.kb(write=True)
    kb.restore(key, rev, reason=reason)
    latest = kb.history(key)[-1]
    click.echo(f"{kb.get(key).key}: revision {rev} restored as revision {latest.rev}", err=True)


COMMANDS = [history_command, diff_command, restore_command]
