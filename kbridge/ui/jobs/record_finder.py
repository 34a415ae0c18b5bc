"""Finding a record by part of its key or title, for the choosers (the quick switcher, the link
picker): a few hundred candidates read by the record list's own query (`kb.listing`, its filter
words and a small limit, answered in SQL from an index), ranked in Python, the latest request
winning. Never every record: at a million records that is seconds and hundreds of megabytes.

On a large file (where that query can take longer than a keystroke, the list's filter being a
pass over an index) it runs on a worker, over a connection of its own, one request at a time: the
text typed meanwhile is asked next, what was typed in between is skipped."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from rapidfuzz import fuzz

from kbridge.model import Progress, Record
from kbridge.model.listing import ListOrder, ListQuery
from kbridge.ui.jobs.worker import Job
from kbridge.ui.jobs.worker_connection import WorkerConnection

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase
    from kbridge.ui.jobs.worker import JobRunner

# Candidates read per request: enough for every tier of the ranking to show its best.
CANDIDATES = 300
# Files this large are searched on a worker (the same size as the navigator's counts).
WORKER_BYTES = 40 * 1024 * 1024
RECENT_LIMIT = 15


def find_candidates(kb: KnowledgeBase, text: str, limit: int = CANDIDATES) -> list[Record]:
    """Live records whose key, title, status, owner or tags hold every typed word (the list's
    filter), the record whose key is `text` (ADR-7, 7) first."""
    words = tuple(text.lower().split())
    if not words:
        return []
    found = kb.listing.window(ListQuery(words=words), 0, limit)
    exact = kb.find(text)
    if exact is not None and not exact.deleted and all(record.uid != exact.uid for record in found):
        found.insert(0, exact)
    return found


def rank_records(records: Sequence[tuple[Record, str]], text: str, limit: int) -> list[Record]:
    """Records whose key or title hold every typed word (`records` pairs each with its lower-cased
    "key title"): the exact key first, then keys starting with the first word, then titles
    starting with it, then the rest; within each, the closest titles first (rapidfuzz), then in
    the order given. Records found by their status, owner or tags only come last."""
    words = text.lower().split()
    if not words:
        return []
    first, whole = words[0], " ".join(words)
    matches: list[tuple[Record, str]] = []
    others: list[tuple[Record, str]] = []
    for pair in records:
        (matches if all(word in pair[1] for word in words) else others).append(pair)
    closeness = {id(pair): fuzz.ratio(whole, pair[0].title.lower()) for pair in matches}
    matches.sort(key=lambda pair: -closeness[id(pair)])
    tiers = (
        [pair for pair in matches if pair[0].key.lower() == whole],
        [pair for pair in matches if pair[0].key.lower().startswith(first)],
        [pair for pair in matches if pair[0].title.lower().startswith(first)],
        matches,
        others,
    )
    chosen: list[Record] = []
    seen: set[str] = set()
    for tier in tiers:
        for record, _ in tier:
            if record.uid not in seen:
                seen.add(record.uid)
                chosen.append(record)
                if len(chosen) >= limit:
                    return chosen
    return chosen


def ranked(records: Sequence[Record], text: str, limit: int, exclude: str | None = None) -> list[Record]:
    pairs = [(record, f"{record.key} {record.title}".lower()) for record in records if record.uid != exclude]
    return rank_records(pairs, text, limit)


def recent_records(kb: KnowledgeBase, visited: Sequence[str], limit: int = RECENT_LIMIT) -> list[Record]:
    """What a person most likely wants to go back to: the records they opened last (newest
    first), then the latest records by date (read from the list's date index: a few rows)."""
    chosen: list[Record] = []
    for uid in visited:
        record = kb.find(uid)
        if record is not None and not record.deleted and all(record.uid != kept.uid for kept in chosen):
            chosen.append(record)
        if len(chosen) >= limit:
            return chosen
    taken = {record.uid for record in chosen}
    latest = kb.listing.window(ListQuery(order=ListOrder.DATE, descending=True), 0, limit + len(taken))
    return chosen + [record for record in latest if record.uid not in taken][: limit - len(chosen)]


class RecordFinder(QObject):
    """`ask(text)`; `found(text, records)` with the ranked records of the latest text asked."""

    found = Signal(str, list)

    def __init__(
        self, kb: KnowledgeBase, jobs: JobRunner | None, *, limit: int = 50, exclude: str | None = None
    ) -> None:
        super().__init__()  # no parent: a job ending after its dialog closed still finds it
        self.kb, self.jobs, self.limit, self.exclude = kb, jobs, limit, exclude
        self.on_worker = jobs is not None and kb.path.stat().st_size >= WORKER_BYTES
        self._reader = WorkerConnection(kb.path)
        self._wanted: str | None = None
        self._running: str | None = None
        self._stopped = False

    @property
    def pending(self) -> bool:
        """A request has not been answered yet."""
        return self._running is not None

    def ask(self, text: str) -> None:
        self._wanted = text
        if not text.strip():
            self.found.emit(text, [])
        elif not self.on_worker:
            self.found.emit(text, ranked(find_candidates(self.kb, text), text, self.limit, self.exclude))
        elif self._running is None:
            self._start(text)

    def stop(self) -> None:
        """The chooser closed: nothing more is asked or told; the connection goes with the last job."""
        self._stopped = True
        self._reader.close()

    def _start(self, text: str) -> None:
        assert self.jobs is not None
        self._running = text
        reader, limit, exclude = self._reader, self.limit, self.exclude

        def work(_progress: Progress, _cancel: threading.Event) -> list[Record]:
            with reader.opened() as kb:
                return ranked(find_candidates(kb, text), text, limit, exclude)

        self.jobs.start(
            Job("Finding records", work), on_success=self._on_job_finished,
            on_failure=self._on_job_failed, show=False,
        )

    def _on_job_finished(self, records: list[Record]) -> None:
        text, self._running = self._running, None
        if self._stopped or text is None:
            return
        if self._wanted is not None and self._wanted != text:  # typed on meanwhile: this answer is stale
            if self._wanted.strip():
                self._start(self._wanted)
            return
        self.found.emit(text, records)

    def _on_job_failed(self, error: Exception) -> None:
        from kbridge import diagnostics

        text, self._running = self._running, None
        diagnostics.log_exception(error, "finding records")  # the chooser shows no candidates
        if not self._stopped and text is not None:
            self.found.emit(text, [])
