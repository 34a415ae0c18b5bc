"""`kb.lifecycle`: superseding (the one operation behind `kbridge supersede`, `new --supersedes`, a
`supersedes` link, the window's Supersede and imports), giving a record its status back, and what
a restore would contradict. The rules themselves are in kbridge.core.lifecycle."""

from __future__ import annotations

from kbridge.core import lifecycle
from kbridge.core.clock import utc_now
from kbridge.core.manager import Manager
from kbridge.model import (
    Changes,
    ConflictError,
    Kind,
    Link,
    LinkedRecord,
    LinkType,
    Record,
    RecordResult,
    ValidationError,
)


class Lifecycle(Manager):
    """`kb.lifecycle`: superseding and the statuses it implies."""

    def supersede(self, old_ref: str, new_ref: str, *, note: str = "", reason: str = "") -> RecordResult:
        """`new` supersedes `old`: link them and mark `old` superseded, in one transaction.

        Refused (nothing changed, a ValidationError) for a record superseding itself, one of
        another kind, or a link that would close a cycle. The status changes only for a kind that
        has "superseded" and while `new` is in force (neither rejected nor in the trash), so a
        rejected proposal replaces nothing. A partial supersede ("in part") is an `amends` link
        instead, and changes no status."""
        kb = self._kb
        link_type, note = lifecycle.kept_link(LinkType.SUPERSEDES, note)
        if link_type is not LinkType.SUPERSEDES:
            return kb.links.add(new_ref, link_type, old_ref, note=note, reason=reason)
        with kb.transaction():
            old, new = kb.get(old_ref), kb.get(new_ref)
            refusal = self.supersede_refusal(old, new)
            if refusal is not None:
                raise refusal
            now = utc_now()
            link = Link(new.uid, LinkType.SUPERSEDES, old.uid, "", note)
            changes = Changes()
            if self._store.insert_link(link, now):
                kb._revise(new, reason or f"supersedes {old.key}", now)
                changes = kb._report(Changes(updated=frozenset({new.uid}), links=(link,)))
            changes = changes.merge(self.mark_superseded(old, new))
            if not changes:
                raise ConflictError(f"{new.key} already supersedes {old.key}")
        return kb._record_result(changes, new)

    def supersede_refusal(self, old: Record, new: Record) -> ValidationError | ConflictError | None:
        """Why `new` may not supersede `old`, or None."""
        if old.uid == new.uid:
            return ValidationError(f"{old.key} cannot supersede itself")
        if old.kind is not new.kind:
            kind = "decision" if Kind.DECISION in (old.kind, new.kind) else new.kind.value
            return ValidationError(
                f"only a {kind} can supersede a {kind}: {new.key} is a {new.kind.value}, {old.key} a {old.kind.value}"
            )
        # Walked from `new` up through what supersedes it: a new record at the end of a long chain
        # (the usual case, as an import goes file by file) has nothing above it.
        upward = lifecycle.supersede_path(self._superseded_by_of, new.uid, old.uid)
        chain = upward[::-1] if upward is not None else None
        if chain is not None:
            keys = " supersedes ".join(self._kb.get(uid).key for uid in chain)
            return ValidationError(f"{new.key} cannot supersede {old.key}: {keys} already, so that would be a cycle")
        return None

    def mark_superseded(self, old: Record, new: Record) -> Changes:
        """Inside a transaction: `old` is superseded now that `new` supersedes it, when its kind
        has that status and `new` is in force (a rejected proposal, or one in the trash, replaces
        nothing)."""
        replaces = not new.deleted and new.status not in lifecycle.NOT_IN_FORCE
        current = self._kb.get(old.uid)
        if replaces and lifecycle.has_superseded_status(old.kind) and current.status != lifecycle.SUPERSEDED:
            return self._kb.update(old.uid, status=lifecycle.SUPERSEDED, reason=f"superseded by {new.key}").changes
        return Changes()

    def successors(self, ref: str) -> list[LinkedRecord]:
        """The records that supersede `ref` (in force or not)."""
        return lifecycle.successors(self._kb.links.of(ref))

    def status_before_superseded(self, ref: str) -> str | None:
        """The last status the record had before it was superseded, from its history."""
        for revision in reversed(self._kb.history.revisions(ref)):
            if revision.status and revision.status != lifecycle.SUPERSEDED:
                return revision.status
        return None

    def restorable_status(self, ref: str) -> str | None:
        """The status to give back to a record marked superseded that nothing in force
        supersedes any more (after its link was removed); None when there is none to offer."""
        record = self._kb.get(ref)
        if record.status != lifecycle.SUPERSEDED:
            return None
        links = self._kb.links.of(record.uid)
        if any(lifecycle.in_force(link) for link in lifecycle.successors(links)):
            return None
        if lifecycle.outside_successor(links) is not None:
            return None
        return self.status_before_superseded(record.uid)

    def restore_status(self, ref: str, *, reason: str = "") -> RecordResult:
        """Give a record marked superseded, that nothing supersedes any more, its status back."""
        record = self._kb.get(ref)
        status = self.restorable_status(record.uid)
        if status is None:
            if record.status != lifecycle.SUPERSEDED:
                raise ConflictError(f"{record.key} is not superseded (it is {record.status or 'without status'})")
            newer = [link.key for link in self.successors(record.uid) if lifecycle.in_force(link)]
            if newer:
                raise ConflictError(f"{record.key} is still superseded by {', '.join(newer)}")
            raise ValidationError(
                f"{record.key} had no other status before it was superseded; set one with kbridge set "
                f"{record.key} --status STATUS"
            )
        return self._kb.update(record.uid, status=status, reason=reason or f"status before it was superseded: {status}")

    def restore_conflict(self, ref: str, rev: int) -> lifecycle.StatusConflict | None:
        """What bringing back revision `rev` would contradict: its status against the links now
        (links are never restored)."""
        record = self._kb.get(ref)
        status = str(self._kb.history.revision(record.uid, rev).snapshot.get("status") or "")
        if status == record.status:
            return None
        return lifecycle.status_conflict(record, status, self._kb.links.of(record.uid))

    def consistent_status(self, record: Record, wanted: str) -> str:
        """`wanted`, or the status closest to it that agrees with the record's links now."""
        links = self._kb.links.of(record.uid)
        return lifecycle.consistent_status(record, wanted, links, self.status_before_superseded(record.uid))

    def _superseded_by_of(self, uid: str) -> list[str]:
        return [
            str(link.uid)
            for link in self._store.linked_records(uid)
            if link.type is LinkType.SUPERSEDES and link.direction == "in"
        ]
