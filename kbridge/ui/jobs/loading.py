"""Reading what the window shows beside the list (the navigator's counts), on whichever thread is
asked to: the list itself reads its rows by window (kbridge.ui.models.record_table_model)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kbridge.model.listing import ListFacets

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase


class LoadedRecords:
    """What opening a knowledge base reads, possibly on a worker thread: the navigator's counts."""

    def __init__(self, facets: ListFacets) -> None:
        self.facets = facets

    @classmethod
    def read(cls, kb: KnowledgeBase) -> LoadedRecords:
        return cls(kb.listing.facets())
