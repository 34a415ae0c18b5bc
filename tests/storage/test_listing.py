"""The record list's SQL (kbridge.storage.listing): every order, filter, position and count agrees
with the same question answered in Python over every record; old files gain the list columns."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kbridge.core import KnowledgeBase
from kbridge.model import Kind, Record, natural_key
from kbridge.model.listing import ListOrder, ListQuery
from kbridge.storage import Store

SORT_KEYS: dict[ListOrder, Callable[[Record], Any]] = {
    ListOrder.KEY: lambda r: (natural_key(r.key), r.key),
    ListOrder.TITLE: lambda r: (r.title.lower(), natural_key(r.key), r.key),
    ListOrder.STATUS: lambda r: (r.status, natural_key(r.key), r.key),
    ListOrder.DATE: lambda r: (r.date or "", natural_key(r.key), r.key),
    ListOrder.OWNER: lambda r: ((r.owner_name or "").lower(), natural_key(r.key), r.key),
    ListOrder.TAGS: lambda r: (",".join(r.tags), natural_key(r.key), r.key),
}


@pytest.fixture
def varied(kb: KnowledgeBase) -> KnowledgeBase:
    kb.create(Kind.PERSON, "Zoë Quinn", key="PER-1")
    kb.create(Kind.PERSON, "adam Baker", key="PER-2")
    keys = ["ADR-1", "ADR-0010", "ADR-0009", "ADR-0100", "ADR-0020-2", "INFRA-0003", "ADR-X", "SYS-2", "SYS-10", "7"]
    for n, key in enumerate(keys):
        kb.create(
            Kind.SYSTEM if key.startswith("SYS") else Kind.DECISION,
            f"{'Vault' if n % 3 == 0 else 'kafka'} rotation {n} 100%_done" if n % 2 else f"Title {n}",
            key=key,
            status="accepted" if key.startswith(("ADR", "INFRA")) and n % 2 else None,
            tags=["pci", "audit"] if n % 3 == 0 else (["vault"] if n % 3 == 1 else []),
            owner=("PER-1" if n % 2 else "PER-2") if n % 4 else None,
            date=f"20{10 + n}-01-0{1 + n % 9}" if n % 5 else None,
        )
    kb.delete("ADR-0100")
    return kb


def _all(kb: KnowledgeBase, query: ListQuery) -> list[Record]:
    return kb.listing.window(query, 0, 10_000)


def _python(kb: KnowledgeBase, query: ListQuery) -> list[str]:
    def shown(r: Record) -> bool:
        text = f"{r.key} {r.title} {r.status} {r.owner_name or ''} {' '.join(r.tags)}".lower()
        return (
            r.deleted == query.trash
            and query.kind in (None, r.kind.value)
            and query.status in (None, r.status)
            and (query.tag is None or query.tag in r.tags)
            and (query.keys is None or r.key in query.keys)
            and all(word.lower() in text for word in query.words)
        )

    chosen = [r for r in kb.list_summaries(deleted=None) if shown(r)]
    chosen.sort(key=SORT_KEYS[query.order], reverse=query.descending)
    return [r.key for r in chosen]


@pytest.mark.parametrize("order", list(ListOrder))
@pytest.mark.parametrize("descending", [False, True])
def test_every_order_is_the_python_order(varied: KnowledgeBase, order: ListOrder, descending: bool) -> None:
    query = ListQuery(order=order, descending=descending)
    expected = _python(varied, query)
    assert [r.key for r in _all(varied, query)] == expected
    assert varied.listing.count(query) == len(expected) == 11
    # Windows are slices of the whole, and every record's position is its place in it.
    assert [r.key for r in varied.listing.window(query, 3, 4)] == expected[3:7]
    # Read from the end when the count is known: the same rows, in the same order.
    for offset in range(5, 12):
        assert [r.key for r in varied.listing.window(query, offset, 4, total=11)] == expected[offset:offset + 4]
    for row, key in enumerate(expected):
        assert varied.listing.position(query, varied.get(key).uid) == row


@pytest.mark.parametrize(
    "query",
    [
        ListQuery(kind="system"),
        ListQuery(kind="decision", status="accepted"),
        ListQuery(tag="pci"),
        ListQuery(tag="aud"),  # a tag is matched whole
        ListQuery(keys=frozenset({"ADR-1", "SYS-2", "NOPE"})),
        ListQuery(trash=True),
        ListQuery(words=("vault",)),
        ListQuery(words=("ROT", "quinn")),  # any case, in the owner's name too
        ListQuery(words=("adr-00",)),
        ListQuery(words=("100%_",)),  # LIKE's wildcards are plain characters in a filter
        ListQuery(words=("%",)),
        ListQuery(words=("_d",)),
        ListQuery(words=("pci",), order=ListOrder.TITLE, descending=True),
    ],
)
def test_filters_are_the_python_filters(varied: KnowledgeBase, query: ListQuery) -> None:
    expected = _python(varied, query)
    assert [r.key for r in _all(varied, query)] == expected
    assert varied.listing.count(query) == len(expected)
    outside = {r.uid for r in varied.list_summaries(deleted=None) if r.key not in expected}
    assert all(varied.listing.position(query, uid) is None for uid in outside)


def test_a_renamed_owner_sorts_under_the_new_name(varied: KnowledgeBase) -> None:
    query = ListQuery(order=ListOrder.OWNER)
    varied.update("PER-1", title="Aaron Able")
    varied.update("ADR-1", owner="PER-2")
    assert [r.key for r in _all(varied, query)] == _python(varied, query)
    window = {r.key: r for r in _all(varied, query)}
    assert window["ADR-0010"].owner_name == "Aaron Able" and window["ADR-1"].owner_key == "PER-2"


def test_facets_count_what_the_lists_show(varied: KnowledgeBase) -> None:
    facets = varied.listing.facets()
    live = varied.list_summaries()
    assert (facets.live, facets.trash) == (len(live), 1)
    assert facets.kinds == {"decision": 7, "person": 2, "system": 2}
    for (kind, status), number in facets.statuses.items():
        assert varied.listing.count(ListQuery(kind=kind, status=status)) == number
    assert facets.tags == Counter(tag for r in live for tag in r.tags) == {"pci": 3, "audit": 3, "vault": 3}
    # ADR-0020-2 is in log ADR; keys without a prefix and a number (ADR-X, 7) are in no log.
    assert facets.logs == {"ADR": 4, "INFRA": 1}
    assert [r.key for r in _all(varied, ListQuery(kind="decision", logs=facets.log_prefixes["ADR"]))] == [
        "ADR-1", "ADR-0009", "ADR-0010", "ADR-0020-2"
    ]


def test_an_old_file_gains_the_list_columns(tmp_path: Path) -> None:
    """A file of schema 3 (before the list columns) migrates in place, owners' names filled."""
    path = tmp_path / "old.kbridge"
    store = Store.open(path, create=True)
    store.close()
    conn = sqlite3.connect(path)
    with conn:
        for table in ("files", "revisions", "links", "records"):
            conn.execute(f"DELETE FROM {table}")
        orders = [f"records_by_{order.value}" for order in ListOrder if order is not ListOrder.KEY]
        for name in ("records_list", "records_facets", *orders):
            conn.execute(f"DROP INDEX {name}")
        for name in ("records_owner_set", "records_owner_changed", "records_owner_renamed"):
            conn.execute(f"DROP TRIGGER {name}")
        for column in ("haystack", "live", "key_order", "title_order", "date_order", "tags_order", "owner_order"):
            conn.execute(f"ALTER TABLE records DROP COLUMN {column}")
        row = (
            "INSERT INTO records (uid, key, kind, title, owner_uid, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, 'x', 'x')"
        )
        conn.execute(row, ["p", "PER-1", "person", "Zed", None])
        conn.execute(row, ["a", "ADR-10", "decision", "Ten", "p"])
        conn.execute(row, ["b", "ADR-9", "decision", "Nine", None])
        conn.execute("PRAGMA user_version = 3")  # before the list columns (schema 4)
    conn.close()
    with KnowledgeBase.open(path) as kb:
        assert [r.key for r in kb.listing.window(ListQuery(), 0, 10)] == ["ADR-9", "ADR-10", "PER-1"]
        assert [r.key for r in kb.listing.window(ListQuery(order=ListOrder.OWNER, descending=True), 0, 1)] == ["ADR-10"]
