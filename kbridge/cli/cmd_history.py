"""Revision commands: history, diff, restore."""

from __future__ import annotations

import click

from kbridge.cli.main import AppContext
from kbridge.cli.options import json_option, pass_app, reason_option
from kbridge.cli.output import changed_records, emit_json, print_table, revision_dict, say
from kbridge.core.history import snapshot_lines
from kbridge.escaping import terminal_text


@click.command("history")
@click.argument("key")
@json_option
@pass_app
def history_command(app: AppContext, key: str, as_json: bool) -> None:
    """List a record's revisions, oldest first (REV is what restore takes)."""
    revisions = app.kb().history.revisions(key)
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
@json_option
@pass_app
def diff_command(app: AppContext, key: str, rev_a: int, rev_b: int, as_json: bool) -> None:
    """Show what changed between two revisions of a record."""
    kb = app.kb()
    text = kb.history.diff(key, rev_a, rev_b)
    if as_json:
        old, new = kb.history.revision(key, rev_a), kb.history.revision(key, rev_b)
        changed = sorted(
            name for name in {*old.snapshot, *new.snapshot} - {"owner"}
            if old.snapshot.get(name) != new.snapshot.get(name)
        )
        emit_json({"key": kb.get(key).key, "from": revision_dict(old), "to": revision_dict(new),
                   "changed": changed, "diff": text.splitlines(),
                   "same": snapshot_lines(old.snapshot) == snapshot_lines(new.snapshot)})
        return
    for line in text.splitlines():
        colour = "green" if line.startswith("+") else "red" if line.startswith("-") else None
        shown = terminal_text(line)  # a record's text, shown, never obeyed by the terminal
        click.echo(click.style(shown, fg=colour) if colour else shown)
    if not text:
        click.echo(f"revisions {rev_a} and {rev_b} have the same content", err=True)


@click.command("restore")
@click.argument("key")
@click.argument("rev", type=int)
@click.option("--keep-status", is_flag=True,
              help="Keep the status the links imply (superseded while something supersedes it) "
                   "when the revision's status contradicts them.")
@reason_option
@json_option
@pass_app
def restore_command(app: AppContext, key: str, rev: int, keep_status: bool, reason: str, as_json: bool) -> None:
    """Bring back revision REV of a record, as a new revision (nothing is overwritten). Links stay
    as they are now; a status that contradicts them is said so (see --keep-status)."""
    kb = app.kb(write=True)
    conflict = kb.lifecycle.restore_conflict(key, rev)
    changes = kb.history.restore(key, rev, reason=reason, keep_consistent=keep_status).changes
    record = kb.get(key)
    latest = kb.history.revisions(key)[-1]
    if as_json:
        emit_json({"key": record.key, "restored": rev, "rev": latest.rev, "status": record.status,
                   "conflict": conflict.message if conflict else None, "status_kept": bool(conflict and keep_status),
                   "changed": changed_records(kb, changes)})
        return
    say(f"{record.key}: revision {rev} restored as revision {latest.rev}", err=True)
    if conflict is not None and keep_status:
        say(f"kept the status {record.status}: revision {rev} said {conflict.status or 'none'}, "
                   "which the links contradict", err=True)
    elif conflict is not None:
        say(f"warning: {conflict.message} (kbridge check reports it; kbridge restore {record.key} "
                   f"{rev} --keep-status keeps the status the links imply)", err=True)


COMMANDS = [history_command, diff_command, restore_command]
