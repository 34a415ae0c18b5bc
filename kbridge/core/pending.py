"""What an open transaction has done but not yet written down or told anyone.

A record changed several times in one transaction (an import creating it and adding its links, a
decision superseded with its status set) gets one revision, written just before the commit: the
history reads as the person saw the save, and a record given 10,000 links in one go costs one
snapshot, not 10,000 growing ones. Listeners hear the merged changes once, after the commit.

Both are journals that a failed inner transaction (a savepoint rolled back) truncates to where it
began, so nothing undone is recorded or announced.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kbridge.model import Changes, Initiator, OpResult, records
from kbridge.model.records import ChangesJoined

# A revision's reason lists at most this many of the steps that made it.
REASONS_SHOWN = 4


@dataclass
class _Step:
    uid: str
    reason: str
    at: str


@dataclass
class PendingWork:
    revisions: list[_Step] = field(default_factory=list)
    changes: list[Changes] = field(default_factory=list)

    def mark(self) -> tuple[int, int]:
        """Where an inner transaction began (see `roll_back_to`)."""
        return len(self.revisions), len(self.changes)

    def roll_back_to(self, mark: tuple[int, int]) -> None:
        del self.revisions[mark[0]:]
        del self.changes[mark[1]:]

    def revise(self, uid: str, reason: str, at: str) -> None:
        self.revisions.append(_Step(uid, reason, at))

    def report(self, changes: Changes) -> None:
        if changes:
            self.changes.append(changes)

    def take_revisions(self) -> list[tuple[str, str, str]]:
        """One (uid, reason, at) per record, in the order the records were first changed; the
        reason joins the distinct reasons given, the time is the last step's."""
        grouped: dict[str, list[_Step]] = {}
        for step in self.revisions:
            grouped.setdefault(step.uid, []).append(step)
        self.revisions = []
        return [(uid, _joined(steps), steps[-1].at) for uid, steps in grouped.items()]

    def take_changes(self) -> Changes:
        merged = Changes.union(self.changes)
        self.changes = []
        return merged


def _joined(steps: list[_Step]) -> str:
    reasons = list(dict.fromkeys(step.reason for step in steps if step.reason))
    if len(reasons) <= REASONS_SHOWN:
        return "; ".join(reasons)
    more = len(reasons) - REASONS_SHOWN
    return "; ".join(reasons[:REASONS_SHOWN]) + f"; and {more:,} more change{'s' if more > 1 else ''}"


@dataclass
class ChangeRecorder:
    """What `KnowledgeBase.recording` heard (`hear`), joined as it comes: past NAMED_AT_MOST
    records, only that there were many (kbridge.model.records.ChangesJoined)."""

    initiator: Initiator
    heard: ChangesJoined = field(default_factory=lambda: ChangesJoined(records.NAMED_AT_MOST))

    def hear(self, changes: Changes) -> None:
        self.heard.add(changes)

    @property
    def result(self) -> OpResult:
        return OpResult(self.heard.changes, self.initiator)
