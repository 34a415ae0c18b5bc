"""The main window driven as a person would: the list, the navigator, the reader, links, back and
forward, the status chip, the trash, the quick switcher and the record tabs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QTreeView
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.ui.models.record_table_model import KEY, STATUS, RecordTableModel
from kbridge.ui.views.reader import ReaderView
from kbridge.ui.window.main_window import MainWindow
from tests.ui.conftest import click_row, click_text, press_button, superseded_pair, when_modal


def test_window_lists_every_record_of_the_sample(window: MainWindow, sample_kb: KnowledgeBase) -> None:
    assert window.model.rowCount() == len(sample_kb.list_records())
    assert window.count_label.text() == f"{len(sample_kb.list_records())} records"
    assert window.windowTitle() == "sample — kbridge"
    assert window.findChild(QTreeView, "navigator") is window.navigator


def test_selecting_a_record_shows_its_title_and_links(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    old, new = superseded_pair(sample_kb)
    click_row(qtbot, window, old)
    text = window.reader.toPlainText()
    assert sample_kb.get(old).title in text
    assert "Superseded by" in text
    assert new in text and sample_kb.get(new).title in text
    assert window.record_page.status_chip.text().startswith("superseded")


def test_navigator_filters_the_list_by_kind_status_and_tag(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    nav = window.navigator
    index = nav.nav_model.index_of("kind:control")
    rect = nav.visualRect(index)
    qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    controls = sample_kb.list_records(kind="control")
    assert window.model.rowCount() == len(controls)
    assert {window.model.index(r, KEY).data() for r in range(window.model.rowCount())} == {c.key for c in controls}
    assert index.siblingAtColumn(1).data() == str(len(controls))
    nav.setExpanded(nav.nav_model.index_of("kind:decision"), True)
    assert nav.select("kind:decision/status:accepted")
    accepted = sample_kb.list_records(kind="decision", status="accepted")
    assert window.model.rowCount() == len(accepted)
    assert all(window.model.index(r, STATUS).data() == "accepted" for r in range(window.model.rowCount()))
    tag = sample_kb.list_records(kind="control")[0].tags[0]
    assert nav.select(f"tag:{tag}")
    assert window.model.rowCount() == len(sample_kb.list_records(tag=tag))
    assert "of" in window.count_label.text()
    nav.select("all")
    assert window.model.rowCount() == len(sample_kb.list_records())


def test_needs_attention_lists_what_the_checks_find(qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase) -> None:
    with qtbot.waitSignal(window.attention_updated, timeout=10000):
        window.refresh_attention()
    findings = sample_kb.maintenance.check().findings
    overdue = {f.key for f in findings if f.category == "overdue-review"}
    assert overdue, "the sample has overdue reviews"
    assert window.navigator.select("attention:overdue-review")
    assert {window.model.index(r, KEY).data() for r in range(window.model.rowCount())} == overdue
    attention = window.navigator.nav_model.index_of("attention")
    assert int(attention.siblingAtColumn(1).data()) > 0


def test_the_files_integrity_is_checked_once_per_opening_and_its_findings_kept(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After each change the checks run again, without SQLite's integrity check of the whole
    file (a save cannot break it; 9 s of 21 at 100,000 records): what the first one found stays."""
    from kbridge.storage.store import Store

    checked: list[Store] = []

    def integrity_problems(store: Store) -> list[str]:
        checked.append(store)
        return ["*** in database main *** Page 7: btreeInitPage() returns error code 11"]

    monkeypatch.setattr(Store, "integrity_problems", integrity_problems)
    with qtbot.waitSignal(window.attention_updated, timeout=10000):
        window.refresh_attention()
    assert len(checked) == 1
    assert "integrity" in {finding.category for finding in window._findings}
    record = sample_kb.list_records(kind="decision")[0]
    sample_kb.update(record.key, title=record.title + " (reviewed)")
    with qtbot.waitSignal(window.attention_updated, timeout=20000):
        window.refresh_attention()
    assert len(checked) == 1, "the integrity check ran again after a change"
    assert "integrity" in {finding.category for finding in window._findings}, "its finding was dropped"
    window.attention.stop()  # what closing the knowledge base does: the next opening checks again
    with qtbot.waitSignal(window.attention_updated, timeout=10000):
        window.refresh_attention()
    assert len(checked) == 2


def test_following_a_link_and_going_back(qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase) -> None:
    old, new = superseded_pair(sample_kb)
    click_row(qtbot, window, old)
    click_text(qtbot, window.reader, new)
    qtbot.waitUntil(lambda: window.reader.record is not None and window.reader.record.key == new)
    assert sample_kb.get(new).title in window.reader.toPlainText()
    assert window.table.currentIndex().siblingAtColumn(KEY).data() == new
    assert window.actions.back.isEnabled()
    qtbot.keyClick(window.table, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.reader.record.key == old)
    assert window.actions.forward.isEnabled()
    qtbot.keyClick(window.table, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.reader.record.key == new


def test_filter_field_narrows_the_list(qtbot: QtBot, window: MainWindow) -> None:
    total = window.model.rowCount()
    qtbot.keyClicks(window.filter_field, "CTL-")
    assert 0 < window.model.rowCount() < total
    assert all(window.model.index(r, KEY).data().startswith("CTL-") for r in range(window.model.rowCount()))
    assert "of" in window.count_label.text()


def test_sorting_by_a_column_keeps_the_selection(qtbot: QtBot, window: MainWindow) -> None:
    click_row(qtbot, window, "ADR-0003")
    header = window.table.horizontalHeader()
    x = header.sectionViewportPosition(STATUS) + header.sectionSize(STATUS) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    statuses = [window.model.index(r, STATUS).data() for r in range(window.model.rowCount())]
    assert statuses == sorted(statuses) or statuses == sorted(statuses, reverse=True)
    assert window.table.currentIndex().siblingAtColumn(KEY).data() == "ADR-0003"


def test_changes_through_the_facade_refresh_the_window(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    before = window.model.rowCount()
    sample_kb.create("note", "Written while the window is open")
    assert window.model.rowCount() == before + 1
    expected = str(len(sample_kb.list_records(kind="note")))
    qtbot.waitUntil(lambda: window.navigator.nav_model.index_of("kind:note").siblingAtColumn(1).data() == expected)


def test_status_chip_changes_the_status(qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase) -> None:
    proposed = sample_kb.list_records(kind="decision", status="proposed")[0]
    click_row(qtbot, window, proposed.key)
    menu = window.record_page.status_menu
    action = next(a for a in menu.actions() if a.text() == "accepted")
    action.trigger()
    assert sample_kb.get(proposed.key).status == "accepted"
    assert window.record_page.status_chip.text().startswith("accepted")
    row = window.model.row_of(proposed.uid)
    assert window.model.index(row, STATUS).data() == "accepted"
    assert sample_kb.history.revisions(proposed.key)[-1].reason == "status: proposed -> accepted"


def test_delete_moves_to_the_trash_and_restore_brings_back(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    click_row(qtbot, window, "NOTE-001")
    when_modal(press_button(QMessageBox.StandardButton.Yes))
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert sample_kb.get("NOTE-001").deleted
    assert window.model.row_of(sample_kb.get("NOTE-001").uid) is None
    assert window.navigator.select("trash")
    assert [window.model.index(r, KEY).data() for r in range(window.model.rowCount())] == ["NOTE-001"]
    click_row(qtbot, window, "NOTE-001")
    assert "in the trash" in window.reader.toPlainText()
    button = window.record_page.buttons["restoreButton"]
    assert button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not sample_kb.get("NOTE-001").deleted
    assert window.model.rowCount() == 0


def test_quick_switcher_jumps_to_a_record(qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase) -> None:
    target = sample_kb.get("SYS-003")

    def type_and_choose(dialog: object) -> None:
        field = dialog.findChild(QLineEdit, "quickSwitcherField")
        qtbot.keyClicks(field, target.title.split()[0] + " sys-003")
        qtbot.keyClick(field, Qt.Key.Key_Return)

    seen = when_modal(type_and_choose)
    qtbot.keyClick(window.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert seen and seen[0].objectName() == "quickSwitcher"
    assert window.reader.record.key == "SYS-003"


def test_history_tab_is_one_of_the_record_tabs(qtbot: QtBot, window: MainWindow) -> None:
    click_row(qtbot, window, "ADR-0001")
    titles = [window.tabs.tabText(i).replace("&", "") for i in range(window.tabs.count())]
    assert titles[:2] == ["Record", "History"]
    window.show_tab("History")
    assert window.history_view.model.rowCount() >= 1


def test_external_links_need_confirmation(qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr("kbridge.ui.views.reader.QDesktopServices.openUrl", lambda url: opened.append(url.toString()))
    when_modal(press_button(QMessageBox.StandardButton.Cancel))
    window.reader.anchorClicked.emit(QUrl("https://example.com/x"))
    assert opened == []
    when_modal(press_button(QMessageBox.StandardButton.Open))
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
    model.set_listing(sample_kb.listing)
    qtmodeltester.check(model)
    assert model.rowCount() == len(sample_kb.list_records())
    model.sort(STATUS, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)


class _KeysTab(QLabel):
    """A stand-in for a trails view: shows the record's key, links to the first linked record."""

    record_link_clicked = Signal(str)

    def __init__(self, kb: KnowledgeBase, parent: object = None) -> None:
        super().__init__(parent)
        self.kb = kb
        self.shown: list[str | None] = []

    def show_record(self, record: object) -> None:
        self.shown.append(record.key if record is not None else None)  # type: ignore[attr-defined]
        self.setText(self.shown[-1] or "")


def test_a_view_plugs_into_the_record_tabs(qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase) -> None:
    old, new = superseded_pair(sample_kb)
    window.tabs.add_factory_tab("Keys", _KeysTab, sample_kb)
    click_row(qtbot, window, old)
    assert window.findChildren(_KeysTab) == []  # built only when first shown
    window.show_tab("Keys")
    tab = window.tabs.tab("Keys")
    assert isinstance(tab, _KeysTab) and tab.shown == [old]
    tab.record_link_clicked.emit(sample_kb.get(new).uid)
    assert window.current_record().key == new and tab.text() == new
    window.file_commands.open_path(window.kb.path)  # the same file opened again: a new KnowledgeBase
    rebuilt = window.tabs.tab("Keys")
    assert rebuilt is not tab and rebuilt.kb is window.kb


def test_the_reader_knows_the_record_scheme_without_loading_the_renderer() -> None:
    from kbridge import render
    from kbridge.ui.views import reader

    assert reader.RECORD_SCHEME == render.RECORD_SCHEME
