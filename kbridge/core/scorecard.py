"""The resilience scorecard IT and security share: how many critical systems could be recovered
today (playbook, an active approver, safe-to-restore criteria, an exercise within its period, the RTO
met when last exercised), how many controls say why they exist, what is overdue for review, and what
knowledge is at risk. Each figure lists the records behind it, and its trend is computed from the
revisions: the knowledge base is rebuilt as it was at the end of up to `TREND_POINTS` days of its history.

Knowledge at risk: a record whose owner has left and that nobody still here has edited since. An
edit is a revision by an author who names an active person (by name, key or e-mail); an import is
not an edit. When a person's departure is not in the revisions (imported already departed), every
edit counts as before it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kbridge.core.lifecycle import has_rationale
from kbridge.core.readiness import Estate, SystemReadiness, system_readiness
from kbridge.model import Kind, LinkType, Record, Revision, natural_key

if TYPE_CHECKING:
    from kbridge.core.knowledge_base import KnowledgeBase

TREND_POINTS = 12
SHARE = "share"
COUNT = "count"
_IMPORT_REASONS = ("imported from ", "re-imported from ")
_REASONED_LINKS = {LinkType.MITIGATES: Kind.RISK, LinkType.IMPLEMENTS: Kind.REQUIREMENT}
_BODIES_READ = frozenset({Kind.SYSTEM.value, Kind.CONTROL.value})  # playbooks; a rationale may be a section


@dataclass(frozen=True)
class Entry:
    """A record behind a figure, and why it does (or does not) count."""

    key: str
    title: str
    uid: str
    note: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "title": self.title, "note": self.note}


@dataclass
class Figure:
    id: str
    label: str
    kind: str  # share: met out of met + missing; count: how many records are in `met`
    met: list[Entry] = field(default_factory=list)
    missing: list[Entry] = field(default_factory=list)
    lower_is_better: bool = False
    trend: list[tuple[str, float | None]] = field(default_factory=list)  # (day, value), oldest first

    @property
    def total(self) -> int:
        return len(self.met) + len(self.missing)

    @property
    def value(self) -> float | None:
        """A share from 0 to 1 (None when nothing is counted), or a count."""
        if self.kind == COUNT:
            return float(len(self.met))
        return len(self.met) / self.total if self.total else None

    @property
    def text(self) -> str:
        if self.kind == COUNT:
            return str(len(self.met))
        if not self.total:
            return "none to count"
        return f"{len(self.met)} of {self.total} ({round(100 * len(self.met) / self.total)}%)"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "kind": self.kind,
            "value": self.value,
            "text": self.text,
            "met": [entry.as_dict() for entry in self.met],
            "missing": [entry.as_dict() for entry in self.missing],
            "lower_is_better": self.lower_is_better,
            "trend": [{"at": at, "value": value} for at, value in self.trend],
        }


@dataclass
class Scorecard:
    today: dt.date
    figures: list[Figure]

    def figure(self, figure_id: str) -> Figure:
        return next(figure for figure in self.figures if figure.id == figure_id)

    def as_dict(self) -> dict[str, Any]:
        return {"today": self.today.isoformat(), "figures": [figure.as_dict() for figure in self.figures]}


def _entry(record: Record, note: str = "") -> Entry:
    return Entry(record.key, record.title, record.uid, note)


def _share(figure_id: str, label: str, items: Iterable[tuple[Record, str]]) -> Figure:
    """A share figure from (record, why it falls short or "") pairs."""
    figure = Figure(figure_id, label, SHARE)
    for record, problem in items:
        (figure.missing if problem else figure.met).append(_entry(record, problem))
    return figure


def compute_figures(estate: Estate, today: dt.date, at_risk: dict[str, str]) -> list[Figure]:
    """Every figure of the scorecard for `estate` on `today`; `at_risk` is uid -> note for the
    records whose knowledge is at risk (worked out from revisions: see `KnowledgeAtRisk`)."""
    critical = [item for item in system_readiness(estate, today) if item.running and item.criticality == "critical"]
    figures = [
        _share("playbook", "Critical systems with a recovery playbook",
               ((i.record, "" if i.has_playbook else "no recovery steps in its body") for i in critical)),
        _share("approver", "Critical systems with an active recovery approver",
               ((i.record, i.approver_problem()) for i in critical)),
        _share("criteria", "Critical systems with safe-to-restore criteria",
               ((i.record, "" if i.criteria else "no safe-to-restore criteria") for i in critical)),
        _share("exercised", "Critical systems exercised within their review period",
               ((i.record, _exercise_gap(i)) for i in critical)),
        _share("rto-met", "Critical systems that met their RTO when last exercised",
               ((i.record, i.rto_problem()) for i in critical)),
        _share("controls-reasoned", "Controls with a rationale and a risk or requirement behind them",
               ((control, _control_gap(estate, control)) for control in estate.of_kind(Kind.CONTROL)
                if control.status != "retired")),
    ]
    overdue = Figure("overdue-reviews", "Records overdue for review", COUNT, lower_is_better=True)
    overdue.met = [_entry(r, f"review was due {r.review_by}") for r in _in_key_order(estate.records.values())
                   if r.is_overdue(today)]
    risk = Figure("knowledge-at-risk", "Knowledge at risk: owner left, nobody here has edited it since", COUNT,
                  lower_is_better=True)
    risk.met = [_entry(estate.records[uid], note) for uid, note in at_risk.items() if uid in estate.records]
    risk.met.sort(key=lambda entry: natural_key(entry.key))
    return [*figures, overdue, risk]


def _exercise_gap(item: SystemReadiness) -> str:
    if item.last_exercise is None:
        return "never exercised"
    return item.exercise_problem()


def _control_gap(estate: Estate, control: Record) -> str:
    missing = []
    if not has_rationale(control.fields, control.body):  # as `kbridge check` reads it
        missing.append("no rationale")
    reasons = [r for link_type, kind in _REASONED_LINKS.items() for r in estate.targets(control.uid, link_type)
               if r.kind is kind]
    if not reasons:
        missing.append("no risk it mitigates or requirement it implements")
    return " and ".join(missing)


def _in_key_order(records: Iterable[Record]) -> list[Record]:
    return sorted(records, key=lambda record: natural_key(record.key))


class KnowledgeAtRisk:
    """Reads each record's revisions to tell which records nobody active has edited since their
    owner left, now or at the end of a day of the past."""

    def __init__(self) -> None:
        self.departures: dict[str, list[str | None]] = {}  # person uid -> when they left (None: unknown)
        self.edits: dict[str, list[tuple[str, str]]] = {}  # record uid -> [(at, author)]

    def follow(self, history: list[Revision]) -> None:
        """Take in one record's revisions, oldest first."""
        before: str | None = None
        for number, revision in enumerate(history):
            status = revision.status
            if revision.snapshot.get("kind") == Kind.PERSON.value and status == "departed" and before != "departed":
                uid = revision.record_uid
                self.departures.setdefault(uid, []).append(revision.at if number else None)
            before = status
            if not revision.reason.startswith(_IMPORT_REASONS):
                self.edits.setdefault(revision.record_uid, []).append((revision.at, revision.author))

    def at_risk(self, estate: Estate, until: str | None = None) -> dict[str, str]:
        """uid -> why, for the records of `estate`; `until` (a day) ignores what came after it."""
        active = _active_names(estate)
        found: dict[str, str] = {}
        for record in estate.records.values():
            owner = estate.records.get(record.owner or "")
            if owner is None or owner.kind is not Kind.PERSON or owner.status != "departed":
                continue
            left = [at for at in self.departures.get(owner.uid, []) if at is None or until is None or at[:10] <= until]
            since = left[-1] if left else None
            edited = any(author.casefold() in active and (since is None or at > since)
                         and (until is None or at[:10] <= until) for at, author in self.edits.get(record.uid, []))
            if not edited:
                when = f" on {since[:10]}" if since else ""
                found[record.uid] = f"owned by {owner.title} ({owner.key}), who left{when}"
        return found


def _active_names(estate: Estate) -> set[str]:
    names = set()
    for person in estate.of_kind(Kind.PERSON):
        if person.status != "departed":
            names |= {person.title.casefold(), person.key.casefold()}
            email = str(person.fields.get("email") or "").strip()
            if email:
                names.add(email.casefold())
    return names


def record_of(revision: Revision, keep_body: Callable[[str], bool]) -> Record:
    """The record a revision's snapshot describes (its body only when `keep_body(kind)`: the past is
    rebuilt for systems' playbooks and controls' rationales, and nothing else needs a body)."""
    snapshot = revision.snapshot
    kind = Kind(str(snapshot.get("kind") or "note"))
    fields = snapshot.get("fields")
    return Record(
        kind=kind,
        title=str(snapshot.get("title") or ""),
        key=str(snapshot.get("key") or ""),
        uid=revision.record_uid,
        status=str(snapshot.get("status") or ""),
        body=str(snapshot.get("body") or "") if keep_body(kind.value) else "",
        tags=list(snapshot.get("tags") or []),
        owner=snapshot.get("owner"),
        date=snapshot.get("date"),
        review_by=snapshot.get("review_by"),
        fields=dict(fields) if isinstance(fields, dict) else {},
        deleted_at=revision.at if snapshot.get("deleted") else None,
    )


def trend_days(stamps: list[str], points: int = TREND_POINTS) -> list[str]:
    """Up to `points` days spread over the days revisions were saved on (from their time stamps,
    sorted), the first and the last among them: a trend is read day by day, not second by second."""
    days = sorted({stamp[:10] for stamp in stamps})
    if len(days) <= points:
        return days
    step = (len(days) - 1) / (points - 1)
    return sorted({days[round(index * step)] for index in range(points)})


def scorecard(kb: KnowledgeBase, today: dt.date | None = None, points: int = TREND_POINTS) -> Scorecard:
    today = today or dt.date.today()
    risk = KnowledgeAtRisk()
    days = trend_days(kb.history.times(), points)
    # The knowledge base at the end of each day: each record as its last revision of that day left
    # it (records read one at a time, their revisions unpacked together; a record's state is shared
    # by the days it did not change).
    past: list[dict[str, tuple[Record, list[str]]]] = [{} for _ in days]
    for history in kb.history.by_record():
        risk.follow(history)
        shown: dict[int, tuple[Record, list[str]]] = {}
        position = 0
        for index, day in enumerate(days):
            while position < len(history) and history[position].at[:10] <= day:
                position += 1
            if position:
                latest = history[position - 1]
                if position not in shown:
                    record = record_of(latest, lambda kind: kind in _BODIES_READ)
                    shown[position] = (record, [str(text) for text in latest.snapshot.get("links") or []])
                past[index][latest.record_uid] = shown[position]
    series = []
    for day, state in zip(days, past, strict=True):
        estate = _past_estate(state)
        series.append((day, compute_figures(estate, min(today, _day(day)), risk.at_risk(estate, day))))
    now = Estate.of(kb)
    figures = compute_figures(now, today, risk.at_risk(now))
    for index, figure in enumerate(figures):
        figure.trend = [(day, figures_then[index].value) for day, figures_then in series]
    return Scorecard(today, figures)


def _past_estate(state: dict[str, tuple[Record, list[str]]]) -> Estate:
    records = [record for record, _ in state.values()]
    by_key = {record.key.upper(): record.uid for record in records if not record.deleted}
    found = []
    for source, (_, texts) in state.items():
        for text in texts:
            name, _, key = text.partition(" ")
            target = by_key.get(key.upper())
            if target is not None and name in _LINK_VALUES:
                found.append((source, LinkType(name), target))
    return Estate(records, found)


_LINK_VALUES = {link_type.value for link_type in LinkType}


def _day(day: str) -> dt.date:
    try:
        return dt.date.fromisoformat(day[:10])
    except ValueError:
        return dt.date.today()
