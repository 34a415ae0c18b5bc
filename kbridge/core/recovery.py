"""Recovery order: which systems to bring back first after an outage, worked out before it happens.

Systems come back after everything they depend on (`depends-on` links). Among systems whose
dependencies are back, the most urgent goes first: by criticality, then recovery time objective
(RTO). A dependency is as urgent as the most urgent system waiting on it, so a modest identity
provider that every critical system needs is restored with them, not after the merely important
ones. Systems in a dependency cycle cannot be ordered by their links; they are restored together,
flagged, when everything outside the cycle that they need is back."""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kbridge.core.graph import strongly_connected
from kbridge.model import Kind, LinkType, Record, ValidationError, natural_key
from kbridge.model.wording import with_article

if TYPE_CHECKING:
    from kbridge.core.knowledge_base import KnowledgeBase

CRITICALITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}
UNKNOWN_RANK = len(CRITICALITY_RANK)
# Statuses of systems that are running, and so would need restoring after an outage.
RUNNING_STATUSES = frozenset({"active", "deprecated"})
# Decisions and controls carrying one of these tags govern how a system is recovered.
RECOVERY_TAGS = frozenset(
    {"availability", "backup", "recovery", "disaster-recovery", "dr", "resilience", "continuity", "bcp"}
)
_SETTLED_DECISIONS = frozenset({"accepted", "proposed", "draft"})
_DURATION = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|weeks?)?\s*$", re.IGNORECASE
)
_MINUTES = {"m": 1, "h": 60, "d": 1440, "w": 10080}


def parse_duration(text: object) -> float | None:
    """Minutes in "15m", "2h", "1 day", "4 hours" (a bare number is hours); None if unreadable."""
    match = _DURATION.match(str(text or ""))
    if not match:
        return None
    unit = (match.group(2) or "h").lower()
    return float(match.group(1)) * _MINUTES[unit[0]]


@dataclass(frozen=True)
class Governor:
    """A decision or control that governs how a system is recovered."""

    key: str
    kind: Kind
    title: str
    status: str

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "kind": self.kind.value, "title": self.title, "status": self.status}


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    departed: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "departed": self.departed}


@dataclass
class RecoveryStep:
    position: int
    wave: int  # steps of the same wave have all their dependencies back and can run side by side
    record: Record
    criticality: str
    rto: str
    rpo: str
    owner: Person | None
    approver: Person | None
    depends_on: list[str]
    governing: list[Governor] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    cycle: int | None = None  # index into RecoveryPlan.cycles

    @property
    def key(self) -> str:
        return self.record.key

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "wave": self.wave,
            "key": self.record.key,
            "title": self.record.title,
            "status": self.record.status,
            "criticality": self.criticality or None,
            "rto": self.rto or None,
            "rpo": self.rpo or None,
            "owner": self.owner.as_dict() if self.owner else None,
            "approver": self.approver.as_dict() if self.approver else None,
            "depends_on": list(self.depends_on),
            "governing": [governor.as_dict() for governor in self.governing],
            "gaps": list(self.gaps),
            "cycle": self.cycle,
        }


@dataclass
class RecoveryPlan:
    target: str | None  # the system asked about, or None for every system
    steps: list[RecoveryStep] = field(default_factory=list)
    cycles: list[list[str]] = field(default_factory=list)
    # Dependencies that cannot be restored: dangling, not a system, decommissioned or planned.
    unresolved: list[dict[str, str]] = field(default_factory=list)
    excluded: list[dict[str, str]] = field(default_factory=list)  # systems not running

    def gaps(self) -> list[dict[str, str]]:
        return [{"key": step.key, "gap": gap} for step in self.steps for gap in step.gaps]

    def as_dict(self) -> dict[str, Any]:
        return {
            "system": self.target,
            "order": [step.as_dict() for step in self.steps],
            "cycles": [list(cycle) for cycle in self.cycles],
            "gaps": self.gaps(),
            "unresolved": list(self.unresolved),
            "excluded": list(self.excluded),
        }


@dataclass
class SystemFacts:
    """What the plan needs of one system; built from the knowledge base (or by a test)."""

    record: Record
    depends_on: list[str]  # uids of systems, or "missing:TEXT" for links that lead nowhere
    owner: Person | None = None
    approver: Person | None = None
    approver_text: str = ""  # as written, when it names nobody in the knowledge base
    governing: list[Governor] = field(default_factory=list)


def plan_recovery(systems: Iterable[SystemFacts], target_uid: str | None = None) -> RecoveryPlan:
    """The order to restore `systems` (all of them, or `target_uid` and what it needs)."""
    facts = {item.record.uid: item for item in systems}
    plan = RecoveryPlan(target=facts[target_uid].record.key if target_uid in facts else None)
    running = {uid for uid, item in facts.items() if item.record.status in RUNNING_STATUSES or uid == target_uid}
    for uid, item in sorted(facts.items(), key=lambda pair: pair[1].record.key):
        if uid not in running:
            plan.excluded.append({"key": item.record.key, "status": item.record.status})
    graph: dict[str, list[str]] = {}
    for uid in running:
        needed = []
        for dependency in facts[uid].depends_on:
            if dependency in running:
                needed.append(dependency)
            else:
                plan.unresolved.append(_unresolved(facts[uid].record, dependency, facts))
        graph[uid] = needed
    plan.unresolved.sort(key=lambda item: (item["key"], item["depends_on"]))
    if target_uid in graph:
        graph = _restrict(graph, target_uid)
    components = strongly_connected(graph)
    component_of = {uid: index for index, members in enumerate(components) for uid in members}
    cyclic = [members for members in components if len(members) > 1]
    cycle_index = {
        id(members): number for number, members in enumerate(sorted(cyclic, key=lambda m: _keys(m, facts)))
    }
    plan.cycles = [sorted(_keys(members, facts)) for members in sorted(cyclic, key=lambda m: _keys(m, facts))]
    order = _order_components(graph, components, component_of, facts)
    waves: dict[int, int] = {}
    position = 0
    for index in order:
        members = components[index]
        needs = {component_of[dep] for uid in members for dep in graph[uid]} - {index}
        waves[index] = 1 + max((waves[other] for other in needs), default=0)
        for uid in sorted(members, key=lambda u: _own_priority(facts[u])):
            position += 1
            item = facts[uid]
            step = _step(item, position, waves[index], graph[uid], facts)
            if len(members) > 1:
                step.cycle = cycle_index[id(members)]
                step.gaps.append("in a dependency cycle: " + " → ".join(plan.cycles[step.cycle]))
            plan.steps.append(step)
    for unresolved in plan.unresolved:
        for step in plan.steps:
            if step.key == unresolved["key"]:
                step.gaps.append(f"depends on {unresolved['depends_on']}, which {unresolved['problem']}")
    return plan


def _step(
    item: SystemFacts, position: int, wave: int, needs: list[str], facts: dict[str, SystemFacts]
) -> RecoveryStep:
    fields = item.record.fields
    step = RecoveryStep(
        position=position,
        wave=wave,
        record=item.record,
        criticality=str(fields.get("criticality") or "").strip().lower(),
        rto=str(fields.get("rto") or "").strip(),
        rpo=str(fields.get("rpo") or "").strip(),
        owner=item.owner,
        approver=item.approver,
        depends_on=sorted(facts[uid].record.key for uid in needs),
        governing=list(item.governing),
    )
    step.gaps = _gaps(step, item)
    return step


def _gaps(step: RecoveryStep, item: SystemFacts) -> list[str]:
    gaps = []
    if step.owner is None:
        gaps.append("no owner")
    elif step.owner.departed:
        gaps.append(f"owner {step.owner.name} ({step.owner.key}) has left")
    if not step.rto:
        gaps.append("no RTO")
    elif parse_duration(step.rto) is None:
        gaps.append(f"RTO {step.rto!r} is not a duration (use 30m, 2h, 1d)")
    if not step.rpo:
        gaps.append("no RPO")
    elif parse_duration(step.rpo) is None:
        gaps.append(f"RPO {step.rpo!r} is not a duration (use 30m, 2h, 1d)")
    if not step.criticality:
        gaps.append("no criticality")
    elif step.criticality not in CRITICALITY_RANK:
        gaps.append(f"criticality {step.criticality!r} is not one of {', '.join(CRITICALITY_RANK)}")
    if step.approver is None:
        gaps.append(f"approver {item.approver_text!r} is not a person here" if item.approver_text else "no approver")
    elif step.approver.departed:
        gaps.append(f"approver {step.approver.name} ({step.approver.key}) has left")
    return gaps


def _own_priority(item: SystemFacts) -> tuple[int, float, tuple[str, int, str]]:
    fields = item.record.fields
    rank = CRITICALITY_RANK.get(str(fields.get("criticality") or "").strip().lower(), UNKNOWN_RANK)
    rto = parse_duration(fields.get("rto"))
    return (rank, math.inf if rto is None else rto, natural_key(item.record.key))


def _order_components(
    graph: dict[str, list[str]],
    components: list[list[str]],
    component_of: dict[str, int],
    facts: dict[str, SystemFacts],
) -> list[int]:
    """Components in dependency order (Kahn's algorithm), most urgent first among the ready ones,
    where a component is as urgent as anything that (transitively) waits for it."""
    needs: dict[int, set[int]] = {index: set() for index in range(len(components))}
    waiting: dict[int, set[int]] = {index: set() for index in range(len(components))}
    for uid, dependencies in graph.items():
        for dependency in dependencies:
            a, b = component_of[uid], component_of[dependency]
            if a != b:
                needs[a].add(b)
                waiting[b].add(a)
    own = {index: min(_own_priority(facts[uid]) for uid in members) for index, members in enumerate(components)}
    # Urgency flows from each component to what it waits for: visit in reverse dependency order.
    urgency: dict[int, tuple[int, float]] = {}
    for index in reversed(_topological(needs, waiting)):
        urgency[index] = min([own[index][:2], *(urgency[other] for other in waiting[index])])
    ready = [(urgency[index], own[index], index) for index, wanted in needs.items() if not wanted]
    heapq.heapify(ready)
    remaining = {index: len(wanted) for index, wanted in needs.items()}
    order = []
    while ready:
        _, _, index = heapq.heappop(ready)
        order.append(index)
        for other in waiting[index]:
            remaining[other] -= 1
            if remaining[other] == 0:
                heapq.heappush(ready, (urgency[other], own[other], other))
    return order


def _topological(needs: dict[int, set[int]], waiting: dict[int, set[int]]) -> list[int]:
    remaining = {index: len(wanted) for index, wanted in needs.items()}
    todo = [index for index, count in remaining.items() if count == 0]
    order = []
    while todo:
        index = todo.pop()
        order.append(index)
        for other in waiting[index]:
            remaining[other] -= 1
            if remaining[other] == 0:
                todo.append(other)
    return order




def _restrict(graph: dict[str, list[str]], target: str) -> dict[str, list[str]]:
    """The target and everything it needs, transitively."""
    keep = {target}
    todo = [target]
    while todo:
        for dependency in graph[todo.pop()]:
            if dependency not in keep:
                keep.add(dependency)
                todo.append(dependency)
    return {uid: [d for d in graph[uid] if d in keep] for uid in graph if uid in keep}


def _unresolved(record: Record, dependency: str, facts: dict[str, SystemFacts]) -> dict[str, str]:
    if dependency.startswith("missing:"):
        return {"key": record.key, "depends_on": dependency[8:], "problem": "is not in the knowledge base"}
    other = facts.get(dependency)
    if other is None:
        return {"key": record.key, "depends_on": dependency, "problem": "is not a system"}
    return {"key": record.key, "depends_on": other.record.key, "problem": f"is {other.record.status}"}


def _keys(members: list[str], facts: dict[str, SystemFacts]) -> list[str]:
    return sorted((facts[uid].record.key for uid in members), key=natural_key)


def system_facts(
    records: dict[str, Record],
    links: Iterable[tuple[str, LinkType, str | None, str]],
    people_by_key: dict[str, Record],
) -> list[SystemFacts]:
    """SystemFacts for every system in `records` (uid -> record, every kind, deleted excluded),
    from links given as (source uid, type, target uid or None, target text)."""
    systems = {uid: record for uid, record in records.items() if record.kind is Kind.SYSTEM}
    facts = {uid: SystemFacts(record, []) for uid, record in systems.items()}
    for source, link_type, target, text in links:
        if link_type is LinkType.DEPENDS_ON and source in facts:
            target_record = records.get(target) if target else None
            if target_record is None:
                facts[source].depends_on.append(f"missing:{text}")
            elif target_record.kind is not Kind.SYSTEM:
                facts[source].depends_on.append(target_record.key)
            else:
                facts[source].depends_on.append(target_record.uid)
        governed = _governed(link_type, source, target, records, facts)
        if governed:
            facts[governed[0]].governing.append(governed[1])
    for uid, item in facts.items():
        record = systems[uid]
        owner = records.get(record.owner) if record.owner else None
        item.owner = _person(owner)
        approver_text = str(record.fields.get("approver") or "").strip()
        approver = people_by_key.get(approver_text.upper()) or people_by_key.get(approver_text.casefold())
        item.approver = _person(approver) if approver_text else None
        item.approver_text = approver_text if item.approver is None else ""
        item.governing.sort(key=lambda governor: (governor.kind.value, natural_key(governor.key)))
    return list(facts.values())


def _governed(
    link_type: LinkType, source: str, target: str | None, records: dict[str, Record], facts: dict[str, SystemFacts]
) -> tuple[str, Governor] | None:
    if target not in facts or link_type not in (LinkType.AFFECTS, LinkType.APPLIES_TO):
        return None
    other = records.get(source)
    if other is None or not RECOVERY_TAGS.intersection(other.tags):
        return None
    if other.kind is Kind.DECISION and other.status in _SETTLED_DECISIONS:
        return target, Governor(other.key, other.kind, other.title, other.status)
    if other.kind is Kind.CONTROL and other.status != "retired":
        return target, Governor(other.key, other.kind, other.title, other.status)
    return None


def _person(record: Record | None) -> Person | None:
    if record is None or record.kind is not Kind.PERSON:
        return None
    return Person(record.key, record.title, record.status == "departed")


def recovery_plan(kb: KnowledgeBase, system: str | None = None) -> RecoveryPlan:
    """The restore order of every running system of `kb`, or of `system` and what it needs."""
    target = kb.get(system) if system else None
    if target is not None and target.kind is not Kind.SYSTEM:
        raise ValidationError(f"{target.key} is {with_article(target.kind.value)}; restore-order takes a system")
    # Whole systems (their fields: RTO, approver...); of the rest, what a reference reads (key,
    # title, kind, status, tags) of the people and of what systems depend on or are governed by:
    # summaries of those only (of every record: 770 MB at a million).
    systems = kb.listing.without_bodies(Kind.SYSTEM)  # a step shows a system's title, never its body
    system_uids = {system.uid for system in systems}
    links = [(link.source_uid, link.type, link.target_uid, link.target_ref) for link in kb.links.all()]
    referred = {target for source, link_type, target, _ in links
                if link_type is LinkType.DEPENDS_ON and source in system_uids and target}
    referred |= {source for source, link_type, target, _ in links
                 if link_type in (LinkType.AFFECTS, LinkType.APPLIES_TO) and target in system_uids}
    chosen = systems + kb.list_summaries(
        keep=lambda uid, kind: kind is not Kind.SYSTEM and (kind is Kind.PERSON or uid in referred)
    )
    records = {record.uid: record for record in sorted(chosen, key=lambda r: (r.kind.value, r.key))}  # as stored
    people: dict[str, Record] = {}
    for record in records.values():
        if record.kind is Kind.PERSON:
            people[record.key.upper()] = record
            people.setdefault(record.title.casefold(), record)
    return plan_recovery(system_facts(records, links, people), target.uid if target else None)
