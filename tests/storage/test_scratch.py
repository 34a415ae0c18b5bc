"""The scratch table behind an import's shelf: items found by indexed columns, walked in order a
page at a time while they are written to, and column names checked before they reach SQL."""

from __future__ import annotations

import pytest

from kbridge.storage import scratch
from kbridge.storage.scratch import ScratchTable


def test_items_are_found_by_an_indexed_column_in_the_order_asked() -> None:
    table = ScratchTable(indexed=("name", "place"), plain=("data",))
    first = table.add({"name": "a", "place": "2", "data": b"x"})
    second = table.add({"name": "b", "place": "1", "data": b"y"})
    third = table.add({"name": "a", "place": "0", "data": b"z"})
    assert (first, second, third) == (1, 2, 3) and len(table) == 3
    assert table.where("name", "a", "data") == [b"x", b"z"]
    assert table.where("name", "a", "data", "place") == [b"z", b"x"]
    assert table.where("name", "nobody", "id") == []
    assert table.first("name", "a", ("place", "data")) == ("2", b"x") and table.first("name", "c", ("data",)) is None
    assert table.exists("name", "b") and not table.exists("name", "c")
    assert table.set_where("name", "b", {"data": b"w"}) == 1
    assert table.first("name", "b", ("data",)) == (b"w",)
    assert table.set_where("name", "a", {"place": "9"}) == 2 and table.set_where("name", "c", {"place": "9"}) == 0
    assert table.where("place", "9", "data") == [b"x", b"z"]
    table.delete([first])
    assert table.where("name", "a", "id") == [third] and len(table) == 2
    table.close()


def test_a_walk_reads_every_item_once_in_order_while_the_items_are_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scratch, "PAGE_ROWS", 7)
    table = ScratchTable(indexed=("order_key",), plain=("value",))
    for number in range(50):
        table.add({"order_key": f"{(number * 37) % 50:03d}", "value": number})
    seen = []
    for key, value in table.walk("order_key", ("order_key", "value")):
        seen.append(key)
        table.set_where("order_key", key, {"value": value + 1000})  # written to between pages
    assert seen == [f"{n:03d}" for n in range(50)]
    assert sorted(value for (value,) in table.walk("order_key", ("value",))) == list(range(1000, 1050))
    table.set_many("value", ((item_id, 0) for item_id in range(1, 11)))
    assert [value for (value,) in table.walk("order_key", ("value",)) if value == 0] == [0] * 10


@pytest.mark.parametrize("name", ["data; DROP TABLE items", "Name", "x y", "id", ""])
def test_a_column_name_that_is_not_declared_never_reaches_a_statement(name: str) -> None:
    table = ScratchTable(indexed=("name",), plain=("data",))
    with pytest.raises(ValueError):
        table.add({name: 1})
    with pytest.raises(ValueError):
        table.where(name, 1, "data")
    with pytest.raises(ValueError):
        list(table.walk(name, ("data",)))
    with pytest.raises(ValueError):
        ScratchTable(indexed=(name,))
    table.add({"name": "kept"})
    assert len(table) == 1
