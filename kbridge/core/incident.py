"""Incident mode: from an incident, the systems it affects and everything that depends on them, in
restore order, each with its approver, RTO, recovery steps and safe-to-restore criteria, as a
checklist.

Each tick is kept in the incident's `checklist` field (system key, item kind, its text, who and
when) and saved as a revision of the incident, so its history is the recovery as it happened. A
tick is matched to its item by system, kind and text: a playbook edited during an incident keeps
the ticks of the items it kept, and ticks whose item is gone are still shown, never dropped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kbridge.core.readiness import Estate, Item, Source, SystemReadiness, system_readiness
from kbridge.core.recovery import RecoveryStep
from kbridge.core.timeline import TimelineEntry
from kbridge.model import Kind, LinkType, Record, ValidationError, natural_key
from kbridge.model.vocabulary import CHECKLIST_FIELD
from kbridge.model.wording import with_article

if TYPE_CHECKING:
    from kbridge.core.knowledge_base import KnowledgeBase

STEP = "step"
CRITERION = "criterion"
APPROVAL = "approval"
ITEM_KINDS = (STEP, CRITERION, APPROVAL)
APPROVAL_TEXT = "Approved to bring back online"
_KIND_WORDS = {STEP: "step", CRITERION: "criterion", APPROVAL: "approval"}


@dataclass
class ChecklistItem:
    system: str  # the system's key
    kind: str  # step | criterion | approval
    number: int  # 1-based within its kind
    text: str
    detail: str = ""
    sources: tuple[Source, ...] = ()
    by: str = ""  # who ticked it ("" while not done)
    at: str = ""  # when (ISO 8601, UTC)

    @property
    def id(self) -> str:
        return f"{self.system}/{self.kind}/{self.number}"

    @property
    def done(self) -> bool:
        return bool(self.at)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "number": self.number, "text": self.text,
                "detail": self.detail, "sources": [source.as_dict() for source in self.sources],
                "done": self.done, "by": self.by or None, "at": self.at or None}


@dataclass
class PlannedSystem:
    position: int
    wave: int
    step: RecoveryStep
    readiness: SystemReadiness
    why: str  # "affected", or "depends on SYS-005" (the nearest affected system it needs)
    items: list[ChecklistItem] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.step.key

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.done)

    def as_dict(self) -> dict[str, Any]:
        readiness = self.readiness
        return {
            "position": self.position,
            "wave": self.wave,
            "key": self.key,
            "title": self.step.record.title,
            "why": self.why,
            "criticality": self.step.criticality or None,
            "rto": self.step.rto or None,
            "rpo": self.step.rpo or None,
            "approver": readiness.approver.as_dict() if readiness.approver else None,
            "approver_problem": readiness.approver_problem() or None,
            "depends_on": list(self.step.depends_on),
            "steps": [item.as_dict() for item in self.items if item.kind == STEP],
            "criteria": [item.as_dict() for item in self.items if item.kind == CRITERION],
            "approval": next((item.as_dict() for item in self.items if item.kind == APPROVAL), None),
            "gaps": list(self.step.gaps),
            "done": self.done,
            "total": len(self.items),
        }


@dataclass(frozen=True)
class Tick:
    """One entry of the checklist's history: an item ticked or unticked, by whom, when."""

    system: str
    kind: str
    text: str
    by: str
    at: str
    done: bool = True
    rev: int = 0

    @property
    def label(self) -> str:
        verb = "ticked" if self.done else "unticked"
        return f"{verb} {self.system} {_KIND_WORDS.get(self.kind, self.kind)}: {self.text}"

    def as_dict(self) -> dict[str, Any]:
        return {"system": self.system, "kind": self.kind, "text": self.text, "by": self.by, "at": self.at,
                "done": self.done, "rev": self.rev}


@dataclass
class IncidentPlan:
    incident: Record
    affected: list[str] = field(default_factory=list)  # keys of the systems it affects directly
    systems: list[PlannedSystem] = field(default_factory=list)
    not_restored: list[dict[str, str]] = field(default_factory=list)  # affected systems not running
    orphan_ticks: list[dict[str, Any]] = field(default_factory=list)  # ticks whose item is gone

    @property
    def items(self) -> list[ChecklistItem]:
        return [item for system in self.systems for item in system.items]

    def item(self, item_id: str) -> ChecklistItem:
        wanted = item_id.strip().lower()
        for item in self.items:
            if item.id.lower() == wanted:
                return item
        raise ValidationError(
            f"{self.incident.key} has no checklist item {item_id!r} (items look like "
            f"{self.items[0].id if self.items else 'SYS-001/step/1'}; see kbridge incident-plan {self.incident.key})"
        )

    def as_dict(self) -> dict[str, Any]:
        items = self.items
        return {
            "incident": {"key": self.incident.key, "title": self.incident.title, "status": self.incident.status,
                         "date": self.incident.date, "severity": self.incident.fields.get("severity")},
            "affected": list(self.affected),
            "systems": [system.as_dict() for system in self.systems],
            "not_restored": list(self.not_restored),
            "orphan_ticks": list(self.orphan_ticks),
            "done": sum(1 for item in items if item.done),
            "total": len(items),
        }


def incident_plan(kb: KnowledgeBase, ref: str, today: dt.date | None = None) -> IncidentPlan:
    incident = kb.get(ref)
    if incident.kind is not Kind.INCIDENT:
        raise ValidationError(
            f"{incident.key} is {with_article(incident.kind.value)}; an incident plan starts from an incident"
        )
    estate = Estate.of(kb)
    readiness = {item.record.uid: item for item in system_readiness(estate, today)}
    affected = [r for r in estate.targets(incident.uid, LinkType.AFFECTS) if r.kind is Kind.SYSTEM]
    plan = IncidentPlan(incident, sorted((r.key for r in affected), key=natural_key))
    reasons = _dependants(estate, affected)
    order = kb.trails.restore_order()
    chosen = [step for step in order.steps if step.record.uid in reasons]
    plan.not_restored = [item for item in order.excluded if item["key"] in plan.affected]
    waves: dict[str, int] = {}
    ticks = _ticks(incident)
    matched: set[int] = set()
    for position, step in enumerate(chosen, start=1):
        needs = [waves[key] for key in step.depends_on if key in waves]
        waves[step.key] = 1 + max(needs, default=0)
        planned = PlannedSystem(position, waves[step.key], step, readiness[step.record.uid],
                                reasons[step.record.uid])
        planned.items = _items(planned, ticks, matched)
        plan.systems.append(planned)
    plan.orphan_ticks = [tick for index, tick in enumerate(ticks) if index not in matched]
    return plan


def _dependants(estate: Estate, affected: Iterable[Record]) -> dict[str, str]:
    """uid -> why it is in the plan: affected, or depending (transitively) on an affected system."""
    reasons = {record.uid: "affected" for record in affected}
    todo = list(reasons)
    while todo:
        uid = todo.pop(0)
        origin = estate.records[uid].key
        for dependant in estate.sources(uid, LinkType.DEPENDS_ON):
            if dependant.kind is Kind.SYSTEM and dependant.uid not in reasons:
                reasons[dependant.uid] = f"depends on {origin}"
                todo.append(dependant.uid)
    return reasons


def _items(planned: PlannedSystem, ticks: list[dict[str, Any]], matched: set[int]) -> list[ChecklistItem]:
    key = planned.key
    items: list[ChecklistItem] = []
    for kind, sources in ((STEP, planned.readiness.steps), (CRITERION, planned.readiness.criteria)):
        items += [_item(key, kind, number, entry) for number, entry in enumerate(sources, start=1)]
    items.append(ChecklistItem(key, APPROVAL, 1, APPROVAL_TEXT))
    for item in items:
        for index, tick in enumerate(ticks):
            if index not in matched and _same(tick, item):
                item.by, item.at = str(tick.get("by") or ""), str(tick.get("at") or "")
                matched.add(index)
                break
    return items


def _item(system: str, kind: str, number: int, entry: Item) -> ChecklistItem:
    return ChecklistItem(system, kind, number, entry.text, entry.detail, entry.sources)


def _same(tick: dict[str, Any], item: ChecklistItem) -> bool:
    return (
        str(tick.get("system") or "").upper() == item.system.upper()
        and str(tick.get("item") or "") == item.kind
        and _normal(tick.get("text")) == _normal(item.text)
    )


def _normal(text: object) -> str:
    return " ".join(str(text or "").split()).casefold()


def _ticks(record: Record | dict[str, Any]) -> list[dict[str, Any]]:
    """The ticks a record (or a revision's snapshot) holds, ignoring entries that are not ticks."""
    fields = record.fields if isinstance(record, Record) else (record.get("fields") or {})
    value = fields.get(CHECKLIST_FIELD) if isinstance(fields, dict) else None
    if not isinstance(value, list):
        return []
    return [entry for entry in value if isinstance(entry, dict) and entry.get("item") in ITEM_KINDS]


def ticked(record: Record, item: ChecklistItem, *, done: bool, by: str, at: str) -> list[dict[str, Any]]:
    """The incident's checklist field with `item` ticked (or unticked); a ValidationError when it
    already is."""
    held = record.fields.get(CHECKLIST_FIELD)
    ticks = list(held) if isinstance(held, list) else []
    present = [index for index, tick in enumerate(ticks) if isinstance(tick, dict) and _same(tick, item)]
    if done and present:
        tick = ticks[present[0]]
        raise ValidationError(f"{item.id} is already ticked (by {tick.get('by') or 'someone'} at {tick.get('at')})")
    if not done and not present:
        raise ValidationError(f"{item.id} is not ticked")
    if done:
        return [*ticks, {"system": item.system, "item": item.kind, "text": item.text, "by": by, "at": at}]
    return [tick for index, tick in enumerate(ticks) if index not in present]


def tick_reason(item: ChecklistItem, done: bool) -> str:
    text = item.text if len(item.text) <= 90 else item.text[:89] + "…"
    return f"{'ticked' if done else 'unticked'} {item.id}: {text}"


def checklist_history(kb: KnowledgeBase, incident: Record) -> list[Tick]:
    """Every tick and untick of an incident's checklist, in the order they happened, read from its
    revisions: a tick a revision adds happened when (and by whom) it says; an untick when the
    revision that removed it was saved, by its author."""
    history: list[Tick] = []
    before: dict[tuple[str, str, str], dict[str, Any]] = {}
    for revision in kb.history.revisions(incident.uid):
        now = {_identity(tick): tick for tick in _ticks(revision.snapshot)}
        for identity, tick in now.items():
            if identity not in before:
                history.append(Tick(identity[0], identity[1], str(tick.get("text") or ""),
                                    str(tick.get("by") or revision.author), str(tick.get("at") or revision.at),
                                    True, revision.rev))
        for identity, tick in before.items():
            if identity not in now:
                history.append(Tick(identity[0], identity[1], str(tick.get("text") or ""), revision.author,
                                    revision.at, False, revision.rev))
        before = now
    history.sort(key=lambda tick: (tick.at, tick.rev))
    return history


def _identity(tick: dict[str, Any]) -> tuple[str, str, str]:
    return str(tick.get("system") or "").upper(), str(tick.get("item") or ""), _normal(tick.get("text"))


def timeline_ticks(kb: KnowledgeBase, incident: Record, system_key: str) -> list[TimelineEntry]:
    """The ticks of an incident's checklist that concern one system, as entries of its timeline."""
    entries = []
    for tick in checklist_history(kb, incident):
        if tick.system != system_key.upper():
            continue
        verb = "ticked" if tick.done else "unticked"
        entries.append(TimelineEntry(
            key=incident.key, kind=incident.kind, title=f"{_KIND_WORDS.get(tick.kind, tick.kind)} {verb} by "
            f"{tick.by}: {tick.text}", date=tick.at[:10], via="recovery checklist", status=incident.status,
            uid=incident.uid, at=tick.at, rev=tick.rev,
        ))
    return entries
