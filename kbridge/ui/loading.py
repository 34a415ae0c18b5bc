"""Reading a knowledge base's records for the window, on whichever thread is asked to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kbridge.model import Record
from kbridge.ui.record_table_model import natural_key
from kbridge.ui.search_service import Searcher, TitleSearcher, has_index

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase


class LoadedRecords:
    """What opening a knowledge base reads, possibly on a worker thread: every record summary in
    key order (trash included) and, without a full-text index, a search over their keys and
    titles, both built away from the GUI thread."""

    def __init__(self, records: list[Record], searcher: Searcher | None) -> None:
        self.records = records
        self.searcher = searcher

    @classmethod
    def read(cls, kb: KnowledgeBase) -> LoadedRecords:
        records = sorted(kb.list_summaries(deleted=None), key=lambda record: natural_key(record.key))
        # With a full-text index the window searches it (on its own KnowledgeBase); without one,
        # keys and titles are searched in memory.
        return cls(records, None if has_index(kb) else TitleSearcher(records))
