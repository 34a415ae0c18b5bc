"""Filling a ChoiceBox with the people or the systems of a knowledge base, off the GUI thread when
the file is large.

At a million records, reading 21,804 people took 262 ms and 80,215 systems a second (the rows are
spread over the file): the editor opened that much later, the Recovery tab froze on each change.
On a file of WORKER_BYTES or more the box shows what it must at once (its first choices and the
value it holds) and a worker reads the rest over a connection of its own; the newest fill of a
box wins. A smaller file is read at once, as before."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer

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

    box.filling = None  # the answer of a read still running is dropped
    if kb.path.stat().st_size < WORKER_BYTES:
        box.set_choices(choices(kb.listing.of_kind(kind, status=status)), keep_missing=keep_missing)
        if then is not None:
            then()
        return
    box.set_choices([*first, *box.held(first)], keep_missing=True)  # what it must show meanwhile
    path, stamp = kb.path, kb.history.stamp()
    # Labelled on the worker too: 21,804 people labelled on the GUI thread held it 13-50 ms.
    _Reader.of(box).read(lambda: choices(_records(path, kind, status, stamp)), keep_missing, then)


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


_SERIALS = itertools.count(1)
_Answer = tuple[int, "list[Choice] | None", "Exception | None"]  # the read's serial, its choices or error


@dataclass(eq=False)
class _Read:
    """One read of a box's choices: the box's `filling` while it runs; the newest read wins."""

    serial: int
    job: Job
    keep_missing: bool
    then: Callable[[], None] | None


class _Reader(QObject):
    """The one reader of a box's choices: a child of the box, made at its first read on a worker
    and gone with it. Each read is a job whose answer comes back to this object.

    Not an object per read, deleted (deleteLater) once answered: that took the process down now
    and then under PySide6 6.11, a double delete in QObject's destructor (the CI's Reassign test;
    3 of 4 runs of the 40 dialogs of tests/ui/test_choice_boxes.py, none since). This one is
    never deleted before its box."""

    def __init__(self, box: ChoiceBox) -> None:
        super().__init__(box)
        self.box = box
        self.timer = QTimer(self, singleShot=True, interval=START_AFTER_MS)
        self.timer.timeout.connect(self._on_timer_timeout)

    @staticmethod
    def of(box: ChoiceBox) -> _Reader:
        reader = box.findChild(_Reader, options=Qt.FindChildOption.FindDirectChildrenOnly)
        return reader if reader is not None else _Reader(box)

    def read(self, work: Callable[[], list[Choice]], keep_missing: bool, then: Callable[[], None] | None) -> None:
        serial = next(_SERIALS)

        def guarded(_progress: Progress, _cancel: threading.Event) -> _Answer:
            try:
                return serial, work(), None
            except Exception as error:  # the box keeps what it shows; said on the GUI thread
                return serial, None, error

        job = Job("Reading choices", guarded)
        job.signals.finished.connect(self._on_job_finished)
        self.box.filling = _Read(serial, job, keep_missing, then)
        # Started once the window has painted what asked for the choices (the editor): started at
        # once, its thread took Python's lock from the GUI thread in the middle of that frame, whose
        # table calls Python for every cell (Edit held the window 53-62 ms, 26 of them the read's).
        # A timer, not a call queued for the next turn: those run in the same pass as the paint.
        # Every read restarts the timer: a read replaced before its turn never starts.
        self.timer.start()

    def _on_timer_timeout(self) -> None:
        newest = self.box.filling  # None: the box was filled at once meanwhile
        if isinstance(newest, _Read):
            newest.job.start()

    def _on_job_finished(self, answer: _Answer) -> None:
        serial, choices, error = answer
        read = self.box.filling
        if not isinstance(read, _Read) or read.serial != serial:
            return  # an older read, or the box was filled anew meanwhile
        self.box.filling = None
        if error is not None or choices is None:
            from kbridge import diagnostics

            diagnostics.log_exception(error or ValueError("no choices"), "reading the choices of a list")
            return
        self.box.set_choices(choices, keep_missing=read.keep_missing)
        if read.then is not None:
            read.then()
