"""The record list's SQL: how many records a list shows, which ones sit at rows offset..offset+n,
where one record sits, and the whole order of a long list, all answered from indexes (the
navigator's counts and the choosers' lists: kbridge.storage.list_facets).

Each order a list can take is a column (computed by SQLite, or kept by triggers for the owner's
name, which lives in another row) with an index that starts with "is it live" and ends with the
key's natural order, so that a window is read in index order and a count never touches the wide
rows that hold the bodies. Lower-casing for sorting is SQLite's (ASCII letters only), so "Ä" and
"ä" sort apart: the price of answering in SQL, noted in the list's docs. The filter field's words
and the navigator's tag are looked up in the word index (kbridge.storage.list_words), which folds
case and accents; near either end of a list its matches among the entries walked are read, and
further a map of all its matches (one byte a record, bound as a blob) is read once and the order's
index is walked keeping the rows it marks. The columns, triggers and indexes themselves are made
by kbridge.storage.list_schema."""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

import sqlite_utils

from kbridge.model import Kind, Record
from kbridge.model.listing import ListOrder, ListQuery
from kbridge.storage import list_words

# The key's natural order as text: "ADR-0010" after "ADR-0009", "SYS-2" before "SYS-10" (the prefix
# lower-cased, then the number's length, then its digits); a key without a number sorts as itself,
# before the numbered keys of the same prefix: kbridge.model.natural_key's order, in SQL.
_STEM = "rtrim(key, '0123456789')"
_DIGITS = f"substr(key, length({_STEM}) + 1)"
_NUMBER = f"ltrim({_DIGITS}, '0')"
_NUMBERED = f"({_DIGITS} <> '' AND ({_STEM} = '' OR substr({_STEM}, -1) = '-'))"
KEY_ORDER = (
    f"CASE WHEN {_NUMBERED} THEN lower(substr({_STEM}, 1, max(length({_STEM}) - 1, 0))) || char(1) "
    f"|| printf('%03d', length({_NUMBER})) || {_NUMBER} ELSE lower(key) || char(0) || key END"
)
# Tags as the list shows them ("a, b" -> "a,b"); stored as JSON by kbridge.storage.store.
TAGS_ORDER = (
    "CASE WHEN tags = '[]' THEN '' ELSE replace(replace(replace(tags, '[\"', ''), '\"]', ''), '\", \"', ',') END"
)
# What the filter field's words were looked for in before the word index (schema 4 and 5; the
# column stays, unused and computed by nobody: a virtual column costs nothing).
HAYSTACK = (
    f"lower(key) || ' ' || lower(title) || ' ' || lower(status) || ' ' || owner_order || ' ' || ({TAGS_ORDER})"
)
# The decision log a key belongs to, as stored (the lower-cased prefix before its number).
LOG_PREFIX = "substr(key_order, 1, max(instr(key_order, char(1)) - 1, 0))"

_T = TypeVar("_T")
# Up to this many matches, a filtered list is read by looking its rows up and sorting them; past
# it, by walking its order's index (bench/list_bench.py: a few milliseconds either way there).
FEW_MATCHES = 2000
# Up to this many index entries walked, a window asks the word index about each (see `_near`).
NEAR_WALK = 2500
# The rowids such a walk passed lie this many times closer together than all the records' at
# most: the word index is then asked for its matches among them only (see `_near_window`).
NARROW_SPAN = 8
ORDER_PART = 20_000  # rows of a list's whole order read between two looks at whether to stop

_ORDER_COLUMN = {
    ListOrder.KEY: None,
    ListOrder.TITLE: "title_order",
    ListOrder.STATUS: "status",
    ListOrder.DATE: "date_order",
    ListOrder.OWNER: "owner_order",
    ListOrder.TAGS: "tags_order",
}
# The kind in the list's indexes as a number (schema 7): one byte where its name took eight, in
# eight indexes (bench/storage_size.py: a seventh of their size). Never renumbered: a file's
# `kind_code` column and indexes hold these numbers (a kind added later, not here, is kept as its
# name, in the column and in the questions alike).
_KIND_CODES = {
    "decision": 1, "system": 2, "control": 3, "risk": 4, "incident": 5, "requirement": 6, "event": 7,
    "person": 8, "note": 9, "template": 10,
}
KIND_NAMES = {code: name for name, code in _KIND_CODES.items()}
KIND_CODE = f"CASE kind {' '.join(f'WHEN {name!r} THEN {code}' for name, code in _KIND_CODES.items())} ELSE kind END"
_MATCHES = f"rowid IN (SELECT rowid FROM {list_words.TABLE} WHERE {list_words.TABLE} MATCH ?)"
# A row among the matches of its map (`matched`), bound as a blob: one byte read, not a search.
_MARKED = "substr(?, rowid + 1, 1) = x'01'"
_MATCHES_ONE = (
    f"EXISTS (SELECT 1 FROM {list_words.TABLE} w WHERE {list_words.TABLE} MATCH ? AND w.rowid = records.rowid)"
)
_SUMMARY = (
    "SELECT r.rowid, r.uid, r.key, r.kind, r.title, r.status, r.tags, r.owner_uid, r.date, r.review_by, "
    "r.created_at, r.updated_at, r.deleted_at, o.key, o.title FROM records r "
    "LEFT JOIN records o ON o.uid = r.owner_uid"
)


def kind_code(kind: str) -> int | str:
    """What the `kind_code` column holds for `kind` (what a question about a kind asks for)."""
    return _KIND_CODES.get(kind, kind)


def count(db: sqlite_utils.Database, query: ListQuery) -> int:
    return _words_answer(lambda answered: _count(db, answered), query)


def window(
    db: sqlite_utils.Database, query: ListQuery, offset: int, limit: int, *, total: int | None = None
) -> list[Record]:
    """The summaries (no body, fields or source) at rows offset..offset+limit of the list. Given
    the list's `total`, a window in its second half is read from the end, in the opposite order:
    an OFFSET walks the index up to the window, a million entries for the last rows."""
    return _words_answer(lambda answered: _window(db, answered, offset, limit, total), query)


def position(db: sqlite_utils.Database, query: ListQuery, uid: str) -> int | None:
    """The row of record `uid` in the list, or None when the list does not show it."""
    return _words_answer(lambda answered: _position(db, answered, uid), query)


def _words_answer(answer: Callable[[ListQuery], _T], query: ListQuery) -> _T:
    """`answer(query)`; for a typed word the index reads as two (a letter SQLite's Unicode tables
    do not know), the answer for its parts of ASCII letters and digits."""
    try:
        return answer(query)
    except sqlite3.OperationalError as error:
        if not list_words.is_phrase_error(error):
            raise
        return answer(replace(query, words=list_words.ascii_words(query)))


def _count(db: sqlite_utils.Database, query: ListQuery) -> int:
    if list_words.needs_index(query) and query.keys is None:
        return list_words.count(db, query)
    where, params = _where(db, query)
    row = db.execute(f"SELECT count(*) FROM records {_index(query)} WHERE {where}", params).fetchone()
    return int(row[0])


def _window(db: sqlite_utils.Database, query: ListQuery, offset: int, limit: int, total: int | None) -> list[Record]:
    offset, limit = max(0, offset), max(0, limit)
    from_end = total is not None and offset > total // 2
    if from_end:
        assert total is not None
        end = min(offset + limit, total)
        query = replace(query, descending=not query.descending)
        offset, limit = total - end, max(0, end - offset)
    walk = _walk(db, query, total)
    ids = None
    if walk != "NOT INDEXED" and list_words.needs_index(query) and _near(db, query, offset + limit, total):
        ids = _near_window(db, query, offset, limit, total)
    if ids is None:
        where, params = _walked_where(db, query, walk)
        ids = [
            row[0]
            for row in db.execute(
                f"SELECT rowid FROM records {walk} WHERE {where} ORDER BY {_order_by(query)} LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
        ]
    if from_end:
        ids.reverse()
    return rows(db, ids)


def rows(db: sqlite_utils.Database, ids: list[int]) -> list[Record]:
    """The summaries of the records of these rowids, in their order (one that is gone is left out)."""
    if not ids:
        return []
    found = {
        row[0]: _summary(row)
        for row in db.execute(f"{_SUMMARY} WHERE r.rowid IN (SELECT value FROM json_each(?))", [json.dumps(ids)])
    }
    return [found[rowid] for rowid in ids if rowid in found]


def order(
    db: sqlite_utils.Database, query: ListQuery, total: int | None = None, *, stop: Callable[[], bool] = lambda: False
) -> array[int] | None:
    """The rowids of the whole list, in its order: a page far from both ends is then a slice and
    a row's place an index (a million records: 0.3 s, 8 MB; a word in 6 of 10 of them, by title:
    1.2 s, against 0.5 s for each page in the middle walked to). None when `stop()` became true
    while it read (its SQL interrupted by another thread, or between two parts of the rows)."""

    def read(answered: ListQuery) -> array[int] | None:
        walk = _walk(db, answered, total)
        where, params = _walked_where(db, answered, walk)
        cursor = db.execute(
            f"SELECT rowid FROM records {walk} WHERE {where} ORDER BY {_order_by(answered)}", params)
        found = array("q")
        while part := cursor.fetchmany(ORDER_PART):
            if stop():
                return None
            found.extend(row[0] for row in part)
        return found

    return interrupted_as_none(lambda: _words_answer(read, query), stop)


def matched(db: sqlite_utils.Database, query: ListQuery) -> bytes:
    """The records the word index matches for `query`, as a map of rowids (list_words.match_map)."""
    return _words_answer(lambda answered: list_words.match_map(db, answered), query)


def read_matches(db: sqlite_utils.Database, query: ListQuery, *, stop: Callable[[], bool] = lambda: False) -> bool:
    """Read the map of matches of `query` ahead (`list_words.read_match_map`), for the walks to a
    long list's far pages; whether it is read whole (not when `stop()` became true first, its SQL
    interrupted or between two ranges of rowids: what was read is kept for the next read)."""
    marks = interrupted_as_none(
        lambda: _words_answer(lambda answered: list_words.read_match_map(db, answered, stop), query), stop)
    return marks is not None


def _walked_where(db: sqlite_utils.Database, query: ListQuery, walk: str) -> tuple[str, list[Any]]:
    """The conditions of `query` for a walk along its order's index (`walk`): a match of the word
    index is then a byte of its map of matches (`matched`), looked up by the row's rowid in the
    map bound as a blob: 0.12 us an entry, where an IN list of the matches cost 0.85 us (the
    middle of a word in 6 of a million records by title: 454-502 ms -> 58-60 ms, and 60 ms
    for the map once). A list of few matches, looked up and sorted, asks the IN list."""
    if walk == "NOT INDEXED" or not list_words.needs_index(query):
        return _where(db, query)
    where, params = _where(db, query, matches=None)
    return f"{where} AND {_MARKED}", [*params, matched(db, query)]


def interrupted_as_none(read: Callable[[], _T], stop: Callable[[], bool]) -> _T | None:
    """`read()`, or None when its SQL was interrupted because `stop()` became true (Store.interrupt)."""
    try:
        return read()
    except sqlite3.OperationalError:
        if stop():
            return None
        raise


def plain_order_part(
    db: sqlite_utils.Database, by: ListOrder, after: tuple[Any, ...] | None, limit: int,
    *, stop: Callable[[], bool] = lambda: False,
) -> tuple[list[int], tuple[Any, ...] | None] | None:
    """The rowids of up to `limit` live records sorted `by` a column, ascending, from the first
    one after the record whose sort values are `after` (from the start when None), and the sort
    values of the last one (None when there was none): every record's order read in parts, a
    stopped read going on from where it was (a million records: 0.28 s in parts of 20,000,
    against 0.23 s in one statement). None when `stop()` became true while it read (its SQL
    interrupted by another thread)."""
    query = ListQuery(order=by)
    where, params = _where(db, query)
    if after is not None:
        where, params = f"{where} AND {_beyond(query, '>')}", [*params, *after]

    def read() -> tuple[list[int], tuple[Any, ...] | None]:
        found = [row[0] for row in db.execute(
            f"SELECT rowid FROM records {_index(query)} WHERE {where} ORDER BY {_order_by(query)} LIMIT ?",
            [*params, limit])]
        if not found:
            return found, None
        columns = ", ".join(_sort_columns(query))
        return found, tuple(db.execute(f"SELECT {columns} FROM records WHERE rowid = ?", [found[-1]]).fetchone())

    return interrupted_as_none(read, stop)


def rowid(db: sqlite_utils.Database, uid: str) -> int | None:
    row = db.execute("SELECT rowid FROM records WHERE uid = ?", [uid]).fetchone()
    return int(row[0]) if row is not None else None


def entry(db: sqlite_utils.Database, query: ListQuery, uid: str) -> Record | None:
    """Record `uid`'s row as a list of `query` shows it, or None when the list does not show it:
    one row looked up, whatever the list's size."""
    return _words_answer(lambda answered: _entry(db, answered, uid), query)


def _entry(db: sqlite_utils.Database, query: ListQuery, uid: str) -> Record | None:
    one, params = _where(db, query, matches=_MATCHES_ONE)
    row = db.execute(f"{_SUMMARY} WHERE r.rowid = (SELECT rowid FROM records WHERE uid = ? AND {one})",
                     [uid, *params]).fetchone()
    return _summary(row) if row is not None else None


def _position(db: sqlite_utils.Database, query: ListQuery, uid: str) -> int | None:
    # One record is looked up in the word index by its rowid, not by reading every match.
    row = _sort_values_of(db, query, uid)
    if row is None:
        return None
    walk = _walk(db, query, None)
    if walk != "NOT INDEXED" and list_words.needs_index(query):
        near = _near_position(db, query, _beyond(query, "<"), list(row))
        if near is not None:
            return near
    where, params = _walked_where(db, query, walk)
    return _count_before(db, query, f"records {walk} WHERE {where}", params, row)


def _count_before(
    db: sqlite_utils.Database, query: ListQuery, rows: str, params: list[Any], values: tuple[Any, ...]
) -> int:
    """How many of `rows` (a FROM and WHERE clause) sort before the record whose sort values are
    `values`: one plain range of the order's index per sort column (`a < ?`, then `a = ? AND b < ?`
    ...), summed. The same count as the row value `(a, b, c) < (?, ?, ?)`, which SQLite checks
    entry by entry as it walks the range: 71-85 ms against 46 ms for 500,000 entries."""
    columns = _sort_columns(query)
    comparison = ">" if query.descending else "<"
    counts, arguments = [], []
    for depth, column in enumerate(columns):
        condition = "".join(f"{equal} = ? AND " for equal in columns[:depth]) + f"{column} {comparison} ?"
        counts.append(f"(SELECT count(*) FROM {rows} AND {condition})")
        arguments += [*params, *values[: depth + 1]]
    return int(db.execute("SELECT " + " + ".join(counts), arguments).fetchone()[0])


def window_at(
    db: sqlite_utils.Database, query: ListQuery, uid: str, row: int, offset: int, limit: int
) -> list[Record] | None:
    """Rows offset..offset+limit of a list without filter words that shows record `uid` at `row`,
    read both ways from the record's entry in its order's index (a seek: a few milliseconds where
    a window walked to from an end passed 300,000-500,000 entries in the middle of a million,
    80-130 ms). None when the list has filter words (its matches are not in that index) or does
    not show `uid`."""
    if list_words.needs_index(query):
        return None
    values = _sort_values_of(db, query, uid)
    if values is None:
        return None
    offset, limit = max(0, offset), max(0, limit)
    where, params = _where(db, query)
    earlier: list[int] = []
    if row > offset:
        backwards = replace(query, descending=not query.descending)
        earlier = [found[0] for found in db.execute(
            f"SELECT rowid FROM records {_index(query)} WHERE {where} AND {_beyond(query, '<')} "
            f"ORDER BY {_order_by(backwards)} LIMIT ?", [*params, *values, row - offset])]
        earlier.reverse()
    later: list[int] = []
    if offset + limit > row:
        later = [found[0] for found in db.execute(
            f"SELECT rowid FROM records {_index(query)} WHERE {where} AND {_beyond(query, '>=')} "
            f"ORDER BY {_order_by(query)} LIMIT ? OFFSET ?",
            [*params, *values, offset + limit - max(row, offset), max(0, offset - row)])]
    return rows(db, (earlier + later)[:limit])


def _sort_values_of(db: sqlite_utils.Database, query: ListQuery, uid: str) -> tuple[Any, ...] | None:
    """What record `uid` sorts by in the list `query` (its order's column, then its key's natural
    order, then its key), or None when the list does not show it."""
    one, one_params = _where(db, query, matches=_MATCHES_ONE)
    row = db.execute(
        f"SELECT {', '.join(_sort_columns(query))} FROM records WHERE uid = ? AND {one}", [uid, *one_params]
    ).fetchone()
    return tuple(row) if row is not None else None


def _sort_columns(query: ListQuery) -> tuple[str, ...]:
    """The columns a list sorts by: its order's column, then the key's natural order, then the key."""
    column = _ORDER_COLUMN[query.order]
    return (column, "key_order", "key") if column else ("key_order", "key")


def _beyond(query: ListQuery, comparison: str) -> str:
    """The condition "sorts `comparison` the record whose sort values are the parameters" in the
    list's direction (`<`: before it; `>=`: it and after)."""
    if query.descending:
        comparison = {"<": ">", ">=": "<=", ">": "<", "<=": ">="}[comparison]
    columns = _sort_columns(query)
    return f"({', '.join(columns)}) {comparison} ({', '.join('?' for _ in columns)})"


def _near_position(db: sqlite_utils.Database, query: ListQuery, before: str, row: list[Any]) -> int | None:
    """The row of a record of a filtered list found within `NEAR_WALK` entries of either end of
    its order's index (kept when among the word index's matches, read once: see _near_window),
    else None."""
    after = before.replace(" < (", " > (") if " < (" in before else before.replace(" > (", " < (")
    ends = [(before, False)] + ([(after, True)] if query.keys is None else [])
    where, params = _where(db, query, matches=None)
    for condition, from_end in ends:
        entries = db.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM records {_index(query)} WHERE {where} AND {condition} LIMIT ?)",
            [*params, *row, NEAR_WALK + 1],
        ).fetchone()[0]
        if entries > NEAR_WALK:
            continue
        found = int(db.execute(
            f"SELECT count(*) FROM records {_index(query)} WHERE {where} AND {condition} AND {_MATCHES}",
            [*params, *row, list_words.match_expression(db, query)],
        ).fetchone()[0])
        return list_words.count(db, query) - 1 - found if from_end else found
    return None


def _where(
    db: sqlite_utils.Database, query: ListQuery, *, matches: str | None = _MATCHES
) -> tuple[str, list[Any]]:
    """The conditions of `query` on a row of `records`; those of the word index as `matches` (none
    when None: the caller asks it)."""
    clauses = ["live = ?"]
    params: list[Any] = [0 if query.trash else 1]
    if query.kind is not None:
        clauses.append("kind_code = ?")
        params.append(kind_code(query.kind))
    if query.keys is not None:
        clauses.append("key IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(query.keys)))
    if query.logs is not None:
        clauses.append(f"{LOG_PREFIX} IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(query.logs)))
    if matches is not None and list_words.needs_index(query):
        clauses.append(matches)
        params.append(list_words.match_expression(db, query))
    return " AND ".join(clauses), params


def _walk(db: sqlite_utils.Database, query: ListQuery, total: int | None) -> str:
    """How a list is read: along its order's index, keeping the rows the word index matched; or,
    when it matched a few (`FEW_MATCHES`), those rows looked up and sorted (a walk would pass a
    million index entries to find none)."""
    if list_words.needs_index(query) and (
        total <= FEW_MATCHES if total is not None else list_words.few(db, query, FEW_MATCHES)
    ):
        return "NOT INDEXED"
    return _index(query)


def _near_window(
    db: sqlite_utils.Database, query: ListQuery, offset: int, limit: int, total: int | None
) -> list[int] | None:
    """The rowids of a window found within the first `NEAR_WALK` entries of the order's index,
    kept when the word index matched them; None when they are not all there (the matches thin
    out). The matches are read at once: those among the rowids the walk passed, when these lie
    close together (in key order they do: 1 ms for "engineer" at a million records); else, when
    the window's rows are among the first walked, the index is asked about these (looked up one
    by one: `list_words.first_matches`); else every match, as a map (`list_words.match_map`: 70
    ms for 600,000, kept: the walk to a page far down the list asks for it)."""
    where, params = _where(db, query, matches=None)
    walked = [row[0] for row in db.execute(
        f"SELECT rowid FROM records {_index(query)} WHERE {where} ORDER BY {_order_by(query)} LIMIT ?",
        [*params, NEAR_WALK])]
    expression = list_words.match_expression(db, query)
    low, high = (min(walked), max(walked)) if walked else (0, 0)
    if walked and (high - low) * NARROW_SPAN <= _rowid_span(db):
        matched = {row[0] for row in db.execute(
            f"SELECT rowid FROM {list_words.TABLE} WHERE {list_words.TABLE} MATCH ? AND rowid BETWEEN ? AND ?",
            [expression, low, high])}
        ids = [rowid for rowid in walked if rowid in matched][offset:offset + limit]
    else:
        marks = list_words.kept_match_map(db, query)
        asked = None if marks is not None else list_words.first_matches(db, query, walked, offset + limit)
        if asked is None:  # every match: as a map (the kept one), kept for the pages after it
            marks = list_words.match_map(db, query)
            asked = [rowid for rowid in walked if rowid < len(marks) and marks[rowid]][:offset + limit]
        ids = asked[offset:offset + limit]
    complete = len(ids) == limit or (total is not None and offset + len(ids) >= total)
    return ids if complete else None


def _rowid_span(db: sqlite_utils.Database) -> int:
    """About the number of records (their rowids run from 1 to it, with the gaps deletes leave)."""
    return int(db.execute("SELECT ifnull(max(rowid), 0) FROM records").fetchone()[0])


def _near(db: sqlite_utils.Database, query: ListQuery, reach: int, total: int | None) -> bool:
    """Whether the first `reach` rows of a filtered list are found by asking the word index about
    each record walked (a few microseconds each: `NEAR_WALK` of them) sooner than by reading every
    match first (a tenth of a second for 700,000 matches in a million)."""
    needed = max(1, -(-reach * _rowid_span(db) // NEAR_WALK))  # matches, at least
    if total is not None:
        return total >= needed
    # Not counted yet (a filter's first page, read before its count): only as far as needed,
    # 1.7 ms, where the count takes 15 ms for 600,000 matches, and less once the page has read
    # them all (list_words.count).
    return not list_words.few(db, query, needed - 1)


def _index(query: ListQuery) -> str:
    """The order's own index: left to itself, SQLite may walk another (and sort), or look rows
    up in the wide table of bodies."""
    return f"INDEXED BY {_index_name(query.order)}"


def _index_name(order: ListOrder) -> str:
    return "records_list" if order is ListOrder.KEY else f"records_by_{order.value}"


def _order_by(query: ListQuery) -> str:
    direction = " DESC" if query.descending else ""
    return ", ".join(f"{name}{direction}" for name in _sort_columns(query))


_KINDS = {kind.value: kind for kind in Kind}


def _summary(row: tuple[Any, ...]) -> Record:
    _, uid, key, kind, title, status, tags, owner, date, review_by, created, updated, gone, owner_key, owner_name = row
    return Record(
        kind=_KINDS[kind], title=title, key=key, uid=uid, status=status,
        tags=json.loads(tags) if tags != "[]" else [], owner=owner, date=date, review_by=review_by,
        created_at=created, updated_at=updated, deleted_at=gone, owner_key=owner_key, owner_name=owner_name,
    )
