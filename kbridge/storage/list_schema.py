"""The record list's schema: the columns, triggers and indexes the list's questions are answered
from (kbridge.storage.listing), as each schema version made them (run by
kbridge.storage.migrations)."""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from kbridge.storage import list_words
from kbridge.storage.listing import _ORDER_COLUMN, HAYSTACK, KEY_ORDER, KIND_CODE, TAGS_ORDER, _index_name

# Each order's index holds the kind (the navigator's commonest filter), so that a window, a count or
# a position of a kind is read from that index alone, in its order. The key ends every order: two
# keys may share a natural order (ADR-01, ADR-1), never a key. Words, tags and statuses are the
# word index's (schema 6: the haystack, tags and status in all seven indexes were a third of the
# file's growth over its text).
_FILTERED = "key, kind_code"
_FILTERED_V6 = "key, kind"
_FILTERED_V4 = "key, kind, status, tags_order, haystack"


def create_list_columns(db: sqlite_utils.Database) -> None:
    """The columns, triggers and indexes of the list (schema 4)."""
    db.execute("ALTER TABLE records ADD COLUMN owner_order TEXT NOT NULL DEFAULT ''")
    for name, expression in (
        ("live", "deleted_at IS NULL"),
        ("key_order", KEY_ORDER),
        ("title_order", "lower(title)"),
        ("date_order", "ifnull(date, '')"),
        ("tags_order", TAGS_ORDER),
        ("haystack", HAYSTACK),
    ):
        db.execute(f"ALTER TABLE records ADD COLUMN {name} GENERATED ALWAYS AS ({expression}) VIRTUAL")
    _create_owner_triggers(db)
    db.execute(
        "UPDATE records SET owner_order = ifnull((SELECT lower(o.title) FROM records o "
        "WHERE o.uid = records.owner_uid), '') WHERE owner_uid IS NOT NULL"
    )
    db.execute("CREATE INDEX records_facets ON records (live, kind, status, key_order)")
    _create_order_indexes(db, _FILTERED_V4)


def _create_owner_triggers(db: sqlite_utils.Database) -> None:
    """owner_order follows the owner: set with the record, changed with its owner or the owner's
    title. Only when the value changes: a save writes every column, and a person's save rewrote
    every record they own (bench/storage_size.py: a restore of a person owning 291 records, 64 ms)."""
    for name in ("records_owner_set", "records_owner_changed", "records_owner_renamed"):
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    owner_title = "ifnull((SELECT lower(title) FROM records WHERE uid = new.owner_uid), '')"
    db.execute(
        "CREATE TRIGGER records_owner_set AFTER INSERT ON records WHEN new.owner_uid IS NOT NULL "
        f"BEGIN UPDATE records SET owner_order = {owner_title} WHERE uid = new.uid; END"
    )
    db.execute(
        "CREATE TRIGGER records_owner_changed AFTER UPDATE OF owner_uid ON records "
        "WHEN new.owner_uid IS NOT old.owner_uid "
        f"BEGIN UPDATE records SET owner_order = {owner_title} WHERE uid = new.uid; END"
    )
    db.execute(
        "CREATE TRIGGER records_owner_renamed AFTER UPDATE OF title ON records WHEN new.title IS NOT old.title "
        "BEGIN UPDATE records SET owner_order = lower(new.title) WHERE owner_uid = new.uid "
        "AND owner_order IS NOT lower(new.title); END"
    )


def create_kind_codes(db: sqlite_utils.Database, report: Callable[[float], None] = lambda fraction: None) -> None:
    """The kind as a number in the list's indexes (schema 7); `report` hears how far it is."""
    db.execute(f"ALTER TABLE records ADD COLUMN kind_code GENERATED ALWAYS AS ({KIND_CODE}) VIRTUAL")
    db.execute("DROP INDEX records_facets")
    db.execute("CREATE INDEX records_facets ON records (live, kind_code, status, key_order)")
    for order in _ORDER_COLUMN:
        db.execute(f"DROP INDEX {_index_name(order)}")
    shares = len(_ORDER_COLUMN) + 1
    _create_order_indexes(db, _FILTERED, lambda done: report((done + 1) / shares))


def create_word_index(db: sqlite_utils.Database, report: Callable[[float], None] = lambda fraction: None) -> None:
    """The word index, and the order indexes without the words and tags it now answers for
    (schema 6). `report` hears how far it is (each index a share; the word index two)."""
    _create_owner_triggers(db)
    for order in _ORDER_COLUMN:
        db.execute(f"DROP INDEX IF EXISTS {_index_name(order)}")
    shares = len(_ORDER_COLUMN) + 2
    _create_order_indexes(db, _FILTERED_V6, lambda done: report(done / shares))
    list_words.create(db)
    report(1.0)


def _create_order_indexes(
    db: sqlite_utils.Database, filtered: str, report: Callable[[int], None] = lambda done: None
) -> None:
    for done, (order, column) in enumerate(_ORDER_COLUMN.items(), start=1):
        leading = f"{column}, key_order" if column else "key_order"
        db.execute(f"CREATE INDEX {_index_name(order)} ON records (live, {leading}, {filtered})")
        report(done)
