"""Every Qt model passes qtmodeltester; keyboard shortcuts, accessible names, themes, window state."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextBrowser,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.ui.dialogs.quick_switcher import SwitcherModel
from kbridge.ui.jobs.record_finder import rank_records
from kbridge.ui.jobs.search_service import IndexSearcher
from kbridge.ui.style import apply_theme, is_dark
from kbridge.ui.views.history_view import RevisionTableModel
from kbridge.ui.views.navigator import NavigatorModel, build_tree
from kbridge.ui.views.search_panel import SearchResultsModel
from kbridge.ui.window.main_window import MainWindow
from tests.ui.conftest import click_row, when_modal


def test_navigator_model(qtmodeltester, sample_kb: KnowledgeBase) -> None:
    model = NavigatorModel()
    model.set_tree(
        build_tree(sample_kb.listing.facets(), sample_kb.maintenance.check().findings, ["vault", "kind:risk"])
    )
    qtmodeltester.check(model)
    kinds = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert kinds[:3] == ["All records", "Decisions", "Systems"]
    assert "Needs attention" in kinds and "Trash" in kinds and "Saved searches" in kinds


def test_revision_model(qtmodeltester, sample_kb: KnowledgeBase) -> None:
    sample_kb.update("ADR-0001", title="A new title", reason="renamed")
    model = RevisionTableModel()
    model.set_revisions(sample_kb.history.revisions("ADR-0001"))
    qtmodeltester.check(model)
    assert model.index(0, 3).data() == "renamed"  # newest first


def test_search_and_switcher_models(qtmodeltester, sample_kb: KnowledgeBase) -> None:
    records = sample_kb.list_summaries()
    outcome = IndexSearcher(sample_kb).search("vault", 20)
    results = SearchResultsModel()
    results.set_hits(outcome.hits)
    qtmodeltester.check(results)
    assert results.rowCount() == len(outcome.hits) > 0
    switcher = SwitcherModel()
    switcher.set_records(rank_records([(r, f"{r.key} {r.title}".lower()) for r in records], "adr-000", 50))
    qtmodeltester.check(switcher)
    assert switcher.index(0, 0).data().startswith("ADR-000")


def test_every_action_is_listed_in_keyboard_shortcuts(qtbot: QtBot, window: MainWindow) -> None:
    def check(dialog: QWidget) -> None:
        text = dialog.findChild(QTextBrowser, "shortcutsTable").toPlainText()
        check.text = text  # type: ignore[attr-defined]
        dialog.reject()

    when_modal(check)
    qtbot.keyClick(window.table, Qt.Key.Key_F1)
    text: str = check.text  # type: ignore[attr-defined]
    for _menu, actions in window.actions.menus:
        for action in actions:
            assert action.text().replace("&", "").rstrip("…") in text
            for sequence in action.shortcuts():
                assert sequence.toString(QKeySequence.SequenceFormat.NativeText) in text
    assert window.actions.find.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    assert window.actions.back.shortcut() == QKeySequence(QKeySequence.StandardKey.Back)


def test_shortcuts_do_not_clash(window: MainWindow) -> None:
    seen: dict[str, str] = {}
    for action in window.findChildren(type(window.actions.find)):
        for sequence in action.shortcuts():
            key = sequence.toString()
            assert key not in seen, f"{key} is both {seen[key]!r} and {action.text()!r}"
            seen[key] = action.text()


def test_every_control_has_an_accessible_name(qtbot: QtBot, window: MainWindow) -> None:
    click_row(qtbot, window, "ADR-0001")
    window.editing.edit_current()
    controls = (QLineEdit, QComboBox, QAbstractItemView, QPlainTextEdit, QTextBrowser)
    unnamed = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.window() is not window:
            continue
        if isinstance(widget, QAbstractButton):
            named = bool(widget.accessibleName() or widget.text() or widget.toolTip())
        elif isinstance(widget, controls) and not isinstance(widget.parent(), (QComboBox, QAbstractItemView)):
            named = bool(widget.accessibleName())
        else:
            continue
        if not named and widget.objectName() not in ("qt_scrollarea_viewport",):
            unnamed.append(f"{type(widget).__name__} {widget.objectName()!r}")
    assert unnamed == []
    window.editor.discard()


def test_dark_and_light_palettes(qtbot: QtBot, window: MainWindow) -> None:
    app = QApplication.instance()
    click_row(qtbot, window, "ADR-0001")
    for dark in (True, False):
        apply_theme(app, dark=dark)
        assert is_dark(app.palette()) is dark
        text_colour = app.palette().color(QPalette.ColorRole.Text).name()
        # The reader follows the palette as soon as it changes, without being asked to.
        qtbot.waitUntil(
            lambda colour=text_colour: f"body {{ color: {colour}; }}" in window.reader.document().defaultStyleSheet()
        )


def test_window_state_is_kept_between_sessions(qtbot: QtBot, sample_kb: KnowledgeBase) -> None:
    first = MainWindow(sample_kb)
    qtbot.addWidget(first)
    first.show()
    first.resize(760, 560)  # the offscreen screen is 800x600
    first.splitter.setSizes([150, 300, 300])
    first.table.horizontalHeader().resizeSection(0, 133)
    sizes = first.splitter.sizes()
    first.close()
    second = MainWindow(sample_kb)
    qtbot.addWidget(second)
    second.show()
    assert second.size() == first.size()
    assert second.splitter.sizes() == sizes
    assert second.table.horizontalHeader().sectionSize(0) == 133


def test_list_summaries_are_the_records_without_their_text(sample_kb: KnowledgeBase) -> None:
    sample_kb.delete("NOTE-001")
    full = {record.uid: record for record in sample_kb.list_records(deleted=None)}
    summaries = sample_kb.list_summaries(deleted=None)
    assert {record.uid for record in summaries} == set(full)
    for summary in summaries:
        record = full[summary.uid]
        assert (summary.key, summary.title, summary.status, summary.tags, summary.date) == (
            record.key, record.title, record.status, record.tags, record.date,
        )
        assert (summary.owner_key, summary.owner_name, summary.deleted) == (
            record.owner_key, record.owner_name, record.deleted,
        )
        assert summary.body == "" and summary.fields == {} and summary.source is None
    assert [r.key for r in sample_kb.list_summaries(deleted=True)] == ["NOTE-001"]

