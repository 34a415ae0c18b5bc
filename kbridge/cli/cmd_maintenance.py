"""Maintenance commands: init, check, backup, stats."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kbridge.cli.main import AppContext
from kbridge.cli.options import json_option, pass_app
from kbridge.cli.output import emit_json, say
from kbridge.cli.progress import TerminalProgress
from kbridge.core import CATEGORIES, KnowledgeBase, templates
from kbridge.core.backups import list_backups, restore_backup


@click.command("init")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--first-decision", is_flag=True,
              help='Record ADR-0001 "Record architecture decisions", as adr-tools\' adr init does.')
@json_option
def init_command(path: Path, first_decision: bool, as_json: bool) -> None:
    """Create an empty knowledge base at PATH (never overwrites)."""
    key = None
    with KnowledgeBase.init(path) as kb:
        if first_decision:
            title, status, body = templates.first_decision()
            created = kb.create("decision", title, status=status, body=body, reason="kbridge init --first-decision")
            key = created.key
    if as_json:
        emit_json({"path": str(path), "first_decision": key})
        return
    say(f"created {path}" + (f" with {key}" if key else ""), err=True)


@click.command("check")
@click.option("--repair", "do_repair", is_flag=True,
              help="Fix what is safe to fix (dangling links whose targets now exist, the search index).")
@json_option
@pass_app
def check_command(app: AppContext, do_repair: bool, as_json: bool) -> None:
    """Integrity, dangling links, duplicate numbers, overdue reviews, departed owners and other
    knowledge at risk. Exits 1 when anything is found (after --repair: anything left)."""
    fixed: list[str] = []
    with TerminalProgress("checking") as progress:
        if do_repair:
            result = app.kb(write=True).maintenance.repair(progress=progress)
            fixed, report = result.fixed, result.remaining
        else:
            report = app.kb().maintenance.check(progress=progress)
    if as_json:
        data = {"ok": report.ok, "findings": [f.as_dict() for f in report.findings]}
        if do_repair:
            data["fixed"] = fixed
        emit_json(data)
    else:
        for sentence in fixed:
            say(f"fixed: {sentence}")
        for category, findings in report.by_category().items():
            click.echo(click.style(f"{CATEGORIES.get(category, category)} ({len(findings)})", bold=True))
            for finding in findings:
                where = f"{finding.key}  " if finding.key else ""
                say(f"  {where}{finding.message}")
        click.echo("no problems found" if report.ok else f"{len(report.findings)} problems found", err=True)
    if not report.ok:
        sys.exit(1)


@click.command("backup")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@json_option
@pass_app
def backup_command(app: AppContext, out: Path, force: bool, as_json: bool) -> None:
    """Write a consistent, owner-only copy of the knowledge base to OUT (safe while in use)."""
    written = app.kb().maintenance.backup(out, overwrite=force)
    if as_json:
        emit_json({"path": str(written), "size_bytes": written.stat().st_size})
        return
    say(f"backed up to {written}", err=True)


@click.command("stats")
@json_option
@pass_app
def stats_command(app: AppContext, as_json: bool) -> None:
    """Counts of records by kind and status, links, revisions and file size."""
    stats = app.kb().maintenance.stats()
    if as_json:
        emit_json(stats)
        return
    say(f"{stats['path']}: {stats['records']} records, {stats['links']} links "
               f"({stats['dangling_links']} dangling), {stats['revisions']} revisions, "
               f"{stats['deleted']} in the trash")
    for kind, count in stats["kinds"].items():
        statuses = ", ".join(f"{n} {s}" for s, n in stats["statuses"].get(kind, {}).items())
        click.echo(f"  {kind:<12} {count:>6}" + (f"   ({statuses})" if statuses else ""))


@click.command("restore-backup")
@click.argument("backup_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--other", is_flag=True, help="Allow a backup taken of a different knowledge base.")
@json_option
@pass_app
def restore_backup_command(app: AppContext, backup_file: Path, other: bool, as_json: bool) -> None:
    """Replace the knowledge base's content with BACKUP_FILE, after checking that the backup is
    sound. The current content is saved as a backup first, so nothing is lost."""
    safety, restored = restore_backup(app.kb(), backup_file, allow_other=other)
    changes = restored.changes
    if as_json:
        emit_json({"restored": str(backup_file), "previous_content": str(safety),
                   "created": len(changes.created), "updated": len(changes.updated), "deleted": len(changes.deleted)})
        return
    say(f"restored {backup_file} ({len(changes.records)} records changed); "
        f"the previous content is kept in {safety}", err=True)


@click.command("backups")
@json_option
@pass_app
def backups_command(app: AppContext, as_json: bool) -> None:
    """List the automatic backups of the knowledge base, newest first."""
    found = list_backups(app.kb())
    if as_json:
        emit_json([{"path": str(p), "size_bytes": p.stat().st_size} for p in found])
        return
    for path in found:
        say(path)
    if not found:
        click.echo("no automatic backups yet", err=True)


COMMANDS = [init_command, check_command, backup_command, restore_backup_command, backups_command, stats_command]
