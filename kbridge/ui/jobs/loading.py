"""Reading a knowledge base's records for the window, on whichever thread is asked to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kbridge.model import Record, natural_key

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase


class LoadedRecords:
    """What opening a knowledge base reads, possibly on a worker thread: every record summary in
    key order (trash included), sorted away from the GUI thread."""

    def __init__(self, records: list[Record]) -> None:
        self.records = records

    @classmethod
    def read(cls, kb: KnowledgeBase) -> LoadedRecords:
        records = sorted(kb.list_summaries(deleted=None), key=lambda record: natural_key(record.key))
        return cls(records)
