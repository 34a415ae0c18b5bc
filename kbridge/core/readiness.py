"""How ready each system is to be recovered: its playbook (steps and safe-to-restore criteria, with
the records they come from), who decides it is safe to bring back, and when its recovery was last
exercised. Worked out over an `Estate` (records and links), so that the scorecard can ask the same
questions of the knowledge base as it was at any moment in its history.

An exercise is an event record linked `affects` to the system, with the fields `exercise`
(tabletop or test), `result` (passed, partial, failed) and, when the recovery was timed,
`recovery_time` ("50m", "2h"). It is overdue when the last one is older than the system's
`review_period` (12 months when the system states none: the default is said, never passed off as
the system's own)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from kbridge.core.playbook import PlaybookItem, parse_playbook
from kbridge.core.recovery import RUNNING_STATUSES, parse_duration
from kbridge.model import Kind, LinkType, Record, natural_key
from kbridge.model.vocabulary import EXERCISE_TYPES

if TYPE_CHECKING:
    from kbridge.core.checks import Finding
    from kbridge.core.knowledge_base import KnowledgeBase

# The kinds an estate reads whole; of the others it needs only what a summary holds.
WHOLE_KINDS = (Kind.SYSTEM, Kind.EVENT, Kind.PERSON, Kind.CONTROL)
FIELD_KINDS = (Kind.SYSTEM, Kind.EVENT, Kind.PERSON)  # what approvers and exercises are read from
DEFAULT_PERIOD_DAYS = 365
DEFAULT_PERIOD_TEXT = "12 months"
# Systems so important that never having exercised their recovery is itself a finding.
MUST_EXERCISE = frozenset({"critical"})
_PERIOD = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(d|days?|w|wks?|weeks?|mo|mths?|months?|y|yrs?|years?)\s*$", re.I)
_PERIOD_DAYS = {"d": 1, "w": 7, "m": 30.44, "y": 365.25}


def parse_period(text: object) -> int | None:
    """Days in "90d", "6 months", "1 year", "2w"; None when it is not a period."""
    match = _PERIOD.match(str(text or ""))
    if not match:
        return None
    unit = match.group(2).lower()
    return round(float(match.group(1)) * _PERIOD_DAYS["m" if unit.startswith("m") else unit[0]])


class Estate:
    """Live records (uid -> record) and the links between them: the knowledge base now, or as it
    was at a moment of its history (kbridge.core.scorecard rebuilds those from revisions)."""

    def __init__(self, records: Iterable[Record], links: Iterable[tuple[str, LinkType, str | None]]) -> None:
        self.records = {record.uid: record for record in records if not record.deleted}
        self.by_key = {record.key.upper(): record for record in self.records.values()}
        self._names = {
            record.title.casefold(): record for record in self.records.values() if record.kind is Kind.PERSON
        }
        self.outgoing: dict[str, list[tuple[LinkType, str]]] = defaultdict(list)
        self.incoming: dict[str, list[tuple[LinkType, str]]] = defaultdict(list)
        for source, link_type, target in links:
            if source in self.records and target in self.records:
                self.outgoing[source].append((link_type, target))
                self.incoming[target].append((link_type, source))

    @classmethod
    def of(cls, kb: KnowledgeBase) -> Estate:
        """The knowledge base now: whole records of the kinds whose fields and bodies are read
        (systems, their exercises, people, controls), summaries of the rest (key, title, status,
        owner, dates: all a reference or a count needs), which is several times quicker."""
        records = [record for kind in WHOLE_KINDS for record in kb.list_records(kind=kind)]
        records += [record for record in kb.list_summaries() if record.kind not in WHOLE_KINDS]
        return cls(records, cls._links(kb))

    @classmethod
    def of_fields(cls, kb: KnowledgeBase) -> Estate:
        """Systems, events and people without their bodies, and nothing else: what the approvers
        and the exercises of systems are read from (Needs attention). The whole estate of a
        million records took 1.6 GB; its playbooks, controls and references are not in this one."""
        records = [record for kind in FIELD_KINDS for record in kb.listing.without_bodies(kind)]
        return cls(records, cls._links(kb))

    @staticmethod
    def _links(kb: KnowledgeBase) -> Iterator[tuple[str, LinkType, str | None]]:
        return ((link.source_uid, link.type, link.target_uid) for link in kb.links.all())

    def of_kind(self, kind: Kind) -> list[Record]:
        return sorted((r for r in self.records.values() if r.kind is kind), key=lambda r: natural_key(r.key))

    def find(self, key: str) -> Record | None:
        return self.by_key.get(key.upper())

    def person(self, text: object) -> Record | None:
        """The person a field names by key or by name."""
        wanted = str(text or "").strip()
        found = self.by_key.get(wanted.upper()) or self._names.get(wanted.casefold())
        return found if found is not None and found.kind is Kind.PERSON else None

    def targets(self, uid: str, link_type: LinkType) -> list[Record]:
        return [self.records[target] for kind, target in self.outgoing.get(uid, []) if kind is link_type]

    def sources(self, uid: str, link_type: LinkType) -> list[Record]:
        return [self.records[source] for kind, source in self.incoming.get(uid, []) if kind is link_type]


@dataclass(frozen=True)
class Contact:
    """A person as someone in an incident room needs them: who, whether still here, how to reach."""

    key: str
    name: str
    departed: bool
    role: str = ""
    team: str = ""
    email: str = ""
    phone: str = ""

    @classmethod
    def of(cls, person: Record) -> Contact:
        field_text = {name: str(person.fields.get(name) or "").strip() for name in ("role", "team", "email", "phone")}
        return cls(person.key, person.title, person.status == "departed", **field_text)

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "departed": self.departed, "role": self.role,
                "team": self.team, "email": self.email, "phone": self.phone}


@dataclass(frozen=True)
class Source:
    """A record a playbook item comes from (a criterion's control or decision, a step's runbook)."""

    key: str
    kind: str  # "" when the key names nothing in the knowledge base
    title: str = ""
    status: str = ""
    uid: str = ""

    @property
    def missing(self) -> bool:
        return not self.uid

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "kind": self.kind or None, "title": self.title, "status": self.status,
                "missing": self.missing}


@dataclass(frozen=True)
class Item:
    """A playbook item with the records it names resolved."""

    text: str
    detail: str
    sources: tuple[Source, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "detail": self.detail, "sources": [s.as_dict() for s in self.sources]}


@dataclass(frozen=True)
class Exercise:
    key: str
    uid: str
    title: str
    date: str | None
    type: str  # tabletop | test
    result: str  # as recorded ("" when not stated)
    recovery_time: str  # as recorded
    minutes: float | None  # recovery_time, when it is a duration

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "date": self.date, "type": self.type,
                "result": self.result or None, "recovery_time": self.recovery_time or None}


@dataclass
class SystemReadiness:
    record: Record
    criticality: str
    rto: str
    rpo: str
    approver: Contact | None
    approver_text: str  # as written, when it names nobody in the knowledge base
    estate: Estate | None = field(default=None, repr=False)  # where the playbook's references are resolved
    exercises: list[Exercise] = field(default_factory=list)  # dated ones, newest first, then undated
    period_days: int = DEFAULT_PERIOD_DAYS
    period_text: str = DEFAULT_PERIOD_TEXT
    period_stated: bool = False
    today: dt.date = field(default_factory=dt.date.today)

    @property
    def key(self) -> str:
        return self.record.key

    @property
    def running(self) -> bool:
        return self.record.status in RUNNING_STATUSES

    @cached_property
    def _playbook(self) -> tuple[list[Item], list[Item]]:
        # Read when first asked for: the Needs attention checks ask only about approvers and exercises.
        playbook = parse_playbook(self.record.body)
        estate = self.estate or Estate([self.record], [])
        return [_resolve(estate, i) for i in playbook.steps], [_resolve(estate, i) for i in playbook.criteria]

    @property
    def steps(self) -> list[Item]:
        """The ordered recovery steps of the system's playbook."""
        return self._playbook[0]

    @property
    def criteria(self) -> list[Item]:
        """The checks that must hold before it is safe to bring back."""
        return self._playbook[1]

    @property
    def has_playbook(self) -> bool:
        return bool(self.steps)

    @property
    def approver_active(self) -> bool:
        return self.approver is not None and not self.approver.departed

    @property
    def last_exercise(self) -> Exercise | None:
        return next((exercise for exercise in self.exercises if exercise.date), None)

    @property
    def exercise_due(self) -> dt.date | None:
        last = self.last_exercise
        return _date(last.date) + dt.timedelta(days=self.period_days) if last and last.date else None

    @property
    def exercised_in_period(self) -> bool:
        due = self.exercise_due
        return due is not None and due >= self.today

    @property
    def rto_met(self) -> bool | None:
        """Whether the last exercise brought the system back within its RTO; None when it did not
        time the recovery (a tabletop, say) or the system has no usable RTO."""
        last = self.last_exercise
        rto = parse_duration(self.rto)
        if last is None or last.minutes is None or rto is None:
            return None
        return last.minutes <= rto

    def approver_problem(self) -> str:
        if self.approver is not None:
            if self.approver.departed:
                return (f"recovery approver {self.approver.name} ({self.approver.key}) has left: nobody "
                        "decides when it is safe to bring it back")
            return ""
        if self.approver_text:
            return f"recovery approver {self.approver_text!r} is not a person in the knowledge base"
        return "no recovery approver: nobody is named to decide when it is safe to bring it back"

    def exercise_problem(self) -> str:
        last = self.last_exercise
        period = self.period_text if self.period_stated else f"{DEFAULT_PERIOD_TEXT} (default)"
        if last is None:
            return f"recovery never exercised (review period {period})" if self.criticality in MUST_EXERCISE else ""
        due = self.exercise_due
        if due is not None and due < self.today:
            return (f"last exercised {last.date} ({last.type}, {last.key}); review period {period}: "
                    f"overdue since {due.isoformat()}")
        return ""

    def rto_problem(self) -> str:
        last = self.last_exercise
        if last is None:
            return "never exercised"
        if last.minutes is None:
            return f"its last exercise ({last.type}, {last.date}) did not time the recovery"
        if parse_duration(self.rto) is None:
            return "no usable RTO to compare with"
        met = self.rto_met
        return "" if met else f"recovered in {last.recovery_time} in {last.key}; RTO is {self.rto}"

    def as_dict(self) -> dict[str, Any]:
        last = self.last_exercise
        return {
            "key": self.key,
            "title": self.record.title,
            "status": self.record.status,
            "criticality": self.criticality or None,
            "rto": self.rto or None,
            "rpo": self.rpo or None,
            "approver": self.approver.as_dict() if self.approver else None,
            "approver_problem": self.approver_problem() or None,
            "steps": [item.as_dict() for item in self.steps],
            "criteria": [item.as_dict() for item in self.criteria],
            "review_period": self.period_text if self.period_stated else None,
            "last_exercise": last.as_dict() if last else None,
            "exercise_due": self.exercise_due.isoformat() if self.exercise_due else None,
            "exercise_problem": self.exercise_problem() or None,
            "rto_met": self.rto_met,
        }


def system_readiness(estate: Estate, today: dt.date | None = None) -> list[SystemReadiness]:
    """The readiness of every system of `estate`, in key order."""
    today = today or dt.date.today()
    exercises = _exercises_by_system(estate)
    result = []
    for system in estate.of_kind(Kind.SYSTEM):
        result.append(readiness_of(estate, system, exercises.get(system.uid, []), today))
    return result


def readiness_of(estate: Estate, system: Record, exercises: list[Exercise], today: dt.date) -> SystemReadiness:
    fields = system.fields
    approver_text = str(fields.get("approver") or "").strip()
    approver = estate.person(approver_text) if approver_text else None
    period_text = str(fields.get("review_period") or "").strip()
    period = parse_period(period_text)
    return SystemReadiness(
        record=system,
        criticality=str(fields.get("criticality") or "").strip().lower(),
        rto=str(fields.get("rto") or "").strip(),
        rpo=str(fields.get("rpo") or "").strip(),
        approver=Contact.of(approver) if approver else None,
        approver_text="" if approver else approver_text,
        estate=estate,
        exercises=exercises,
        period_days=period or DEFAULT_PERIOD_DAYS,
        period_text=period_text if period else DEFAULT_PERIOD_TEXT,
        period_stated=period is not None,
        today=today,
    )


def exercise_of(record: Record) -> Exercise | None:
    """The exercise an event records, or None when it is not one."""
    if record.kind is not Kind.EVENT:
        return None
    kind = str(record.fields.get("exercise") or "").strip().lower()
    if kind not in EXERCISE_TYPES:
        return None
    time = str(record.fields.get("recovery_time") or "").strip()
    return Exercise(record.key, record.uid, record.title, record.date, kind,
                    str(record.fields.get("result") or "").strip().lower(), time, parse_duration(time))


def _exercises_by_system(estate: Estate) -> dict[str, list[Exercise]]:
    found: dict[str, list[Exercise]] = defaultdict(list)
    for event in estate.of_kind(Kind.EVENT):
        exercise = exercise_of(event)
        if exercise is None:
            continue
        for system in estate.targets(event.uid, LinkType.AFFECTS):
            if system.kind is Kind.SYSTEM:
                found[system.uid].append(exercise)
    for uid, items in found.items():
        dated = sorted((e for e in items if e.date), key=lambda e: (e.date or "", natural_key(e.key)), reverse=True)
        found[uid] = dated + sorted((e for e in items if not e.date), key=lambda e: natural_key(e.key))
    return found


def _resolve(estate: Estate, item: PlaybookItem) -> Item:
    sources = []
    for key in item.refs:
        record = estate.find(key)
        if record is None:
            sources.append(Source(key, ""))
        else:
            sources.append(Source(record.key, record.kind.value, record.title, record.status, record.uid))
    # A word that merely looks like a key ("TLS-1") is no source; a link to a missing record is shown.
    kept = tuple(source for source in sources if not source.missing or source.key in item.linked)
    return Item(item.text, item.detail, kept)


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


def resilience_findings(kb: KnowledgeBase, today: dt.date | None = None) -> list[Finding]:
    """Needs attention: running systems whose recovery approver has left or is not a person here,
    and recovery exercises that are overdue (or, for critical systems, that never took place)."""
    from kbridge.core.checks import Finding

    findings = []
    for item in system_readiness(Estate.of_fields(kb), today):  # approvers and exercises only
        if not item.running:
            continue
        problem = item.approver_problem()
        if problem:
            findings.append(Finding("recovery-approver", problem, item.key, item.record.title,
                                    person=item.approver.key if item.approver else ""))
        problem = item.exercise_problem()
        if problem:
            findings.append(Finding("overdue-exercise", problem, item.key, item.record.title))
    return findings
