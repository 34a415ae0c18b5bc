"""What every manager of the `KnowledgeBase` facade (`kb.links`, `kb.history`, ...) is given."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kbridge.core.knowledge_base import KnowledgeBase
    from kbridge.storage import Store


class Manager:
    """One concern of the facade, as Anki's collection has its managers: the facade for reading
    records and for transactions (and the results they return), the store for the rest."""

    def __init__(self, kb: KnowledgeBase, store: Store) -> None:
        self._kb = kb
        self._store = store
