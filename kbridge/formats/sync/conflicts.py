"""Sync conflicts, side by side and resolved: keep mine (this knowledge base's version), keep
theirs (the shared folder's), or a version a person wrote (a kbridge Markdown text or file). The
next sync shares the result; both versions stay in the record's history."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kbridge import safe_files
from kbridge.core import KnowledgeBase
from kbridge.formats.kbridge_markdown import parse_version, render_version
from kbridge.formats.read.scan import MAX_MARKDOWN_BYTES
from kbridge.formats.sync.apply import RecordWriter
from kbridge.formats.sync.report import SyncReport
from kbridge.formats.sync.state import save_conflicts
from kbridge.formats.sync.versions import Version, version_of_record
from kbridge.formats.text import decode
from kbridge.model import NotFoundError, Record, ValidationError

SIDES = ("mine", "theirs")


@dataclass
class Conflict:
    record: Record
    path: str  # the record's file in the sync folder
    folder: str
    fields: list[str] = field(default_factory=list)
    mine: str = ""  # kbridge Markdown of this knowledge base's version
    theirs: str = ""  # ... and of the folder's
    why: str = ""
    at: str = ""


def list_conflicts(kb: KnowledgeBase) -> list[Conflict]:
    found = [conflict_of(kb, uid) for uid in kb.sync_state.conflicts()]
    return sorted(found, key=lambda conflict: conflict.record.key)


def conflict_of(kb: KnowledgeBase, ref: str) -> Conflict:
    record = kb.get(ref)
    info = kb.sync_state.conflicts().get(record.uid)
    if info is None:
        raise NotFoundError(f"{record.key} has no sync conflict")
    mine = render_version(_current(kb, record))
    return Conflict(record, str(info.get("path", "")), str(info.get("folder_path", "")),
                    [str(name) for name in info.get("fields") or []], mine, str(info.get("theirs", "")),
                    str(info.get("why", "")), str(info.get("at", "")))


def resolve_conflict(kb: KnowledgeBase, ref: str, keep: str, *, text: str | None = None) -> str:
    """Settle the conflict of `ref` with `keep`: "mine", "theirs" or the path of a kbridge
    Markdown file (`text` gives that version directly: the window's editor). A sentence saying
    what was kept."""
    conflict = conflict_of(kb, ref)
    record = conflict.record
    if text is None and keep not in SIDES:
        text = _read_file(Path(keep))
    version: Version | None = None
    if text is not None:
        version = parse_version(text.replace("\r\n", "\n"), keep if keep not in SIDES else "the edited version")
        if version.uid and version.uid != record.uid:
            raise ValidationError(f"that file is another record's (uid {version.uid}), not {record.key}'s")
    elif keep == "theirs":
        version = parse_version(conflict.theirs, "the folder's version")
    report = SyncReport()
    with kb.transaction():
        if version is not None:
            writer = RecordWriter(kb, report, None)
            kept = "the edited version" if text is not None else "their version"
            touched: set[str] = set()
            if not writer.apply(record.uid, version, f"sync conflict resolved: kept {kept}", conflict.path, touched):
                raise ValidationError(report.skipped[-1].reason if report.skipped else f"{record.key} was not changed")
            writer.set_links(touched)
        conflicts = dict(kb.sync_state.conflicts())
        conflicts.pop(record.uid, None)
        save_conflicts(kb, conflicts)
    sides = {"mine": "this knowledge base's version", "theirs": "the shared folder's version"}
    which = sides.get(keep, "the version in " + keep)
    if text is not None and keep in SIDES:
        which = "the edited version"
    return f"{kb.get(record.uid).key}: kept {which}; the next sync shares it"


def _current(kb: KnowledgeBase, record: Record) -> Version:
    keys = {}
    links = kb.links.outgoing(record.uid)
    for link in links:
        if link.target_uid:
            target = kb.find(link.target_uid)
            if target is not None:
                keys[link.target_uid] = target.key
    return version_of_record(record, links, keys)


def _read_file(path: Path) -> str:
    try:
        data = safe_files.read_regular(path, max_bytes=MAX_MARKDOWN_BYTES)
    except FileNotFoundError:
        raise ValidationError(f"{path}: no such file (--keep takes mine, theirs or a kbridge Markdown file)") from None
    except OSError as error:
        raise ValidationError(f"{path}: cannot be read: {error.strerror or error}") from error
    return decode(data).text
