"""`sync` (a kbridge Markdown folder, and its git repository with --git) and `resolve` (a sync
conflict: keep mine, theirs, or a version written by hand)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kbridge.cli.main import AppContext
from kbridge.cli.options import json_option, pass_app
from kbridge.cli.output import emit_json, say
from kbridge.cli.progress import TerminalProgress
from kbridge.formats.sync.conflicts import resolve_conflict
from kbridge.formats.sync.folder import KEEP_CHOICES, SyncReport, sync_folder


@click.command("sync")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--keep", type=click.Choice(KEEP_CHOICES), default=None,
              help="Settle conflicts by keeping this side: mine (this knowledge base, also: kb) or theirs "
                   "(the folder, also: files). Default: keep both and list them.")
@click.option("--git", "use_git", is_flag=True,
              help="Bring the folder's git checkout up to date first (fetch, merge or rebase as configured), "
                   "commit what the sync changed after.")
@click.option("--push", is_flag=True,
              help="Also push (implies --git; the first push sets the upstream). Never without this flag.")
@json_option
@pass_app
def sync_command(app: AppContext, folder: Path, keep: str | None, use_git: bool, push: bool,
                 as_json: bool) -> None:
    """Two-way sync with a folder of kbridge Markdown. Exits 1 when conflicts remain."""
    with TerminalProgress("syncing") as progress:
        report = sync_folder(app.kb(write=True), folder, keep=keep, git=use_git or push, push=push,
                             progress=progress)
    if as_json:
        emit_json(report.as_json())
    else:
        print_report(report)
    if report.conflicts:
        sys.exit(1)


def print_report(report: SyncReport) -> None:
    for path in report.to_files:
        say(f"written   {path}")
    for key in report.to_kb:
        say(f"updated   {key}")
    for key in report.merged:
        say(f"merged    {key} (changed on both sides, in different places)")
    for key in report.deleted_records:
        say(f"deleted   {key} (moved to the trash)")
    for path in report.deleted_files:
        say(f"removed   {path}")
    for note in report.notes:
        say(f"note      {note['key'] + ': ' if note['key'] else ''}{note['message']}")
    for conflict in report.conflicts:
        fields = ", ".join(conflict.get("fields") or [])
        say(f"CONFLICT  {conflict['key']} ({conflict['path']}): {conflict['why']}" + (f" [{fields}]" if fields else ""))
    for item in report.skipped:
        say(f"skipped   {item.path}: {item.reason}")
    if report.conflicts:
        say("Each conflict keeps both versions: kbridge resolve KEY --keep mine|theirs|FILE settles it.", err=True)
    if report.commits or report.pushed:
        say(f"{report.commits} commit{'s' if report.commits != 1 else ''}"
            + (f", pushed to {report.remote}" if report.pushed else ""), err=True)
    elif report.remote:
        say(f"nothing new to commit or push; up to date with {report.remote}", err=True)


@click.command("resolve")
@click.argument("key")
@click.option("--keep", required=True, metavar="mine|theirs|FILE",
              help="mine: this knowledge base's version; theirs: the shared folder's; FILE: a kbridge Markdown "
                   "file with the version to keep (for example theirs, edited).")
@json_option
@pass_app
def resolve_command(app: AppContext, key: str, keep: str, as_json: bool) -> None:
    """Settle the sync conflict of KEY; the next sync shares the version kept."""
    message = resolve_conflict(app.kb(write=True), key, keep)
    if as_json:
        emit_json({"key": key, "kept": keep, "message": message})
    else:
        say(message)


COMMANDS = [sync_command, resolve_command]
