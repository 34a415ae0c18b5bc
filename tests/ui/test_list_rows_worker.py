"""In a long list, opening a record shows it in the reader at once and a worker finds its row: the
list selects that row when the answer comes, the newest open wins, and a list changed meanwhile
(a filter, the command line) is asked about again."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.model.listing import ListOrder, ListQuery
from kbridge.ui.jobs import list_filter, list_rows
from kbridge.ui.models.record_table_model import KEY, PAGE_ROWS, TITLE, UidRole
from kbridge.ui.window.main_window import MainWindow
from tests.ui.answers import Answers
from tests.ui.test_journeys import _cli
from tests.ui.test_list_filter_worker import SIZE, file_of_600, sample_kb  # noqa: F401  (fixtures)
from tests.ui.test_record_finder import _switch


@pytest.fixture
def large_window(qtbot: QtBot, sample_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:  # noqa: F811
    """A window whose list counts as large from the start (as at a million records): its filters
    and the rows of records opened elsewhere are read on a worker."""
    monkeypatch.setattr(list_filter, "LARGE_LIST", SIZE)
    main = MainWindow(sample_kb)
    qtbot.addWidget(main)
    main.resize(1300, 820)
    main.show()
    qtbot.waitExposed(main)
    qtbot.waitUntil(lambda: main.ready)
    yield main
    qtbot.waitUntil(lambda: main.list_panel.row_locator._running is None)
    main.jobs.wait()


@pytest.fixture
def located_on(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the threads rows were located on."""
    threads: list[str] = []
    real = list_rows.locate

    def recording(*args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(list_rows, "locate", recording)
    return threads


def _selected_key(window: MainWindow) -> str | None:
    index = window.table.currentIndex()
    selected = window.table.selectionModel().selectedRows()
    return window.model.index(index.row(), KEY).data() if index.isValid() and selected else None


def _settled(qtbot: QtBot, window: MainWindow) -> None:
    locator, filterer = window.list_panel.row_locator, window.list_filterer
    qtbot.waitUntil(lambda: not locator.pending and locator._running is None and not filterer.pending)


def test_a_record_opened_far_down_the_list_is_selected_when_the_worker_has_found_its_row(
    qtbot: QtBot, large_window: MainWindow, sample_kb: KnowledgeBase, answers: Answers,  # noqa: F811
    located_on: list[str],
) -> None:
    window = large_window
    assert window.model.row_if_read(sample_kb.get("ADR-0450").uid) is None  # a page the list has not read
    _switch(qtbot, window, answers, "ADR-0450")
    assert window.current_record() is not None and window.current_record().key == "ADR-0450"  # type: ignore[union-attr]
    assert window.list_panel.row_locator.pending and _selected_key(window) is None  # the reader did not wait
    qtbot.waitUntil(lambda: _selected_key(window) == "ADR-0450")
    row = window.table.currentIndex().row()
    assert row == sample_kb.listing.position(ListQuery(), sample_kb.get("ADR-0450").uid) == 449
    assert window.table.viewport().rect().intersects(window.table.visualRect(window.table.currentIndex()))
    assert located_on and threading.main_thread().name not in located_on
    assert window.model.row_if_read(sample_kb.get("ADR-0449").uid) == row - 1  # the rows around it came too
    assert window.current_record().key == "ADR-0450"  # type: ignore[union-attr]  # selecting opened nothing else


def test_the_newest_open_wins(
    qtbot: QtBot, large_window: MainWindow, sample_kb: KnowledgeBase, answers: Answers  # noqa: F811
) -> None:
    window = large_window
    for typed in ("ADR-0300", "ADR-0500", "ADR-0100"):
        _switch(qtbot, window, answers, typed)
        _settled(qtbot, window)
    assert _selected_key(window) == "ADR-0100"
    window.model.reload()  # forget the pages read: rows 299 and 499 must be found again
    _settled(qtbot, window)
    assert window.model.row_if_read(sample_kb.get("ADR-0500").uid) is None
    found: list[str] = []
    window.list_panel.row_locator.row_found.connect(lambda uid, row: found.append(sample_kb.find(uid).key))
    window.actions.back.trigger()  # ADR-0500, then at once, before any answer:
    window.actions.back.trigger()  # ADR-0300
    assert window.current_record().key == "ADR-0300"  # type: ignore[union-attr]
    _settled(qtbot, window)
    assert found == ["ADR-0300"]
    assert _selected_key(window) == "ADR-0300" and window.table.currentIndex().row() == 299


def test_a_record_the_filtered_list_shows_is_found_in_it_and_one_it_does_not_show_is_not(
    qtbot: QtBot, large_window: MainWindow, sample_kb: KnowledgeBase, answers: Answers  # noqa: F811
) -> None:
    window = large_window
    qtbot.keyClicks(window.filter_field, "ledger")
    window.table.sortByColumn(KEY, Qt.SortOrder.DescendingOrder)
    _settled(qtbot, window)
    query = ListQuery(words=("ledger",), order=ListOrder.KEY, descending=True)
    assert window.model.rowCount() == sample_kb.listing.count(query) == SIZE // 3
    target = sample_kb.listing.window(query, PAGE_ROWS + 10, 1)[0]  # off the page read
    _switch(qtbot, window, answers, target.key)
    _settled(qtbot, window)
    assert _selected_key(window) == target.key
    assert window.table.currentIndex().row() == PAGE_ROWS + 10
    _switch(qtbot, window, answers, "ADR-0001")  # "Kafka choice 1": not in this list
    _settled(qtbot, window)
    assert window.current_record().key == "ADR-0001"  # type: ignore[union-attr]
    assert _selected_key(window) is None and window.table.verticalScrollBar().value() == 0


def test_the_cli_adding_a_record_moves_the_row_and_the_list_finds_it_again(
    qtbot: QtBot, large_window: MainWindow, sample_kb: KnowledgeBase, answers: Answers  # noqa: F811
) -> None:
    window = large_window
    _switch(qtbot, window, answers, "ADR-0400")
    _settled(qtbot, window)
    assert window.table.currentIndex().row() == 399
    added = _cli(sample_kb.path, "new", "decision", "--title", "Decided in a terminal", "--key", "ADR-0000")
    assert added.returncode == 0, added.stderr
    # The window notices the change, reloads the list and asks the worker where the record is now.
    qtbot.waitUntil(lambda: window.model.rowCount() == SIZE + 1, timeout=10000)
    _settled(qtbot, window)
    assert _selected_key(window) == "ADR-0400" and window.table.currentIndex().row() == 400
    assert window.model.index(0, KEY).data() == "ADR-0000"
    uid = window.model.index(400, KEY).data(UidRole)
    assert uid == sample_kb.get("ADR-0400").uid
    assert sample_kb._store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_large_list_opens_the_filters_connection_before_the_first_keystroke(
    qtbot: QtBot, large_window: MainWindow
) -> None:
    filterer = large_window.list_filterer
    assert filterer.connection is not None
    qtbot.waitUntil(lambda: filterer.connection._kb is not None)  # type: ignore[union-attr]
    assert not filterer.pending and filterer.model.record_filter.text == ""


def test_a_short_list_finds_rows_at_once_and_opens_no_connection(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase, answers: Answers  # noqa: F811
) -> None:
    qtbot.waitUntil(lambda: window.ready)
    _switch(qtbot, window, answers, "ADR-0450")
    assert not window.list_panel.row_locator.pending
    assert _selected_key(window) == "ADR-0450"
    assert window.list_filterer.connection is not None and window.list_filterer.connection._kb is None


def test_the_new_record_dialog_offers_the_people_the_file_holds_now(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase, answers: Answers  # noqa: F811
) -> None:
    for args in (("--title", "Ada Lovelace", "--key", "PER-10"), ("--title", "Alan Turing", "--key", "PER-2"),
                 ("--title", "Grace Hopper", "--key", "PER-3")):
        added = _cli(sample_kb.path, "new", "person", *args)
        assert added.returncode == 0, added.stderr
    gone = _cli(sample_kb.path, "delete", "PER-3")
    assert gone.returncode == 0, gone.stderr
    offered: list[tuple[str, str]] = []

    def read_owners(dialog: QWidget) -> None:
        box = dialog.findChild(QComboBox, "newOwner")
        offered.extend((box.itemText(i), box.itemData(i)) for i in range(box.count()))
        dialog.reject()

    answers.dialogs["NewRecordDialog"] = read_owners
    window.actions.new_record.trigger()
    assert offered == [("(nobody)", ""), ("PER-2 — Alan Turing", "PER-2"), ("PER-10 — Ada Lovelace", "PER-10")]
    assert sample_kb._store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_long_list_left_alone_has_its_order_read_ahead_and_rows_found_in_it(
    qtbot: QtBot, large_window: MainWindow, sample_kb: KnowledgeBase, answers: Answers,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A person reads the list: the worker reads its whole order (kept on the filter's connection),
    and a record opened from elsewhere then has its row found there; a sort reads the new order."""
    from kbridge.core import record_list

    monkeypatch.setattr(list_rows, "ORDER_KEPT_FROM", 500)
    monkeypatch.setattr(record_list, "ORDER_KEPT_FROM", 500)
    kept: list[ListQuery] = []  # the orders read whole (not stopped)
    real_keep = record_list.RecordListing.keep_whole_order

    def recording(self: record_list.RecordListing, query: ListQuery, total: int, **kwargs: object) -> bool:
        read_whole = real_keep(self, query, total, **kwargs)  # type: ignore[arg-type]
        if read_whole:
            kept.append(query)
        return read_whole

    # Recorded, not looked at through the worker's connection: a test asking for the connection
    # while the order is read would stop the read, as any job does.
    monkeypatch.setattr(record_list.RecordListing, "keep_whole_order", recording)
    window = large_window
    window.table.sortByColumn(KEY, Qt.SortOrder.DescendingOrder)
    descending = ListQuery(order=ListOrder.KEY, descending=True)
    qtbot.waitUntil(lambda: descending in kept, timeout=10000)
    read: list[str] = []
    real = record_list.listing.position
    monkeypatch.setattr(record_list.listing, "position", lambda *args: read.append("walked") or real(*args))
    _switch(qtbot, window, answers, "ADR-0150")
    _settled(qtbot, window)
    assert _selected_key(window) == "ADR-0150" and window.table.currentIndex().row() == SIZE - 150
    assert read == []  # found in the kept order, not counted in storage
    qtbot.keyClicks(window.filter_field, "vault")  # 200 rows: too short to keep
    _settled(qtbot, window)
    reader = window.list_panel.order_reader
    qtbot.waitUntil(lambda: not reader.timer.isActive() and reader._running is None)  # it had its moment
    assert descending in kept and not [query for query in kept if query.words]
    assert sample_kb._store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_newer_open_drops_the_search_for_the_row_of_the_older_one(
    qtbot: QtBot, large_window: MainWindow, sample_kb: KnowledgeBase, answers: Answers,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The row of a record opened a moment ago is looked for in a list the next open makes
    obsolete: that search is interrupted, not waited for (it held the next one 0.4 s at a million
    records). Here the first search would never end."""
    window = large_window
    slow_uid = sample_kb.get("ADR-0300").uid
    real = list_rows.locate
    searched: list[str] = []

    def locating(listing: object, uid: str, *args: object) -> object:
        searched.append(uid)
        if uid == slow_uid:
            endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
            listing._store.db.execute(endless).fetchone()  # type: ignore[attr-defined]
        return real(listing, uid, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(list_rows, "locate", locating)
    _switch(qtbot, window, answers, "ADR-0300")
    qtbot.waitUntil(lambda: searched == [slow_uid])
    _switch(qtbot, window, answers, "ADR-0500")
    qtbot.waitUntil(lambda: _selected_key(window) == "ADR-0500", timeout=5000)
    assert window.table.currentIndex().row() == 499 and searched[-1] == sample_kb.get("ADR-0500").uid
    assert window.current_record().key == "ADR-0500"  # type: ignore[union-attr]


def test_a_large_base_left_alone_keeps_every_records_order_by_each_column_the_lists_first(
    qtbot: QtBot, large_window: MainWindow, sample_kb: KnowledgeBase,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After the list's own order, the worker reads every record's order by each column, the one
    the list is sorted by first (a long filtered list's order is then picked from it:
    kbridge.core.record_list `keep_plain_orders`)."""
    from kbridge.core import record_list

    monkeypatch.setattr(list_rows, "ORDER_KEPT_FROM", 500)
    monkeypatch.setattr(record_list, "ORDER_KEPT_FROM", 500)
    read: list[tuple[ListOrder, bool, list[ListOrder]]] = []
    real_keep = record_list.RecordListing.keep_plain_orders

    def recording(self: record_list.RecordListing, first: ListOrder = ListOrder.KEY, **kwargs: object) -> bool:
        done = real_keep(self, first, **kwargs)  # type: ignore[arg-type]
        read.append((first, done, self.plain.read_orders))
        return done

    monkeypatch.setattr(record_list.RecordListing, "keep_plain_orders", recording)
    window = large_window
    window.table.sortByColumn(TITLE, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: any(done and first is ListOrder.TITLE for first, done, _ in read), timeout=10000)
    kept = next(kept for first, done, kept in read if done and first is ListOrder.TITLE)
    assert set(kept) == set(ListOrder)
    assert sample_kb._store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_far_page_of_a_filtered_list_after_the_command_line_wrote_is_storages(
    qtbot: QtBot, large_window: MainWindow, sample_kb: KnowledgeBase,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A person reads the list (the worker keeps every record's orders), the command line adds a
    record to the same file meanwhile, and a moment later the person filters and scrolls to the
    middle: the rows shown are storage's own, picked from the orders read again after the change."""
    from kbridge.core import picked_orders, record_list

    monkeypatch.setattr(list_rows, "ORDER_KEPT_FROM", 100)
    monkeypatch.setattr(record_list, "ORDER_KEPT_FROM", 100)
    monkeypatch.setattr(record_list, "FAR_FROM_ENDS", 20)
    reads: list[bool] = []
    picks: list[ListQuery] = []
    real_keep, real_pick = record_list.RecordListing.keep_plain_orders, picked_orders.PlainOrders.picked

    def keeping(self: record_list.RecordListing, first: ListOrder = ListOrder.KEY, **kwargs: object) -> bool:
        reads.append(real_keep(self, first, **kwargs))  # type: ignore[arg-type]
        return reads[-1]

    def picking(self: picked_orders.PlainOrders, query: ListQuery, **kwargs: object) -> object:
        found = real_pick(self, query, **kwargs)  # type: ignore[arg-type]
        if found is not None:
            picks.append(query)
        return found

    monkeypatch.setattr(record_list.RecordListing, "keep_plain_orders", keeping)
    monkeypatch.setattr(picked_orders.PlainOrders, "picked", picking)
    window = large_window
    window.table.sortByColumn(TITLE, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: any(reads), timeout=10000)
    read_before = reads.count(True)
    done = _cli(sample_kb.path, "new", "decision", "--title", "Aaa choice written by the command line")
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: window.model.total == SIZE + 1, timeout=10000)  # the window saw the change
    qtbot.waitUntil(lambda: reads.count(True) > read_before, timeout=10000)  # and read the orders again
    qtbot.wait(300)  # a person reaches the filter field
    qtbot.keyClicks(window.filter_field, "choice")  # every record's title: its middle is pages from either end
    _settled(qtbot, window)
    model = window.model
    count, query = model.rowCount(), model.query_for(model.record_filter)
    middle = count // 2
    window.table.scrollTo(model.index(middle, 0), window.table.ScrollHint.PositionAtCenter)
    qtbot.waitUntil(lambda: model.index(middle, 0).data() not in (None, "…"), timeout=10000)
    shown = [model.index(row, 0).data() for row in range(middle, middle + 5)]
    with KnowledgeBase.open(sample_kb.path) as fresh:
        total = fresh.listing.count(query)
        expected = [record.key for record in fresh.listing.window(query, middle, 5, total=total)]
        assert fresh._store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert count == total == SIZE + 1 and shown == expected
    assert query in picks  # from the orders kept, not walked


def test_a_list_scrolled_while_the_row_is_looked_for_stays_where_the_person_took_it(
    qtbot: QtBot, large_window: MainWindow, sample_kb: KnowledgeBase, answers: Answers,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The record opened is selected when its row is found; a person who scrolled the list
    meanwhile is not taken back to it."""
    window = large_window
    looking, found = threading.Event(), threading.Event()
    real = list_rows.locate

    def slow(*args: object) -> object:
        looking.set()
        found.wait(10)  # the worker takes its time (a million records)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(list_rows, "locate", slow)
    _switch(qtbot, window, answers, "ADR-0450")
    qtbot.waitUntil(looking.is_set)
    window.table.scrollToBottom()  # the person reads the end of the list meanwhile
    bottom = window.table.verticalScrollBar().value()
    assert bottom > 0
    found.set()
    qtbot.waitUntil(lambda: _selected_key(window) == "ADR-0450")
    assert window.table.currentIndex().row() == 449
    assert window.table.verticalScrollBar().value() == bottom
    _switch(qtbot, window, answers, "ADR-0150")  # not scrolled this time: taken to its row
    qtbot.waitUntil(lambda: _selected_key(window) == "ADR-0150")
    assert window.table.viewport().rect().intersects(window.table.visualRect(window.table.currentIndex()))


def test_a_page_scrolled_to_is_read_before_the_row_of_the_record_shown(
    qtbot: QtBot, large_window: MainWindow, sample_kb: KnowledgeBase, answers: Answers,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The worker looks for the row of the record shown (here without end, the first time); the
    person scrolls the filtered list meanwhile: the page they see is read first, the row after."""
    window = large_window
    window.filter_field.setText("choice")  # every record, pages read on the worker
    _settled(qtbot, window)
    target = sample_kb.get("ADR-0450").uid
    real = list_rows.locate
    searched: list[str] = []

    def endless_at_first(listing: object, uid: str, *args: object) -> object:
        searched.append(uid)
        if searched.count(target) == 1:
            endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
            listing._store.db.execute(endless).fetchone()  # type: ignore[attr-defined]
        return real(listing, uid, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(list_rows, "locate", endless_at_first)
    _switch(qtbot, window, answers, "ADR-0450")
    qtbot.waitUntil(lambda: target in searched)
    model, row = window.model, 2 * PAGE_ROWS + 44  # a page not read yet
    window.table.scrollTo(model.index(row, KEY), window.table.ScrollHint.PositionAtTop)
    qtbot.waitUntil(lambda: model.index(row, KEY).data() not in (None, "…"), timeout=5000)
    assert model.index(row, KEY).data() == "ADR-0301"
    qtbot.waitUntil(lambda: _selected_key(window) == "ADR-0450", timeout=5000)  # then the row, found again
    assert searched.count(target) == 2 and window.table.currentIndex().row() == 449
    assert window.table.viewport().rect().intersects(window.table.visualRect(model.index(row, KEY)))
    assert sample_kb._store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_list_the_command_line_changes_stays_where_the_person_reads_it(
    qtbot: QtBot, large_window: MainWindow, sample_kb: KnowledgeBase, answers: Answers  # noqa: F811
) -> None:
    """The record shown is far from where the person reads the list; the command line adds a
    record: the list is counted again and the record's new row selected, the list not scrolled."""
    window = large_window
    _switch(qtbot, window, answers, "ADR-0400")
    _settled(qtbot, window)
    window.table.scrollTo(window.model.index(100, KEY), window.table.ScrollHint.PositionAtTop)
    place = window.table.verticalScrollBar().value()
    added = _cli(sample_kb.path, "new", "decision", "--title", "Decided in a terminal", "--key", "ADR-0000")
    assert added.returncode == 0, added.stderr
    qtbot.waitUntil(lambda: window.model.rowCount() == SIZE + 1, timeout=10000)
    _settled(qtbot, window)
    assert _selected_key(window) == "ADR-0400" and window.table.currentIndex().row() == 400
    assert window.table.verticalScrollBar().value() == place
    window.table.sortByColumn(KEY, Qt.SortOrder.DescendingOrder)  # the person's own change: taken to the record
    _settled(qtbot, window)
    assert _selected_key(window) == "ADR-0400"
    assert window.table.viewport().rect().intersects(window.table.visualRect(window.table.currentIndex()))
    assert sample_kb._store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
