"""The links part of the `KnowledgeBase` facade: adding and removing typed links, and pointing
dangling links at records that now exist. A mixin, like `TrailsMixin`, so the facade stays one
object while its module stays small."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kbridge.core import lifecycle
from kbridge.core.clock import utc_now
from kbridge.model import Changes, ConflictError, Link, LinkType, NotFoundError, Record, ValidationError

if TYPE_CHECKING:
    from kbridge.core.knowledge_base import KnowledgeBase


class LinksMixin:
    def link(
        self: KnowledgeBase,
        source: str,
        link_type: LinkType | str,
        target: str,
        *,
        note: str = "",
        allow_dangling: bool = False,
        resolve: bool = True,
        reason: str = "",
    ) -> Changes:
        """Add a typed link. A target that does not exist is an error, unless `allow_dangling`
        (imports), in which case the link is kept with the target's text. With `resolve` False
        the target is kept as text even if a record has that key (an import's reference to a
        number its own folder does not have). A `supersedes` link is `supersede` (the target is
        marked superseded; a partial one is an `amends` link)."""
        link_type = link_type if isinstance(link_type, LinkType) else LinkType.parse(link_type)
        link_type, note = lifecycle.kept_link(link_type, note)
        src = self.get(source)
        dst = self.find(target) if resolve else None
        if dst is None and not resolve and not allow_dangling:
            raise NotFoundError(f"no record {target!r} to link to")
        if dst is None and not allow_dangling:
            raise NotFoundError(f"no record {target!r} to link to")
        if dst is not None and dst.uid == src.uid:
            raise ValidationError(f"{src.key} cannot link to itself")
        if link_type is LinkType.SUPERSEDES and dst is not None:
            return self.supersede(dst.uid, src.uid, note=note, reason=reason)
        link = Link(src.uid, link_type, dst.uid if dst else None, "" if dst else target, note)
        now = utc_now()
        with self.transaction():
            if not self._store.insert_link(link, now):
                raise ConflictError(f"{src.key} already {link_type.label} {_ref(dst, target)}")
            self._revise(src, reason or f"{link_type.label} {_ref(dst, target)}", now)
            return self._report(Changes(updated=frozenset({src.uid}), links=(link,)))

    def unlink(
        self: KnowledgeBase,
        source: str,
        link_type: LinkType | str,
        target: str,
        *,
        reason: str = "",
        restore_status: bool = False,
    ) -> Changes:
        """Remove a typed link. With `restore_status`, a record no longer superseded by anything
        gets back the status it had before (see `restorable_status`), in the same transaction."""
        link_type = link_type if isinstance(link_type, LinkType) else LinkType.parse(link_type)
        src = self.get(source)
        dst = self.find(target)
        link = Link(src.uid, link_type, dst.uid if dst else None, "" if dst else target)
        now = utc_now()
        with self.transaction():
            if not self._store.delete_link(link):
                raise NotFoundError(f"{src.key} has no link {link_type.value} {_ref(dst, target)}")
            self._revise(src, reason or f"removed link {link_type.label} {_ref(dst, target)}", now)
            changes = self._report(Changes(updated=frozenset({src.uid}), links=(link,)))
            if restore_status and link_type is LinkType.SUPERSEDES and dst is not None:
                changes = changes.merge(self.restore_status(dst.uid))
            return changes

    def resolve_dangling_links(self: KnowledgeBase) -> Changes:
        """Point dangling links at records that now exist under the text they named (a
        `supersedes` link as `supersede` would add it: refused ones stay dangling)."""
        resolved: list[Link] = []
        changes = Changes()
        with self.transaction():
            for link in self._store.dangling_links():
                target = self.find(link.target_ref)
                if target is None or target.uid == link.source_uid:
                    continue
                source = self.get(link.source_uid)
                if link.type is LinkType.SUPERSEDES and self._supersede_refusal(target, source) is not None:
                    continue
                self._store.resolve_link(link, target.uid)
                resolved.append(link)
                if link.type is LinkType.SUPERSEDES:
                    changes = changes.merge(self._mark_superseded(target, source))
            sources = frozenset(link.source_uid for link in resolved)
            return changes.merge(self._report(Changes(updated=sources, links=tuple(resolved))))


def _ref(record: Record | None, text: str) -> str:
    return record.key if record else text
