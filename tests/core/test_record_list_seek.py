"""A record's page read from its place in the list's order (listing.window_at: a seek, where a
window walked from an end passed half a million index entries), and a long list's whole order
read ahead (RecordListing.keep_whole_order): the same rows and places as storage walks to."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase, record_list
from kbridge.model.listing import ListOrder, ListQuery
from kbridge.storage import listing

WORDS = ("vault", "ledger", "kafka", "engineer")


@pytest.fixture(scope="module")
def file_of_240(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """240 records with repeated titles, dates and owners (the key breaks ties), three in the trash."""
    path = tmp_path_factory.mktemp("seek") / "seek.kbridge"
    rng = random.Random(7)
    with KnowledgeBase.init(path) as kb, kb.transaction():
        people = [kb.create("person", name).uid for name in ("Ada", "Alan", "Grace")]
        for number in range(240):
            kind = rng.choice(("decision", "note", "system"))
            kb.create(kind, f"{rng.choice(WORDS).title()} {rng.randint(1, 9)}", tags=[rng.choice(WORDS)],
                      date=rng.choice([None, f"2024-0{rng.randint(1, 9)}-1{number % 10}"]),
                      owner=rng.choice([None, *people]), key=f"{kind[:3].upper()}-{number}")
        for record in kb.list_records()[5:8]:
            kb.delete(record.key)
    return path


@pytest.fixture
def kb(file_of_240: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[KnowledgeBase]:
    """A copy of the module's knowledge base, whose lists of 50 rows count as long."""
    monkeypatch.setattr(record_list, "ORDER_KEPT_FROM", 50)
    copy = tmp_path / "seek.kbridge"
    copy.write_bytes(file_of_240.read_bytes())
    with KnowledgeBase.open(copy) as kb:
        yield kb


QUERIES = [
    ListQuery(),
    ListQuery(descending=True),
    *(ListQuery(order=order, descending=descending) for order in ListOrder for descending in (False, True)),
    ListQuery(kind="decision", order=ListOrder.DATE),
    ListQuery(trash=True),
    ListQuery(logs=frozenset({"not"}), order=ListOrder.TITLE, descending=True),
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: f"{q.kind or 'all'}-{q.order.value}-{q.descending}")
def test_pages_read_from_a_records_place_are_the_pages_walked_to(kb: KnowledgeBase, query: ListQuery) -> None:
    db = kb._store.db
    total = listing.count(db, query)
    expected = [record.uid for record in listing.window(db, query, 0, total + 1)]
    assert len(expected) == total > 0
    for row in range(0, total, max(1, total // 9)):
        uid = expected[row]
        assert listing.position(db, query, uid) == row
        for offset, limit in ((row - 5, 20), (row, 7), (row - 30, 10), (row + 3, 12), (0, total + 5)):
            got = listing.window_at(db, query, uid, row, offset, limit)
            assert got is not None
            start = max(0, offset)  # as `listing.window`: an offset before the first row reads from it
            assert [record.uid for record in got] == expected[start:start + limit], (row, offset)


def test_a_filtered_list_or_a_record_it_does_not_show_is_walked_to_instead(kb: KnowledgeBase) -> None:
    db = kb._store.db
    shown = listing.window(db, ListQuery(words=("vault",)), 0, 1)[0]
    assert listing.window_at(db, ListQuery(words=("vault",)), shown.uid, 0, 0, 5) is None
    gone = kb.list_records(deleted=True)[0]
    assert listing.window_at(db, ListQuery(), gone.uid, 3, 0, 5) is None
    listed = kb.listing  # RecordListing answers it as any window then
    assert [r.uid for r in listed.window_at(ListQuery(words=("vault",)), shown.uid, 0, 0, 5)] == [
        r.uid for r in listing.window(db, ListQuery(words=("vault",)), 0, 5)]


@pytest.mark.parametrize("query", [ListQuery(), ListQuery(order=ListOrder.OWNER, descending=True),
                                   ListQuery(words=("ledger",), order=ListOrder.DATE)],
                         ids=["all", "owner-desc", "ledger-date"])
def test_a_long_lists_whole_order_is_kept_and_answers_as_storage(kb: KnowledgeBase, query: ListQuery) -> None:
    db = kb._store.db
    total = listing.count(db, query)
    expected = [record.uid for record in listing.window(db, query, 0, total)]
    listed = kb.listing
    assert listed.keep_whole_order(query, total)
    assert not listed.keep_whole_order(query, total)  # once, while the file is unchanged
    for row in range(0, total, 13):
        assert listed.position(query, expected[row]) == row
        around = listed.window_at(query, expected[row], row, row - 4, 8)
        assert [r.uid for r in around] == expected[max(0, row - 4):row + 4]
    last = kb.find(expected[-1])
    assert last is not None
    kb.update(last.key, title="Aaaa first")
    moved = listing.position(db, query, expected[-1])
    assert listed.position(query, expected[-1]) == moved  # the kept order is stale: storage answers
    assert listed.keep_whole_order(query, total)  # and it is read again


def test_a_short_list_or_a_stopped_read_keeps_no_order(kb: KnowledgeBase) -> None:
    query = ListQuery(kind="person")
    assert not kb.listing.keep_whole_order(query, kb.listing.count(query))  # 3 rows: walked to at once
    total = kb.listing.count(ListQuery())
    assert not kb.listing.keep_whole_order(ListQuery(), total, stop=lambda: True)
    assert kb.listing._kept_order(ListQuery()) is None
