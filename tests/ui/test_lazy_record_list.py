"""The record list reads its rows by window: only what is on screen is read, sorting and filtering
are storage's, a change repaints its row in place, and the selection survives all of it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.model import Kind
from kbridge.model.listing import ListOrder, ListQuery
from kbridge.ui.models.record_table_model import COLUMNS, KEY, PAGE_ROWS, TITLE, RecordTableModel
from kbridge.ui.window.main_window import MainWindow

SIZE = 2_000


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.kbridge"
    with KnowledgeBase.init(path) as kb, kb.transaction():
        kb.create(Kind.PERSON, "Owner One", key="PER-0001")
        for n in range(1, SIZE):
            kb.create(
                Kind.DECISION if n % 3 else Kind.RISK,
                f"{['Vault', 'kafka', 'Ledger'][n % 3]} choice {n}",
                key=f"{'ADR' if n % 3 else 'RISK'}-{n:04d}",
                status=None,
                tags=["pci"] if n % 7 == 0 else [],
                owner="PER-0001" if n % 2 else None,
                date=f"20{10 + n % 15}-0{1 + n % 9}-01",
            )
    return path


@pytest.fixture
def sample_kb(big_file: Path, tmp_path: Path) -> Iterator[KnowledgeBase]:
    """The conftest's windows open this module's large knowledge base (a copy, per test)."""
    copy = tmp_path / "big.kbridge"
    copy.write_bytes(big_file.read_bytes())
    with KnowledgeBase.open(copy) as kb:
        yield kb


@pytest.fixture
def big_kb(sample_kb: KnowledgeBase) -> KnowledgeBase:
    return sample_kb


@pytest.fixture
def big_window(qtbot: QtBot, window: MainWindow) -> MainWindow:
    qtbot.waitUntil(lambda: window.ready)
    return window


def _statements(kb: KnowledgeBase) -> list[str]:
    seen: list[str] = []
    kb._store.db.conn.set_trace_callback(seen.append)  # the SQL the list runs, as SQLite runs it
    return seen


def _shown_keys(window: MainWindow) -> list[str]:
    table = window.table
    first = table.rowAt(0)
    last = table.rowAt(table.viewport().height() - 1)
    last = window.model.rowCount() - 1 if last < 0 else last
    return [window.model.index(row, KEY).data() for row in range(first, last + 1)]


def test_the_model_passes_the_model_tester_sorted_and_filtered(qtmodeltester, big_kb: KnowledgeBase) -> None:
    model = RecordTableModel()
    model.set_listing(big_kb.listing)
    qtmodeltester.check(model)
    assert model.rowCount() == SIZE
    model.sort(TITLE, Qt.SortOrder.DescendingOrder)
    model.set_filter(model.record_filter.with_text("vault"))
    qtmodeltester.check(model)
    assert model.rowCount() == big_kb.listing.count(ListQuery(words=("vault",))) == SIZE // 3


def test_only_the_rows_on_screen_are_read(qtbot: QtBot, big_window: MainWindow, big_kb: KnowledgeBase) -> None:
    window = big_window
    seen = _statements(big_kb)
    window.table.scrollToBottom()
    window.table.viewport().repaint()
    windows = [sql for sql in seen if "LIMIT" in sql]
    limits = [int(re.search(r"LIMIT (\d+) OFFSET", sql).group(1)) for sql in windows]  # type: ignore[union-attr]
    assert limits and all(0 < limit <= PAGE_ROWS for limit in limits)
    assert len(windows) <= 2  # the last screen: one page, or two when it straddles them
    assert not [sql for sql in seen if "LIMIT" not in sql and "count(" not in sql and "json_each" not in sql]
    assert window.model.pages_read <= 3
    expected = big_kb.listing.window(ListQuery(), SIZE - 3, 3)
    assert _shown_keys(window)[-3:] == [record.key for record in expected]


def test_every_column_sorts_from_its_header(qtbot: QtBot, big_window: MainWindow, big_kb: KnowledgeBase) -> None:
    window = big_window
    window.open_record(big_kb.get("ADR-1000").uid)
    header = window.table.horizontalHeader()
    orders = dict(zip(range(len(COLUMNS)), ListOrder, strict=True))
    for column, order in orders.items():
        window.table.setColumnHidden(column, False)
        for descending in (False, True):
            if header.sortIndicatorSection() == column and (
                header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
            ) == descending:
                continue
            while not (header.sortIndicatorSection() == column and (
                    header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder) == descending):
                pos = QPoint(header.sectionViewportPosition(column) + header.sectionSize(column) // 2, 5)
                qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)
            query = ListQuery(order=order, descending=descending)
            row = window.table.currentIndex().row()
            # The selected record stays selected, in its new place.
            assert window.model.index(row, KEY).data() == "ADR-1000"
            assert row == big_kb.listing.position(query, big_kb.get("ADR-1000").uid)
            window.table.scrollToTop()
            shown = _shown_keys(window)
            assert shown == [record.key for record in big_kb.listing.window(query, 0, len(shown))]


def test_the_filter_field_and_the_navigator_filter_in_storage(
    qtbot: QtBot, big_window: MainWindow, big_kb: KnowledgeBase
) -> None:
    window = big_window
    window.open_record(big_kb.get("ADR-0014").uid)
    qtbot.keyClicks(window.filter_field, "ledger")
    assert window.model.rowCount() == big_kb.listing.count(ListQuery(words=("ledger",))) == SIZE // 3
    assert window.count_label.text() == f"{SIZE // 3:,} of {SIZE:,} records"
    navigator = window.navigator
    tags = next(row for row in range(navigator.model().rowCount())
                if navigator.model().index(row, 0).data() == "Tags")
    pci = navigator.model().index(0, 0, navigator.model().index(tags, 0))
    navigator.setCurrentIndex(pci)
    expected = big_kb.listing.count(ListQuery(tag="pci", words=("ledger",)))
    assert 0 < window.model.rowCount() == expected < SIZE // 3
    assert window.list_title.text() == "#pci"
    assert window.model.row_of(big_kb.get("ADR-0014").uid) == window.table.currentIndex().row()


def test_a_change_repaints_its_row_and_a_new_record_keeps_the_selection(
    qtbot: QtBot, big_window: MainWindow, big_kb: KnowledgeBase
) -> None:
    window = big_window
    window.open_record(big_kb.get("ADR-0005").uid)
    resets: list[str] = []
    changed: list[int] = []
    window.model.modelReset.connect(lambda: resets.append("reset"))
    window.model.dataChanged.connect(lambda top, _bottom, _roles=None: changed.append(top.row()))
    big_kb.update("ADR-0005", status="accepted")
    row = window.model.row_of(big_kb.get("ADR-0005").uid)
    assert resets == [] and changed == [row]
    assert window.model.index(row, 2).data() == "accepted"
    big_kb.create(Kind.DECISION, "A new one", key="ADR-0000")
    assert resets == ["reset"] and window.model.rowCount() == SIZE + 1
    assert window.model.index(0, KEY).data() == "ADR-0000"
    assert window.table.currentIndex().row() == window.model.row_of(big_kb.get("ADR-0005").uid) == row + 1
    assert window.current_record().key == "ADR-0005"  # type: ignore[union-attr]
    big_kb.delete("ADR-0005")
    assert window.model.row_of(big_kb.get("ADR-0005").uid) is None and window.model.rowCount() == SIZE


def test_a_change_that_keeps_a_rows_place_counts_nothing(
    qtbot: QtBot, big_window: MainWindow, big_kb: KnowledgeBase
) -> None:
    """A save that changes nothing the list's order or filter depends on repaints its row and asks
    storage no count and no position (each a pass over an index: 40-100 ms at a million records);
    a change of what the order depends on still finds the row's new place."""
    window = big_window
    window.open_record(big_kb.get("ADR-0007").uid)
    statements = _statements(big_kb)
    resets: list[str] = []
    window.model.modelReset.connect(lambda: resets.append("reset"))
    big_kb.update("ADR-0007", status="accepted", body="Reworded.")  # the list is in key order
    assert not [sql for sql in statements if "count(" in sql.lower()], statements
    row = window.model.row_of(big_kb.get("ADR-0007").uid)
    assert resets == [] and window.model.index(row, 2).data() == "accepted"
    window.table.sortByColumn(TITLE, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: window.model._query().order == ListOrder.TITLE)
    window.open_record(big_kb.get("ADR-0007").uid)
    statements.clear()
    big_kb.update("ADR-0007", title="Zzz moved to the end by its new title")
    assert [sql for sql in statements if "count(" in sql.lower()]  # its place is looked for
    assert window.model.row_of(big_kb.get("ADR-0007").uid) == window.model.rowCount() - 1


def test_the_list_table_is_a_table_view_over_the_model(big_window: MainWindow) -> None:
    assert isinstance(big_window.findChild(QTableView, "recordList").model(), RecordTableModel)


def test_a_large_file_recounts_the_navigator_on_a_worker(
    qtbot: QtBot, big_window: MainWindow, big_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kbridge.ui.window import main_window

    monkeypatch.setattr(main_window, "ASYNC_LOAD_BYTES", 0)
    model = big_window.navigator.model()

    def risks() -> str:
        return model.data(model.index(model.index_of("kind:risk").row(), 1))

    before = risks()
    big_kb.create(Kind.RISK, "One more risk", key="RISK-9999")
    big_window.navigator_timer.timeout.emit()  # as after a pause in changes
    assert risks() == before  # counted on a worker: the window goes on meanwhile
    qtbot.waitUntil(lambda: risks() == f"{int(before.replace(',', '')) + 1:,}")
