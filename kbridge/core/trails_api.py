"""`kb.trails`: why, impact, timeline, neighbourhood, restore order, and handing a departed person's
records to someone else."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kbridge.core import recovery, trails
from kbridge.core.clock import utc_now
from kbridge.core.graph import DEFAULT_NODE_CAP, LinkIndex, Neighbourhood, neighbourhood
from kbridge.core.manager import Manager
from kbridge.core.ownership import APPROVER, OWNED_BY_LINK, OWNER, Holding, holdings, person_record
from kbridge.core.timeline import Timeline, system_timeline
from kbridge.model import Changes, Link, LinkType, OpResult, Record, ValidationError

if TYPE_CHECKING:
    from kbridge.core.knowledge_base import KnowledgeBase


class Trails(Manager):
    """`kb.trails`: following links to reasons, dependants and owners."""

    def why(self, ref: str, depth: int = trails.DEFAULT_WHY_DEPTH) -> trails.Trail:
        """The chain of reasons behind a record (see kbridge.core.trails)."""
        return trails.why(LinkIndex.lazy(self._kb), self._kb.get(ref), depth)

    def impact(self, ref: str, depth: int = trails.DEFAULT_IMPACT_DEPTH) -> trails.Trail:
        """What depends on a record: what would lose its reason or break if it were retired."""
        return trails.impact(LinkIndex.lazy(self._kb), self._kb.get(ref), depth)

    def timeline(self, ref: str, kinds: Iterable[str] | None = None) -> Timeline:
        """A system's dated history; `kinds` filters (record kinds and "status-change")."""
        return system_timeline(self._kb, self._kb.get(ref)).filtered(kinds)

    def neighbourhood(
        self, ref: str, depth: int = 1, cap: int = DEFAULT_NODE_CAP
    ) -> Neighbourhood:
        """Records within `depth` (1-3) links of a record, at most `cap` of them."""
        return neighbourhood(LinkIndex.lazy(self._kb), self._kb.get(ref), depth, cap)

    def restore_order(self, system: str | None = None) -> recovery.RecoveryPlan:
        """The order to restore every running system, or one system and what it needs."""
        return recovery.recovery_plan(self._kb, system)

    def holdings(self, person: str) -> list[Holding]:
        """What a person owns, is linked as owner of, or approves the recovery of."""
        return holdings(self._kb, person)

    def reassign(
        self,
        from_person: str,
        to_person: str,
        keys: Iterable[str] | None = None,
        *,
        reason: str = "",
    ) -> OpResult:
        """Hand records held by `from_person` (all of them, or those of `keys`) to `to_person`:
        owner, `owned-by` links and recovery approver alike, in one revision per record."""
        # Read and write in one transaction: another process's change in between is never undone.
        kb = self._kb
        with kb.transaction():
            old, new = person_record(kb, from_person), person_record(kb, to_person)
            chosen = _chosen_holdings(kb, old, new, keys)
            reason = reason or f"reassigned from {old.key} to {new.key}"
            now = utc_now()
            links: list[Link] = []
            for holding in chosen:
                record = holding.record
                if OWNER in holding.roles:
                    record.owner = new.uid
                if APPROVER in holding.roles:
                    record.fields = {**record.fields, "approver": new.key}
                if OWNED_BY_LINK in holding.roles:
                    gone = Link(record.uid, LinkType.OWNED_BY, old.uid)
                    self._store.delete_link(gone)
                    added = Link(record.uid, LinkType.OWNED_BY, new.uid)
                    self._store.insert_link(added, now)  # False when already linked: that is fine
                    links += [gone, added]
                record.updated_at = now
                self._store.update_record(record)
                kb._revise(record, reason, now)
            changes = kb._report(
                Changes(updated=frozenset(holding.record.uid for holding in chosen), links=tuple(links))
            )
        return kb._result(changes)


def _chosen_holdings(kb: KnowledgeBase, old: Record, new: Record, keys: Iterable[str] | None) -> list[Holding]:
    if old.uid == new.uid:
        raise ValidationError(f"{old.key} cannot hand records to themselves")
    if new.status == "departed":
        raise ValidationError(f"{new.title} ({new.key}) has left; choose someone who has not")
    held = {holding.record.uid: holding for holding in holdings(kb, old.key)}
    if keys is None:
        chosen = list(held.values())
    else:
        records = [kb.get(key) for key in keys]
        strangers = [record.key for record in records if record.uid not in held]
        if strangers:
            raise ValidationError(f"{old.key} does not hold {', '.join(strangers)}")
        chosen = list({record.uid: held[record.uid] for record in records}.values())
    if not chosen:
        raise ValidationError(f"{old.title} ({old.key}) holds no records to reassign")
    return chosen
