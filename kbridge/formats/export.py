"""Exporting a knowledge base: native (each record back where and how it came), MADR 4,
adr-tools, log4brains, kbridge Markdown and JSON. Other exporters (the HTML site) register in
`EXPORTERS` with the same signature."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbridge import __version__, safe_files
from kbridge.core import KnowledgeBase
from kbridge.formats import generate
from kbridge.formats.kbridge_markdown import KIND_FOLDERS, write_kbridge_markdown
from kbridge.formats.parsed import FileWarning, Skipped
from kbridge.formats.patch import LinkLine, changed_parts, patch_text
from kbridge.formats.scan import Cancel, Progress
from kbridge.formats.text import decode
from kbridge.model import ConflictError, Kind, LinkedRecord, LinkType, Record, ValidationError, relation_verb

FILE_FORMATS = ("native", "madr", "adr-tools", "log4brains", "kbridge")


@dataclass
class ExportReport:
    out: Path
    written: list[str] = field(default_factory=list)
    unchanged: int = 0  # written back byte for byte
    patched: int = 0  # imported files changed line by line
    generated: int = 0  # written new in the target format
    attachments: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[FileWarning] = field(default_factory=list)  # written, but not as asked
    cancelled: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "written": len(self.written),
            "unchanged": self.unchanged,
            "patched": self.patched,
            "generated": self.generated,
            "attachments": self.attachments,
            "skipped": [{"path": item.path, "reason": item.reason} for item in self.skipped],
            "warnings": [{"path": item.path, "message": item.message} for item in self.warnings],
        }


Exporter = Callable[[KnowledgeBase, Path, "Progress | None", "Cancel | None"], ExportReport]


def export_kb(kb: KnowledgeBase, out: Path | str, fmt: str, *, progress: Progress | None = None,
              cancel: Cancel | None = None, overwrite: bool = False) -> ExportReport:
    """Export every record. Every file is written through `kbridge.safe_files` (inside `out`,
    never through a symbolic link, atomically). `overwrite` lets a JSON export replace its file;
    the folder formats replace the files they write and leave the others alone."""
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        names = ", ".join(sorted(EXPORTERS))
        raise ValidationError(f"unknown export format {fmt!r}; formats are: {names}")
    if fmt == "json":
        return export_json(kb, Path(out), progress, cancel, overwrite=overwrite)
    return exporter(kb, Path(out), progress, cancel)


# --- JSON ---------------------------------------------------------------------------------------


def record_json(record: Record, links: list[LinkedRecord]) -> dict[str, Any]:
    source = record.source or {}
    return {
        "uid": record.uid, "key": record.key, "kind": record.kind.value, "title": record.title,
        "status": record.status, "date": record.date, "review_by": record.review_by,
        "tags": list(record.tags), "owner": record.owner_key, "fields": record.fields,
        "body": record.body,
        "source": {"path": source.get("path"), "format": source.get("format")} if source else None,
        "links": [
            {"type": link.type.value, "target": link.key, "note": link.note,
             "dangling": link.dangling}
            for link in links if link.direction == "out"
        ],
    }


def export_json(kb: KnowledgeBase, out: Path, progress: Progress | None,
                cancel: Cancel | None, *, overwrite: bool = False) -> ExportReport:
    target = out if out.suffix.lower() == ".json" else out / "kbridge.json"
    if (target.exists() or target.is_symlink()) and not overwrite:
        raise ConflictError(f"{target} already exists; use --force to replace it")
    records = list(kb.iter_records())
    report = ExportReport(out=target)
    data = []
    for done, record in enumerate(records, start=1):
        if cancel is not None and cancel():
            return ExportReport(out=target, cancelled=True)
        data.append(record_json(record, kb.links_of(record.uid)))
        if progress is not None and done % 50 == 0:
            progress(done, len(records), record.key)
    document = {"kbridge": __version__, "records": data}
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    try:
        safe_files.write_text(target.parent, target.name, text, overwrite=overwrite)
    except ConflictError as error:
        raise ConflictError(f"{target} already exists; use --force to replace it") from error
    report.written.append(target.name)
    report.generated = len(data)
    return report


# --- file per record ----------------------------------------------------------------------------


class _FileExport:
    def __init__(self, kb: KnowledgeBase, out: Path, fmt: str) -> None:
        self.kb, self.out, self.fmt = kb, out, fmt
        self.report = ExportReport(out=out)
        self.records = list(kb.iter_records())
        self.by_source: dict[tuple[str, str], Record] = {
            (str(r.source.get("root")), str(r.source.get("path"))): r
            for r in self.records if r.source and r.source.get("path")
        }
        self.paths: dict[str, str] = {}  # uid -> path in the export
        self.ways: dict[str, str] = {}  # uid -> "original" | "kbridge" | a writer format
        self._plan()

    def _plan(self) -> None:
        taken: set[str] = set()
        for record in sorted(self.records, key=lambda r: (r.source is None, r.key)):
            source = record.source or {}
            own = source.get("format")
            path: str | None
            if own and (self.fmt == "native" or self.fmt == own) and source.get("path"):
                path, way = str(source["path"]), "original"
            elif self.fmt == "kbridge" or (
                self.fmt == "native" and record.kind is not Kind.DECISION
            ):
                path, way = f"{KIND_FOLDERS[record.kind]}/{record.key}.md", "kbridge"
            elif record.kind is Kind.DECISION:
                writer = "madr" if self.fmt == "native" else self.fmt
                path, way = generate.file_name(record, writer), writer
            else:
                self.report.skipped.append(Skipped(
                    record.key, f"a {record.kind.value} has no {self.fmt} form: export it as "
                    "kbridge or json"))
                continue
            if path.lower() in taken:
                root = Path(str(source.get("root") or "")).name or record.key
                path = f"{root}/{path}"
            taken.add(path.lower())
            self.paths[record.uid], self.ways[record.uid] = path, way

    def run(self, progress: Progress | None, cancel: Cancel | None) -> ExportReport:
        total = len(self.paths)
        for done, record in enumerate(r for r in self.records if r.uid in self.paths):
            if cancel is not None and cancel():
                self.report.cancelled = True
                return self.report
            if progress is not None and (done % 50 == 0 or done == total - 1):
                progress(done + 1, total, record.key)
            self._write(record)
        return self.report

    def _write(self, record: Record) -> None:
        path, way = self.paths[record.uid], self.ways[record.uid]
        links = self.kb.links_of(record.uid)
        data: bytes
        if way == "original":
            data = self._original(record, path, links)
        elif way == "kbridge":
            data = write_kbridge_markdown(record, links).encode("utf-8")
            self.report.generated += 1
        else:
            data = generate.WRITERS[way](record, self._link_lines(record, path, links)).encode()
            self.report.generated += 1
        try:
            safe_files.write_file(self.out, path, data)
        except safe_files.UnsafePathError as error:
            self.report.skipped.append(Skipped(path, f"not written: {error}"))
            return
        self.report.written.append(path)
        self._attachments(record, path)

    def _original(self, record: Record, path: str, links: list[LinkedRecord]) -> bytes:
        source = record.source or {}
        original = self.kb.file(record.uid, str(source.get("path")), role="original")
        own = str(source.get("format"))
        if original is None:  # imported before originals were kept: write it anew
            self.report.generated += 1
            if own == "kbridge":
                return write_kbridge_markdown(record, links).encode("utf-8")
            return generate.WRITERS.get(own, generate.madr)(
                record, self._link_lines(record, path, links)).encode("utf-8")
        baseline = source.get("baseline") or {}
        parts = changed_parts(record, baseline)
        if own == "kbridge" and (record.fields != baseline.get("fields") or record.tags != baseline.get("tags")):
            parts.add("front matter")  # kbridge Markdown holds every field: a change there is written too
        current = self._link_lines(record, path, links)
        stated = self._stated_lines(record, path)
        added = [line for line in current if _identity(line) not in {_identity(s) for s in stated}]
        removed = [line for line in stated if _identity(line) not in {_identity(c) for c in current}]
        if "status" in parts and record.status == "superseded" and not any(_superseded_by(line) for line in added):
            # Superseded by a link the other file states: the status line names it all the same.
            added += [line for line in current if _superseded_by(line)][:1]
        if not parts and not added and not removed:
            self.report.unchanged += 1
            return original
        self.report.patched += 1
        if own == "kbridge":
            return write_kbridge_markdown(record, links).encode("utf-8")
        decoded = decode(original)
        text = patch_text(decoded.text, own, source, record, parts, added, removed)
        return decoded.encode(text)

    def _link_lines(self, record: Record, path: str, links: list[LinkedRecord]) -> list[LinkLine]:
        lines = []
        for link in links:
            if link.uid is None or link.uid not in self.paths:
                continue
            other = self.kb.get(link.uid)
            href = posixpath.relpath(self.paths[link.uid], posixpath.dirname(path) or ".")
            text = _link_text(other, self.ways.get(record.uid, ""), record)
            label = (relation_verb(link.type, link.note) or "") if link.direction == "out" else ""
            lines.append(LinkLine(link.type, link.direction == "out", text, href, label))
        return lines

    def _stated_lines(self, record: Record, path: str) -> list[LinkLine]:
        """The links the imported file itself states, in the same terms as `_link_lines`."""
        source = record.source or {}
        lines = []
        for link_type, direction, other_path in source.get("stated", []):
            other = self.by_source.get((str(source.get("root")), other_path))
            if other is None or other.uid not in self.paths:
                continue
            href = posixpath.relpath(self.paths[other.uid], posixpath.dirname(path) or ".")
            lines.append(LinkLine(LinkType(link_type), direction == "out", "", href))
        return lines

    def _attachments(self, record: Record, path: str) -> None:
        """Images go where the exported file's relative links expect them, inside the export
        folder: where that would be above it (the file now sits higher than the original did, or
        the image's name climbs out), the image keeps the path it had in the imported folder."""
        source_dir = posixpath.dirname(str((record.source or {}).get("path") or path))
        for item in self.kb.files(record.uid):
            if item["role"] != "attachment":
                continue
            name = str(item["name"])
            relative = posixpath.relpath(name, source_dir or ".")
            where = posixpath.normpath(posixpath.join(posixpath.dirname(path), relative))
            if not safe_files.is_inside(where):
                if not safe_files.is_inside(name):
                    self.report.skipped.append(Skipped(name, "attachment named outside the folder: not written"))
                    continue
                where = posixpath.normpath(name)
                self.report.warnings.append(FileWarning(where, f"written here: {path} links to it as {relative}, "
                                                               "which is outside the export folder"))
            if (self.out / where).exists() or (self.out / where).is_symlink():
                continue
            data = self.kb.file(record.uid, name, role="attachment")
            if data is None:
                continue
            try:
                safe_files.write_file(self.out, where, data)
            except safe_files.UnsafePathError as error:
                self.report.skipped.append(Skipped(where, f"not written: {error}"))
                continue
            self.report.attachments += 1


def _superseded_by(line: LinkLine) -> bool:
    return line.type is LinkType.SUPERSEDES and not line.outgoing


def _identity(line: LinkLine) -> tuple[LinkType, bool, str]:
    return line.type, line.outgoing, line.href


def _link_text(other: Record, way: str, record: Record) -> str:
    number = generate.record_number(other)
    if (record.source or {}).get("format") == "adr-tools" or way == "adr-tools":
        return f"{number}. {other.title}" if number is not None else other.title
    return other.title


def _file_exporter(fmt: str) -> Exporter:
    def run(kb: KnowledgeBase, out: Path, progress: Progress | None,
            cancel: Cancel | None) -> ExportReport:
        if out.exists() and not out.is_dir():
            raise ValidationError(f"{out} is a file; export writes into a folder")
        out.mkdir(parents=True, exist_ok=True)  # the folder itself is the user's choice
        return _FileExport(kb, out, fmt).run(progress, cancel)

    return run


EXPORTERS: dict[str, Exporter] = {fmt: _file_exporter(fmt) for fmt in FILE_FORMATS}
EXPORTERS["json"] = export_json


def _export_site(kb: KnowledgeBase, out: Path, progress: Progress | None, cancel: Cancel | None) -> ExportReport:
    from kbridge.formats.site import export_html  # the site package builds on this module's report

    return export_html(kb, out, progress, cancel)


EXPORTERS["html"] = _export_site
