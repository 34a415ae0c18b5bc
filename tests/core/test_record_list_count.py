"""The whole list's count read ahead by the worker that opens a large file
(RecordListing.count_ahead): used once, by the window's first count of its whole list, and only
while nobody has written since."""

from __future__ import annotations

from pathlib import Path

from kbridge.core import KnowledgeBase
from kbridge.model.listing import ListOrder, ListQuery


def _counting(kb: KnowledgeBase) -> list[str]:
    asked: list[str] = []
    kb._store.db.conn.set_trace_callback(lambda sql: asked.append(sql) if "count(" in sql else None)
    return asked


def test_the_count_read_ahead_is_used_once_by_the_whole_lists_count(tmp_path: Path) -> None:
    kb = KnowledgeBase.init(tmp_path / "kb.kbridge")
    for number in range(3):
        kb.create("decision", f"Decision {number}")
    kb.listing.count_ahead()
    asked = _counting(kb)
    assert kb.listing.count(ListQuery(order=ListOrder.TITLE, descending=True)) == 3
    assert asked == [], "counted again"
    assert kb.listing.count(ListQuery()) == 3
    assert asked, "the count read ahead was used twice"
    kb.close()


def test_a_write_by_another_connection_or_a_narrower_list_is_counted_anew(tmp_path: Path) -> None:
    path = tmp_path / "kb.kbridge"
    kb = KnowledgeBase.init(path)
    kb.create("decision", "Use Vault")
    kb.listing.count_ahead()
    with KnowledgeBase.open(path) as other:
        other.create("decision", "Rotate keys")
    assert kb.listing.count(ListQuery()) == 2
    kb.listing.count_ahead()
    assert kb.listing.count(ListQuery(kind="system")) == 0
    kb.close()
