"""The record list's word index (schema 6): an FTS5 table over what the filter field searches (a
record's key, title, status, owner's name and tags) and over the navigator's choices (live or in
the trash, kind, status, each tag, decision log), kept by triggers on `records` (an import's batch
that adds many records defers them: `deferred`).

How the filter field matches (the list's docs say it too): every word typed is the beginning of a
word of the record, in any case and with or without accents ("ärger", "Arg" and "ARG" find
"Ärger"); a typed word with punctuation is its parts, each the beginning of a word ("adr-00" finds
ADR-0042; "ctl-" finds CTL-0001). A key's number is also a word without its leading zeros ("42"
and "adr-4" find ADR-0042). Punctuation alone ("%", "-") narrows nothing. Word beginnings rather
than any substring: an index of words is a few bytes per word of the haystack, one of trigrams
ten times that, and trigrams cannot find a word of one or two letters.

The navigator's choices are tokens too, spelled so that no typed word can match them: a private
use character (which the tokenizer keeps in a word, and a typed word never has: it is cut at
anything but letters and digits, and the character is taken out of the text indexed) before a
letter and the value in hex. With them a filtered count is one question to the index, however
many records match. The index keeps no positions or columns (detail=none): a third of the size.
It is contentless (the text is in `records`) and its rows are the records' rowids; `records`
has a text primary key, so a VACUUM may renumber them: `rebuild` after one
(`database._compact` does)."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import sqlite_utils

from kbridge.model.listing import ListQuery

TABLE = "record_words"
# Prefixes of one and two letters have their own entries, else "a" would merge the lists of every
# word starting with a.
_CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(words, content='', columnsize=0, detail=none, prefix='1 2', "
    "tokenize='unicode61 remove_diacritics 2')"
)
MARK = "\ue000"  # begins the navigator's tokens (Unicode's private use area: see the module's docs)
_MARK_SQL = "char(57344)"
_STEM = "rtrim({r}.key, '0123456789')"
_DIGITS = f"substr({{r}}.key, length({_STEM}) + 1)"
# The key's number without its leading zeros, when it has some (ADR-0042 -> 42).
_SHORT_NUMBER = f"CASE WHEN {_DIGITS} LIKE '0%' THEN ltrim({_DIGITS}, '0') ELSE '' END"
_WORDS = (
    "replace({r}.key || ' ' || " + _SHORT_NUMBER + " || ' ' || {r}.title || ' ' || {r}.status || ' ' "
    "|| {r}.owner_order || ' ' || {r}.tags, " + _MARK_SQL + ", ' ')"
)
_LOG = "substr({r}.key_order, 1, max(instr({r}.key_order, char(1)) - 1, 0))"
_FACETS = (
    "CASE WHEN {r}.deleted_at IS NULL THEN '' ELSE ' {m}gone' END || ' {m}k' || hex({r}.kind) "
    "|| ' {m}s' || hex({r}.status) || ' {m}l' || hex(" + _LOG + ") "
    "|| ifnull((SELECT ' ' || group_concat('{m}t' || hex(value), ' ') FROM json_each({r}.tags)), '')"
).replace("{m}", "' || " + _MARK_SQL + " || '")
# What a row of the index is made of: the old values delete it (a contentless table is told them).
_WATCHED = "key, title, status, owner_order, tags, kind, deleted_at"


def _row(r: str) -> str:
    return f"{r}.rowid, {_WORDS.format(r=r)} || {_FACETS.format(r=r)}"


_INSERT = f"INSERT INTO {TABLE} (rowid, words) VALUES ({_row('new')});"
_DELETE = f"INSERT INTO {TABLE} ({TABLE}, rowid, words) VALUES ('delete', {_row('old')});"
_CHANGED = " OR ".join(f"new.{name} IS NOT old.{name}" for name in _WATCHED.split(", "))
_TRIGGERS = ("records_words_added", "records_words_changed", "records_words_removed")


def create(db: sqlite_utils.Database) -> None:
    """The table, its triggers, and a row for every record."""
    db.execute(_CREATE)
    db.execute(f"CREATE TRIGGER records_words_added AFTER INSERT ON records BEGIN {_INSERT} END")
    db.execute(
        f"CREATE TRIGGER records_words_changed AFTER UPDATE OF {_WATCHED} ON records WHEN {_CHANGED} "
        f"BEGIN {_DELETE} {_INSERT} END"
    )
    db.execute(f"CREATE TRIGGER records_words_removed AFTER DELETE ON records BEGIN {_DELETE} END")
    fill(db)


_ADDED = "kbridge_words_added"  # a temporary table: the records added while the words are deferred
_DEFERRING = "_kbridge_words_deferred"  # an attribute of the open database while they are


@contextmanager
def deferred(db: sqlite_utils.Database) -> Iterator[None]:
    """Inside one transaction: the records added meanwhile are indexed at its end, in one
    statement, not one at a time by the triggers (an import's batch of 1,000 files: a seventh of
    its writing). A record that was there before is kept indexed as it changes, as the triggers
    do. The triggers are dropped and made again inside the transaction, so that no other
    connection ever sees them missing; a failure undoes both with the rest."""
    if not db.conn.in_transaction:
        raise RuntimeError("the word index is deferred inside a transaction only")
    if getattr(db, _DEFERRING, False):
        yield
        return
    kept = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?, ?) ORDER BY name", _TRIGGERS
    ).fetchall()
    for name in _TRIGGERS:
        db.execute(f"DROP TRIGGER IF EXISTS main.{name}")
    before = f"old.rowid NOT IN (SELECT rowid FROM {_ADDED})"
    db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_ADDED} (rowid INTEGER PRIMARY KEY)")
    db.execute(f"DELETE FROM {_ADDED}")
    db.execute(f"CREATE TEMP TRIGGER kbridge_words_added AFTER INSERT ON main.records "
               f"BEGIN INSERT OR IGNORE INTO {_ADDED} (rowid) VALUES (new.rowid); END")
    db.execute(f"CREATE TEMP TRIGGER kbridge_words_changed AFTER UPDATE OF {_WATCHED} ON main.records "
               f"WHEN {before} AND ({_CHANGED}) BEGIN {_DELETE} {_INSERT} END")
    db.execute(f"CREATE TEMP TRIGGER kbridge_words_removed AFTER DELETE ON main.records WHEN {before} "
               f"BEGIN {_DELETE} END")
    setattr(db, _DEFERRING, True)
    try:
        yield
        db.execute(f"INSERT INTO {TABLE} (rowid, words) SELECT {_row('records')} FROM records "
                   f"WHERE rowid IN (SELECT rowid FROM {_ADDED})")
    finally:
        setattr(db, _DEFERRING, False)
        if db.conn.in_transaction:  # else SQLite undid it all (a full disk): the triggers are back
            for name in ("added", "changed", "removed"):
                db.execute(f"DROP TRIGGER IF EXISTS temp.kbridge_words_{name}")
            db.execute(f"DELETE FROM {_ADDED}")
            for (sql,) in kept:
                db.execute(sql)


def fill(db: sqlite_utils.Database) -> None:
    db.execute(f"INSERT INTO {TABLE} (rowid, words) SELECT {_row('records')} FROM records")
    db.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')")


def rebuild(db: sqlite_utils.Database) -> None:
    """Index every record again (after a VACUUM, which may renumber the records' rowids)."""
    db.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('delete-all')")
    fill(db)


def rowid_fingerprint(db: sqlite_utils.Database) -> tuple[int, int]:
    """A sum over every record's (uid, rowid) pair, read from the uid index: it changes when a
    VACUUM renumbers the rows (and the index, keyed by rowid, must be rebuilt)."""
    row = db.execute(
        "SELECT count(*), total(rowid * (unicode(substr(uid, -1)) + 7 * unicode(substr(uid, -2)) "
        "+ 31 * unicode(substr(uid, -3)))) FROM records"
    ).fetchone()
    return int(row[0]), int(row[1])


def needs_index(query: ListQuery) -> bool:
    """Whether the list of `query` is narrowed by the word index (its words, tag or status)."""
    return bool(query_words(query)) or query.tag is not None or query.status is not None


def query_words(query: ListQuery) -> list[str]:
    """The typed words as the index spells them: their parts of letters and digits, folded by
    the index itself."""
    return [part for word in query.words for part in _parts(word)]


def match_expression(db: sqlite_utils.Database, query: ListQuery) -> str:
    """The FTS5 query for every choice of `query` but its fixed set of keys: its count is the
    index's alone ("lnone", not hex, is no log's token)."""
    terms = [_beginning(db, part) for part in query_words(query)]
    if query.tag is not None:
        terms.append(_token("t", query.tag))
    if query.kind is not None:
        terms.append(_token("k", query.kind))
    if query.status is not None:
        terms.append(_token("s", query.status))
    if query.logs is not None:
        logs = " OR ".join(_token("l", log) for log in sorted(query.logs)) or f'"{MARK}lnone"'
        terms.append(f"({logs})")
    if query.trash:
        terms.append(f'"{MARK}gone"')
    expression = " AND ".join(terms)
    return expression if query.trash else f'({expression}) NOT "{MARK}gone"'



def count(db: sqlite_utils.Database, query: ListQuery) -> int:
    """How many records the list of `query` shows (not for a fixed set of keys: see listing)."""
    expression = match_expression(db, query)

    def counted() -> int:
        marks = _kept_map(db, expression)
        if marks is not None:
            return marks.count(1)  # read for the list's pages (0.3 ms, not 15)
        return int(db.execute(f"SELECT count(*) FROM {TABLE} WHERE {TABLE} MATCH ?", [expression]).fetchone()[0])

    return _remembered(db, f"count {expression}", counted)


def match_map(db: sqlite_utils.Database, query: ListQuery) -> bytes:
    """The records the index matches for `query` (not a fixed set of keys), as a map of rowids:
    byte r is 1 for a match (a million records: 1 MB, read in 60-70 ms for 600,000 matches). The
    last one is kept with the open database until the file changes: a list's pages, its whole
    order, a row's place and the list's count ask for the same."""
    return cast(bytes, read_match_map(db, query))


def read_match_map(
    db: sqlite_utils.Database, query: ListQuery, stop: Callable[[], bool] = lambda: False
) -> bytes | None:
    """`match_map`, read ahead for a long list's far pages: None when `stop()` became true first.
    What was read is kept, and the next read goes on from there while the file is unchanged (a
    read stopped by the next job, a page, is not begun again by it). A statement interrupted from
    another thread raises sqlite3.OperationalError, as any other."""
    expression = match_expression(db, query)
    while True:
        version = _version(db)
        kept = getattr(db, _MAP, None)
        if not isinstance(kept, _MapReading) or (kept.expression, kept.version) != (expression, version):
            span = int(db.execute("SELECT ifnull(max(rowid), 0) FROM records").fetchone()[0])
            kept = _MapReading(expression, version, bytearray(span + 1), span)
            setattr(db, _MAP, kept)
        if kept.done is not None:
            return kept.done
        if stop():
            return None
        # By ranges of rowids: decoding 600,000 of them at once held every other thread 26 ms
        # (the GUI thread's painting among them), a range a few.
        low = kept.next_low
        high = low + _MAP_RANGE - 1 if low + _MAP_RANGE <= kept.span else 2**63 - 1
        found = json.loads(db.execute(
            f"SELECT json_group_array(rowid) FROM {TABLE} WHERE {TABLE} MATCH ? AND rowid BETWEEN ? AND ?",
            [expression, low, high]).fetchone()[0])
        marks = kept.marks
        if found and found[-1] >= len(marks):
            marks.extend(bytes(found[-1] + 1 - len(marks)))
        for rowid in found:
            marks[rowid] = 1
        kept.next_low = low + _MAP_RANGE
        if high >= kept.span:
            kept.done = bytes(marks)


def kept_match_map(db: sqlite_utils.Database, query: ListQuery) -> bytes | None:
    """The map of matches of `query`, when it is read whole and the file unchanged since."""
    return _kept_map(db, match_expression(db, query))


def _kept_map(db: sqlite_utils.Database, expression: str) -> bytes | None:
    kept = getattr(db, _MAP, None)
    if isinstance(kept, _MapReading) and kept.done is not None and (kept.expression, kept.version) == (
            expression, _version(db)):
        return kept.done
    return None


@dataclass
class _MapReading:
    """A map of matches as far as it is read (`read_match_map`), while the file is as `version` says."""

    expression: str
    version: tuple[int, int]
    marks: bytearray
    span: int  # the largest rowid when the read began
    next_low: int = 0
    done: bytes | None = None


# The first rows of a long list among the rowids its order's index walks are asked about this many
# at a time; no more than PROBE_MOST of them, nor for longer than PROBE_SECONDS (see first_matches).
PROBE_PART = 64
PROBE_MOST = 512
PROBE_SECONDS = 0.02


def first_matches(db: sqlite_utils.Database, query: ListQuery, walked: list[int], wanted: int) -> list[int] | None:
    """The first `wanted` rowids of `walked` (a list's order) the index matches for `query`, or
    fewer when `walked` has no more: the index looks each one up (30-40 us for a one-letter prefix
    at a million records), so the first page of "e" by title, 683,542 matches, takes 8 ms where
    the map of every match takes 65-85 ms. None when the matches among them are too thin for that
    to stay cheap (more than PROBE_MOST rowids to ask about at the rate seen, or PROBE_SECONDS
    spent: an index grown into many segments looks up slower): the caller reads the map."""
    expression = match_expression(db, query)
    found: list[int] = []
    asked = 0
    started = time.perf_counter()
    while len(found) < wanted and asked < len(walked):
        if asked:  # the rate of matches seen says how many more to ask about
            still = (wanted - len(found)) * asked / len(found) if found else float("inf")
            if asked + still > PROBE_MOST or time.perf_counter() - started > PROBE_SECONDS:
                return None
        part = walked[asked:asked + min(PROBE_PART, PROBE_MOST - asked)]
        if not part:
            return None
        matched = {row[0] for row in db.execute(
            f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ? AND rowid IN (SELECT value FROM json_each(?))",
            [expression, json.dumps(part)])}
        found.extend(rowid for rowid in part if rowid in matched)
        asked += len(part)
    return found[:wanted]


def ascii_words(query: ListQuery) -> tuple[str, ...]:
    """The typed words cut at every character that is not an ASCII letter or digit."""
    return tuple(part for word in query.words for part in _parts(word, ascii_only=True))


def few(db: sqlite_utils.Database, query: ListQuery, limit: int) -> bool:
    """Whether the list of `query` has at most `limit` records (read no further than that)."""
    row = db.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {TABLE} MATCH ? LIMIT ?)",
        [match_expression(db, query), limit + 1],
    ).fetchone()
    return int(row[0]) <= limit


def _beginning(db: sqlite_utils.Database, part: str) -> str:
    """The query for words beginning with `part`. FTS5 reads a prefix of three letters or more by
    merging the whole lists of every word it begins, at each question (60 ms for "engineer" in a
    million records, where the word alone is read as needed: 16 ms, and 0.02 ms ANDed with a rare
    one); so such a prefix is asked as the few words it begins, when they are few."""
    if len(part) <= 2 or not part.isascii():
        return f'"{part}"*'  # one and two letters have their own entries; other letters are folded by FTS5
    terms = _words_beginning(db, part.lower())
    if terms is None:
        return f'"{part}"*'
    return "(" + " OR ".join(f'"{term}"' for term in terms) + ")" if terms else f'"{part}"'


_T = TypeVar("_T")
_MOST_WORDS = 8
_CACHE = "_kbridge_words_beginning"  # an attribute of the open database (one per connection)
_MAP = "_kbridge_match_map"  # the last map of matches (see match_map), an attribute too
_MAP_RANGE = 1 << 17  # rowids of the map read at once


def _words_beginning(db: sqlite_utils.Database, prefix: str) -> list[str] | None:
    """The indexed words beginning with `prefix` (None when there are more than `_MOST_WORDS`)."""

    def looked_up() -> list[str] | None:
        db.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{TABLE}_terms USING fts5vocab('main', '{TABLE}', 'row')"
        )
        rows = db.execute(
            f"SELECT term FROM temp.{TABLE}_terms WHERE term >= ? AND term < ? LIMIT ?",
            [prefix, prefix + "\U0010ffff", _MOST_WORDS + 1],
        ).fetchall()
        return [str(row[0]) for row in rows] if len(rows) <= _MOST_WORDS else None

    return _remembered(db, f"words {prefix}", looked_up)


def _remembered(db: sqlite_utils.Database, key: str, compute: Callable[[], _T]) -> _T:
    """`compute()`, remembered with the open database until the file changes: one keystroke asks
    for a window, a count and a position of one list, each needing the same answers."""
    version = _version(db)
    cache: dict[str, tuple[tuple[int, int], Any]] = getattr(db, _CACHE, None) or {}
    setattr(db, _CACHE, cache)
    cached = cache.get(key)
    if cached is not None and cached[0] == version:
        return cast(_T, cached[1])
    value = compute()
    if len(cache) > 64:
        cache.clear()
    cache[key] = (version, value)
    return value


def _version(db: sqlite_utils.Database) -> tuple[int, int]:
    """Changes whenever the file does, by this connection or another."""
    return int(db.execute("PRAGMA data_version").fetchone()[0]), db.conn.total_changes


def _parts(word: str, *, ascii_only: bool = False) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    for character in word:
        if character.isalnum() and (character.isascii() or not ascii_only):
            current.append(character)
        elif current:
            parts.append("".join(current))
            current = []
    if current:
        parts.append("".join(current))
    return parts


def _token(tag: str, value: str) -> str:
    """A navigator's token, quoted for a query."""
    return f'"{MARK}{tag}{value.encode("utf-8").hex()}"'



def is_phrase_error(error: sqlite3.OperationalError) -> bool:
    """A typed word the index splits in two (a letter SQLite's Unicode tables do not know)."""
    return "phrase" in str(error)
