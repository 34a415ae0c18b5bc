"""A system's timeline: what happened to it and when, from the records linked to it and the status
changes their revisions hold."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kbridge.core.graph import LinkIndex
from kbridge.model import Kind, LinkType, Record, ValidationError
from kbridge.model.wording import with_article

if TYPE_CHECKING:
    from kbridge.core.knowledge_base import KnowledgeBase

SELF = "self"
STATUS_CHANGE = "status-change"
# What a timeline can be filtered by: record kinds, and status changes (which have their own mark).
TIMELINE_KINDS = (
    Kind.SYSTEM.value,
    Kind.DECISION.value,
    Kind.EVENT.value,
    Kind.INCIDENT.value,
    Kind.CONTROL.value,
    Kind.RISK.value,
    STATUS_CHANGE,
)
_KIND_ORDER = {name: order for order, name in enumerate(TIMELINE_KINDS)}

# The links that put a record on a system's timeline, as seen from the system.
_TIMELINE_LINKS = {
    (LinkType.AFFECTS, "in"): frozenset({Kind.DECISION, Kind.EVENT, Kind.INCIDENT, Kind.RISK}),
    (LinkType.APPLIES_TO, "in"): frozenset({Kind.CONTROL}),
}


@dataclass(frozen=True)
class TimelineEntry:
    key: str
    kind: Kind
    title: str
    date: str  # ISO date
    via: str  # "self", the link as the system reads it ("affected by"), or "status changed"
    status: str = ""
    uid: str = ""
    change: tuple[str, str] | None = None  # (from, to) for a status change
    at: str = ""  # the revision's timestamp, for a status change
    rev: int = 0

    @property
    def filter_kind(self) -> str:
        return STATUS_CHANGE if self.change else self.kind.value

    @property
    def label(self) -> str:
        """One line a person reads: what happened."""
        if self.change:
            return f"{self.key} {self.change[0] or '-'} → {self.change[1]}: {self.title}"
        return f"{self.key} {self.title}"

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "kind": self.kind.value,
            "title": self.title,
            "date": self.date,
            "via": self.via,
            "status": self.status,
        }
        if self.change:
            data["change"] = {"from": self.change[0], "to": self.change[1], "at": self.at, "rev": self.rev}
        return data


@dataclass
class Timeline:
    record: Record
    entries: list[TimelineEntry] = field(default_factory=list)
    undated: list[TimelineEntry] = field(default_factory=list)  # linked records without a date

    def filtered(self, kinds: Iterable[str] | None) -> Timeline:
        if kinds is None:
            return self
        wanted = set(kinds)
        return Timeline(
            self.record,
            [entry for entry in self.entries if entry.filter_kind in wanted],
            [entry for entry in self.undated if entry.filter_kind in wanted],
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.record.key,
            "title": self.record.title,
            "entries": [entry.as_dict() for entry in self.entries],
            "undated": [entry.as_dict() for entry in self.undated],
        }


def parse_timeline_kinds(names: Iterable[str]) -> list[str]:
    """Filter names as a person types them ("decisions", "status"); a ValidationError otherwise."""
    kinds: list[str] = []
    for name in names:
        for part in name.replace(",", " ").split():
            wanted = part.strip().lower()
            if wanted in ("status", "status-change", "status-changes", "statuses"):
                kinds.append(STATUS_CHANGE)
                continue
            kind = Kind.parse(wanted).value
            if kind not in TIMELINE_KINDS:
                raise ValidationError(
                    f"a timeline shows no {kind} records; filter by: {', '.join(TIMELINE_KINDS)}"
                )
            kinds.append(kind)
    return kinds


def system_timeline(kb: KnowledgeBase, record: Record, index: LinkIndex | None = None) -> Timeline:
    """Dated records that concern a system (its own date, decisions, events, incidents and risks
    that affect it, controls that apply to it) and every status change in their revisions, oldest
    first. Anything but a system is a ValidationError."""
    if record.kind is not Kind.SYSTEM:
        raise ValidationError(
            f"a timeline is drawn for a system; {record.key} is {with_article(record.kind.value)} "
            f"(try: kbridge why {record.key}, or kbridge history {record.key})"
        )
    index = index or LinkIndex.lazy(kb)
    timeline = Timeline(record)
    subjects: dict[str, tuple[Record, str]] = {record.uid: (record, SELF)}
    for link in index.links(record.uid):
        wanted = _TIMELINE_LINKS.get((link.type, link.direction))
        if wanted is None or link.uid is None or link.kind not in wanted or link.deleted:
            continue
        other = index.record(link.uid)
        if other is not None and other.uid not in subjects:
            subjects[other.uid] = (other, link.label)
    for subject, via in subjects.values():
        entry = TimelineEntry(
            subject.key, subject.kind, subject.title, subject.date or "", via, subject.status, subject.uid
        )
        (timeline.entries if subject.date else timeline.undated).append(entry)
        timeline.entries.extend(_status_changes(kb, subject))
        if subject.kind is Kind.INCIDENT:
            from kbridge.core.incident import timeline_ticks  # incident mode builds on this module

            timeline.entries.extend(timeline_ticks(kb, subject, record.key))
    timeline.entries.sort(key=_order)
    timeline.undated.sort(key=_order)
    return timeline


def _status_changes(kb: KnowledgeBase, record: Record) -> list[TimelineEntry]:
    changes = []
    previous: str | None = None
    for revision in kb.history.revisions(record.uid):
        status = revision.status
        if previous is not None and status != previous:
            changes.append(
                TimelineEntry(
                    key=record.key,
                    kind=record.kind,
                    title=revision.title or record.title,
                    date=revision.at[:10],
                    via="status changed",
                    status=status,
                    uid=record.uid,
                    change=(previous, status),
                    at=revision.at,
                    rev=revision.rev,
                )
            )
        previous = status
    return changes


def _order(entry: TimelineEntry) -> tuple[str, str, int, str]:
    return (entry.date, entry.at, _KIND_ORDER.get(entry.filter_kind, 99), entry.key)
