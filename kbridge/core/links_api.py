"""`kb.links`: reading the typed links between records, adding and removing them, and pointing
dangling links at records that now exist."""

from __future__ import annotations

from kbridge.core import lifecycle
from kbridge.core.clock import utc_now
from kbridge.core.manager import Manager
from kbridge.model import (
    Changes,
    ConflictError,
    Link,
    LinkedRecord,
    LinkType,
    NotFoundError,
    OpResult,
    Record,
    RecordResult,
    ValidationError,
)


class Links(Manager):
    """`kb.links`: the typed links between records."""

    def of(self, ref: str) -> list[LinkedRecord]:
        """Links both ways: outgoing with their labels, incoming with inverse labels."""
        return self._store.linked_records(self._kb.get(ref).uid)

    def outgoing(self, ref: str) -> list[Link]:
        """The links a record makes, as stored (the text of a dangling target kept)."""
        return self._store.links_from(self._kb.get(ref).uid)

    def outgoing_of(self, uids: list[str]) -> list[Link]:
        """The links these records make (a few hundred uids), in the order `outgoing` gives them."""
        return self._store.links_from_each(uids)

    def all(self) -> list[Link]:
        return self._store.all_links()

    def dangling(self) -> list[Link]:
        return self._store.dangling_links()

    def add(
        self,
        source: str,
        link_type: LinkType | str,
        target: str,
        *,
        note: str = "",
        allow_dangling: bool = False,
        resolve: bool = True,
        reason: str = "",
    ) -> RecordResult:
        """Add a typed link. A target that does not exist is an error, unless `allow_dangling`
        (imports), in which case the link is kept with the target's text. With `resolve` False
        the target is kept as text even if a record has that key (an import's reference to a
        number its own folder does not have). A `supersedes` link is `supersede` (the target is
        marked superseded; a partial one is an `amends` link)."""
        kb = self._kb
        link_type = link_type if isinstance(link_type, LinkType) else LinkType.parse(link_type)
        link_type, note = lifecycle.kept_link(link_type, note)
        src = kb.get(source)
        dst = kb.find(target) if resolve else None
        if dst is None and not allow_dangling:
            raise NotFoundError(f"no record {target!r} to link to")
        if dst is not None and dst.uid == src.uid:
            raise ValidationError(f"{src.key} cannot link to itself")
        if link_type is LinkType.SUPERSEDES and dst is not None:
            return kb.lifecycle.supersede(dst.uid, src.uid, note=note, reason=reason)
        link = Link(src.uid, link_type, dst.uid if dst else None, "" if dst else target, note)
        now = utc_now()
        with kb.transaction():
            if not self._store.insert_link(link, now):
                raise ConflictError(f"{src.key} already {link_type.label} {_ref(dst, target)}")
            kb._revise(src, reason or f"{link_type.label} {_ref(dst, target)}", now)
            changes = kb._report(Changes(updated=frozenset({src.uid}), links=(link,)))
        return kb._record_result(changes, src)

    def remove(
        self,
        source: str,
        link_type: LinkType | str,
        target: str,
        *,
        reason: str = "",
        restore_status: bool = False,
    ) -> RecordResult:
        """Remove a typed link. With `restore_status`, a record no longer superseded by anything
        gets back the status it had before (see `restorable_status`), in the same transaction."""
        kb = self._kb
        link_type = link_type if isinstance(link_type, LinkType) else LinkType.parse(link_type)
        src = kb.get(source)
        dst = kb.find(target)
        link = Link(src.uid, link_type, dst.uid if dst else None, "" if dst else target)
        now = utc_now()
        with kb.transaction():
            if not self._store.delete_link(link):
                raise NotFoundError(f"{src.key} has no link {link_type.value} {_ref(dst, target)}")
            kb._revise(src, reason or f"removed link {link_type.label} {_ref(dst, target)}", now)
            changes = kb._report(Changes(updated=frozenset({src.uid}), links=(link,)))
            if restore_status and link_type is LinkType.SUPERSEDES and dst is not None:
                changes = changes.merge(kb.lifecycle.restore_status(dst.uid).changes)
        return kb._record_result(changes, src)

    def resolve_dangling(self) -> OpResult:
        """Point dangling links at records that now exist under the text they named (a
        `supersedes` link as `supersede` would add it: refused ones stay dangling)."""
        kb = self._kb
        resolved: list[Link] = []
        changes = Changes()
        with kb.transaction():
            for link in self._store.dangling_links():
                target = kb.find(link.target_ref)
                if target is None or target.uid == link.source_uid:
                    continue
                source = kb.get(link.source_uid)
                if link.type is LinkType.SUPERSEDES and kb.lifecycle.supersede_refusal(target, source) is not None:
                    continue
                self._store.resolve_link(link, target.uid)
                resolved.append(link)
                if link.type is LinkType.SUPERSEDES:
                    changes = changes.merge(kb.lifecycle.mark_superseded(target, source))
            sources = frozenset(link.source_uid for link in resolved)
            changes = changes.merge(kb._report(Changes(updated=sources, links=tuple(resolved))))
        return kb._result(changes)


def _ref(record: Record | None, text: str) -> str:
    return record.key if record else text
