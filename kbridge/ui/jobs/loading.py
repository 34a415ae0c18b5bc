"""Reading what the window shows beside the list (the navigator's counts), on whichever thread is
asked to: the list itself reads its rows by window (kbridge.ui.models.record_table_model)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
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


def reading_counts(path: Path) -> Callable[[object, threading.Event], LoadedRecords]:
    """A worker's job: the navigator's counts, read through a connection of its own."""

    def work(_progress: object, _cancel: threading.Event) -> LoadedRecords:
        from kbridge.core import KnowledgeBase

        with KnowledgeBase.open(path) as kb:
            return LoadedRecords.read(kb)

    return work
