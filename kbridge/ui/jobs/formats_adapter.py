"""The one place the desktop app calls importers, exporters and folder sync (`kbridge.formats`).

Every function runs on a worker thread: it opens its own `KnowledgeBase` on `kb_path` (an SQLite
connection must not be shared between threads), reports `progress(done, total, message)` and
stops when `cancel` is set, leaving the knowledge base as it was. What a job changes is returned
with its result (`changes`): the window hands it to its own `KnowledgeBase`, which announces it to
the views (`KnowledgeBase.announce`), the way it announces the window's own changes.

Imports, exports and syncs of a large knowledge base or folder (`apart.run_by_size`) run in a process of
their own (`kbridge.ui.jobs.apart`): the same functions, called there, so that their interpreter
and memory are not the window's.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbridge.core import KnowledgeBase
from kbridge.formats.read.importer import cancelled_message
from kbridge.formats.read.importer import import_folder as formats_import_folder
from kbridge.formats.read.parsed import FORMATS
from kbridge.formats.read.plan import PlannedRecord, plan_import
from kbridge.formats.sync.folder import sync_folder as formats_sync_folder
from kbridge.formats.sync.git_repo import in_git_checkout
from kbridge.formats.write.export import EXPORTERS, export_kb
from kbridge.model import Changes, Initiator, KbridgeError, Progress, ValidationError
from kbridge.ui.jobs.apart import CancelFlag, run_by_size

_LABELS = {
    "auto": "Detect automatically",
    "adr-tools": "adr-tools (Nygard)",
    "madr": "MADR",
    "log4brains": "log4brains",
    "kbridge": "kbridge Markdown",
    "rst": "reStructuredText",
    "native": "Each record as it was imported (new ones as MADR 4)",
    "json": "JSON (one file)",
    "html": "Static HTML site",
}
IMPORT_FORMATS = tuple((name, _LABELS.get(name, name)) for name in ("auto", *FORMATS))
EXPORT_FORMATS = tuple((name, _LABELS.get(name, name)) for name in EXPORTERS)


class CancelledError(KbridgeError):
    """The person cancelled the job; nothing was changed."""


class PartlyImportedError(CancelledError):
    """An import cancelled after some of its batches were written: they stay (`summary`)."""

    def __init__(self, message: str, summary: ImportSummary) -> None:
        super().__init__(message)
        self.summary = summary

    def __reduce__(self) -> tuple[Any, ...]:  # it crosses from an import's own process (apart)
        return (type(self), (str(self), self.summary))


@dataclass
class ImportSummary:
    formats: dict[str, int]  # what the importer read the files as (format -> files), not a guess
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)

    def describe(self) -> str:
        parts = [f"{self.imported} imported", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        return ", ".join(parts)


def format_label(name: str) -> str:
    return _LABELS.get(name, name)


def describe_formats(formats: dict[str, int]) -> str:
    """What files were read as, in words: "MADR (38 files)", "MADR (36 files), adr-tools (Nygard) (2 files)"."""
    if not formats:
        return "no file read as a record"
    return ", ".join(f"{format_label(name)} ({count} file{'' if count == 1 else 's'})"
                     for name, count in formats.items())


@dataclass
class ImportPreview:
    """What an import would do, file by file; nothing written yet."""

    folder: Path
    formats: dict[str, int]  # what the files were read as (format -> files)
    rows: list[PlannedRecord] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    decisions_found: bool = True

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def describe(self) -> str:
        parts = [f"{self.count('import')} to import", f"{self.count('update')} to update",
                 f"{self.count('unchanged')} unchanged"]
        if self.count("skip"):
            parts.append(f"{self.count('skip')} skipped")
        if self.warnings:
            parts.append(f"{len(self.warnings)} warnings")
        return ", ".join(parts)


def _folder(folder: Path) -> Path:
    """The folder to import; an error when it is none. Its format is told by the importer itself,
    per folder and per file, once: the summary says what it used."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValidationError(f"{folder} is not a folder")
    return folder


def preview_import(
    kb_path: Path, folder: Path, fmt: str, progress: Progress, cancel: threading.Event
) -> ImportPreview:
    """The import's plan (kbridge.formats.read.plan), read on a worker thread (apart for a large
    folder or knowledge base: reading holds every file's facts); writes nothing."""
    folder = _folder(folder)
    return run_by_size(_preview_import, kb_path, folder, fmt, progress=progress, cancel=cancel, folder=folder)


def _preview_import(kb_path: Path, folder: Path, fmt: str, progress: Progress, cancel: CancelFlag) -> ImportPreview:
    with KnowledgeBase.open(kb_path, initiator=Initiator.JOB) as kb:
        plan = plan_import(kb, folder, fmt=fmt, progress=progress, cancel=cancel.is_set)
    if plan.cancelled:
        raise CancelledError("preview cancelled; nothing was changed")
    return ImportPreview(folder, plan.formats, plan.rows, [(w.path, w.message) for w in plan.warnings],
                         plan.decisions_found)


def import_folder(
    kb_path: Path, folder: Path, fmt: str, progress: Progress, cancel: threading.Event,
    force: bool = False,
) -> ImportSummary:
    """Import `folder`; `force` imports it even when nothing in it reads as a decision."""
    folder = _folder(folder)
    return run_by_size(_import_folder, kb_path, folder, fmt, force, progress=progress, cancel=cancel, folder=folder)


def _import_folder(kb_path: Path, folder: Path, fmt: str, force: bool, progress: Progress,
                   cancel: CancelFlag) -> ImportSummary:
    with KnowledgeBase.open(kb_path, initiator=Initiator.JOB) as kb:
        report = formats_import_folder(kb, folder, fmt=fmt, progress=progress, cancel=cancel.is_set,
                                       force=force)
    summary = ImportSummary(
        report.formats,
        report.imported,
        report.updated,
        report.unchanged,
        [(item.path, item.reason) for item in report.skipped],
        [(item.path, item.message) for item in report.warnings],
        report.result.changes if report.result else Changes(),
    )
    if report.cancelled and (report.imported or report.updated):
        raise PartlyImportedError(cancelled_message(report), summary)
    if report.cancelled:
        raise CancelledError(cancelled_message(report))
    return summary


@dataclass
class ExportSummary:
    """What an export did: the files written, and each record not written with why (a kind the
    format has no form for, a file that would leave the folder, a changed reStructuredText
    record), and the warnings; the window shows them as the command line prints them."""

    written: int
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)


def export_all(kb_path: Path, out: Path, fmt: str, progress: Progress,
               cancel: threading.Event) -> ExportSummary:
    """Write every record to `out` (a folder, or a .json file)."""
    return run_by_size(_export_all, kb_path, out, fmt, progress=progress, cancel=cancel)


def _export_all(kb_path: Path, out: Path, fmt: str, progress: Progress, cancel: CancelFlag) -> ExportSummary:
    out = Path(out)
    with KnowledgeBase.open(kb_path, initiator=Initiator.JOB) as kb:
        if fmt == "json" and out.suffix != ".json":
            out = out / f"{kb.name}.json"
            out.parent.mkdir(parents=True, exist_ok=True)
        # The dialog writes into a folder the user chose, replacing what an earlier export wrote there.
        report = export_kb(kb, out, fmt, progress=progress, cancel=cancel.is_set, overwrite=True)
    if report.cancelled:  # a kbridge export writes as it goes: what it wrote stays, and is said
        written = len(report.written)
        raise CancelledError(f"export cancelled: {written} file{'' if written == 1 else 's'} written"
                             if written else "export cancelled")
    return ExportSummary(len(report.written) or (1 if fmt == "json" else 0),
                         [(item.path, item.reason) for item in report.skipped],
                         [(item.path, item.message) for item in report.warnings])


@dataclass
class SyncOutcome:
    summary: str
    conflicts: int = 0
    notes: list[str] = field(default_factory=list)
    git: bool = False
    changes: Changes = field(default_factory=Changes)


def sync_folder(kb_path: Path, folder: Path, push: bool, progress: Progress, cancel: threading.Event) -> SyncOutcome:
    """Two-way sync with a kbridge Markdown folder, through git when the folder is in a checkout
    (`push`: and push); conflicts keep both versions and are counted, never overwritten."""
    return run_by_size(_sync_folder, kb_path, folder, push, progress=progress, cancel=cancel, folder=folder)


def _sync_folder(kb_path: Path, folder: Path, push: bool, progress: Progress, cancel: CancelFlag) -> SyncOutcome:
    use_git = in_git_checkout(folder)
    with KnowledgeBase.open(kb_path, initiator=Initiator.JOB) as kb:
        report = formats_sync_folder(kb, folder, git=use_git, push=push and use_git, progress=progress,
                                     cancel=cancel.is_set)
    notes = [f"{note['key']}: {note['message']}" if note["key"] else note["message"] for note in report.notes]
    notes += [f"skipped {item.path}: {item.reason}" for item in report.skipped]
    changes = report.result.changes if report.result else Changes()
    return SyncOutcome(report.summary(), len(report.conflicts), notes, use_git, changes)


def auto_backup(kb_path: Path) -> Path | None:
    """The rotating backup taken when a knowledge base is opened (at most hourly, none when
    nothing changed since the newest; see core.backups), copied at the lowest priority: the
    person starts searching and reading meanwhile."""
    from kbridge.core.backups import auto_backup as take

    with KnowledgeBase.open(kb_path, initiator=Initiator.JOB) as kb:
        return take(kb, low_priority=True)


def backup(kb_path: Path, out: Path, progress: Progress, cancel: threading.Event) -> Path:
    progress(0, 1, f"copying to {out.name}")
    with KnowledgeBase.open(kb_path, initiator=Initiator.JOB) as kb:
        result = kb.maintenance.backup(out, overwrite=False)
    progress(1, 1, "done")
    return result


@dataclass(frozen=True)
class Restored:
    safety: Path  # the backup of what the restore replaced
    changes: Changes


def restore_backup(kb_path: Path, backup_file: Path, progress: Progress, cancel: threading.Event) -> Restored:
    """Put a backup's content back (checked first); the content it replaces is kept as a backup
    of its own (`Restored.safety`)."""
    from kbridge.core.backups import restore_backup as put_back

    progress(0, 1, f"checking {backup_file.name}")
    with KnowledgeBase.open(kb_path, initiator=Initiator.JOB) as kb:
        safety, restored = put_back(kb, backup_file)
    progress(1, 1, "done")
    return Restored(safety, restored.changes)
