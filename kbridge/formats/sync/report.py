"""What a sync did, for the command line, the window and the commit message."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kbridge.escaping import terminal_text
from kbridge.formats.read.parsed import Skipped
from kbridge.model import OpResult

KEEP_CHOICES = ("mine", "theirs", "kb", "files")  # kb and files: the names of the first release
_KEEP_ALIASES = {"kb": "mine", "files": "theirs"}
COMMIT_LIST_LIMIT = 60


def keep_side(keep: str | None) -> str | None:
    return _KEEP_ALIASES.get(keep or "", keep) or None


@dataclass
class Change:
    verb: str  # "added", "changed", "merged", "removed", "renumbered", "restored", "conflict"
    key: str
    title: str = ""
    detail: str = ""
    path: str = ""  # the file, relative to the sync folder

    def line(self) -> str:
        text = f"{self.verb} {self.key}"
        if self.title:
            text += f" {self.title}"
        if self.detail:
            text += f" ({self.detail})"
        # Titles are other people's text: no control character reaches a terminal through `git log`.
        return terminal_text(text)


@dataclass
class SyncReport:
    to_kb: list[str] = field(default_factory=list)  # keys updated or created from files
    to_files: list[str] = field(default_factory=list)  # files written from the knowledge base
    deleted_records: list[str] = field(default_factory=list)
    deleted_files: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)  # keys changed on both sides, merged
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, str]] = field(default_factory=list)  # {key, message}: what sync decided
    skipped: list[Skipped] = field(default_factory=list)
    git: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)  # what the folder's next commit says
    commits: int = 0
    pushed: bool = False
    remote: str = ""
    kept: list[str] = field(default_factory=list)  # files already saying what their record says (an export)
    ways: dict[str, int] = field(default_factory=dict)  # unchanged / patched / generated: how files were written
    result: OpResult | None = None  # what the sync changed in the knowledge base, for the views

    def as_json(self) -> dict[str, Any]:
        return {
            "to_kb": self.to_kb, "to_files": self.to_files,
            "deleted_records": self.deleted_records, "deleted_files": self.deleted_files,
            "merged": self.merged, "conflicts": self.conflicts, "notes": self.notes,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "git": self.git, "commits": self.commits, "pushed": self.pushed,
        }

    def note(self, key: str, message: str) -> None:
        self.notes.append({"key": key, "message": message})

    def absorb(self, other: SyncReport) -> None:
        """Add a later pass's report to this one (a git sync runs the folder sync more than once)."""
        for name in ("to_kb", "to_files", "deleted_records", "deleted_files", "merged"):
            mine: list[str] = getattr(self, name)
            mine += [item for item in getattr(other, name) if item not in mine]
        self.conflicts = [c for c in self.conflicts if c["key"] not in {o["key"] for o in other.conflicts}]
        self.conflicts += other.conflicts
        self.notes += [note for note in other.notes if note not in self.notes]
        seen = {(item.path, item.reason) for item in self.skipped}
        self.skipped += [item for item in other.skipped if (item.path, item.reason) not in seen]
        self.changes += other.changes

    def summary(self) -> str:
        parts = [f"{len(self.to_kb)} records updated from the folder", f"{len(self.to_files)} files written"]
        if self.merged:
            parts.append(f"{len(self.merged)} merged")
        if self.deleted_records:
            parts.append(f"{len(self.deleted_records)} moved to the trash")
        if self.deleted_files:
            parts.append(f"{len(self.deleted_files)} files removed")
        if self.conflicts:
            parts.append(f"{len(self.conflicts)} conflicts left for you to resolve")
        if self.skipped:
            parts.append(f"{len(self.skipped)} files skipped")
        if self.pushed:
            parts.append("pushed")
        return ", ".join(parts)


def commit_message(changes: list[Change]) -> str:
    """`kbridge sync: ...` and one line per record changed (at most COMMIT_LIST_LIMIT)."""
    keys = list(dict.fromkeys(change.key for change in changes))
    shown = ", ".join(keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")
    lines = [f"kbridge sync: {shown}" if keys else "kbridge sync", ""]
    lines += [change.line() for change in changes[:COMMIT_LIST_LIMIT]]
    if len(changes) > COMMIT_LIST_LIMIT:
        lines.append(f"... and {len(changes) - COMMIT_LIST_LIMIT} more")
    return "\n".join(lines).rstrip() + "\n"
