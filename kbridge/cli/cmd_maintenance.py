"""Maintenance commands: init, check, backup, stats."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kbridge.cli.main import AppContext
from kbridge.cli.options import json_option, pass_app
from kbridge.cli.output import emit_json
from kbridge.core import CATEGORIES, KnowledgeBase


@click.command("init")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
def init_command(path: Path) -> None:
    """Create an empty knowledge base at PATH (never overwrites)."""
    KnowledgeBase.init(path).close()
    click.echo(f"created {path}", err=True)


@click.command("check")
@json_option
@pass_app
def check_command(app: AppContext, as_json: bool) -> None:
    """Integrity, dangling links, duplicate numbers, overdue reviews, departed owners.
    Exits 1 when anything is found."""
    report = app.kb().check()
    if as_json:
        emit_json({"ok": report.ok, "findings": [f.as_dict() for f in report.findings]})
    else:
        for category, findings in report.by_category().items():
            click.echo(click.style(f"{CATEGORIES.get(category, category)} ({len(findings)})", bold=True))
            for finding in findings:
                where = f"{finding.key}  " if finding.key else ""
                click.echo(f"  {where}{finding.message}")
        click.echo("no problems found" if report.ok else f"{len(report.findings)} problems found", err=True)
    if not report.ok:
        sys.exit(1)


@click.command("backup")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@pass_app
def backup_command(app: AppContext, out: Path, force: bool) -> None:
    """Write a consistent, owner-only copy of the knowledge base to OUT (safe while in use)."""
    written = app.kb().backup(out, overwrite=force)
    click.echo(f"backed up to {written}", err=True)


@click.command("stats")
@json_option
@pass_app
def stats_command(app: AppContext, as_json: bool) -> None:
    """Counts of records by kind and status, links, revisions and file size."""
    stats = app.kb().stats()
    if as_json:
        emit_json(stats)
        return
    click.echo(f"{stats['path']}: {stats['records']} records, {stats['links']} links "
               f"({stats['dangling_links']} dangling), {stats['revisions']} revisions, "
               f"{stats['deleted']} in the trash")
    for kind, count in stats["kinds"].items():
        statuses = ", ".join(f"{n} {s}" for s, n in stats["statuses"].get(kind, {}).items())
        click.echo(f"  {kind:<12} {count:>6}" + (f"   ({statuses})" if statuses else ""))


COMMANDS = [init_command, check_command, backup_command, stats_command]
