"""The foundation window, driven as a person would: click a record, read it, follow a link, go back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QMessageBox, QTableView
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.ui.main_window import MainWindow
from kbridge.ui.reader import ReaderView
from kbridge.ui.record_table_model import KEY, RecordTableModel


@pytest.fixture
def window(qtbot: QtBot, sample_kb: KnowledgeBase) -> MainWindow:
    main = MainWindow(sample_kb)
    qtbot.addWidget(main)
    main.resize(1200, 800)
    main.show()
    qtbot.waitExposed(main)
    return main


def click_row(qtbot: QtBot, window: MainWindow, key: str) -> None:
    table: QTableView = window.findChild(QTableView, "recordList")
    for row in range(window.proxy.rowCount()):
        index = window.proxy.index(row, KEY)
        if index.data() == key:
            table.scrollTo(index)
            rect = table.visualRect(index)
            qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            return
    raise AssertionError(f"{key} is not in the list")


def click_text(qtbot: QtBot, reader: ReaderView, text: str) -> None:
    """Click on the first occurrence of `text` in the reader, like a person clicking a link."""
    cursor = reader.document().find(text, 0, QTextDocument.FindFlag.FindCaseSensitively)
    assert not cursor.isNull(), f"{text!r} is not shown"
    cursor.setPosition(cursor.selectionStart() + 1)
    reader.setTextCursor(cursor)
    reader.ensureCursorVisible()
    point: QPoint = reader.cursorRect(cursor).center()
    qtbot.mouseClick(reader.viewport(), Qt.MouseButton.LeftButton, pos=point)


def superseded_pair(kb: KnowledgeBase) -> tuple[str, str]:
    """A superseded decision of the sample and the decision that superseded it."""
    for record in kb.list_records(kind="decision", status="superseded"):
        newer = [link for link in kb.links_of(record.key) if link.label == "superseded by"]
        if newer:
            return record.key, newer[0].key
    raise AssertionError("the sample has no superseded decision")


def test_window_lists_every_record_of_the_sample(window: MainWindow, sample_kb: KnowledgeBase) -> None:
    assert window.proxy.rowCount() == len(sample_kb.list_records())
    assert "records" in window.count_label.text()
    assert window.windowTitle() == "sample — kbridge"


def test_selecting_a_record_shows_its_title_and_links(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    old, new = superseded_pair(sample_kb)
    click_row(qtbot, window, old)
    reader = window.reader
    text = reader.toPlainText()
    assert sample_kb.get(old).title in text
    assert "Superseded by" in text
    assert new in text and sample_kb.get(new).title in text
    assert "superseded" in text


def test_following_a_link_and_going_back(qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase) -> None:
    old, new = superseded_pair(sample_kb)
    click_row(qtbot, window, old)
    click_text(qtbot, window.reader, new)
    qtbot.waitUntil(lambda: window.reader.record is not None and window.reader.record.key == new)
    assert sample_kb.get(new).title in window.reader.toPlainText()
    assert window.table.currentIndex().siblingAtColumn(KEY).data() == new
    assert window.back_action.isEnabled()
    qtbot.keyClick(window.table, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.reader.record.key == old)
    assert window.forward_action.isEnabled()
    window.forward_action.trigger()
    assert window.reader.record.key == new


def test_filter_narrows_the_list(qtbot: QtBot, window: MainWindow) -> None:
    total = window.proxy.rowCount()
    qtbot.keyClicks(window.filter_field, "CTL-")
    assert 0 < window.proxy.rowCount() < total
    assert all(window.proxy.index(r, KEY).data().startswith("CTL-") for r in range(window.proxy.rowCount()))
    assert "of" in window.count_label.text()


def test_changes_through_the_facade_refresh_the_window(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    before = window.proxy.rowCount()
    sample_kb.create("note", "Written while the window is open")
    assert window.proxy.rowCount() == before + 1


def test_external_links_need_confirmation(qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr("kbridge.ui.reader.QDesktopServices.openUrl", lambda url: opened.append(url.toString()))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    window.reader.anchorClicked.emit(QUrl("https://example.com/x"))
    assert opened == []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Open)
    window.reader.anchorClicked.emit(QUrl("https://example.com/x"))
    assert opened == ["https://example.com/x"]
    window.reader.anchorClicked.emit(QUrl("file:///etc/passwd"))
    assert opened == ["https://example.com/x"]


def test_reader_loads_nothing_from_outside(qtbot: QtBot, kb: KnowledgeBase) -> None:
    kb.create("note", "Images", body="![local](diagram.png)\n\n![remote](https://evil.example/x.png)\n")
    reader = ReaderView(kb)
    qtbot.addWidget(reader)
    reader.show_record(kb.get("NOTE-001"))
    reader.show()
    qtbot.waitExposed(reader)
    assert "diagram.png" in " ".join(reader.refused_resources)
    assert not any("evil.example" in url for url in reader.refused_resources)  # stripped before rendering
    assert "evil.example" not in reader.toHtml()


def test_record_table_model_passes_the_model_tester(qtmodeltester, sample_kb: KnowledgeBase) -> None:
    model = RecordTableModel()
    model.set_records(sample_kb.list_records())
    qtmodeltester.check(model)
    assert model.rowCount() == len(sample_kb.list_records())
