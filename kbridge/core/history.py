"""Revisions as readable text and the differences between two; `kb.history` (every saved version
of a record, restore) and `kb.files` (files kept with a record)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from kbridge.core.manager import Manager
from kbridge.model import CONTENT_FIELDS, ConflictError, NotFoundError, RecordResult, Revision
from kbridge.storage.packing import PreparedFile, prepare_file

__all__ = ["Files", "History", "PreparedFile", "diff_revisions", "prepare_file", "snapshot_lines"]

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


class History(Manager):
    """`kb.history`: every saved version of a record, the differences between two, restore."""

    def revisions(self, ref: str) -> list[Revision]:
        """Every saved version, oldest first."""
        return self._store.revisions(self._kb.uid_of(ref))

    def revision(self, ref: str, rev: int) -> Revision:
        record = self._kb.get(ref)
        found = self._store.revision(record.uid, int(rev))
        if found is None:
            raise NotFoundError(f"{record.key} has no revision {rev}")
        return found

    def diff(self, ref: str, rev_a: int, rev_b: int) -> str:
        """A unified diff between two revisions of a record."""
        return diff_revisions(self.revision(ref, rev_a), self.revision(ref, rev_b))

    def restore(self, ref: str, rev: int, *, reason: str = "", keep_consistent: bool = False) -> RecordResult:
        """Bring revision `rev` back as a new revision. Links and the key stay as they are now;
        with `keep_consistent`, so does a status that the links imply (`restore_conflict` says
        when the revision's status would contradict them)."""
        kb = self._kb
        old = self.revision(ref, rev)
        values = {
            name: old.snapshot[name]
            for name in CONTENT_FIELDS
            if name in old.snapshot and name != "key"
        }
        owner = values.get("owner")
        values["owner"] = owner if owner and self._store.get_record(owner) else None
        if keep_consistent and "status" in values:
            values["status"] = kb.lifecycle.consistent_status(kb.get(ref), str(values["status"] or ""))
        result = kb.update(ref, reason=reason or f"restored revision {rev}", **values)
        if not result:
            raise ConflictError(f"{kb.get(ref).key} already matches revision {rev}")
        return result

    def by_record(self) -> Iterator[list[Revision]]:
        """Every record's revisions (oldest first), one record at a time, deleted records too."""
        return self._store.record_histories()

    def times(self) -> list[str]:
        """The distinct moments revisions were saved at, oldest first."""
        return self._store.revision_times()

    def count(self) -> int:
        """How many revisions there are: it changes with every save (a cheap "has anything changed")."""
        return self._store.count_revisions()

    def stamp(self) -> tuple[int, int, int]:
        """A value that changes whenever anything in the file changes, here or in another process
        (never counts anything: `count` may, after another process wrote)."""
        return self._store.change_stamp()


class Files(Manager):
    """`kb.files`: files kept with records (imported originals, attachments)."""

    def put(self, ref: str, name: str, data: bytes | PreparedFile, *, role: str = "attachment") -> bool:
        """Keep a file with a record (an image it shows, or the file it was imported from);
        True when something was stored, False when the same bytes were already there. `data` may
        be packed beforehand, on any thread (`prepare_file`)."""
        uid = self._kb.uid_of(ref)
        with self._kb.transaction():
            return self._store.put_file(uid, role, name, data if isinstance(data, PreparedFile) else bytes(data))

    def read(self, ref: str, name: str, *, role: str = "attachment") -> bytes | None:
        return self._store.get_file(self._kb.uid_of(ref), role, name)

    def records_with(self, role: str = "attachment") -> list[str]:
        """The uids of the records keeping a file of `role` (for an export: the few with images)."""
        return self._store.records_with_files(role)

    def of(self, ref: str) -> list[dict[str, Any]]:
        """`{role, name, size, sha256}` of each file kept with a record."""
        return [
            {"role": role, "name": name, "size": size, "sha256": digest}
            for role, name, size, digest in self._store.list_files(self._kb.uid_of(ref))
        ]
