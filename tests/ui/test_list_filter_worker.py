"""Once a filter has been slow, the record list filters on a worker: typing never waits for
storage, the newest filter wins, and what the list shows is always what was last asked for."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.core.record_list import RecordListing
from kbridge.model import Kind
from kbridge.model.listing import ListOrder, ListQuery
from kbridge.ui.jobs import list_filter
from kbridge.ui.models.record_table_model import KEY, TITLE, RecordRole
from kbridge.ui.window.main_window import MainWindow
from tests.ui.test_journeys import _cli

SIZE = 600
WORDS = ("Vault", "kafka", "Ledger")


@pytest.fixture(scope="module")
def file_of_600(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("filtering") / "filtering.kbridge"
    with KnowledgeBase.init(path) as kb, kb.transaction():
        for n in range(1, SIZE + 1):
            kb.create(
                Kind.DECISION, f"{WORDS[n % 3]} choice {n}", key=f"ADR-{n:04d}", status=None,
                tags=["pci"] if n % 5 == 0 else [],
            )
    return path


@pytest.fixture
def sample_kb(file_of_600: Path, tmp_path: Path) -> Iterator[KnowledgeBase]:
    """The conftest's windows open a copy of this module's knowledge base."""
    copy = tmp_path / "filtering.kbridge"
    copy.write_bytes(file_of_600.read_bytes())
    with KnowledgeBase.open(copy) as kb:
        yield kb


@pytest.fixture
def slow_window(qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    """A window whose every filter counts as slow: each one goes to the worker."""
    monkeypatch.setattr(list_filter, "SLOW_SECONDS", 0.0)
    qtbot.waitUntil(lambda: window.ready)
    return window


def _settled(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.list_filterer.pending and window.list_filterer._running is None)


def test_typing_filters_on_a_worker_and_the_list_follows(
    qtbot: QtBot, slow_window: MainWindow, sample_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = slow_window
    threads: list[str] = []
    real = list_filter.answer_filter

    def recording(*args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(list_filter, "answer_filter", recording)
    qtbot.keyClicks(window.filter_field, "ledger")
    _settled(qtbot, window)
    expected = sample_kb.listing.count(ListQuery(words=("ledger",)))
    assert expected == SIZE // 3
    assert window.model.rowCount() == expected
    assert window.count_label.text() == f"{expected:,} of {SIZE:,} records"
    # Every row's record (RecordRole reads at once; a page past the first paints from a worker).
    assert all(window.model.index(row, TITLE).data(RecordRole).title.startswith("Ledger") for row in range(expected))
    assert threads and threading.main_thread().name not in threads


def test_the_newest_filter_wins_and_a_stale_answer_is_never_shown(
    qtbot: QtBot, slow_window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    window = slow_window
    shown: list[str] = []
    window.model.modelReset.connect(lambda: shown.append(window.model.record_filter.text))
    for text in ("v", "va", "vault", "kafka"):
        window.filter_field.setText(text)  # faster than any worker answers
    _settled(qtbot, window)
    assert window.model.record_filter.text == "kafka"
    assert shown[-1] == "kafka" and "kafka" not in shown[:-1]
    assert window.model.rowCount() == sample_kb.listing.count(ListQuery(words=("kafka",)))


def test_a_navigator_choice_while_a_filter_is_on_its_way_keeps_both(
    qtbot: QtBot, slow_window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    window = slow_window
    navigator = window.navigator
    window.filter_field.setText("ledger")
    tags = next(row for row in range(navigator.model().rowCount()) if navigator.model().index(row, 0).data() == "Tags")
    navigator.setCurrentIndex(navigator.model().index(0, 0, navigator.model().index(tags, 0)))
    _settled(qtbot, window)
    expected = sample_kb.listing.count(ListQuery(tag="pci", words=("ledger",)))
    assert 0 < expected < SIZE // 3
    assert window.model.rowCount() == expected
    assert window.list_title.text() == "#pci"
    assert window.model.record_filter.text == "ledger"


def test_sorting_before_the_answer_arrives_shows_the_new_order(
    qtbot: QtBot, slow_window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    window = slow_window
    window.filter_field.setText("vault")
    window.table.sortByColumn(KEY, Qt.SortOrder.DescendingOrder)
    _settled(qtbot, window)
    query = ListQuery(words=("vault",), order=ListOrder.KEY, descending=True)
    first = [record.key for record in sample_kb.listing.window(query, 0, 3)]
    # The filter's answer was read in the order before: the first rows in the new one come from
    # the worker too (kbridge.ui.jobs.list_pages), a moment later.
    qtbot.waitUntil(lambda: [window.model.index(row, KEY).data() for row in range(3)] == first, timeout=5000)
    assert window.model.rowCount() == sample_kb.listing.count(query)


def test_closing_the_file_with_a_filter_on_its_way_lets_go_of_the_worker_connection(
    qtbot: QtBot, slow_window: MainWindow
) -> None:
    window = slow_window
    window.filter_field.setText("kafka")
    _settled(qtbot, window)
    assert window.list_filterer._reader._kb is not None  # the worker's own connection
    window.filter_field.setText("ledger")
    window.detach()
    qtbot.waitUntil(lambda: window.list_filterer._running is None)
    assert window.list_filterer._reader._kb is None
    assert window.model.rowCount() == 0


def test_a_large_list_filters_on_the_worker_from_the_first_keystroke(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    qtbot.waitUntil(lambda: window.ready)
    monkeypatch.setattr(list_filter, "LARGE_LIST", SIZE)  # this list counts as large
    assert window.list_filterer.last_seconds == 0.0 and window.list_filterer.slow
    window.filter_field.setText("ledger")
    assert window.list_filterer.pending  # not filtered on the GUI thread
    _settled(qtbot, window)
    assert window.model.rowCount() == SIZE // 3


def test_what_the_cli_adds_between_two_keystrokes_is_filtered_on_the_worker(
    qtbot: QtBot, slow_window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    window = slow_window
    window.filter_field.setText("ledger")
    _settled(qtbot, window)
    assert window.list_filterer._reader is not None and window.list_filterer._reader._kb is not None  # open
    added = _cli(sample_kb.path, "new", "decision", "--title", "Ledger retention, decided in a terminal")
    assert added.returncode == 0, added.stderr
    qtbot.wait(2000)  # a person reads before typing on; the window notices the change meanwhile
    qtbot.keyClicks(window.filter_field, " retention")
    _settled(qtbot, window)
    assert window.model.rowCount() == 1
    assert window.model.index(0, TITLE).data() == "Ledger retention, decided in a terminal"
    window.filter_field.clear()
    _settled(qtbot, window)
    assert window.model.rowCount() == SIZE + 1
    assert sample_kb._store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_reload_for_changes_made_elsewhere_keeps_a_filter_on_its_way(
    qtbot: QtBot, slow_window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    window = slow_window
    window.filter_field.setText("kafka")
    window.reload()  # as the window does when another process has written to the file
    _settled(qtbot, window)
    assert window.model.record_filter.text == "kafka"
    assert window.model.rowCount() == sample_kb.listing.count(ListQuery(words=("kafka",)))


@pytest.fixture
def counted_where(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For each count of a list from now on: whether it ran on the GUI thread."""
    on_gui_thread: list[bool] = []
    real = RecordListing.count

    def counting(listing: RecordListing, query: ListQuery) -> int:
        on_gui_thread.append(threading.current_thread() is threading.main_thread())
        return real(listing, query)

    monkeypatch.setattr(RecordListing, "count", counting)
    return on_gui_thread


def test_a_save_that_moves_its_row_in_a_large_list_is_counted_on_the_worker(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch,
    counted_where: list[bool],
) -> None:
    """At a million records a recount held the GUI thread 165 ms after such a save (the list
    sorted by a column the save changed, or the saved row not read): now the worker counts, the
    rows shown stay until it answers, and the saved record is selected where it went."""
    qtbot.waitUntil(lambda: window.ready)
    monkeypatch.setattr(list_filter, "LARGE_LIST", SIZE)
    window.table.sortByColumn(TITLE, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: window.model.index(0, TITLE).data() is not None)
    moved = sample_kb.get("ADR-0005")
    assert window.open_record(moved.uid)
    qtbot.waitUntil(lambda: window.table.currentIndex().isValid())
    counted_where.clear()
    window.actions.edit.trigger()
    title = window.editor.inputs["title"]
    title.clear()  # type: ignore[attr-defined]
    qtbot.keyClicks(title, "Aardvark choice 5")
    qtbot.wait(300)  # a person looks before saving
    window.editor.save_button.click()
    assert window.list_filterer.pending  # the list is counted again on the worker
    _settled(qtbot, window)
    qtbot.waitUntil(lambda: window.table.currentIndex().row() == 0)
    assert window.model.index(0, TITLE).data() == "Aardvark choice 5"
    assert window.count_label.text() == f"{SIZE:,} records"
    assert counted_where and not any(counted_where)


def test_what_the_cli_adds_to_a_large_list_is_counted_on_the_worker(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch,
    counted_where: list[bool],
) -> None:
    qtbot.waitUntil(lambda: window.ready)
    monkeypatch.setattr(list_filter, "LARGE_LIST", SIZE)
    counted_where.clear()
    added = _cli(sample_kb.path, "new", "decision", "--title", "Kafka quotas, decided in a terminal")
    assert added.returncode == 0, added.stderr
    qtbot.waitUntil(lambda: window.count_label.text() == f"{SIZE + 1:,} records", timeout=15000)
    _settled(qtbot, window)
    assert window.model.rowCount() == SIZE + 1
    assert counted_where and not any(counted_where)
    window.filter_field.setText("quotas")
    _settled(qtbot, window)
    assert window.model.rowCount() == 1
    assert sample_kb._store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_long_narrowed_list_has_its_map_of_matches_read_after_its_answer_and_the_next_key_stops_it(
    qtbot: QtBot, slow_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a filter's answer is shown, the worker reads the map of its matches for the pages far
    down the list (70 ms at a million records); the next keystroke does not wait for that read."""
    from kbridge.core import record_list
    from kbridge.storage import list_words, listing

    monkeypatch.setattr(record_list, "ORDER_KEPT_FROM", 100)
    monkeypatch.setattr(listing, "FEW_MATCHES", 0)
    window = slow_window
    qtbot.keyClicks(window.filter_field, "choice")
    _settled(qtbot, window)
    reader = window.list_filterer._reader
    assert reader is not None and reader._kb is not None
    query = window.model.query_for(window.model.record_filter)
    assert list_words.kept_match_map(reader._kb._store.db, query) is not None
    # A read that would not end by itself: the next keystroke stops it.
    ended: list[str] = []

    def endless(self: record_list.RecordListing, query: ListQuery, total: int, *, stop: object) -> bool:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if stop():  # type: ignore[operator]
                ended.append("stopped")
                return False
            time.sleep(0.005)
        ended.append("timed out")
        return False

    monkeypatch.setattr(record_list.RecordListing, "keep_matches", endless)
    qtbot.keyClicks(window.filter_field, " ")
    qtbot.waitUntil(lambda: window.list_filterer._running is not None and not window.list_filterer.pending)
    started = time.monotonic()
    qtbot.keyClicks(window.filter_field, "v")  # "choice v": the records of one word in three
    qtbot.waitUntil(lambda: not window.list_filterer.pending, timeout=5000)
    assert time.monotonic() - started < 5 and "stopped" in ended
    assert window.model.rowCount() == 200
