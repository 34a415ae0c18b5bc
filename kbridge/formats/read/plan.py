"""What importing a folder would do, worked out before anything is written: every file with the
record it would create or update (title, status, date, key) or the reason it is skipped, and the
warnings. `kbridge import --dry-run` prints it; the window's import dialog shows it as a table;
`import_folder` carries it out."""

from __future__ import annotations

import dataclasses
import heapq
import posixpath
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbridge.core import KnowledgeBase
from kbridge.formats.json_format import JsonExport, is_json_export, read_json_export
from kbridge.formats.kbridge_markdown import read_kbridge
from kbridge.formats.read.foreseen import (
    IN_A_CYCLE,
    SUPERSEDABLE,
    in_a_cycle_status,
    superseded_by_files,
    superseded_status,
)
from kbridge.formats.read.link_book import HeldLinks, LinkBook, ShelvedLinks
from kbridge.formats.read.matches import HeldMatches, Matches
from kbridge.formats.read.parsed import FORMATS, FileWarning, ParsedRecord, Skipped
from kbridge.formats.read.planned_keys import HeldKeys, PlannedKeys
from kbridge.formats.read.resolve import resolve_links
from kbridge.formats.read.sameness import Named, same_content
from kbridge.formats.read.scan import scan_folder
from kbridge.formats.read.shelf import FileShelf, ShelvedRecords
from kbridge.model import (
    Cancel,
    KbridgeError,
    Kind,
    NotFoundError,
    Progress,
    Record,
    ValidationError,
    format_key,
    normalise_date,
)

SCAN_SHARE = 600  # progress units of reading and parsing, out of 1000


def formats_read(records: Iterable[ParsedRecord]) -> dict[str, int]:
    return dict(Counter(record.format for record in records).most_common())


class NoDecisionsError(KbridgeError):
    """Nothing in the folder reads as a decision record; importing it needs a yes (`--force`)."""


@dataclass
class PlannedRecord:
    """One file's line of the preview."""

    path: str
    action: str  # "import", "update", "unchanged" or "skip"
    title: str = ""
    status: str = ""
    date: str | None = None
    key: str = ""
    reason: str = ""  # why a file is skipped
    status_note: str = ""
    date_note: str = ""

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "action": self.action}
        if self.action == "skip":
            data["reason"] = self.reason
            return data
        data.update(key=self.key, title=self.title, status=self.status, date=self.date)
        if self.status_note:
            data["status_note"] = self.status_note
        if self.date_note:
            data["date_note"] = self.date_note
        return data


@dataclass
class ImportPlan:
    root: Path
    warnings: list[FileWarning] = field(default_factory=list)
    decisions_found: bool = True
    cancelled: bool = False
    # What carrying the plan out needs: the records (held, or read back from the shelf), people first.
    records: list[ParsedRecord] | ShelvedRecords = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    resolved: LinkBook = field(default_factory=HeldLinks)  # the links between its files
    attachments: dict[str, list[str]] = field(default_factory=dict)
    images: set[str] = field(default_factory=set)  # the attachments' files (no row of their own)
    matches: Matches = field(default_factory=HeldMatches)  # file -> the record it is here
    same: set[str] = field(default_factory=set)  # files of another folder that change nothing
    json: JsonExport | None = None  # a JSON export being imported (its attachments are inside)
    # New records: path -> the key they get (on the shelf's rows when there is one).
    keys: PlannedKeys = field(default_factory=HeldKeys)

    shelf: FileShelf | None = None  # where `records` wait (kbridge.formats.read.shelf)

    def loaded(self, parsed: ParsedRecord) -> ParsedRecord:
        """The record as read, with its text (the shelf gives back its facts only)."""
        return self.shelf.load(parsed) if self.shelf is not None else parsed

    @property
    def rows(self) -> list[PlannedRecord]:
        """The preview: a line per file, by path (made when asked: the plan does not hold it)."""
        return list(self.rows_by_path())

    def rows_by_path(self, *, foreseen: bool = True) -> Iterator[PlannedRecord]:
        """The preview's lines by path, made one at a time: read from the shelf in path order,
        a large folder's are never all held (the command line's list of 100,000 files sorted in
        memory took 50 MB at the end of an import). A file that another file of the folder
        supersedes is shown superseded, as the import will mark it, unless not `foreseen` (the
        file's own status: the import's report says what it did)."""
        superseded = self.superseded_here() if foreseen else {}
        if self.shelf is None:
            yield from sorted(self.each_row(superseded), key=lambda row: row.path)
            return
        skips = sorted(self._skip_rows(), key=lambda row: row.path)
        rows = self._record_rows(self.shelf.walk("path"), superseded)
        yield from heapq.merge(rows, skips, key=lambda row: row.path)

    def each_row(self, superseded: dict[str, str] | None = None) -> Iterator[PlannedRecord]:
        """The preview's lines, records first (people first, then by path), then the skips."""
        yield from self._record_rows(self.records, superseded or {})
        yield from self._skip_rows()

    def superseded_here(self) -> dict[str, str]:
        """The files whose record the import will mark superseded (see
        kbridge.formats.read.foreseen): path -> the path of the file that supersedes it."""

        def status_of(paths: set[str]) -> dict[str, str]:
            if self.shelf is not None:
                return {path: record.status for path in paths if (record := self.shelf.record(path)) is not None}
            return {record.path: record.status for record in self.records if record.path in paths}

        return superseded_by_files(self.resolved, status_of)

    def key_of(self, path: str) -> str:
        """The key file `path`'s record has or will have ("" when it is skipped)."""
        existing = self.matches.get(path)
        return existing.key if existing is not None else self.keys.get(path, "")

    def _skip_rows(self) -> Iterator[PlannedRecord]:
        for item in self.skipped:
            if item.path not in self.images:
                yield PlannedRecord(item.path, "skip", reason=item.reason)

    def _record_rows(self, records: Iterable[ParsedRecord], superseded: dict[str, str]) -> Iterator[PlannedRecord]:
        for parsed in records:
            existing = self.matches.get(parsed.path)
            if existing is None:
                action, key = "import", self.keys.get(parsed.path, "")
            else:
                action, key = ("unchanged" if unchanged(existing, parsed, self) else "update"), existing.key
            status, note = parsed.status, parsed.status_note
            by = superseded.get(parsed.path)
            if by == IN_A_CYCLE:
                status, note = in_a_cycle_status(status, note)
            elif by is not None and parsed.kind in SUPERSEDABLE:
                status, note = superseded_status(status, note, self.key_of(by) or by)
            yield PlannedRecord(parsed.path, action, " ".join(parsed.title.split()), status,
                                parsed.date, key, "", note, parsed.date_note)

    def count(self, action: str) -> int:
        return sum(1 for row in self.each_row() if row.action == action)

    @property
    def formats(self) -> dict[str, int]:
        """What the files that are records were read as (the format told per folder and per file
        while scanning: nothing is detected twice), most common first."""
        return formats_read(self.records)

    def as_json(self) -> dict[str, Any]:
        return {
            "formats": self.formats,
            "imported": self.count("import"),
            "updated": self.count("update"),
            "unchanged": self.count("unchanged"),
            "skipped": [{"path": item.path, "reason": item.reason} for item in self.skipped],
            "warnings": [{"path": item.path, "message": item.message} for item in self.warnings],
            "decisions_found": self.decisions_found,
            "records": [row.as_json() for row in self.rows],
        }


def no_decisions_message(folder: Path | str) -> str:
    return (f"nothing in {folder} reads as a decision record (no status, no decision sections, "
            "no numbered file names); nothing was imported. Import it anyway with --force")


def plan_import(kb: KnowledgeBase, folder: Path | str, *, fmt: str = "auto",
                progress: Progress | None = None, cancel: Cancel | None = None,
                force: bool = False, workers: int = 1) -> ImportPlan:
    """The preview of importing `folder`; reads the folder and the knowledge base, writes nothing.
    `workers` processes read a large folder's files (`kbridge.formats.read.reading_pool`)."""
    root = Path(folder)
    if is_json_export(root):
        return _plan_json(kb, root)
    if not root.is_dir():
        raise NotFoundError(f"no folder {folder}")
    if fmt not in ("auto", *FORMATS):
        raise ValidationError(f"unknown format {fmt!r}; formats are: auto, {', '.join(FORMATS)}")
    shelf = FileShelf()
    scan = scan_folder(root, fmt, scaled(progress, 0, SCAN_SHARE), cancel, read_kbridge, force=force,
                       shelf=shelf, workers=workers)
    if scan.cancelled:
        shelf.close()
        return ImportPlan(root, cancelled=True)
    plan = ImportPlan(root, warnings=list(scan.warnings), decisions_found=scan.decisions_found,
                      shelf=shelf)
    plan.records = shelf.records()  # people first, then by path
    plan.keys = shelf.planned_keys()
    plan.matches = shelf.matches()
    plan.skipped = list(scan.skipped)
    plan.attachments = scan.attachments
    plan.resolved = resolve_links(plan.records, plan.warnings, shelf, ShelvedLinks())
    _match(kb, root.resolve(), plan)
    _plan_keys(kb, plan)
    plan.images = set(scan.attachments)
    return plan


def _plan_json(kb: KnowledgeBase, path: Path) -> ImportPlan:
    """Importing a JSON export: every record with its uid, key and links as the file says."""
    data = read_json_export(path)
    plan = ImportPlan(path, json=data)
    plan.records = sorted(data.records, key=lambda r: (r.kind != Kind.PERSON.value, r.path))
    plan.skipped = list(data.skipped)
    plan.resolved = HeldLinks(data.links)
    plan.attachments = {name: users for name, (_, users) in data.attachments.items()}
    _match(kb, path.resolve(), plan)
    _plan_keys(kb, plan)
    plan.images = set(plan.attachments)
    return plan


def scaled(progress: Progress | None, start: int, share: int) -> Progress | None:
    if progress is None:
        return None
    return lambda done, total, message: progress(
        start + share * done // max(total, 1), 1000, message
    )


class Matcher:
    """Which record of the knowledge base a file is: by the uid the file carries, then by its
    path in the folder it was imported from; a file of another folder (an export of this
    knowledge base, a copy) by the same path and bytes, else by its path or its number with the
    same title and date. No record is matched twice (`taken`: whether a record is a match already).

    The records are looked up by path for each file (the partial index on the source's path), not
    held: a re-import of 100,000 files held a slim copy of each (2.5 KB a file), and an import of
    1,000 files into a million records read them all (32-34 s)."""

    def __init__(self, kb: KnowledgeBase, root: Path, taken: Callable[[str], bool]) -> None:
        self.kb = kb
        self.root = str(root)
        self.taken = taken
        self.empty = kb.is_empty()  # a knowledge base without records: no file can be one of them
        self._gone: dict[str, bool] = {}  # root -> the folder is no longer there

    def match(self, parsed: ParsedRecord, *, elsewhere: bool = False) -> Record | None:
        """The record `parsed` is, by what identifies it for sure; with `elsewhere`, by what a
        file of another folder shares with it (after every file had its sure match)."""
        found = self._elsewhere(parsed) if elsewhere else self._match(parsed)
        return None if found is None or self.taken(found.uid) else found

    def _match(self, parsed: ParsedRecord) -> Record | None:
        if parsed.uid:
            found = self.kb.find(parsed.uid)
            if found is not None and found.uid == parsed.uid:
                return found
        same_path = self.kb.imported_from(parsed.path)
        here = [record for record in same_path if self._root(record) == self.root]
        if here:
            return here[-1]
        moved = [record for record in same_path if self._moved(record)]
        if moved:  # imported from a folder that is no longer there (moved, renamed)
            return moved[0]
        if parsed.format == "kbridge" and parsed.key:
            found = self.kb.find(parsed.key)
            if found is not None and found.source is None and found.kind.value == parsed.kind:
                return found
        return None

    def _elsewhere(self, parsed: ParsedRecord) -> Record | None:
        same_path = [r for r in self.kb.imported_from(parsed.path)
                     if self._root(r) != self.root and not self._moved(r) and not self.taken(r.uid)]
        digest = parsed.digest if parsed.original or parsed.sha256 else ""
        for record in same_path:
            if digest and (record.source or {}).get("sha256") == digest:
                return record
        key = parsed.key or parsed.key_hint
        keyed = self.kb.find(key) if key else None
        title, date = " ".join(parsed.title.split()), normalise_date(parsed.date)
        for record in [*same_path, *([keyed] if keyed is not None else [])]:
            if (not self.taken(record.uid) and record.kind.value == parsed.kind
                    and record.title == title and record.date == date):
                return record
        return None

    @staticmethod
    def _root(record: Record) -> str | None:
        root = (record.source or {}).get("root")
        return str(root) if root else None

    def _moved(self, record: Record) -> bool:
        root = self._root(record)
        if root is None or root == self.root:
            return False
        if root not in self._gone:
            self._gone[root] = not Path(root).is_dir()
        return self._gone[root]

    def record_named(self, record: Record) -> Named:
        """What a relative link in `record`'s body names, in the folder it was imported from:
        the record imported from that file, or from the `<slug>/README.md` that folder names."""
        root = str((record.source or {}).get("root"))

        def named(path: str) -> str | None:
            for found in reversed(self.kb.imported_from(path)):
                if str((found.source or {}).get("root")) == root:
                    return f"record:{found.uid}"
            for found in reversed(self.kb.imported_from(path, inside=True)):
                source = found.source or {}
                if (str(source.get("root")) == root and (source.get("layout") or {}).get("named_by_folder")
                        and posixpath.dirname(str(source.get("path"))) == path):
                    return f"record:{found.uid}"
            return None

        return named


# What of a record's source matching, the preview and an unchanged file need; the rest is read
# again when the file is written (a plan keeps one match per file of the folder).
_SOURCE_KEPT = ("root", "path", "format", "sha256", "links")


def slim(record: Record) -> Record:
    """`record` as a plan holds it: without its body and most of its source."""
    source = record.source
    kept = {name: source[name] for name in _SOURCE_KEPT if name in source} if source is not None else None
    return dataclasses.replace(record, body="", source=kept)


def _match(kb: KnowledgeBase, root: Path, plan: ImportPlan) -> None:
    """Match the files to the records they are."""
    matcher = Matcher(kb, root, plan.matches.holds)
    if matcher.empty:
        return
    # Only the files that are a record here are held (a folder new to the knowledge base: none).
    for parsed in plan.records:
        found = matcher.match(parsed)
        if found is not None:
            plan.matches[parsed.path] = slim(found)
    for parsed in plan.records:
        if parsed.path not in plan.matches:
            found = matcher.match(parsed, elsewhere=True)
            if found is not None:
                plan.matches[parsed.path] = slim(found)

    if not plan.matches:
        return  # a folder new to the knowledge base: nothing to compare
    folders = {posixpath.dirname(p.path): p.path for p in plan.records if p.layout.get("named_by_folder")}

    def file_named(path: str) -> str | None:
        found = plan.matches.get(folders.get(path, path))
        return f"record:{found.uid}" if found is not None else None

    for parsed in plan.records:
        existing = plan.matches.get(parsed.path)
        if existing is None or unchanged(existing, parsed):
            continue
        source = existing.source or {}
        elsewhere = source.get("root") != str(root) or source.get("format") != parsed.format
        if elsewhere and same_content(kb.get(existing.uid), plan.loaded(parsed), matcher.record_named(existing),
                                      file_named):
            plan.same.add(parsed.path)


def unchanged(existing: Record, parsed: ParsedRecord, plan: ImportPlan | None = None) -> bool:
    """The file is the one the record was imported from, byte for byte, or (`plan.same`) a file
    of another folder that says everything the record says."""
    if plan is not None and parsed.path in plan.same:
        return True
    source = existing.source or {}
    return (source.get("sha256") == parsed.digest
            and source.get("format") == parsed.format)


def _plan_keys(kb: KnowledgeBase, plan: ImportPlan) -> None:
    """The key each new record gets: its file's key (ADR-0032, ADR-0020-2, INFRA-0003), another
    free one with a warning when that key is taken, the next number when its file has none.
    Reads the records twice from the plan (by path, then in the plan's order) and asks the
    knowledge base for each key (unless it has no record); the keys chosen are the plan's
    (`plan.keys`, on the shelf's rows for a folder): it holds neither records nor keys."""
    empty = kb.is_empty()
    highest: dict[str, int] = {}

    def free(key: str) -> bool:
        return not plan.keys.gives(key) and (empty or kb.key_holder(key) is None)

    def next_number(kind: Kind) -> str:
        prefix = kind.key_prefix
        if prefix not in highest:
            highest[prefix] = int(kb.next_key(kind).rsplit("-", 1)[1]) - 1
            pattern = re.compile(rf"^{prefix}-(\d+)$", re.I)
            for key in plan.keys.given():
                match = pattern.match(key)
                if match:
                    highest[prefix] = max(highest[prefix], int(match.group(1)))
        while True:
            highest[prefix] += 1
            key = format_key(kind, highest[prefix])
            if free(key):
                return key

    by_path = plan.shelf.walk("path") if plan.shelf is not None else sorted(plan.records, key=lambda r: r.path)
    unkeyed = False
    for parsed in by_path:
        key = parsed.key or parsed.key_hint
        if parsed.path in plan.matches:
            continue
        if not key:
            unkeyed = True
            continue
        chosen = key
        index = 2
        while not free(chosen):
            chosen = f"{key}-{index}"
            index += 1
        if chosen != key:
            taken = kb.key_holder(key)
            whom = f"{taken.key} {taken.title!r}" if taken else "another file of this folder"
            plan.warnings.append(FileWarning(parsed.path, f"key {key} is taken by {whom}: "
                                             f"imported as {chosen}"))
        plan.keys[parsed.path] = chosen
    for parsed in plan.records if unkeyed else ():
        if not (parsed.key or parsed.key_hint) and parsed.path not in plan.matches:
            chosen = next_number(Kind.parse(parsed.kind))
            plan.keys[parsed.path] = chosen
