"""Revisions: as readable text, the differences between two, and the facade's history methods."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from kbridge.model import CONTENT_FIELDS, Changes, ConflictError, NotFoundError, Record, Revision
from kbridge.storage import Store

_HEADER_FIELDS = ("key", "kind", "title", "status", "date", "review_by", "owner", "tags")


def snapshot_lines(snapshot: dict[str, Any]) -> list[str]:
    """A snapshot as lines a person can read in a diff: header fields, fields, links, then body."""
    shown = dict(snapshot)
    if "owner" in snapshot or "owner_key" in snapshot:
        shown["owner"] = snapshot.get("owner_key") or snapshot.get("owner")
    lines = [f"{name}: {_text(shown.get(name))}" for name in _HEADER_FIELDS if name in shown]
    for name, value in sorted((snapshot.get("fields") or {}).items()):
        lines.append(f"{name}: {_text(value)}")
    for link in snapshot.get("links") or []:
        lines.append(f"link: {link}")
    if snapshot.get("deleted"):
        lines.append("deleted: yes")
    lines.append("")
    lines.extend(str(snapshot.get("body") or "").splitlines())
    return lines


def diff_revisions(old: Revision, new: Revision) -> str:
    diff = difflib.unified_diff(
        snapshot_lines(old.snapshot) if old.snapshot else [],
        snapshot_lines(new.snapshot),
        # Revision 0 is the record before it was recorded: there is nothing to compare with.
        fromfile=f"revision {old.rev} ({old.author}, {old.at})" if old.rev else "before it was recorded",
        tofile=f"revision {new.rev} ({new.author}, {new.at})",
        lineterm="",
    )
    return "\n".join(diff)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)


class HistoryMixin:
    """Part of `KnowledgeBase`: revisions, diffs, restore; files kept with a record."""

    _store: Store
    transaction: Callable[[], AbstractContextManager[None]]
    get: Callable[[str], Record]
    update: Callable[..., Changes]
    _owner_ref: Callable[[str | None], str | None]
    consistent_status: Callable[[Record, str], str]

    def history(self, ref: str) -> list[Revision]:
        """Every saved version, oldest first."""
        return self._store.revisions(self.get(ref).uid)

    def revision(self, ref: str, rev: int) -> Revision:
        record = self.get(ref)
        found = self._store.revision(record.uid, int(rev))
        if found is None:
            raise NotFoundError(f"{record.key} has no revision {rev}")
        return found

    def diff(self, ref: str, rev_a: int, rev_b: int) -> str:
        """A unified diff between two revisions of a record."""
        return diff_revisions(self.revision(ref, rev_a), self.revision(ref, rev_b))

    def restore(self, ref: str, rev: int, *, reason: str = "", keep_consistent: bool = False) -> Changes:
        """Bring revision `rev` back as a new revision. Links and the key stay as they are now;
        with `keep_consistent`, so does a status that the links imply (`restore_conflict` says
        when the revision's status would contradict them)."""
        old = self.revision(ref, rev)
        values = {
            name: old.snapshot[name]
            for name in CONTENT_FIELDS
            if name in old.snapshot and name != "key"
        }
        values["owner"] = self._owner_ref(values.get("owner"))
        if keep_consistent and "status" in values:
            values["status"] = self.consistent_status(self.get(ref), str(values["status"] or ""))
        changes = self.update(ref, reason=reason or f"restored revision {rev}", **values)
        if not changes:
            raise ConflictError(f"{self.get(ref).key} already matches revision {rev}")
        return changes

    # Files kept with records (imported originals, attachments).

    def put_file(self, ref: str, name: str, data: bytes, *, role: str = "attachment") -> bool:
        """Keep a file with a record (an image it shows, or the file it was imported from);
        True when something was stored, False when the same bytes were already there."""
        record = self.get(ref)
        with self.transaction():
            return self._store.put_file(record.uid, role, name, bytes(data))

    def file(self, ref: str, name: str, *, role: str = "attachment") -> bytes | None:
        return self._store.get_file(self.get(ref).uid, role, name)

    def files(self, ref: str) -> list[dict[str, Any]]:
        """`{role, name, size, sha256}` of each file kept with a record."""
        return [
            {"role": role, "name": name, "size": size, "sha256": digest}
            for role, name, size, digest in self._store.list_files(self.get(ref).uid)
        ]

    def remove_file(self, ref: str, name: str, *, role: str = "attachment") -> bool:
        record = self.get(ref)
        with self.transaction():
            return self._store.delete_file(record.uid, role, name)
