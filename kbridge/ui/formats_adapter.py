"""The one place the desktop app calls importers, exporters and folder sync.

Every function runs on a worker thread: it opens its own `KnowledgeBase` on `kb_path` (an SQLite
connection must not be shared between threads), reports `progress(done, total, message)` and
stops when `cancel` is set.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kbridge.core import KnowledgeBase
from kbridge.formats.kbridge_markdown import (
    KIND_FOLDERS,
    parse_kbridge_markdown,
    split_front_matter,
    write_kbridge_markdown,
)
from kbridge.model import KbridgeError, Kind, ValidationError

Progress = Callable[[int, int, str], None]

IMPORT_FORMATS = (("auto", "Detect automatically"), ("kbridge", "kbridge Markdown"), ("markdown", "Markdown ADRs"))
EXPORT_FORMATS = (("kbridge", "kbridge Markdown (one file per record)"), ("json", "JSON"))
_NOT_DECISIONS = re.compile(r"^(readme|index|template|_?sidebar|contributing|changelog)", re.IGNORECASE)
_STATUS_LINE = re.compile(r"^\s*[*-]?\s*\**status\**\s*:\s*\**\s*([A-Za-z]+)", re.IGNORECASE | re.MULTILINE)
_STATUS_SECTION = re.compile(r"^#+\s*status\s*$\n+\s*([A-Za-z]+)", re.IGNORECASE | re.MULTILINE)
_NUMBERED_TITLE = re.compile(r"^\s*(?:ADR[-\s]?)?\d+[.:]?\s+")


class CancelledError(KbridgeError):
    """The person cancelled the job."""


@dataclass
class ImportSummary:
    format: str
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def describe(self) -> str:
        parts = [f"{self.imported} imported", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        return ", ".join(parts)


def markdown_files(folder: Path, limit: int | None = None) -> list[Path]:
    """The folder's Markdown files (at most `limit`), never following links out of it; folders
    that cannot be read are passed over."""
    found: list[Path] = []
    for parent, folders, files in os.walk(folder, followlinks=False):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(files):
            path = Path(parent, name)
            if name.lower().endswith(".md") and not path.is_symlink():
                found.append(path)
                if limit is not None and len(found) >= limit:
                    return found
    return sorted(found)


def detect_format(folder: Path) -> str:
    """`kbridge` when the folder's files carry kbridge front matter, else `markdown`."""
    for path in markdown_files(folder, limit=20):
        try:
            front, _ = split_front_matter(path.read_text(encoding="utf-8", errors="replace")[:4000])
        except OSError:
            continue
        if front and re.search(r"^kind:", front, re.MULTILINE) and re.search(r"^key:", front, re.MULTILINE):
            return "kbridge"
    return "markdown"


def format_label(name: str) -> str:
    return dict(IMPORT_FORMATS + EXPORT_FORMATS).get(name, name)


def import_folder(kb_path: Path, folder: Path, fmt: str, progress: Progress, cancel: threading.Event) -> ImportSummary:
    folder = Path(folder)
    if not folder.is_dir():
        raise ValidationError(f"{folder} is not a folder")
    fmt = detect_format(folder) if fmt == "auto" else fmt
    files = markdown_files(folder)
    summary = ImportSummary(fmt)
    with KnowledgeBase.open(kb_path) as kb, kb.transaction():
        for done, path in enumerate(files, start=1):
            if cancel.is_set():
                raise CancelledError("import cancelled")
            relative = path.relative_to(folder).as_posix()
            progress(done - 1, len(files), relative)
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
                if fmt == "kbridge":
                    _import_kbridge(kb, text, relative, summary)
                else:
                    _import_markdown(kb, text, relative, summary)
            except KbridgeError as error:
                summary.skipped.append((relative, str(error)))
        progress(len(files), len(files), "resolving links")
        kb.resolve_dangling_links()
    return summary


def _import_kbridge(kb: KnowledgeBase, text: str, relative: str, summary: ImportSummary) -> None:
    document = parse_kbridge_markdown(text, relative)
    existing = kb.find(document.uid or "") or kb.find(document.key)
    values = {
        "title": document.title,
        "status": document.status,
        "body": document.body,
        "tags": document.tags,
        "owner": document.owner if document.owner and kb.find(document.owner) else None,
        "date": document.date,
        "review_by": document.review_by,
        "fields": document.fields,
    }
    if existing is None:
        changes = kb.create(document.kind, key=document.key, reason="imported", **values)  # type: ignore[arg-type]
        uid = next(iter(changes.created))
        summary.imported += 1
    else:
        uid = existing.uid
        changed = kb.update(uid, reason="imported", **{k: v for k, v in values.items() if v is not None})
        summary.updated += bool(changed)
        summary.unchanged += not changed
    present = {(link.type, link.key) for link in kb.links_of(uid) if link.direction == "out"}
    for link in document.links:
        if (link.type, link.target) not in present:
            kb.link(uid, link.type, link.target, note=link.note, allow_dangling=True, reason="imported")


def _import_markdown(kb: KnowledgeBase, text: str, relative: str, summary: ImportSummary) -> None:
    name = Path(relative).name
    if _NOT_DECISIONS.match(name):
        summary.skipped.append((relative, "not a decision (README, index or template)"))
        return
    _, body = split_front_matter(text)
    lines = body.replace("\r\n", "\n").split("\n")
    title_line = next((n for n, line in enumerate(lines) if line.startswith("# ")), None)
    if title_line is None:
        summary.skipped.append((relative, "no title (a level-1 heading)"))
        return
    title = _NUMBERED_TITLE.sub("", lines[title_line][2:]).strip() or Path(relative).stem
    rest = "\n".join(lines[title_line + 1 :]).strip() + "\n"
    match = _STATUS_SECTION.search(rest) or _STATUS_LINE.search(rest)
    status = match.group(1).lower() if match else None
    status = status if status in Kind.DECISION.statuses else ("superseded" if status == "superceded" else None)
    source = {"path": relative, "format": "markdown"}
    existing = kb.find_by_source(relative)
    if existing is None:
        kb.create(Kind.DECISION, title, status=status, body=rest, source=source, reason="imported")
        summary.imported += 1
        return
    changed = kb.update(
        existing.uid, title=title, body=rest, reason="imported", **({"status": status} if status else {})
    )
    summary.updated += bool(changed)
    summary.unchanged += not changed


def export_all(kb_path: Path, out: Path, fmt: str, progress: Progress, cancel: threading.Event) -> int:
    """Write every record to `out` (a folder, or a .json file); the number written."""
    with KnowledgeBase.open(kb_path) as kb:
        records = kb.list_records()
        if fmt == "json":
            data = []
            for done, record in enumerate(records, start=1):
                if cancel.is_set():
                    raise CancelledError("export cancelled")
                progress(done, len(records), record.key)
                data.append(
                    {
                        "uid": record.uid,
                        "key": record.key,
                        "kind": record.kind.value,
                        "title": record.title,
                        "status": record.status,
                        "date": record.date,
                        "tags": record.tags,
                        "owner": record.owner_key,
                        "body": record.body,
                        "fields": record.fields,
                        "review_by": record.review_by,
                    }
                )
            target = out if out.suffix == ".json" else out / f"{kb.name}.json"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
            return len(data)
        for done, record in enumerate(records, start=1):
            if cancel.is_set():
                raise CancelledError("export cancelled")
            progress(done, len(records), record.key)
            folder = out / KIND_FOLDERS[record.kind]
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{record.key}.md").write_text(
                write_kbridge_markdown(record, kb.links_of(record.uid)), encoding="utf-8"
            )
        return len(records)


def sync_folder(kb_path: Path, folder: Path, progress: Progress, cancel: threading.Event) -> str:
    """Two-way sync with a kbridge Markdown folder: records in the folder come in, then every
    record is written out. (Conflict detection arrives with the formats module's sync.)"""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    summary = import_folder(kb_path, folder, "kbridge", progress, cancel) if markdown_files(folder) else None
    written = export_all(kb_path, folder, "kbridge", progress, cancel)
    incoming = summary.describe() if summary else "nothing to read"
    return f"from the folder: {incoming}; {written} records written to it"


def backup(kb_path: Path, out: Path, progress: Progress, cancel: threading.Event) -> Path:
    progress(0, 1, f"copying to {out.name}")
    with KnowledgeBase.open(kb_path) as kb:
        result = kb.backup(out, overwrite=False)
    progress(1, 1, "done")
    return result
