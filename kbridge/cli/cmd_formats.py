"""`import` and `export`: folders of Markdown (and JSON) in and out of the knowledge base."""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import click

from kbridge.cli.main import AppContext
from kbridge.cli.options import json_option, pass_app
from kbridge.cli.output import emit_json, say
from kbridge.cli.progress import TerminalProgress
from kbridge.core import KnowledgeBase
from kbridge.formats.read.importer import ImportReport, import_folder
from kbridge.formats.read.parsed import FORMATS
from kbridge.formats.read.plan import (
    ImportPlan,
    NoDecisionsError,
    PlannedRecord,
    no_decisions_message,
    plan_import,
)
from kbridge.formats.read.reading_pool import default_workers
from kbridge.formats.write.export import EXPORTERS, export_kb


@click.command("import")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["auto", *FORMATS]), default="auto",
              show_default=True, help="The folder's format; auto detects it per folder and file.")
@click.option("--dry-run", is_flag=True,
              help="Show what would be imported, updated and skipped, and change nothing.")
@click.option("--force", is_flag=True,
              help="Import even files (or a folder) that do not read as decision records.")
@click.option("--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Processes that read the files of a large folder (2,000 files or more); "
                   "default: one per processor.")
@json_option
@pass_app
def import_command(app: AppContext, folder: Path, fmt: str, dry_run: bool, force: bool,
                   jobs: int | None, as_json: bool) -> None:
    """Import the decision records of FOLDER (or a kbridge JSON export); running it again
    updates, never duplicates, and an export of this knowledge base finds everything unchanged."""
    progress = TerminalProgress("reading" if dry_run else "importing")
    with contextlib.ExitStack() as stack:
        if dry_run and not app.kb_path.exists():
            # Nothing to compare with, and a dry run creates nothing: plan against an empty one.
            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            kb = stack.enter_context(KnowledgeBase.init(scratch / "dry-run.kbridge"))
        else:
            kb = app.kb(write=not dry_run)
        report, rows = _import_or_plan(kb, folder, fmt, dry_run, force, jobs or default_workers(), progress)
        # Printed while the knowledge base is open: the lines are made as they are printed
        # (whether a file is unchanged may ask it), never all held.
        if as_json:
            emit_json({"dry_run": dry_run, **report.as_json()})
            return
        _print_rows(rows, [(w.path, w.message) for w in report.warnings], dry_run, report.formats)


def _import_or_plan(kb: KnowledgeBase, folder: Path, fmt: str, dry_run: bool, force: bool, workers: int,
                    progress: TerminalProgress) -> tuple[ImportPlan | ImportReport, Iterator[PlannedRecord]]:
    try:
        plan = plan_import(kb, folder, fmt=fmt, progress=progress, force=force, workers=workers)
        if not plan.decisions_found and plan.records and not force:
            raise NoDecisionsError(no_decisions_message(folder))
        if dry_run:
            return plan, plan.rows_by_path()
        report = import_folder(kb, folder, fmt=fmt, progress=progress, force=force, plan=plan)
        return report, report.records_by_path()
    finally:
        progress.close()


def _print_rows(rows: Iterable[PlannedRecord], warnings: list[tuple[str, str]], dry_run: bool,
                formats: dict[str, int]) -> None:
    verbs = {"import": "would import" if dry_run else "imported",
             "update": "would update" if dry_run else "updated",
             "unchanged": "unchanged", "skip": "skipped"}
    counts = dict.fromkeys(verbs, 0)
    for row in rows:
        counts[row.action] += 1
        if row.action == "skip":
            say(f"skipped  {row.path}: {row.reason}")
            continue
        notes = "; ".join(note for note in (row.status_note, row.date_note) if note)
        say(f"{verbs[row.action]:<13}{row.key:<14}{row.status:<11}{row.date or '-':<11}"
            f"{row.path}: {row.title}" + (f"  ({notes})" if notes else ""))
    for path, message in warnings:
        say(f"warning  {path}: {message}")
    done = "would be " if dry_run else ""
    click.echo(f"{counts['import']} {done}imported, {counts['update']} {done}updated, "
               f"{counts['unchanged']} unchanged, {counts['skip']} skipped, {len(warnings)} warnings"
               + (" (dry run: nothing was changed)" if dry_run else ""), err=True)
    if formats:  # what the files were read as: told per folder and per file, never assumed
        read_as = ", ".join(f"{name} ({count} file{'' if count == 1 else 's'})" for name, count in formats.items())
        click.echo(f"read as {read_as}", err=True)


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(sorted([*EXPORTERS, "pack"])), required=True,
              help="native writes each record where and how it was imported (new ones as MADR 4); pack "
                   "writes the printable incident pack (HTML and PDF).")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True,
              help="Replace files in OUT that hold something else (never files the export does not write).")
@json_option
@pass_app
def export_command(app: AppContext, fmt: str, out: Path, force: bool, as_json: bool) -> None:
    """Export every record to OUT (a folder; a .json file for --format json)."""
    if fmt == "pack":  # printed by the desktop layer (Qt's PDF writer): see cmd_resilience
        from kbridge.cli.cmd_resilience import export_pack

        return export_pack(app, out, as_json)
    progress = TerminalProgress("exporting")
    try:
        report = export_kb(app.kb(), out, fmt, progress=progress, overwrite=force)
    finally:
        progress.close()
    if as_json:
        emit_json(report.as_json())
        sys.exit(1 if report.refused else 0)
    for item in report.skipped:
        say(f"skipped  {item.path}: {item.reason}")
    for warning in report.warnings:
        say(f"warning  {warning.path}: {warning.message}")
    for path in report.refused:
        say(f"refused  {path}: a different file is there (--force replaces it)")
    ways = f"{report.unchanged} as imported, {report.patched} edited, {report.generated} new"
    if report.out.suffix.lower() == ".json":
        ways = f"{report.generated} records"
    say(f"{len(report.written)} files written to {report.out} ({ways}; {report.attachments} attachments), "
        f"{len(report.up_to_date)} already up to date, {len(report.refused)} refused", err=True)
    if report.refused:
        sys.exit(1)


COMMANDS = [import_command, export_command]
