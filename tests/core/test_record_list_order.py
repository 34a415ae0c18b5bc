"""A long list's whole order kept by a worker's connection (RecordListing.keep_order): a page far
from both ends is a slice of it and a row's place an index, the same rows storage walks to; it is
read once, and again after any change to the file, by this connection or another."""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase, picked_orders, record_list
from kbridge.model.listing import ListOrder, ListQuery
from kbridge.storage import listing

WORDS = ("vault", "ledger", "kafka", "engineer", "rotation", "backup")


@pytest.fixture
def long_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> KnowledgeBase:
    """300 records and one in the trash; "long" made 50 rows, "far" 20 rows from an end."""
    monkeypatch.setattr(record_list, "ORDER_KEPT_FROM", 50)
    monkeypatch.setattr(record_list, "FAR_FROM_ENDS", 20)
    kb = KnowledgeBase.init(tmp_path / "long.kbridge")
    rng = random.Random(21)
    for number in range(300):
        kind = rng.choice(("decision", "note", "system"))
        title = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {rng.randint(1, 40)}"  # repeated: keys break ties
        date = f"20{rng.randint(10, 25)}-0{rng.randint(1, 9)}-1{number % 10}"
        kb.create(kind, title, tags=[rng.choice(WORDS)], date=date)
    kb.delete(kb.create("decision", "Engineer vault 7").key)
    return kb


QUERIES = [
    ListQuery(words=("vault",), order=ListOrder.TITLE),
    ListQuery(words=("engineer",), order=ListOrder.DATE, descending=True),
    ListQuery(words=("e",), order=ListOrder.KEY, descending=True),
    ListQuery(kind="decision", words=("a",), order=ListOrder.TAGS),
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: f"{q.words or q.kind or 'all'}-{q.order.value}")
def test_far_pages_and_places_read_from_the_kept_order_are_storages(long_list: KnowledgeBase, query: ListQuery) -> None:
    db = long_list._store.db
    total = listing.count(db, query)
    expected = [record.uid for record in listing.window(db, query, 0, total, total=total)]
    kept = long_list.listing
    assert total >= 50  # a long list here
    assert not kept.keep_order(query, 0, 10, total)  # near an end: storage walks there at once
    assert kept.keep_order(query, 25, 10, total)  # far from both ends: the whole order is read
    assert not kept.keep_order(query, 30, 10, total)  # once
    for offset in range(0, total, 7):
        got = [record.uid for record in kept.window(query, offset, 10, total=total)]
        assert got == expected[offset:offset + 10], offset
    for row in range(0, total, 11):
        assert kept.position(query, expected[row]) == row
    outside = next(r.uid for r in long_list.list_records(deleted=None) if r.uid not in set(expected))
    assert kept.position(query, outside) is None


PICKED = [
    *QUERIES,
    ListQuery(words=("vault",), order=ListOrder.OWNER, descending=True),
    ListQuery(tag="ledger", order=ListOrder.STATUS),
    ListQuery(status="accepted", words=("e",), order=ListOrder.DATE),
    ListQuery(kind="note", words=("k",), order=ListOrder.TITLE, descending=True),
    ListQuery(words=("nothing-matches-this",), order=ListOrder.TITLE),
]


@pytest.mark.parametrize("query", PICKED, ids=lambda q: f"{q.words or q.tag or q.status}-{q.kind}-{q.order.value}"
                         f"{'-desc' if q.descending else ''}")
@pytest.mark.parametrize("pick_part", [65_536, 7, 1], ids=["whole", "parts-of-7", "parts-of-1"])
def test_a_filtered_order_picked_from_every_records_order_is_storages(
        long_list: KnowledgeBase, query: ListQuery, pick_part: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once every record's order by each column is kept (`keep_plain_orders`), a filtered list's
    whole order is picked from its column's, a part at a time: the same rows, in the same order,
    as storage's walk."""
    monkeypatch.setattr(picked_orders, "PICK_PART", pick_part)
    db = long_list._store.db
    kept = long_list.listing
    expected = list(listing.order(db, query) or [])
    assert kept.plain.picked(query) is None  # nothing kept yet: storage walks
    assert kept.keep_plain_orders()
    assert list(kept.plain.picked(query) or []) == expected
    total = len(expected)
    if total >= 50:  # a far page is picked as far as it only, from the nearer end: storage's rows
        for offset in (20, total // 2 - 3, total // 2, total // 2 + 1, total - 30):
            page = [record.uid for record in kept.window(query, offset, 10, total=total)]
            assert page == [record.uid for record in listing.window(db, query, offset, 10, total=total)], offset
            assert kept.plain.picked_window(query, offset, 10, total) == expected[offset:offset + 10]
        assert kept._kept_order(query) is None  # the whole order is kept after it (`keep_order`)
        assert kept.keep_whole_order(query, total) and list(kept._kept_order(query) or []) == expected


def test_every_records_order_kept_is_dropped_after_a_change_and_a_stopped_read_goes_on(
        long_list: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(picked_orders, "PART", 40)  # 300 live records: eight parts an order, the last short
    query = ListQuery(words=("vault",), order=ListOrder.TITLE)
    kept = long_list.listing
    parts: list[object] = []
    real_part = listing.plain_order_part
    monkeypatch.setattr(listing, "plain_order_part", lambda *a, **k: parts.append(a[1]) or real_part(*a, **k))
    asked = []

    def stop_at_the_tenth() -> bool:
        asked.append(1)
        return len(asked) > 10

    assert not kept.keep_plain_orders(ListOrder.TITLE, stop=stop_at_the_tenth)
    assert kept.plain.read_orders == [ListOrder.TITLE]  # the list's first, whole; the next one begun
    assert kept.plain.picked(ListQuery(words=("vault",), order=ListOrder.KEY)) is None  # not whole yet
    read_before = len(parts)
    assert kept.keep_plain_orders(ListOrder.TITLE)
    # Went on from where it stopped: each of the six orders read once, in eight parts.
    assert read_before < len(parts) and Counter(parts) == dict.fromkeys(ListOrder, 8)
    assert set(kept.plain.read_orders) == set(ListOrder)
    for by in ListOrder:
        assert list(kept.plain.order(by) or []) == list(listing.order(long_list._store.db, ListQuery(order=by)) or [])
    with KnowledgeBase.open(long_list.path) as other:  # sorts first now, and matches
        other.create("decision", "Aaa vault news")
    assert kept.plain.picked(query) is None and kept.plain.read_orders == []  # stale: not picked from
    assert kept.keep_plain_orders()
    picked = kept.plain.picked(query)
    assert picked is not None and list(picked) == list(listing.order(long_list._store.db, query) or [])


def test_the_order_is_read_again_after_a_change_by_another_connection(long_list: KnowledgeBase) -> None:
    query = ListQuery(words=("vault",), order=ListOrder.TITLE)
    kept = long_list.listing
    total = kept.count(query)
    assert total >= 100 and kept.keep_order(query, 50, 1, total)
    middle = kept.window(query, 50, 1, total=total)[0]
    with KnowledgeBase.open(long_list.path) as other:  # renamed to sort first: the rows before it move
        other.update(middle.key, title="Aaa vault first of all")
    db = long_list._store.db
    assert kept.position(query, middle.uid) == 0 == listing.position(db, query, middle.uid)
    moved = kept.window(query, 40, 10, total=total)
    assert [r.uid for r in moved] == [r.uid for r in listing.window(db, query, 40, 10, total=total)]
    assert kept.keep_order(query, 50, 1, total)  # read again: the one kept was stale


def test_a_list_without_words_keeps_no_order(long_list: KnowledgeBase) -> None:
    """It walks its index to any window in 30-50 ms at a million records: its order is not worth
    reading whole (0.3 s) at each change."""
    assert not long_list.listing.keep_order(ListQuery(order=ListOrder.TITLE), 150, 10, 301)


def test_a_read_of_the_order_stops_when_asked_and_keeps_nothing(long_list: KnowledgeBase) -> None:
    query = ListQuery(words=("vault",), order=ListOrder.TITLE)
    total = long_list.listing.count(query)
    assert not long_list.listing.keep_order(query, 50, 1, total, stop=lambda: True)
    assert long_list.listing._kept_order(query) is None
    assert long_list.listing.keep_order(query, 50, 1, total)  # asked again, without a stop: read


def test_another_job_asking_for_the_worker_connection_stops_its_part_for_later(long_list: KnowledgeBase) -> None:
    """A part of a job done for later (`giving_way`) stops as soon as another job asks for the
    connection: its SQL is interrupted, and the other job does not wait for it to end."""
    from kbridge.ui.jobs.worker_connection import WorkerConnection

    connection = WorkerConnection(long_list.path)
    started, stopped = threading.Event(), threading.Event()

    def later() -> None:
        with connection.opened() as kb, connection.giving_way() as stop:
            started.set()
            endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
            try:
                kb._store.db.execute(endless).fetchone()  # counts for ever, unless interrupted
            except sqlite3.OperationalError:
                if stop.is_set():
                    stopped.set()

    thread = threading.Thread(target=later)
    thread.start()
    assert started.wait(10)
    time.sleep(0.2)
    asked = time.monotonic()
    with connection.opened() as kb:
        waited = time.monotonic() - asked
        assert kb.listing.count(ListQuery()) == 300
    thread.join(10)
    assert stopped.is_set() and waited < 2
    connection.close()


def test_a_part_for_later_that_starts_while_a_job_waits_stops_at_once(long_list: KnowledgeBase) -> None:
    from kbridge.ui.jobs.worker_connection import WorkerConnection

    connection = WorkerConnection(long_list.path)
    reading, asked = threading.Event(), threading.Event()
    stopped_at_once: list[bool] = []

    def job() -> None:
        with connection.opened():
            reading.set()
            assert asked.wait(10)
            time.sleep(0.2)  # the other job is waiting for the connection by now
            with connection.giving_way() as stop:
                stopped_at_once.append(stop.is_set())

    thread = threading.Thread(target=job)
    thread.start()
    assert reading.wait(10)
    asked.set()
    with connection.opened() as kb:
        assert kb.listing.count(ListQuery()) == 300
    thread.join(10)
    assert stopped_at_once == [True]
    connection.close()


ENDLESS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"


def _endless_part(connection: object, stop: threading.Event, to_waiters: bool,
                  started: threading.Event, ended: list[str]) -> threading.Thread:
    """A thread whose job reads for ever in a part begun with `giving_way(stop, to_waiters=...)`."""

    def job() -> None:
        with connection.opened() as kb, connection.giving_way(stop, to_waiters=to_waiters) as part:  # type: ignore[attr-defined]
            started.set()
            try:
                kb._store.db.execute(ENDLESS).fetchone()
            except sqlite3.OperationalError:
                ended.append("stopped" if part.is_set() else "failed")

    thread = threading.Thread(target=job)
    thread.start()
    return thread


def test_a_dropped_part_stops_and_a_part_not_given_to_waiters_is_waited_for(long_list: KnowledgeBase) -> None:
    """A page of a list no longer shown is dropped by its reader (`drop`), not by any job that asks
    for the connection; dropping another part's event stops nothing."""
    from kbridge.ui.jobs.worker_connection import WorkerConnection

    connection = WorkerConnection(long_list.path)
    stop, started, ended = threading.Event(), threading.Event(), []
    thread = _endless_part(connection, stop, False, started, ended)
    assert started.wait(10)
    connection.drop(threading.Event())  # another part's: nothing stops
    connection.ask_way()  # a waiter's ask: this part does not give way to waiters
    time.sleep(0.3)
    assert thread.is_alive() and ended == []
    connection.drop(stop)
    thread.join(10)
    assert ended == ["stopped"] and not thread.is_alive()
    with connection.opened() as kb:  # the connection reads on after an interrupted statement
        assert kb.listing.count(ListQuery()) == 300
    connection.close()


def test_a_part_dropped_before_it_began_sees_its_event_set(long_list: KnowledgeBase) -> None:
    from kbridge.ui.jobs.worker_connection import WorkerConnection

    connection = WorkerConnection(long_list.path)
    stop = threading.Event()
    connection.drop(stop)
    with connection.opened(), connection.giving_way(stop, to_waiters=False) as part:
        assert part.is_set()
    connection.close()



def test_a_part_dropped_between_its_last_look_and_its_statement_still_stops(long_list: KnowledgeBase) -> None:
    """The drop comes after the part looked at its event and before its statement starts: SQLite
    forgets an interrupt that finds nothing running, so the statement itself looks at the event
    (a page read on forever: a test's endless read hung the window's worker 1 time in 10)."""
    from kbridge.ui.jobs.worker_connection import WorkerConnection

    connection = WorkerConnection(long_list.path)
    stop, looked, dropped, ended = threading.Event(), threading.Event(), threading.Event(), []
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"

    def part() -> None:
        with connection.opened() as kb, connection.giving_way(stop, to_waiters=False) as part_stop:
            assert not part_stop.is_set()
            looked.set()
            dropped.wait(10)  # the drop happens here, with nothing running
            try:
                kb._store.db.execute(endless).fetchone()
                ended.append("ran on")
            except sqlite3.OperationalError:
                ended.append("stopped")

    thread = threading.Thread(target=part, daemon=True)
    thread.start()
    assert looked.wait(10)
    connection.drop(stop)
    dropped.set()
    thread.join(5)
    ran_on = thread.is_alive()
    if ran_on:  # let the endless read go before failing
        connection._kb.listing.interrupt()  # type: ignore[union-attr]
        thread.join(10)
    assert not ran_on and ended == ["stopped"]
    connection.close()


def test_a_pick_stops_between_its_parts_and_a_stopped_far_window_reads_nothing(
        long_list: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page's pick gives way to a keystroke (its list dropped) within one part of the order."""
    monkeypatch.setattr(picked_orders, "PICK_PART", 50)
    query = ListQuery(words=("e",), order=ListOrder.DATE)
    kept = long_list.listing
    assert kept.keep_plain_orders()
    looks: list[int] = []

    def stop_at_the_third_part() -> bool:
        looks.append(1)
        return len(looks) >= 3

    assert kept.plain.picked(query, stop=stop_at_the_third_part) is None and len(looks) == 3
    total = kept.count(query)
    assert total >= 50 and kept.window(query, total // 2, 10, total=total, stop=lambda: True) == []
    assert kept._kept_order(query) is None  # nothing kept from a stopped pick
    middle = kept.window(query, total // 2, 10, total=total)
    assert [r.uid for r in middle] == [r.uid for r in listing.window(long_list._store.db, query, total // 2, 10,
                                                                     total=total)]


def test_a_read_of_the_orders_during_which_the_file_changes_stops_for_later(
        long_list: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another program writing while every record's orders are read: the read stops, rather than
    start again part after part for as long as the other program writes; the next read is whole."""
    monkeypatch.setattr(picked_orders, "PART", 40)
    kept = long_list.listing
    real_part = listing.plain_order_part
    other = KnowledgeBase.open(long_list.path)
    written: list[str] = []

    def writing_meanwhile(*args: object, **kwargs: object) -> object:
        written.append(other.create("note", f"Written meanwhile {len(written)}").key)
        return real_part(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(listing, "plain_order_part", writing_meanwhile)
    assert not kept.keep_plain_orders()
    assert len(written) == 1 and kept.plain.read_orders == []  # one part read, then it stopped
    monkeypatch.setattr(listing, "plain_order_part", real_part)
    other.close()
    assert kept.keep_plain_orders()
    for by in ListOrder:
        assert list(kept.plain.order(by) or []) == list(listing.order(long_list._store.db, ListQuery(order=by)) or [])
