"""What importing a folder would do, worked out before anything is written: every file with the
record it would create or update (title, status, date, key) or the reason it is skipped, and the
warnings. `kbridge import --dry-run` prints it; the window's import dialog shows it as a table;
`import_folder` carries it out."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbridge.core import KnowledgeBase
from kbridge.formats.kbridge_markdown import read_kbridge
from kbridge.formats.parsed import FORMATS, FileWarning, ParsedRecord, Skipped
from kbridge.formats.resolve import ResolvedLink, resolve_links
from kbridge.formats.scan import Cancel, Progress, ScanResult, scan_folder
from kbridge.model import KbridgeError, Kind, NotFoundError, Record, ValidationError, format_key

SCAN_SHARE = 600  # progress units of reading and parsing, out of 1000


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
    rows: list[PlannedRecord] = field(default_factory=list)
    warnings: list[FileWarning] = field(default_factory=list)
    decisions_found: bool = True
    cancelled: bool = False
    # What carrying the plan out needs.
    records: list[ParsedRecord] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    resolved: list[ResolvedLink] = field(default_factory=list)
    attachments: dict[str, list[str]] = field(default_factory=dict)
    matches: dict[str, Record | None] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # new records: path -> key they get

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def as_json(self) -> dict[str, Any]:
        return {
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
                force: bool = False) -> ImportPlan:
    """The preview of importing `folder`; reads the folder and the knowledge base, writes nothing."""
    root = Path(folder)
    if not root.is_dir():
        raise NotFoundError(f"no folder {folder}")
    if fmt not in ("auto", *FORMATS):
        raise ValidationError(f"unknown format {fmt!r}; formats are: auto, {', '.join(FORMATS)}")
    scan = scan_folder(root, fmt, scaled(progress, 0, SCAN_SHARE), cancel, read_kbridge, force=force)
    if scan.cancelled:
        return ImportPlan(root, cancelled=True)
    plan = ImportPlan(root, warnings=list(scan.warnings), decisions_found=scan.decisions_found)
    plan.records = sorted(scan.records, key=lambda r: (r.kind != Kind.PERSON.value, r.path))
    plan.skipped = list(scan.skipped)
    plan.attachments = scan.attachments
    plan.resolved = resolve_links(plan.records, plan.warnings)
    _match(kb, root.resolve(), plan)
    _plan_keys(kb, plan)
    _rows(plan, scan)
    return plan


def scaled(progress: Progress | None, start: int, share: int) -> Progress | None:
    if progress is None:
        return None
    return lambda done, total, message: progress(
        start + share * done // max(total, 1), 1000, message
    )


class Matcher:
    """Which record of the knowledge base a file is: by uid, then source path, then key."""

    def __init__(self, kb: KnowledgeBase, root: Path) -> None:
        self.kb = kb
        self.by_source: dict[str, Record] = {}
        self.moved: dict[str, Record] = {}
        for record in kb.iter_records(deleted=None):
            source = record.source or {}
            if "path" not in source:
                continue
            if source.get("root") == str(root):
                self.by_source[source["path"]] = record
            elif source.get("root") and not Path(source["root"]).is_dir():
                self.moved.setdefault(source["path"], record)

    def match(self, parsed: ParsedRecord) -> Record | None:
        if parsed.uid:
            found = self.kb.find(parsed.uid)
            if found is not None and found.uid == parsed.uid:
                return found
        if parsed.path in self.by_source:
            return self.by_source[parsed.path]
        if parsed.path in self.moved:
            return self.moved.pop(parsed.path)
        if parsed.format == "kbridge" and parsed.key:
            found = self.kb.find(parsed.key)
            if found is not None and found.source is None and found.kind.value == parsed.kind:
                return found
        return None


def _match(kb: KnowledgeBase, root: Path, plan: ImportPlan) -> None:
    matcher = Matcher(kb, root)
    for parsed in plan.records:
        plan.matches[parsed.path] = matcher.match(parsed)


def unchanged(existing: Record, parsed: ParsedRecord) -> bool:
    source = existing.source or {}
    return (source.get("sha256") == hashlib.sha256(parsed.original).hexdigest()
            and source.get("format") == parsed.format)


def _plan_keys(kb: KnowledgeBase, plan: ImportPlan) -> None:
    """The key each new record gets: its file's key (ADR-0032, ADR-0020-2, INFRA-0003), another
    free one with a warning when that key is taken, the next number when its file has none."""
    holders = {r.key.lower(): r for r in kb.list_summaries(deleted=None)}
    planned: set[str] = set()
    highest: dict[str, int] = {}

    def free(key: str) -> bool:
        return key.lower() not in holders and key.lower() not in planned

    def next_number(kind: Kind) -> str:
        prefix = kind.key_prefix
        if prefix not in highest:
            highest[prefix] = int(kb.next_key(kind).rsplit("-", 1)[1]) - 1
            pattern = re.compile(rf"^{prefix}-(\d+)$", re.I)
            for key in planned:
                match = pattern.match(key)
                if match:
                    highest[prefix] = max(highest[prefix], int(match.group(1)))
        while True:
            highest[prefix] += 1
            key = format_key(kind, highest[prefix])
            if free(key):
                return key

    new = [p for p in plan.records if plan.matches.get(p.path) is None]
    wanted = [(p, p.key or p.key_hint) for p in new]
    for parsed, key in sorted((item for item in wanted if item[1]), key=lambda item: item[0].path):
        chosen = key
        index = 2
        while not free(chosen):
            chosen = f"{key}-{index}"
            index += 1
        if chosen != key:
            holder = holders.get(key.lower())
            whom = f"{holder.key} {holder.title!r}" if holder else "another file of this folder"
            plan.warnings.append(FileWarning(parsed.path, f"key {key} is taken by {whom}: "
                                             f"imported as {chosen}"))
        planned.add(chosen.lower())
        plan.keys[parsed.path] = chosen
    for parsed, key in wanted:
        if not key:
            chosen = next_number(Kind.parse(parsed.kind))
            planned.add(chosen.lower())
            plan.keys[parsed.path] = chosen


def _rows(plan: ImportPlan, scan: ScanResult) -> None:
    rows: list[PlannedRecord] = []
    for parsed in plan.records:
        existing = plan.matches.get(parsed.path)
        if existing is None:
            action, key = "import", plan.keys.get(parsed.path, "")
        else:
            action, key = ("unchanged" if unchanged(existing, parsed) else "update"), existing.key
        rows.append(PlannedRecord(parsed.path, action, " ".join(parsed.title.split()),
                                  parsed.status, parsed.date, key, "", parsed.status_note,
                                  parsed.date_note))
    images = set(scan.attachments)
    for item in plan.skipped:
        if item.path not in images:
            rows.append(PlannedRecord(item.path, "skip", reason=item.reason))
    plan.rows = sorted(rows, key=lambda row: row.path)
