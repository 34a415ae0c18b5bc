"""What a long operation is given (`Progress`, `Cancel`) and what every mutation returns (`OpResult`,
`RecordResult` when it names one record)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from kbridge.model.records import Changes

# Called with (done, total, what is being done now); total 0 when unknown.
Progress = Callable[[int, int, str], None]
# Asked now and then by a long operation: True when it should stop.
Cancel = Callable[[], bool]


class Initiator(str, Enum):
    """Who caused a change: views use it to word what they show and to refresh once."""

    WINDOW = "window"  # a person, in the window
    JOB = "job"  # a background job the window started (import, sync, restore of a backup)
    CLI = "cli"  # a command of the command line
    OTHER_PROCESS = "other-process"  # noticed in the file, made by another process
    SCRIPT = "script"  # a program using kbridge as a library (and the tests)


@dataclass(frozen=True)
class OpResult:
    """The outcome of one mutation: what it changed and who caused it. Listeners hear the same
    `changes` (once, when the transaction commits); a job hands them to the window with this."""

    changes: Changes
    initiator: Initiator

    def __bool__(self) -> bool:
        return bool(self.changes)


@dataclass(frozen=True)
class RecordResult(OpResult):
    """The outcome of a mutation of one record (created, changed, linked): which one."""

    uid: str
    key: str
