"""Filling a ChoiceBox with the people or the systems of a knowledge base, off the GUI thread when
the file is large.

At a million records, reading 21,804 people took 262 ms and 80,215 systems a second (the rows are
spread over the file): the editor opened that much later, the Recovery tab froze on each change.
On a file of WORKER_BYTES or more the box shows what it must at once (its first choices and the
value it holds) and a worker reads the rest over a connection of its own; the newest fill of a
box wins. A smaller file is read at once, as before."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from kbridge.model import Initiator, Kind, Progress, Record
from kbridge.ui.jobs.record_finder import WORKER_BYTES
from kbridge.ui.jobs.worker import Job
from kbridge.ui.widgets.choice_box import Choice, ChoiceBox

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase


# The last read of each list (file, kind, status), with the file's change stamp when it was
# read: an unchanged file is not read again (21,804 people of a million records: 250-300 ms of a
# worker at every Edit, taking Python's lock from the window while the person starts typing).
_READ: dict[tuple[str, str, str | None], tuple[tuple[int, int, int], list[Record]]] = {}
_READ_LOCK = threading.Lock()
START_AFTER_MS = 100  # the read starts this long after the box asked (see _Fill)


def fill_choices(
    box: ChoiceBox,
    kb: KnowledgeBase,
    kind: Kind,
    *,
    label: Callable[[Record], str],
    value: Callable[[Record], Any],
    first: Sequence[Choice] = (),
    status: str | None = None,
    wanted: Callable[[Record], bool] = lambda _record: True,
    keep_missing: bool = False,
    then: Callable[[], None] | None = None,
) -> None:
    """`first`, then a choice per live record of `kind` (of `status`) that is `wanted`, in key order.
    `keep_missing`: a value the box holds that is not among them stays (a draft's owner).
    `then` runs once the box holds every choice."""

    def choices(records: Sequence[Record]) -> list[Choice]:
        return [*first, *((label(record), value(record)) for record in records if wanted(record))]

    _Fill.stop(box)
    if kb.path.stat().st_size < WORKER_BYTES:
        box.set_choices(choices(kb.listing.of_kind(kind, status=status)), keep_missing=keep_missing)
        if then is not None:
            then()
        return
    box.set_choices([*first, *box.held(first)], keep_missing=True)  # what it must show meanwhile
    _Fill(box, kb.path, kind, status, kb.history.stamp(), choices, keep_missing, then)


def _records(path: Any, kind: Kind, status: str | None, stamp: tuple[int, int, int]) -> list[Record]:
    """The live records of `kind` (of `status`): read on a connection of this thread, unless the
    file is unchanged since the last such read (its records are kept, not the choices: the
    boxes label them differently)."""
    key = (str(path), kind.value, status)
    with _READ_LOCK:
        known = _READ.get(key)
    if known is not None and known[0] == stamp:
        return known[1]
    from kbridge.core import KnowledgeBase

    with KnowledgeBase.open(path, initiator=Initiator.JOB) as own:
        records = own.listing.of_kind(kind, status=status)
    with _READ_LOCK:
        for other in [other for other in _READ if other[0] != key[0]]:
            del _READ[other]  # the lists of one file are kept, that of the window
        _READ[key] = (stamp, records)
    return records


class _Fill(QObject):
    """One worker read for one box; a child of the box (gone with it), the box's newest fill wins."""

    def __init__(self, box: ChoiceBox, path: Any, kind: Kind, status: str | None, stamp: tuple[int, int, int],
                 choices: Callable[[Sequence[Record]], list[Choice]], keep_missing: bool,
                 then: Callable[[], None] | None) -> None:
        super().__init__(box)
        self.box, self.keep_missing, self.then = box, keep_missing, then
        box.filling = self

        def work(_progress: Progress, _cancel: threading.Event) -> list[Choice]:
            # Labelled here too: 21,804 people labelled on the GUI thread held it 13-50 ms.
            return choices(_records(path, kind, status, stamp))

        job = Job("Reading choices", work)
        job.signals.finished.connect(self._on_job_finished)
        job.signals.failed.connect(self._on_job_failed)
        # Started once the window has painted what asked for the choices (the editor): started at
        # once, its thread took Python's lock from the GUI thread in the middle of that frame, whose
        # table calls Python for every cell (Edit held the window 53-62 ms, 26 of them the read's).
        # A timer, not a call queued for the next turn: those run in the same pass as the paint.
        # A lambda, which PySide holds: with a context object it does not hold a bound method's own
        # object (tests/ui/test_timer_callbacks.py), and nothing else holds the job until it starts.
        QTimer.singleShot(START_AFTER_MS, self, lambda: job.start())

    @staticmethod
    def stop(box: ChoiceBox) -> None:
        """The box is filled anew: the answer of a read still running is dropped."""
        box.filling = None

    def _on_job_finished(self, choices: list[Choice]) -> None:
        if self.box.filling is self:
            self.box.filling = None
            self.box.set_choices(choices, keep_missing=self.keep_missing)
            if self.then is not None:
                self.then()
        self.deleteLater()

    def _on_job_failed(self, error: Exception) -> None:
        from kbridge import diagnostics

        diagnostics.log_exception(error, "reading the choices of a list")  # the box keeps what it shows
        if self.box.filling is self:
            self.box.filling = None
        self.deleteLater()
