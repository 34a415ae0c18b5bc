"""In a long list, a page in its middle is painted from a worker's read: its rows are empty for a
moment, never a frozen window; what a selection needs is still read at once, and a worker that
cannot read leaves the rows to be read when painted."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase, record_list
from kbridge.core.record_list import RecordListing
from kbridge.model.listing import ListQuery
from kbridge.storage import listing as storage_listing
from kbridge.ui.jobs import list_pages
from kbridge.ui.models.record_table_model import KEY, PAGE_ROWS, UidRole
from kbridge.ui.window.main_window import MainWindow
from tests.ui.answers import Answers
from tests.ui.test_list_filter_worker import file_of_600, sample_kb  # noqa: F401  (fixtures)
from tests.ui.test_list_rows_worker import large_window  # noqa: F401  (a fixture)


@pytest.fixture
def windows_read(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[int, bool]]]:
    """(offset, on the GUI thread) of every page of rows storage is asked for (a window of pages
    read together: each of its pages); pages 1-3 of the 600 rows are in the middle (page 0 and 4
    near an end)."""
    monkeypatch.setattr(list_pages, "NEAR_END_PAGES", 1)
    asked: list[tuple[int, bool]] = []
    real = RecordListing.window

    def recording(self: RecordListing, query: ListQuery, offset: int, limit: int, **kwargs: object) -> object:
        on_gui = threading.current_thread() is threading.main_thread()
        asked.extend((start, on_gui) for start in range(offset, offset + max(limit, 1), PAGE_ROWS))
        return real(self, query, offset, limit, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(RecordListing, "window", recording)
    yield asked


def _keys(kb: KnowledgeBase, query: ListQuery, offset: int) -> list[str]:
    """The keys of a page, read past the spy (the test's own reads are not the window's)."""
    return [record.key for record in storage_listing.window(kb._store.db, query, offset, PAGE_ROWS)]


def test_a_page_in_the_middle_is_read_on_the_worker_and_then_painted(
    qtbot: QtBot, large_window: MainWindow, sample_kb: KnowledgeBase, answers: Answers,  # noqa: F811
    windows_read: list[tuple[int, bool]],
) -> None:
    window = large_window
    model, table = window.model, window.table
    middle = 2 * PAGE_ROWS + 10
    table.scrollTo(model.index(middle, KEY))
    assert model.index(middle, KEY).data() == "…", "painted before its page was read"
    assert model.index(middle, KEY + 1).data() is None
    expected = _keys(sample_kb, ListQuery(), 2 * PAGE_ROWS)
    qtbot.waitUntil(lambda: model.index(middle, KEY).data() == expected[10], timeout=10000)
    assert (2 * PAGE_ROWS, False) in windows_read and (2 * PAGE_ROWS, True) not in windows_read
    assert [model.index(2 * PAGE_ROWS + n, KEY).data() for n in range(PAGE_ROWS)] == expected
    # A selection needs its record now: read at once, whatever the page.
    third = 3 * PAGE_ROWS + 5
    assert model.index(third, KEY).data(UidRole) == sample_kb.get(_keys(sample_kb, ListQuery(), 3 * PAGE_ROWS)[5]).uid
    assert answers.errors == []


def test_a_filtered_list_scrolled_far_is_painted_from_the_worker(
    qtbot: QtBot, large_window: MainWindow, sample_kb: KnowledgeBase, windows_read: list[tuple[int, bool]],  # noqa: F811
) -> None:
    window = large_window
    window.filter_field.setText("choice")  # every record: five pages
    qtbot.waitUntil(lambda: not window.list_filterer.pending and window.model.rowCount() == 600)
    window.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    query = window.model.query_for(window.model.record_filter)
    windows_read.clear()
    row = PAGE_ROWS + 3
    window.table.scrollTo(window.model.index(row, KEY))
    expected = _keys(sample_kb, query, PAGE_ROWS)[3]
    qtbot.waitUntil(lambda: window.model.index(row, KEY).data() == expected, timeout=10000)
    assert (PAGE_ROWS, True) not in windows_read
    # Its end too: near the end of a filtered list, storage asks the word index about every entry
    # it walks (34-116 ms for the last page at a million records).
    window.table.scrollToBottom()
    last = window.model.rowCount() - 1
    expected_last = _keys(sample_kb, query, 4 * PAGE_ROWS)[-1]
    qtbot.waitUntil(lambda: window.model.index(last, KEY).data() == expected_last, timeout=10000)
    assert not [offset for offset, on_gui in windows_read if on_gui and offset], windows_read  # page 0: at once



@pytest.mark.parametrize("narrowing", ["words", "status"])
def test_a_sort_of_a_long_narrowed_list_reads_its_first_page_on_the_worker(
    qtbot: QtBot, large_window: MainWindow, sample_kb: KnowledgeBase, windows_read: list[tuple[int, bool]],  # noqa: F811
    narrowing: str,
) -> None:
    """A filter's answer brings the first page of its list; a sort brings none, and the first page
    of a list the word index narrows, in an order other than the keys', reads every match (60-100
    ms by title for a word in 6 records of 10 at a million): read on the worker, never at once."""
    window = large_window
    model = window.model
    if narrowing == "words":
        window.filter_field.setText("choice")  # every record: five pages
        qtbot.waitUntil(lambda: not window.list_filterer.pending and model.rowCount() == 600)
    else:
        status = sample_kb.listing.window(ListQuery(), 0, 1)[0].status
        window.list_filterer.request(replace(model.record_filter, status=status))
        qtbot.waitUntil(lambda: not window.list_filterer.pending and model.record_filter.status == status)
    window.table.scrollToTop()
    windows_read.clear()
    window.table.sortByColumn(KEY + 1, Qt.SortOrder.DescendingOrder)
    query = model.query_for(model.record_filter)
    expected = _keys(sample_kb, query, 0)
    qtbot.waitUntil(lambda: [model.index(row, KEY).data() for row in range(3)] == expected[:3], timeout=10000)
    assert (0, False) in windows_read and (0, True) not in windows_read, windows_read


def test_a_worker_that_cannot_read_leaves_the_rows_to_be_read_when_painted(
    qtbot: QtBot, large_window: MainWindow, sample_kb: KnowledgeBase, answers: Answers,  # noqa: F811
    windows_read: list[tuple[int, bool]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = large_window
    recording = RecordListing.window

    def broken_off_the_gui_thread(self: RecordListing, *args: object, **kwargs: object) -> object:
        if threading.current_thread() is not threading.main_thread():
            raise OSError("disk I/O error")
        return recording(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(RecordListing, "window", broken_off_the_gui_thread)
    middle = 2 * PAGE_ROWS + 1
    window.table.scrollTo(window.model.index(middle, KEY))
    expected = _keys(sample_kb, ListQuery(), 2 * PAGE_ROWS)[1]
    qtbot.waitUntil(lambda: window.model.index(middle, KEY).data() == expected, timeout=10000)
    assert (2 * PAGE_ROWS, True) in windows_read  # read on the GUI thread after the worker failed
    assert answers.errors == []


def test_after_a_far_page_of_a_long_filtered_list_the_next_are_read_from_its_kept_order(
    qtbot: QtBot, large_window: MainWindow, sample_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    """The first far page is painted as soon as it is walked to, then the worker reads the list's
    whole order (stopped if another page is asked for meanwhile); once it has it, the pages are
    slices of it, not walks (0.5 s a page at a million)."""
    monkeypatch.setattr(list_pages, "NEAR_END_PAGES", 1)
    monkeypatch.setattr(record_list, "ORDER_KEPT_FROM", 300)
    # Every page but the first and the last is far from the ends: whichever page the worker reads
    # last (the paint may ask for the page after the one scrolled to) reads the order after it.
    monkeypatch.setattr(record_list, "FAR_FROM_ENDS", 1)
    walked: list[tuple[int, str]] = []
    orders: list[ListQuery] = []
    real_window, real_order = storage_listing.window, storage_listing.order

    def order(db: object, query: ListQuery, total: int | None = None, **kwargs: object) -> object:
        found = real_order(db, query, total, **kwargs)  # type: ignore[arg-type]
        if found is not None:
            orders.append(query)  # read whole (not stopped)
        return found

    monkeypatch.setattr(storage_listing, "window", lambda db, query, offset, limit, **kw: walked.append(
        (offset, threading.current_thread().name)) or real_window(db, query, offset, limit, **kw))
    monkeypatch.setattr(storage_listing, "order", order)
    window = large_window
    window.filter_field.setText("choice")  # every record: five pages
    qtbot.waitUntil(lambda: not window.list_filterer.pending and window.model.rowCount() == 600)
    window.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    query = window.model.query_for(window.model.record_filter)

    def scroll_to(page: int) -> None:
        row = page * PAGE_ROWS + 5
        window.table.scrollTo(window.model.index(row, KEY))
        expected = _keys(sample_kb, query, page * PAGE_ROWS)[5]
        qtbot.waitUntil(lambda: window.model.index(row, KEY).data() == expected, timeout=10000)
        qtbot.waitUntil(lambda: window.list_panel.page_reader._running is None, timeout=10000)

    scroll_to(2)
    # Read after page 2, or after page 3 when the paint asks for it meanwhile (a loaded machine:
    # the page asked for stops the order being read, and the next job reads it).
    qtbot.waitUntil(lambda: orders == [query], timeout=10000)
    walked.clear()
    scroll_to(3)
    scroll_to(1)
    assert orders == [query]
    assert [offset for offset, thread in walked if thread != threading.main_thread().name] == []  # not _keys'


def test_a_page_painted_again_while_it_is_read_is_read_once(
    qtbot: QtBot, large_window: MainWindow, sample_kb: KnowledgeBase, windows_read: list[tuple[int, bool]],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every paint of an empty row asks for its page: a page being read was asked for again and
    read a second time after (at a million records, another 0.5 s the next page waited for)."""
    reading, release = threading.Event(), threading.Event()
    recording = RecordListing.window

    def slow_off_the_gui_thread(self: RecordListing, *args: object, **kwargs: object) -> object:
        if threading.current_thread() is not threading.main_thread():
            reading.set()
            release.wait(10)
        return recording(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(RecordListing, "window", slow_off_the_gui_thread)
    window = large_window
    middle = 2 * PAGE_ROWS + 10
    window.table.scrollTo(window.model.index(middle, KEY))
    qtbot.waitUntil(reading.is_set)
    for _ in range(5):
        window.table.viewport().repaint()  # painted again and again while it is read
    release.set()
    expected = _keys(sample_kb, ListQuery(), 2 * PAGE_ROWS)[10]
    qtbot.waitUntil(lambda: window.model.index(middle, KEY).data() == expected, timeout=10000)
    qtbot.waitUntil(lambda: window.list_panel.page_reader._running is None, timeout=10000)
    on_worker = [offset for offset, on_gui in windows_read if not on_gui]
    assert 2 * PAGE_ROWS in on_worker and len(on_worker) == len(set(on_worker)), on_worker  # each page once


def test_a_filter_drops_the_page_of_the_list_it_replaces(
    qtbot: QtBot, large_window: MainWindow, windows_read: list[tuple[int, bool]],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page in the middle of a list is still being read when a keystroke changes the list: the
    read is interrupted (0.4-0.9 s in the middle of 600,775 matches at a million records), and the
    keystroke's list shows without waiting for it. Here the page's read would never end."""
    real = RecordListing.window
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"

    def endless_off_the_gui_thread(self: RecordListing, query: ListQuery, *args: object, **kwargs: object) -> object:
        if threading.current_thread() is not threading.main_thread() and not query.words:
            self._store.db.execute(endless).fetchone()
        return real(self, query, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(RecordListing, "window", endless_off_the_gui_thread)
    window = large_window
    window.table.scrollTo(window.model.index(2 * PAGE_ROWS + 10, KEY))
    qtbot.waitUntil(lambda: window.list_panel.page_reader._running is not None)
    qtbot.keyClicks(window.filter_field, "vault")
    qtbot.waitUntil(lambda: not window.list_filterer.pending and window.model.rowCount() == 200, timeout=5000)
    qtbot.waitUntil(lambda: window.list_panel.page_reader._running is None, timeout=5000)


def test_a_sort_drops_the_page_of_the_list_before_and_a_record_opened_then_finds_its_row(
    qtbot: QtBot, large_window: MainWindow, sample_kb: KnowledgeBase,  # noqa: F811
    windows_read: list[tuple[int, bool]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page in the middle of the list is being read when the person goes back to the top and
    sorts by another column: the new list asks the worker for no page (its first rows are read at
    once), and the page of the list before is dropped all the same; a record opened then has its
    row found (at a million records it waited 290 ms for that page). Here the page's read would
    never end."""
    real = RecordListing.window
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"

    def endless_off_the_gui_thread(self: RecordListing, query: ListQuery, *args: object, **kwargs: object) -> object:
        if threading.current_thread() is not threading.main_thread() and query.order.value == "key":
            self._store.db.execute(endless).fetchone()
        return real(self, query, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(RecordListing, "window", endless_off_the_gui_thread)
    window = large_window
    window.table.scrollTo(window.model.index(2 * PAGE_ROWS + 10, KEY))
    reader = window.list_panel.page_reader
    qtbot.waitUntil(lambda: reader._running is not None)
    window.table.scrollToTop()
    window.table.sortByColumn(KEY + 1, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: reader._running is None, timeout=5000)
    by_title = storage_listing.window(sample_kb._store.db, window.model.query_for(window.model.record_filter), 300, 1)
    window.open_record(by_title[0].uid)
    qtbot.waitUntil(lambda: not window.list_panel.row_locator.pending, timeout=5000)
    assert window.table.currentIndex().row() == 300


def test_a_sorted_filtered_list_the_command_line_adds_to_shows_storages_first_rows_again(
    qtbot: QtBot, large_window: MainWindow, sample_kb: KnowledgeBase, windows_read: list[tuple[int, bool]],  # noqa: F811
) -> None:
    """A person filters a long list and sorts it by title, Z first; the command line adds a
    record that sorts first; after a moment the list's first rows are storage's own, the new
    record first, none left empty, and none read on the GUI thread (the recount on the worker
    brings them, as a sort's are read there)."""
    from tests.ui.test_journeys import _cli
    from tests.ui.test_list_filter_worker import SIZE

    window, model = large_window, large_window.model
    qtbot.keyClicks(window.filter_field, "choice")
    qtbot.waitUntil(lambda: not window.list_filterer.pending and model.rowCount() == SIZE)
    window.table.sortByColumn(KEY + 1, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: model.index(0, KEY).data() not in (None, "…"), timeout=10000)
    qtbot.wait(300)  # a person reads the first rows
    windows_read.clear()
    done = _cli(sample_kb.path, "new", "decision", "--title", "Zzz choice written by the command line")
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: model.rowCount() == SIZE + 1, timeout=10000)  # the window saw the change
    query = model.query_for(model.record_filter)
    with KnowledgeBase.open(sample_kb.path) as fresh:
        expected = _keys(fresh, query, 0)[:10]
        assert fresh._store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    qtbot.waitUntil(lambda: [model.index(row, KEY).data() for row in range(10)] == expected, timeout=10000)
    assert model.index(0, KEY + 1).data() == "Zzz choice written by the command line"
    assert (0, True) not in windows_read, windows_read
