"""Importing a folder into a knowledge base: the plan (`kbridge.formats.read.plan`) carried out —
every file created, updated in place or left alone, matched on re-import by uid, then source
path, then key; links between files resolved."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
from collections.abc import Iterable, Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbridge.core import KnowledgeBase, lifecycle
from kbridge.formats.json_format import JSON_FORMAT
from kbridge.formats.read import extract
from kbridge.formats.read.batch_images import BatchImages
from kbridge.formats.read.foreseen import superseded_status
from kbridge.formats.read.link_book import LinkBook
from kbridge.formats.read.numbering import MAIN_PREFIX
from kbridge.formats.read.packing_ahead import Packer
from kbridge.formats.read.parsed import FileWarning, ParsedRecord, ResolvedLink, Skipped
from kbridge.formats.read.plan import (
    SCAN_SHARE,
    ImportPlan,
    NoDecisionsError,
    PlannedRecord,
    no_decisions_message,
    plan_import,
    unchanged,
)
from kbridge.formats.read.sameness import as_text
from kbridge.model import (
    Cancel,
    ConflictError,
    KbridgeError,
    Kind,
    LinkType,
    OpResult,
    Progress,
    Record,
    RecordResult,
    normalise_date,
    normalise_tags,
)

# Formats that state every attribute of a record (an owner, a review date): elsewhere, what the
# file cannot say is kept as the knowledge base has it.
OWN_FORMATS = ("kbridge", JSON_FORMAT)


@dataclass
class ImportReport:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[FileWarning] = field(default_factory=list)
    attachments: int = 0
    keys: MutableMapping[str, str] = field(default_factory=dict)  # source path -> key
    # The files whose record another file's "supersedes" marked superseded: path -> its path.
    superseded: dict[str, str] = field(default_factory=dict)
    formats: dict[str, int] = field(default_factory=dict)  # what the files were read as, counted
    cancelled: bool = False
    files: int = 0  # the files to write (records of the plan)
    result: OpResult | None = None  # what the import changed, for the views (None when cancelled)
    plan: ImportPlan | None = field(default=None, repr=False)  # the plan carried out

    @property
    def records(self) -> list[PlannedRecord]:
        """A line per file as the plan was carried out, by path (made when asked: a window's
        import shows counts, the command line every file)."""
        return list(self.records_by_path())

    def records_by_path(self) -> Iterator[PlannedRecord]:
        """The same lines made one at a time (see `ImportPlan.rows_by_path`)."""
        if self.plan is None or self.cancelled:
            return iter(())
        # Why each file was skipped (the first reason given), looked up: a line per file of a
        # folder with 9,360 skipped files scanned them all for each (2-3 s of its 110,000 lines).
        reasons: dict[str, str] = {}
        for item in self.skipped:
            reasons.setdefault(item.path, item.reason)
        return (_carried_out(row, self, reasons) for row in self.plan.rows_by_path(foreseen=False))

    def as_json(self) -> dict[str, Any]:
        return {
            "formats": self.formats,
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": [{"path": item.path, "reason": item.reason} for item in self.skipped],
            "warnings": [{"path": item.path, "message": item.message} for item in self.warnings],
            "records": [row.as_json() for row in self.records],
        }


class _CancelledError(Exception):
    pass


class ImportStoppedError(KbridgeError):
    """An import failed after some of its batches were written: they stay, complete records with
    their links, and importing the folder again goes on from there."""


# Files written per transaction: memory and a transaction's journal stay the same whatever the
# folder's size, and a cancel or a failure loses at most this many files' work. A folder of up to
# this many files (every corpus the tests read) is written in one transaction, as before.
BATCH_FILES = 1000
BULK_ADDS = 100  # records a batch adds from which their words are indexed together


def import_folder(
    kb: KnowledgeBase,
    folder: Path | str,
    *,
    fmt: str = "auto",
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    force: bool = False,
    plan: ImportPlan | None = None,
    workers: int = 1,
) -> ImportReport:
    """Import every record of `folder` (or carry out a `plan` made for it), `BATCH_FILES` files per
    transaction. Cancelled while the folder is read, nothing is written; cancelled (or failing)
    while writing, the batches already committed stay, each file complete with its links, the
    report (or the error) says how many, and importing again goes on where it stopped (what is
    written is then unchanged). A folder where nothing reads as a decision is refused unless
    `force` (NoDecisionsError). `workers` processes read a large folder's files
    (`kbridge.formats.read.reading_pool`)."""
    plan = plan or plan_import(kb, folder, fmt=fmt, progress=progress, cancel=cancel, force=force, workers=workers)
    if plan.cancelled:
        return ImportReport(cancelled=True)
    if not plan.decisions_found and plan.records and not force:
        raise NoDecisionsError(no_decisions_message(folder))
    report = ImportReport(skipped=list(plan.skipped), warnings=list(plan.warnings), formats=plan.formats,
                          files=len(plan.records))
    if plan.shelf is not None:
        report.keys = plan.shelf.column("key")
    plan.resolved.keep_as(_kept)
    importer = _Importer(kb, plan, report, packer := Packer())
    with packer, kb.recording() as recorded:
        try:
            for start, batch in _batches(plan.records, BATCH_FILES):
                importer.write_batch(batch, start, progress, cancel)
            with kb.transaction():
                importer.finish()
        except _CancelledError:
            report.cancelled = True
        except Exception as error:
            if not importer.committed:
                raise
            raise ImportStoppedError(f"import stopped after {_written(report)}: {error}") from error
    report.result = recorded.result
    if report.cancelled:
        return report
    report.plan = plan
    if progress is not None:
        progress(1000, 1000, "imported")
    return report


def _batches(records: Iterable[ParsedRecord], size: int) -> Iterator[tuple[int, list[ParsedRecord]]]:
    """(index of the first, records) of each `size` records in turn (read back from the shelf as
    they are written: only a batch is held)."""
    batch: list[ParsedRecord] = []
    start = 0
    for record in records:
        batch.append(record)
        if len(batch) == size:
            yield start, batch
            start, batch = start + size, []
    if batch:
        yield start, batch


def cancelled_message(report: ImportReport) -> str:
    """What a cancelled import left: nothing, or the files written before it stopped."""
    if not report.imported and not report.updated:
        return "import cancelled; nothing was changed"
    return (f"import cancelled after {_written(report)}, each complete with its links; "
            "import the folder again to go on")


def _written(report: ImportReport) -> str:
    done = report.imported + report.updated + report.unchanged
    return (f"{done:,} of {report.files:,} files were written ({report.imported:,} imported, "
            f"{report.updated:,} updated, {report.unchanged:,} unchanged)")


def _carried_out(row: PlannedRecord, report: ImportReport, reasons: dict[str, str]) -> PlannedRecord:
    if row.action == "skip":
        return row
    key = report.keys.get(row.path)  # one question to the shelf, not two
    if key is None:  # planned, then refused as it was written: the report's skips say why
        return PlannedRecord(row.path, "skip", reason=reasons.get(row.path, row.reason))
    status, note = row.status, row.status_note
    if row.path in report.superseded:  # what the record holds, and why, not only what its file says
        status, note = superseded_status(status, note, report.keys.get(report.superseded[row.path],
                                                                       report.superseded[row.path]))
    return PlannedRecord(row.path, row.action, row.title, status, row.date, key, "", note, row.date_note)


class _Importer:
    def __init__(self, kb: KnowledgeBase, plan: ImportPlan, report: ImportReport, packer: Packer) -> None:
        self.kb = kb
        self.packer = packer
        self.plan = plan
        self.root = plan.root.resolve()
        self.report = report
        self.book: LinkBook = plan.resolved
        # Source path -> uid: on the rows of the plan's shelf when it has one (not in memory: a
        # hundred thousand files), as the report's keys.
        self.uids: MutableMapping[str, str] = plan.shelf.column("uid") if plan.shelf is not None else {}
        self.managed: dict[str, list[list[str]]] = {}  # uid -> links it had from the last import
        self.removals: list[tuple[str, list[str]]] = []  # links to take away once their target is written
        self.committed = 0  # files of the batches committed
        self.images = BatchImages(kb, plan, self.root, packer, self.uids)

    # --- batches ------------------------------------------------------------------------------

    def write_batch(self, batch: list[ParsedRecord], start: int, progress: Progress | None,
                    cancel: Cancel | None) -> None:
        """Write `batch` in one transaction: its records, then every link whose two files are
        written now. Cancelled, the batch is undone and the report says what the earlier ones did."""
        total = self.report.files
        saved = self._mark()
        shown: list[str] = []
        try:
            # A batch that adds many records has their words indexed for the list in one go at its
            # end (a seventh of the writing); one that adds none writes nothing more.
            adds = sum(1 for parsed in batch if parsed.path not in self.plan.matches)
            with self.kb.transaction(bulk=adds >= BULK_ADDS):
                # Read and packed on the packing threads while the batch's records are written.
                shown, packing = self.images.start(parsed.path for parsed in batch)
                for done, parsed in enumerate(batch, start=start + 1):
                    if cancel is not None and cancel():
                        raise _CancelledError
                    if progress is not None and (done % 25 == 0 or done == total):
                        progress(SCAN_SHARE + (1000 - SCAN_SHARE) * done // (total + 1), 1000,
                                 f"importing {done:,} of {total:,} files: {parsed.path}")
                    self.upsert(self.plan.loaded(parsed))
                paths = [parsed.path for parsed in batch]
                for link in self.book.ready(paths, self.uids):
                    self._add_link(self.uids[link.source], link)
                self._remove_unstated(paths)
                kept, unread = self.images.keep(packing)
                self.report.attachments += kept
                self.report.skipped.extend(unread)
        except BaseException:
            self._roll_back(saved, batch)
            self.images.forget(shown)
            raise
        self.committed += len(batch)

    def finish(self) -> None:
        for uid, item in self.removals:
            self._remove_link(uid, item)

    def _mark(self) -> tuple[int, ...]:
        report = self.report
        return (report.imported, report.updated, report.unchanged, report.attachments, len(report.skipped),
                len(report.warnings), len(report.superseded))

    def _roll_back(self, saved: tuple[int, ...], batch: list[ParsedRecord]) -> None:
        """Forget what an undone batch did (its transaction was rolled back)."""
        report = self.report
        report.imported, report.updated, report.unchanged, report.attachments, skipped, warned, superseded = saved
        del report.skipped[skipped:]
        del report.warnings[warned:]
        for path in list(report.superseded)[superseded:]:
            del report.superseded[path]
        for parsed in batch:
            uid = self.uids.pop(parsed.path, None)
            report.keys.pop(parsed.path, None)
            if uid is not None:
                self.managed.pop(uid, None)

    # --- records ------------------------------------------------------------------------------

    def upsert(self, parsed: ParsedRecord) -> None:
        try:
            existing = self.plan.matches.get(parsed.path)
            source = self._source(parsed)
            if existing is None:
                written = self._create(parsed, source)
                self.report.imported += 1
            elif unchanged(existing, parsed, self.plan):
                # The file is as it was imported: nothing to do (edits made here since are kept).
                self.report.unchanged += 1
                self.uids[parsed.path] = existing.uid
                self.managed[existing.uid] = self._managed(existing)
                self.report.keys[parsed.path] = existing.key
                return
            else:
                existing = self.kb.get(existing.uid)  # whole (the plan holds a slim copy)
                self.managed[existing.uid] = self._managed(existing)
                if existing.deleted:
                    self.report.warnings.append(FileWarning(
                        parsed.path, f"{existing.key} is in the trash: updated there"))
                written = self._update(existing, parsed, source)
                if written:
                    self.report.updated += 1
                else:
                    self.report.unchanged += 1
            if parsed.format != JSON_FORMAT:
                # By its key: `put` looks a reference up as a key first, a uid would be read twice.
                self.kb.files.put(written.key, parsed.path, parsed.original, role="original")
        except KbridgeError as error:
            self.report.skipped.append(Skipped(parsed.path, f"not imported: {error}"))
            return
        self.uids[parsed.path] = written.uid
        self.report.keys[parsed.path] = written.key

    def _managed(self, existing: Record) -> list[list[str]]:
        """The links the last import of this folder made (a file that no longer states one
        takes it away); none for a record imported from elsewhere."""
        source = existing.source or {}
        return list(source.get("links", [])) if source.get("root") == str(self.root) else []

    def _values(self, parsed: ParsedRecord, existing: Record | None = None) -> dict[str, Any]:
        values: dict[str, Any] = {
            "title": parsed.title,
            "body": parsed.body,
            "tags": parsed.tags,
            "date": parsed.date,
            "review_by": parsed.review_by,
            "fields": parsed.fields,
        }
        if parsed.status:
            values["status"] = parsed.status
        if existing is not None:
            # What the file still says as it said at the last import does not undo a change
            # made here since (a status set on a record its file left unknown, say).
            base = (existing.source or {}).get("baseline") or {}
            for name in ("status", "date"):
                if name in base and values.get(name) == base[name]:
                    values.pop(name, None)
            values["fields"] = _fields(existing, parsed)
            if parsed.review_by is None and parsed.format not in OWN_FORMATS:
                values.pop("review_by")  # the format has no review date: the record's stays
            if parsed.format not in OWN_FORMATS:
                return values  # nor an owner
        owner = self.kb.find(parsed.owner) if parsed.owner else None
        if parsed.owner and (owner is None or owner.kind is not Kind.PERSON):
            self.report.warnings.append(FileWarning(
                parsed.path, f"owner {parsed.owner} is not a person record here: left empty"))
            owner = None
        values["owner"] = owner.uid if owner else None
        return values

    def _create(self, parsed: ParsedRecord, source: dict[str, Any] | None) -> RecordResult:
        kind = Kind.parse(parsed.kind)
        key = self.plan.keys.get(parsed.path) or None
        uid = parsed.uid if parsed.uid and self.kb.find(parsed.uid) is None else None
        values = self._values(parsed)
        created = self.kb.create(kind, parsed.title, key=key, source=source,
                                 uid=uid, reason=f"imported from {parsed.path}",
                                 **{k: v for k, v in values.items() if k != "title"})
        return created

    def _update(self, existing: Record, parsed: ParsedRecord, source: dict[str, Any] | None) -> RecordResult:
        values = self._values(parsed, existing)
        if parsed.format != JSON_FORMAT:  # a JSON export is not a file a record lives in
            values["source"] = source
        return self.kb.update(existing.uid, reason=f"re-imported from {parsed.path}", **values)

    def _source(self, parsed: ParsedRecord) -> dict[str, Any] | None:
        if parsed.format == JSON_FORMAT:
            # Where the record was imported from before it was exported (a native export of this
            # knowledge base writes it there again, in that format).
            stated = parsed.layout.get("json_source")
            return {**stated, "root": str(self.root)} if stated else None
        layout = dict(parsed.layout)
        source: dict[str, Any] = {
            "path": parsed.path,
            "format": parsed.format,
            "root": str(self.root),
            "sha256": parsed.digest,
            "layout": layout,
            "status_text": parsed.status_text,
            "date_text": parsed.date_text,
            "images": parsed.images,
            "baseline": baseline(parsed),
            "links": [_link_key(link) for link in self.book.stated_by(parsed.path)],
            "stated": self.book.stated(parsed.path),
        }
        if parsed.number is not None and parsed.format != "kbridge":
            source["number"] = parsed.number
            source["log"] = parsed.log or MAIN_PREFIX
        for name in ("status_note", "date_note"):
            if getattr(parsed, name):
                source[name] = getattr(parsed, name)
        return source

    # --- links and attachments ----------------------------------------------------------------

    def _remove_unstated(self, paths: list[str]) -> None:
        """Take away the links the last import of these files made that they no longer state
        (once the record at the link's other end is known)."""
        for path in paths:
            uid = self.uids.get(path)
            # Taken once used (a re-import of 100,000 files held every record's links until it ended).
            managed = self.managed.pop(uid, None) if uid is not None else None
            if uid is None or managed is None:
                continue
            wanted = [_link_key(link) for link in self.book.stated_by(path)]
            for item in managed:
                if item in wanted:
                    continue
                if item[1] and item[1] not in self.uids:
                    self.removals.append((uid, item))  # its target file is in a later batch
                else:
                    self._remove_link(uid, item)

    def _add_link(self, source_uid: str, link: ResolvedLink) -> None:
        link_type, note = link.type, link.note
        if link.target is not None:
            target = self.uids.get(link.target)
            if target is None:
                return  # the target file was skipped; its own skip is reported
        else:
            target = link.target_text
            if link.reversed_from:
                # "Superseded by X" with X missing: kept from this side, with the words as written.
                link_type, note = LinkType.RELATES_TO, f"{link.reversed_from} {link.target_text}"
        # A number the folder's files do not carry names no record: kept as written, never
        # matched to a key that happens to spell it (another folder's, or an unnumbered file's).
        resolve = link.target is not None or extract.number_in(link.target_text) is None
        try:
            added = self.kb.links.add(source_uid, link_type, target, note=note, allow_dangling=True,
                                      resolve=resolve, reason=f"imported from {link.source}")
            if link.target is not None and target in added.changes.updated and target != source_uid:
                self.report.superseded.setdefault(link.target, link.source)  # its status changed with the link
        except ConflictError:
            pass  # already there
        except KbridgeError as error:
            path = next((p for p, u in self.uids.items() if u == source_uid), "")
            self.report.warnings.append(FileWarning(path, f"link not kept: {error}"))

    def _remove_link(self, source_uid: str, item: list[str]) -> None:
        link_type, target_path, target_text = item
        target = self.uids.get(target_path) if target_path else target_text
        if target is None:
            return
        with contextlib.suppress(KbridgeError):  # removed in the knowledge base already
            self.kb.links.remove(source_uid, link_type, target, reason="link no longer in the file")


def _fields(existing: Record, parsed: ParsedRecord) -> dict[str, Any]:
    """The fields after a re-import: the file's, and those it never stated (set here since, or
    that its format cannot hold: a list an adr-tools line wrote as text keeps its list)."""
    source = existing.source or {}
    same_file = source.get("format") == parsed.format and source.get("path") == parsed.path
    stated = set((source.get("baseline") or {}).get("fields") or {}) if same_file else set()
    fields = {name: value for name, value in existing.fields.items() if name not in stated}
    for name, value in parsed.fields.items():
        mine = existing.fields.get(name)
        fields[name] = mine if as_text(mine, value, parsed.format) else value
    return fields


def _kept(link: ResolvedLink) -> ResolvedLink:
    """The link as the knowledge base keeps it (a partial supersede is an `amends` link; see
    `core.lifecycle`), in the record's stated links too, so that an export writes it back as is."""
    link_type, note = lifecycle.kept_link(link.type, link.note)
    return link if link_type is link.type else dataclasses.replace(link, type=link_type, note=note)


def _link_key(link: ResolvedLink) -> list[str]:
    return [link.type.value, link.target or "", link.target_text if link.target is None else ""]


def baseline(parsed: ParsedRecord) -> dict[str, Any]:
    """The record's values as imported, normalised as the knowledge base stores them, so that
    an export can tell what changed since."""
    return {
        "title": " ".join(parsed.title.split()),
        "status": parsed.status,
        "date": normalise_date(parsed.date),
        "tags": normalise_tags(parsed.tags),
        "fields": parsed.fields,
        "body_sha256": hashlib.sha256(parsed.body.encode("utf-8")).hexdigest(),
    }
