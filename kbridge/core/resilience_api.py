"""`kb.resilience`: each system's readiness, incident plans and their checklists, and the scorecard."""

from __future__ import annotations

import datetime as dt

from kbridge.core import incident, scorecard
from kbridge.core.clock import utc_now
from kbridge.core.manager import Manager
from kbridge.core.readiness import Estate, SystemReadiness, system_readiness
from kbridge.model import Changes, ConflictError, RecordResult
from kbridge.model.vocabulary import CHECKLIST_FIELD


class Resilience(Manager):
    """`kb.resilience`: readiness, incident plans and their checklists, the scorecard."""

    def readiness(self, today: dt.date | None = None) -> list[SystemReadiness]:
        """Every system's playbook, approver and exercises, in key order (kbridge.core.readiness)."""
        return system_readiness(Estate.of(self._kb), today)

    def incident_plan(self, ref: str, today: dt.date | None = None) -> incident.IncidentPlan:
        """The systems an incident affects and those depending on them, in restore order, with
        their checklists (kbridge.core.incident)."""
        return incident.incident_plan(self._kb, ref, today)

    def tick(self, ref: str, item_id: str, *, done: bool = True) -> RecordResult:
        """Tick (or untick) an item of an incident's checklist: one revision of the incident, saying
        who and when."""
        # Read and write in one transaction: a tick saved by someone else meanwhile is never undone.
        kb = self._kb
        with kb.transaction():
            plan = incident.incident_plan(kb, ref)
            record = plan.incident
            if record.deleted:
                raise ConflictError(f"{record.key} is in the trash; restore it to work on its checklist")
            item = plan.item(item_id)
            now = utc_now()
            ticks = incident.ticked(record, item, done=done, by=kb.author, at=now)
            record.fields = {**record.fields, CHECKLIST_FIELD: ticks}
            record.updated_at = now
            self._store.update_record(record)
            kb._revise(record, incident.tick_reason(item, done), now)
            changes = kb._report(Changes(updated=frozenset({record.uid})))
        return kb._record_result(changes, record)

    def checklist_history(self, ref: str) -> list[incident.Tick]:
        """An incident's ticks and unticks in the order they happened (from its revisions)."""
        return incident.checklist_history(self._kb, self._kb.get(ref))

    def scorecard(self, today: dt.date | None = None) -> scorecard.Scorecard:
        """The resilience scorecard with each figure's records and trend (kbridge.core.scorecard)."""
        return scorecard.scorecard(self._kb, today)
