"""The resilience part of the `KnowledgeBase` facade: each system's readiness, incident plans and
their checklists, and the scorecard. A mixin, like the trails, so the facade stays one object."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from kbridge.core import incident, scorecard
from kbridge.core.clock import utc_now
from kbridge.core.readiness import Estate, SystemReadiness, system_readiness
from kbridge.model import Changes, ConflictError, Revision
from kbridge.model.vocabulary import CHECKLIST_FIELD

if TYPE_CHECKING:
    from kbridge.core.knowledge_base import KnowledgeBase


class ResilienceMixin:
    def readiness(self: KnowledgeBase, today: dt.date | None = None) -> list[SystemReadiness]:
        """Every system's playbook, approver and exercises, in key order (kbridge.core.readiness)."""
        return system_readiness(Estate.of(self), today)

    def incident_plan(self: KnowledgeBase, ref: str, today: dt.date | None = None) -> incident.IncidentPlan:
        """The systems an incident affects and those depending on them, in restore order, with
        their checklists (kbridge.core.incident)."""
        return incident.incident_plan(self, ref, today)

    def tick(self: KnowledgeBase, ref: str, item_id: str, *, done: bool = True) -> Changes:
        """Tick (or untick) an item of an incident's checklist: one revision of the incident, saying
        who and when."""
        # Read and write in one transaction: a tick saved by someone else meanwhile is never undone.
        with self.transaction():
            plan = incident.incident_plan(self, ref)
            record = plan.incident
            if record.deleted:
                raise ConflictError(f"{record.key} is in the trash; restore it to work on its checklist")
            item = plan.item(item_id)
            now = utc_now()
            ticks = incident.ticked(record, item, done=done, by=self.author, at=now)
            record.fields = {**record.fields, CHECKLIST_FIELD: ticks}
            record.updated_at = now
            self._store.update_record(record)
            self._revise(record, incident.tick_reason(item, done), now)
            return self._report(Changes(updated=frozenset({record.uid})))

    def checklist_history(self: KnowledgeBase, ref: str) -> list[incident.Tick]:
        """An incident's ticks and unticks in the order they happened (from its revisions)."""
        return incident.checklist_history(self, self.get(ref))

    def scorecard(self: KnowledgeBase, today: dt.date | None = None) -> scorecard.Scorecard:
        """The resilience scorecard with each figure's records and trend (kbridge.core.scorecard)."""
        return scorecard.scorecard(self, today)

    def record_histories(self: KnowledgeBase) -> Iterator[list[Revision]]:
        """Every record's revisions (oldest first), one record at a time, deleted records too."""
        return self._store.record_histories()

    def revision_times(self: KnowledgeBase) -> list[str]:
        """The distinct moments revisions were saved at, oldest first."""
        return self._store.revision_times()

    def revision_count(self: KnowledgeBase) -> int:
        """How many revisions there are: it changes with every save (a cheap "has anything changed")."""
        return self._store.count_revisions()
