"""Exporting a knowledge base: native (each record back where and how it came), MADR 4,
adr-tools, log4brains, kbridge Markdown and JSON. Other exporters (the HTML site) register in
`EXPORTERS` with the same signature.

No export replaces a file it did not just write without `overwrite` (`--force`): a file already
holding the same bytes is left as it is (up to date), one holding other bytes is refused, and the
report counts written, up to date and refused. Names are unique within an export."""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbridge import safe_files
from kbridge.core import KnowledgeBase
from kbridge.formats.json_format import json_target, json_text, write_json
from kbridge.formats.kbridge_markdown import write_kbridge_markdown
from kbridge.formats.read.parsed import FileWarning, Skipped
from kbridge.formats.rst_doc import RST_FORMAT
from kbridge.formats.text import decode
from kbridge.formats.write import generate
from kbridge.formats.write import paths as export_paths
from kbridge.formats.write.links import LinkPlan, successor_line
from kbridge.formats.write.patch import LinkLine, changed_parts, patch_text
from kbridge.formats.write.relink import relink
from kbridge.model import Cancel, LinkedRecord, LinkType, Progress, Record, ValidationError

FILE_FORMATS = export_paths.FILE_FORMATS


class _NotWrittenError(Exception):
    """A record's own file that cannot be written back as it changed (the reason)."""


@dataclass
class ExportReport:
    out: Path
    written: list[str] = field(default_factory=list)  # the records' files written
    up_to_date: list[str] = field(default_factory=list)  # already there with the same bytes: left alone
    refused: list[str] = field(default_factory=list)  # another file there: not replaced without --force
    unchanged: int = 0  # records written back byte for byte as imported
    patched: int = 0  # imported files changed line by line
    generated: int = 0  # written new in the target format
    attachments: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[FileWarning] = field(default_factory=list)  # written, but not as asked
    cancelled: bool = False
    paths: dict[str, str] = field(default_factory=dict)  # uid -> the file that holds it
    left_out: dict[str, list[str]] = field(default_factory=dict)  # uid -> fields its format cannot hold

    def as_json(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "written": len(self.written),
            "up_to_date": len(self.up_to_date),
            "refused": list(self.refused),
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
    never through a symbolic link, atomically). `overwrite` lets the export replace files that
    hold something else (never files it does not write)."""
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        names = ", ".join(sorted(EXPORTERS))
        raise ValidationError(f"unknown export format {fmt!r}; formats are: {names}")
    if fmt == "json":
        return export_json(kb, Path(out), progress, cancel, overwrite=overwrite)
    if exporter is _FILE_EXPORTERS.get(fmt):
        return _export_files(kb, Path(out), fmt, progress, cancel, overwrite=overwrite)
    return exporter(kb, Path(out), progress, cancel)  # one registered in its own module


def export_json(kb: KnowledgeBase, out: Path, progress: Progress | None,
                cancel: Cancel | None, *, overwrite: bool = False) -> ExportReport:
    """The whole knowledge base as one JSON file (kbridge.formats.json_format)."""
    target = json_target(out)
    made = json_text(kb, progress, cancel)
    if made is None:
        return ExportReport(out=target, cancelled=True)
    text, count = made
    report = ExportReport(out=target)
    if write_json(target, text, overwrite):
        report.written.append(target.name)
        report.generated = count
    else:
        report.up_to_date.append(target.name)
    return report


# --- file per record ----------------------------------------------------------------------------


class _FileExport:
    def __init__(self, kb: KnowledgeBase, out: Path, fmt: str, *, overwrite: bool = False) -> None:
        self.kb, self.out, self.fmt, self.overwrite = kb, out, fmt, overwrite
        self.report = ExportReport(out=out)
        self.records = list(kb.iter_records())
        self.by_uid = {record.uid: record for record in self.records}
        self.by_source: dict[tuple[str, str], Record] = {
            (str(r.source.get("root")), str(r.source.get("path"))): r
            for r in self.records if r.source and r.source.get("path")
        }
        self.paths: dict[str, str] = {}  # uid -> path in the export
        self.ways: dict[str, str] = {}  # uid -> "original" | "kbridge" | a writer format
        self.placed: set[str] = set()  # attachments handled in this export
        self._plan()
        self.moved = export_paths.moved_files(kb, self.records, self.paths, self.ways)
        self.link_plan = LinkPlan(self.records, self.paths, self.ways)
        self.drafts: dict[str, tuple[Record, LinkLine | None]] = {}  # uid -> (as written, successor line)

    def _plan(self) -> None:
        taken: set[str] = set()
        for record in sorted(self.records, key=lambda r: (r.source is None, r.key)):
            target = export_paths.target(record, self.fmt)
            if target is None:
                self.report.skipped.append(Skipped(
                    record.key, f"a {record.kind.value} has no {self.fmt} form: export it as "
                    "kbridge or json"))
                continue
            wanted, way = target
            path = wanted
            if path.lower() in taken and way == "original":
                root = Path(str((record.source or {}).get("root") or "")).name or record.key
                path = f"{root}/{path}"
            path = export_paths.unique(path, taken)
            if path != wanted:
                self.report.warnings.append(FileWarning(path, f"{record.key}: {wanted} is another "
                                                              f"record's file in this export: written as {path}"))
            taken.add(path.lower())
            self.paths[record.uid], self.ways[record.uid] = path, way
        self.paths.update(export_paths.keep_key_order(self.records, self.paths, self.ways))

    def run(self, progress: Progress | None, cancel: Cancel | None) -> ExportReport:
        chosen = [r for r in self.records if r.uid in self.paths]
        total = len(chosen) * 2
        for done, record in enumerate(chosen):  # first what each new file's text states by itself
            if cancel is not None and cancel():
                self.report.cancelled = True
                return self.report
            if progress is not None and done % 50 == 0:
                progress(done, total, record.key)
            if self.ways[record.uid] in generate.WRITERS:
                self._draft(record)
        for done, record in enumerate(chosen, start=len(chosen)):
            if cancel is not None and cancel():
                self.report.cancelled = True
                return self.report
            if progress is not None and (done % 50 == 0 or done == total - 1):
                progress(done + 1, total, record.key)
            self._write(record)
        return self.report

    def _draft(self, record: Record) -> None:
        """The record as its new file writes it (links in its body and fields pointing at the
        exported files), and what that file states by itself."""
        path, way = self.paths[record.uid], self.ways[record.uid]
        source = record.source or {}
        old, new = posixpath.dirname(str(source.get("path") or path)), posixpath.dirname(path)
        moved = self.moved.get(str(source.get("root")), {})
        fields = {name: relink(value, old, new, moved) if isinstance(value, str) else value
                  for name, value in record.fields.items()}
        written = dataclasses.replace(record, body=relink(record.body, old, new, moved), fields=fields)
        links = self.kb.links.of(record.uid)
        successor = successor_line(self.link_plan, record, links, self.by_uid)
        self.link_plan.read_back(record, generate.WRITERS[way](written, [], written.body, successor).text)
        self.drafts[record.uid] = (written, successor)

    def _write(self, record: Record) -> None:
        path, way = self.paths[record.uid], self.ways[record.uid]
        links = self.kb.links.of(record.uid)
        data: bytes
        how = "generated"  # or, for an original: "unchanged" (byte for byte), "patched"
        if way == "original":
            try:
                data, how = self._original(record, path, links)
            except _NotWrittenError as why:
                self.report.skipped.append(Skipped(path, str(why)))
                return
        elif way == "kbridge":
            data = write_kbridge_markdown(record, links).encode("utf-8")
        else:
            data = self._generated(record, path, way, links)
        done = self._put(path, data)
        if done is not None:
            self.report.paths[record.uid] = path
            if done == "written":
                self.report.written.append(path)
                setattr(self.report, how, getattr(self.report, how) + 1)
            self._attachments(record, path)

    def _generated(self, record: Record, path: str, way: str, links: list[LinkedRecord]) -> bytes:
        draft, successor = self.drafts[record.uid]
        lines = self.link_plan.unstated(record, links, self.by_uid, both_ways=way == "adr-tools")
        written = generate.WRITERS[way](draft, lines, draft.body, successor)
        if written.left_out:
            self.report.left_out[record.uid] = written.left_out
        left_out = [f"field {name}" for name in written.left_out] + (["its owner"] if record.owner_key else [])
        if left_out:
            self.report.warnings.append(FileWarning(path, f"{record.key}: {', '.join(left_out)} not "
                                                          f"written ({way} has no place for it)"))
        return written.text.encode("utf-8")

    def _put(self, path: str, data: bytes) -> str | None:
        """Write one file unless the same bytes are there ("up to date"); never replace other
        bytes without `overwrite` (refused: None). "written" when it was written."""
        try:
            present = export_paths.present(self.out, path, len(data))
            if present == data:
                self.report.up_to_date.append(path)
                return "up to date"
            if present is not None and not self.overwrite:
                self.report.refused.append(path)
                return None
            safe_files.write_file(self.out, path, data)
        except safe_files.UnsafePathError as error:
            self.report.skipped.append(Skipped(path, f"not written: {error}"))
            return None
        return "written"

    def _original(self, record: Record, path: str, links: list[LinkedRecord]) -> tuple[bytes, str]:
        """The file the record was imported from: as it was ("unchanged"), changed where the
        record was ("patched"), or written anew when it was not kept ("generated")."""
        source = record.source or {}
        original = self.kb.files.read(record.uid, str(source.get("path")), role="original")
        own = str(source.get("format"))
        if original is None:  # imported before originals were kept (or from JSON): written anew
            if own == RST_FORMAT:
                raise _NotWrittenError(f"{record.key} was imported from reStructuredText, which kbridge does not "
                                       "write, and its file was not kept: not written (an export as MADR writes it)")
            if own == "kbridge":
                return write_kbridge_markdown(record, links).encode("utf-8"), "generated"
            writer = generate.WRITERS.get(own, generate.madr)
            successor = successor_line(self.link_plan, record, links, self.by_uid)
            current = [line for line in self._link_lines(record, path, links) if line.outgoing]
            return writer(record, current, record.body, successor).text.encode("utf-8"), "generated"
        baseline = source.get("baseline") or {}
        parts = changed_parts(record, baseline)
        if own == "kbridge" and (record.fields != baseline.get("fields") or record.tags != baseline.get("tags")):
            parts.add("front matter")  # kbridge Markdown holds every field: a change there is written too
        if source.get("number") is not None and generate.record_number(record) != source.get("number"):
            parts.add("number")
        current = self._link_lines(record, path, links)
        stated = self._stated_lines(record, path)
        added = [line for line in current if _identity(line) not in {_identity(s) for s in stated}]
        removed = [line for line in stated if _identity(line) not in {_identity(c) for c in current}]
        if "status" in parts and record.status == "superseded" and not any(_superseded_by(line) for line in added):
            # Superseded by a link the other file states: the status line names it all the same.
            added += [line for line in current if _superseded_by(line)][:1]
        moved = self.moved.get(str(source.get("root")), {}) if own != "kbridge" else {}
        decoded = decode(original)
        folder = posixpath.dirname(str(source.get("path")))
        if not parts and not added and not removed and relink(decoded.text, folder, folder, moved) == decoded.text:
            return original, "unchanged"
        if own == "kbridge":
            return write_kbridge_markdown(record, links).encode("utf-8"), "patched"
        if own == RST_FORMAT:  # the patches are Markdown's: never written into reStructuredText
            raise _NotWrittenError(f"{record.key} changed since it was imported from reStructuredText, which kbridge "
                                   "does not write: not written (an export as MADR writes it)")
        text = patch_text(decoded.text, own, source, record, parts, added, removed, generate.record_number(record))
        return decoded.encode(relink(text, folder, folder, moved)), "patched"

    def _link_lines(self, record: Record, path: str, links: list[LinkedRecord]) -> list[LinkLine]:
        lines = []
        for link in links:
            if link.uid is None or link.uid not in self.paths:
                continue
            line = self.link_plan.line(record, link, self.by_uid)
            if line is not None:
                text = _link_text(self.by_uid[link.uid], self.ways.get(record.uid, ""), record)
                lines.append(LinkLine(line.type, line.outgoing, text, line.href, line.label, line.note))
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
        """Each image the record shows, where `export_paths.attachment_place` says; an image
        named outside the imported folder is not written."""
        for item in self.kb.files.of(record.uid):
            if item["role"] != "attachment":
                continue
            name = str(item["name"])
            where = export_paths.attachment_place(name, record, path, self.ways[record.uid])
            if where is None:
                self.report.skipped.append(Skipped(name, "attachment named outside the folder: not written"))
                continue
            if where in self.placed:
                continue
            self.placed.add(where)
            data = self.kb.files.read(record.uid, name, role="attachment")
            if data is not None and self._put(where, data) == "written":
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


def _export_files(kb: KnowledgeBase, out: Path, fmt: str, progress: Progress | None,
                  cancel: Cancel | None, *, overwrite: bool = False) -> ExportReport:
    if out.exists() and not out.is_dir():
        raise ValidationError(f"{out} is a file; export writes into a folder")
    out.mkdir(parents=True, exist_ok=True)  # the folder itself is the user's choice
    return _FileExport(kb, out, fmt, overwrite=overwrite).run(progress, cancel)


def _file_exporter(fmt: str) -> Exporter:
    def run(kb: KnowledgeBase, out: Path, progress: Progress | None, cancel: Cancel | None) -> ExportReport:
        return _export_files(kb, out, fmt, progress, cancel)

    return run


_FILE_EXPORTERS: dict[str, Exporter] = {fmt: _file_exporter(fmt) for fmt in FILE_FORMATS}
EXPORTERS: dict[str, Exporter] = dict(_FILE_EXPORTERS)
EXPORTERS["json"] = export_json


def _export_kbridge(kb: KnowledgeBase, out: Path, progress: Progress | None, cancel: Cancel | None) -> ExportReport:
    from kbridge.formats.write.kbridge_export import export_kbridge  # sync's writer: export then sync is clean

    # why: kbridge_export returns `object` because naming ExportReport there would import this module.
    return export_kbridge(kb, out, progress, cancel)  # type: ignore[return-value]


EXPORTERS["kbridge"] = _export_kbridge


def _export_site(kb: KnowledgeBase, out: Path, progress: Progress | None, cancel: Cancel | None) -> ExportReport:
    from kbridge.formats.site import export_html  # the site package builds on this module's report

    return export_html(kb, out, progress, cancel)


EXPORTERS["html"] = _export_site
