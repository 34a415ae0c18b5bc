"""`kbridge check`: what is wrong with a knowledge base, or at risk of being lost."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kbridge.core import lifecycle
from kbridge.core.readiness import resilience_findings
from kbridge.model import Kind, Link, LinkType, Progress, Record, RecordBrief

if TYPE_CHECKING:
    from kbridge.core.knowledge_base import KnowledgeBase

STALE_PROPOSAL_DAYS = 30
CONTROLS_READ = 500  # whole controls read at a time (their bodies: not a million at once)

# Categories, in the order a report lists them, with the heading a person reads.
CATEGORIES = {
    "integrity": "Database integrity",
    "search-index": "Search index",
    "dangling-link": "Dangling links",
    "duplicate-number": "Duplicate numbers",
    "key-number": "Keys that differ from their file's number",
    "likely-duplicate": "Likely duplicates: the same title and date",
    "overdue-review": "Overdue reviews",
    "departed-owner": "Owned by people who left",
    "stale-proposal": f"Proposed for more than {STALE_PROPOSAL_DAYS} days",
    "control-without-reason": "Controls without a rationale or a risk or requirement",
    "recovery-gap": "Systems nobody could restore: no owner, no RTO or a dependency cycle",
    "superseded-alone": "Superseded, but nothing supersedes them",
    "successor-not-in-force": "Superseded by a rejected or deleted record",
    "supersede-cycle": "Supersede cycles",
    "status-contradicts-links": "Status contradicts the supersede links",
    "recovery-approver": "Systems whose recovery approver has left or is not a person here",
    "overdue-exercise": "Recovery exercises overdue",
    "sync-conflict": "Sync conflicts: changed in the same place here and in the shared folder",
}


@dataclass(frozen=True)
class Finding:
    category: str
    message: str
    key: str = ""  # the record to open, when there is one
    title: str = ""
    person: str = ""  # for departed-owner findings: the person's key

    def as_dict(self) -> dict[str, str]:
        data = {"category": self.category, "key": self.key, "title": self.title}
        data["message"] = self.message
        if self.person:
            data["person"] = self.person
        return data


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def by_category(self) -> dict[str, list[Finding]]:
        grouped: dict[str, list[Finding]] = {name: [] for name in CATEGORIES}
        for finding in self.findings:
            grouped.setdefault(finding.category, []).append(finding)
        return {name: items for name, items in grouped.items() if items}


@dataclass
class RepairReport:
    fixed: list[str] = field(default_factory=list)
    remaining: CheckReport = field(default_factory=CheckReport)


def repair(kb: KnowledgeBase, today: dt.date | None = None, progress: Progress | None = None) -> RepairReport:
    """Fix what can be fixed without a person's judgement; report the rest."""
    report = RepairReport()
    dangling_before = {(link.source_uid, link.type, link.target_ref) for link in kb.links.dangling()}
    changes = kb.links.resolve_dangling()
    for link in changes.changes.links:
        if (link.source_uid, link.type, link.target_ref) in dangling_before:
            source = kb.get(link.source_uid)
            report.fixed.append(f"{source.key}: {link.type.label} {link.target_ref} now points at the record")
    for step in kb.maintenance.repair_steps:
        report.fixed.extend(step())
    report.remaining = run_checks(kb, today, progress)
    return report


def run_checks(kb: KnowledgeBase, today: dt.date | None = None, progress: Progress | None = None, *,
               integrity: bool = True) -> CheckReport:
    """Every check; `integrity=False` leaves out SQLite's integrity check of the whole file (9 s of
    the 21 at 100,000 records), which a caller that already ran it on this file can skip."""
    today = today or dt.date.today()
    # Briefs: no check reads a body or fields but the controls', which read their own. Whole
    # records of 100,000 took 1.1 GB here, their summaries 101 MB, their briefs 36 MB.
    records = sorted(kb.listing.briefs(), key=lambda r: (r.kind.value, r.key))
    by_uid = {record.uid: record for record in records}
    live = [record for record in records if not record.deleted]
    steps: list[tuple[str, Callable[[], list[Finding]]]] = [
        *([("integrity", lambda: [Finding("integrity", problem) for problem in kb.maintenance.integrity_problems()])]
          if integrity else []),
        ("search index", lambda: _search_index(kb)),
        ("links", lambda: _dangling(kb, by_uid)),
        ("numbers", lambda: _duplicate_numbers(live)),
        ("duplicates", lambda: _likely_duplicates(live)),
        ("reviews", lambda: [Finding("overdue-review", f"review was due {r.review_by}", r.key, r.title)
                             for r in live if r.is_overdue(today)]),
        ("owners", lambda: _departed_owners(kb, live, by_uid)),
        ("proposals", lambda: _stale_proposals(live, today)),
        ("controls", lambda: _controls_without_reason(kb, live)),
        ("recovery", lambda: _recovery_gaps(kb)),
        ("supersedes", lambda: _supersede_findings(kb.links.all(), by_uid)),
        ("resilience", lambda: resilience_findings(kb, today)),
        ("sync", lambda: _sync_conflicts(kb, by_uid)),
    ]
    report = CheckReport()
    for done, (name, step) in enumerate(steps):
        if progress is not None:
            progress(done, len(steps), name)
        report.findings += step()
    if progress is not None:
        progress(len(steps), len(steps), "")
    return report


def _search_index(kb: KnowledgeBase) -> list[Finding]:
    """A missing index is simply built by the first search; anything else deserves a word."""
    state = kb.search_index.status()
    if state in ("fresh", "missing"):
        return []
    return [Finding("search-index", f"the {kb.search_index.default_engine} search index is {state}; "
                                    "kbridge check --repair (or the next search) rebuilds it")]


def _dangling(kb: KnowledgeBase, by_uid: dict[str, RecordBrief]) -> list[Finding]:
    findings = []
    for link in kb.links.dangling():
        source = by_uid.get(link.source_uid)
        if source is None or source.deleted:
            continue
        findings.append(
            Finding(
                "dangling-link",
                f"{link.type.label} {link.target_ref!r}, which is not in the knowledge base",
                source.key,
                source.title,
            )
        )
    return findings


def _duplicate_numbers(live: list[RecordBrief]) -> list[Finding]:
    """Imported records whose files carry the same number in one ADR log (two 0020-*.md), and
    records whose key is not their file's number (ADR-0033 imported from 0032-x.md)."""
    groups: dict[tuple[str, str, str, int], list[RecordBrief]] = defaultdict(list)
    findings = []
    for record in live:
        number = record.source_number
        if number is None:
            continue
        log = record.source_log or record.source_path.rpartition("/")[0]
        groups[(record.kind.value, record.source_root, log, number)].append(record)
        prefix = record.source_log
        if prefix and not re.fullmatch(rf"{re.escape(prefix)}-0*{number}(?:-\d+)?", record.key, re.I):
            findings.append(Finding("key-number", f"its file ({record.source_path}) is number {number}, "
                                    f"its key {record.key}", record.key, record.title))
    for (_, _, _, number), same in sorted(groups.items()):
        if len(same) > 1:
            keys = ", ".join(r.key for r in same)
            for record in same:
                findings.append(
                    Finding("duplicate-number", f"number {number} is used by {keys}", record.key, record.title)
                )
    return findings


def _likely_duplicates(live: list[RecordBrief]) -> list[Finding]:
    """Records of one kind with the same title and the same date (or none): one decision imported
    twice, from two copies of a folder or an export, is the usual cause."""
    def likeness(record: RecordBrief) -> tuple[str, str, str]:
        return record.kind.value, " ".join(record.title.casefold().split()), record.date or ""

    # Counted by hash first: a group (a key and a list) for each of a million records took 330 MB.
    seen = Counter(hash(likeness(record)) for record in live if record.kind is not Kind.TEMPLATE)
    groups: dict[tuple[str, str, str], list[RecordBrief]] = defaultdict(list)
    for record in live:
        if record.kind is not Kind.TEMPLATE and seen[hash(likeness(record))] > 1:
            groups[likeness(record)].append(record)
    findings = []
    for (_, _, date), same in sorted(groups.items()):
        if len(same) < 2:
            continue
        keys = ", ".join(sorted(r.key for r in same))
        when = f"dated {date}" if date else "neither dated"
        for record in same:
            findings.append(Finding("likely-duplicate", f"{keys} have this title, {when}", record.key, record.title))
    return findings


def _departed_owners(
    kb: KnowledgeBase, live: list[RecordBrief], by_uid: dict[str, RecordBrief]
) -> list[Finding]:
    departed = {
        r.uid: r for r in by_uid.values() if r.kind is Kind.PERSON and r.status == "departed"
    }
    owned: dict[str, set[str]] = defaultdict(set)
    for record in live:
        if record.owner in departed:
            owned[record.owner].add(record.uid)
    for link in kb.links.all():
        if link.type is LinkType.OWNED_BY and link.target_uid in departed:
            owned[link.target_uid].add(link.source_uid)
    findings = []
    for person_uid, owned_uids in sorted(owned.items(), key=lambda item: departed[item[0]].key):
        person = departed[person_uid]
        for uid in sorted(owned_uids, key=lambda u: by_uid[u].key):
            record = by_uid[uid]
            if record.deleted:
                continue
            findings.append(
                Finding(
                    "departed-owner",
                    f"owned by {person.title} ({person.key}), who has left",
                    record.key,
                    record.title,
                    person=person.key,
                )
            )
    return findings


def _stale_proposals(live: list[RecordBrief], today: dt.date) -> list[Finding]:
    findings = []
    for record in live:
        if record.kind is not Kind.DECISION or record.status != "proposed" or not record.date:
            continue
        try:
            age = (today - dt.date.fromisoformat(record.date)).days
        except ValueError:
            continue
        if age > STALE_PROPOSAL_DAYS:
            findings.append(
                Finding("stale-proposal", f"proposed {age} days ago ({record.date})", record.key, record.title)
            )
    return findings


def _controls_without_reason(kb: KnowledgeBase, live: list[RecordBrief]) -> list[Finding]:
    reasons = {LinkType.MITIGATES, LinkType.IMPLEMENTS}
    with_reason_link = {
        link.source_uid for link in kb.links.all() if link.type in reasons and link.target_uid
    }
    controls = [record.uid for record in live if record.kind is Kind.CONTROL and record.status != "retired"]
    findings = []
    for start in range(0, len(controls), CONTROLS_READ):
        findings += _control_findings(kb.records_by_uid(controls[start:start + CONTROLS_READ]), with_reason_link)
    return findings


def _control_findings(controls: list[Record], with_reason_link: set[str]) -> list[Finding]:
    findings = []
    for record in sorted(controls, key=lambda control: control.key):  # whole: the rationale is in fields or body
        missing = []
        if not lifecycle.has_rationale(record.fields, record.body):
            missing.append("no rationale")
        if record.uid not in with_reason_link:
            missing.append("no link to a risk it mitigates or a requirement it implements")
        if missing:
            findings.append(
                Finding("control-without-reason", " and ".join(missing), record.key, record.title)
            )
    return findings


def _recovery_gaps(kb: KnowledgeBase) -> list[Finding]:
    """Running systems without an owner or a usable RTO, and dependency cycles (kbridge.core.recovery
    works them out; the departed owners and approvers it also flags are reported elsewhere)."""
    findings = []
    for step in kb.trails.restore_order().steps:
        gaps = [gap for gap in step.gaps if gap == "no owner" or "RTO" in gap or "cycle" in gap]
        if gaps:
            findings.append(Finding("recovery-gap", "; ".join(gaps), step.key, step.record.title))
    return findings


def _sync_conflicts(kb: KnowledgeBase, by_uid: dict[str, RecordBrief]) -> list[Finding]:
    findings = []
    for uid, info in kb.sync_state.conflicts().items():
        record = by_uid.get(uid)
        if record is None:
            continue
        where = ", ".join(str(name) for name in info.get("fields") or []) or "the record"
        findings.append(Finding("sync-conflict", f"{where} changed here and in {info.get('path', 'the folder')}; "
                                f"kbridge resolve {record.key} --keep mine|theirs|FILE", record.key, record.title))
    return sorted(findings, key=lambda finding: finding.key)


def _supersede_findings(links: list[Link], by_uid: dict[str, RecordBrief]) -> list[Finding]:
    """Statuses and supersede links that disagree, and supersede cycles (from one read of the
    links, so that it stays quick on a large knowledge base)."""
    successors: dict[str, list[RecordBrief]] = defaultdict(list)
    outside: set[str] = set()  # superseded by something not in the knowledge base
    edges: list[tuple[str, str]] = []
    for link in links:
        source = by_uid.get(link.source_uid)
        if source is None:
            continue
        if link.type is LinkType.SUPERSEDES and link.target_uid in by_uid:
            successors[link.target_uid].append(source)
            if not source.deleted and not by_uid[link.target_uid].deleted:
                edges.append((source.key, by_uid[link.target_uid].key))  # keys: a cycle reads from the lowest
        elif link.target_uid is None and link.note.lower().startswith(("superseded", "superceded")):
            outside.add(link.source_uid)
    findings = []
    for record in sorted(by_uid.values(), key=lambda r: r.key):
        if record.deleted or not lifecycle.has_superseded_status(record.kind):
            continue
        newer = successors.get(record.uid, [])
        live = [r for r in newer if not r.deleted and r.status not in lifecycle.NOT_IN_FORCE]
        if record.status == lifecycle.SUPERSEDED and not live and record.uid not in outside:
            if newer:
                why = "; ".join(f"{r.key} is {'in the trash' if r.deleted else r.status}" for r in newer)
                findings.append(Finding("successor-not-in-force", f"superseded, but {why}", record.key, record.title))
            else:
                findings.append(Finding("superseded-alone", "marked superseded, but nothing supersedes it",
                                        record.key, record.title))
        elif record.status != lifecycle.SUPERSEDED and live:
            keys = ", ".join(r.key for r in live)
            findings.append(Finding("status-contradicts-links", f"superseded by {keys}, but its status is "
                                    f"{record.status or 'empty'}", record.key, record.title))
    by_key = {record.key: record for record in by_uid.values()}
    for cycle in lifecycle.supersede_cycles(edges):
        chain = " supersedes ".join([*cycle, cycle[0]])
        for key in cycle:
            findings.append(Finding("supersede-cycle", f"supersede cycle: {chain}", key, by_key[key].title))
    return findings
