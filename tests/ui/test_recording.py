"""Recording and editing as a person does it: a new decision from the MADR template, found by
search; superseding it; editing, saving, the revision, a diff and a restore; never losing work."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.ui.models.record_table_model import KEY
from kbridge.ui.views.drafts import drafts_for
from kbridge.ui.views.editor import RecordEditor
from kbridge.ui.window.main_window import MainWindow
from tests.ui.conftest import click_row, press_button, when_modal


def fill_new_record(qtbot: QtBot, title: str, *, template: str = "MADR 4", open_editor: bool = False):
    """The answer a person gives the New record dialog."""

    seen: dict[str, str] = {}

    def answer(dialog: QWidget) -> None:
        assert dialog.objectName() == "newRecordDialog"
        template_box = dialog.findChild(QComboBox, "newTemplate")
        template_box.setCurrentIndex(template_box.findText(template))
        title_field = dialog.findChild(QLineEdit, "newTitle")
        title_field.clear()
        qtbot.keyClicks(title_field, title)
        dialog.findChild(QLineEdit, "newTags").setText("ledger, storage")
        dialog.findChild(QCheckBox, "newOpenEditor").setChecked(open_editor)
        seen["key"] = dialog.findChild(QWidget, "newKey").text()
        qtbot.mouseClick(dialog.findChild(QPushButton, "newCreate"), Qt.MouseButton.LeftButton)

    return answer, seen


def search_for(qtbot: QtBot, window: MainWindow, text: str) -> None:
    window.search_field.clear()
    qtbot.keyClicks(window.search_field, text)
    qtbot.waitUntil(lambda: window.search.latest is not None and window.search.latest.query == text)


def test_new_decision_from_the_madr_template_is_found_by_search(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    expected_key = sample_kb.next_key("decision")
    answer, seen = fill_new_record(qtbot, "Adopt CockroachDB for the settlement ledger")
    when_modal(answer)
    qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert expected_key in seen["key"]
    record = sample_kb.get(expected_key)
    assert record.title == "Adopt CockroachDB for the settlement ledger"
    assert record.status == "proposed"
    assert "## Decision Drivers" in record.body and "## Considered Options" in record.body
    assert record.tags == ["ledger", "storage"]
    assert window.reader.record.key == expected_key
    search_for(qtbot, window, "cockroachdb")
    assert window.centre.currentWidget() is window.search_results
    hits = window.search_results.model.hits
    assert hits and hits[0].key == expected_key
    assert "1" in window.search_results.summary.text()
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    assert window.reader.record.key == expected_key


def test_search_then_enter_opens_the_top_hit_and_escape_returns_to_the_list(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_field.hasFocus()
    search_for(qtbot, window, "vault")
    outcome = window.search.latest
    assert outcome.total >= 2
    assert outcome.facets["kind"]
    assert sum(outcome.facets["kind"].values()) == outcome.total
    assert "kind:" in window.search_field.toolTip()
    assert any("<b>vault</b>" in hit.snippet.to_html().lower() for hit in outcome.hits)  # highlighted
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    assert window.reader.record.uid == outcome.hits[0].uid
    qtbot.keyClick(window.search_field, Qt.Key.Key_Escape)
    assert window.search_field.text() == ""
    assert window.centre.currentWidget() is window.list_panel


def test_supersede_creates_the_new_decision_linked_and_marks_the_old(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    old = sample_kb.list_records(kind="decision", status="accepted")[0]
    click_row(qtbot, window, old.key)
    new_key = sample_kb.next_key("decision")
    when_modal(fill_new_record(qtbot, "Replace it with something better", template="Nygard")[0])
    qtbot.mouseClick(window.record_page.buttons["supersedeButton"], Qt.MouseButton.LeftButton)
    assert sample_kb.get(old.key).status == "superseded"
    labels = {(link.label, link.key) for link in sample_kb.links.of(new_key)}
    assert ("supersedes", old.key) in labels
    assert "## Context" in sample_kb.get(new_key).body  # Nygard's sections
    assert window.reader.record.key == new_key
    click_row(qtbot, window, old.key)
    assert f"{new_key}" in window.reader.toPlainText() and "Superseded by" in window.reader.toPlainText()


def test_edit_save_see_the_revision_diff_and_restore(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    click_row(qtbot, window, "ADR-0006")
    original = sample_kb.get("ADR-0006")
    revisions_before = len(sample_kb.history.revisions("ADR-0006"))
    qtbot.keyClick(window.table, Qt.Key.Key_F2)
    editor = window.editor
    assert window.right.currentWidget() is editor and editor.isVisible()
    # the preview follows on the next turn of the event loop (not another record's meanwhile)
    assert editor.preview.toPlainText() == ""
    qtbot.waitUntil(lambda: "Context and Problem Statement" in editor.preview.toPlainText())
    title = editor.findChild(QLineEdit, "edit_title")
    title.selectAll()
    qtbot.keyClicks(title, "Keep the ledger in PostgreSQL 16")
    editor.body.moveCursor(editor.body.textCursor().MoveOperation.End)
    qtbot.keyClick(editor.body, Qt.Key.Key_Return)
    qtbot.keyClick(editor.body, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.body, "Added while editing: partitions by month.")
    qtbot.waitUntil(lambda: "partitions by month" in editor.preview.toPlainText())
    qtbot.keyClicks(editor.reason, "clarified the version")
    qtbot.keyClick(editor.body, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = sample_kb.get("ADR-0006")
    assert saved.title == "Keep the ledger in PostgreSQL 16"
    assert saved.body.endswith("partitions by month.")
    history = sample_kb.history.revisions("ADR-0006")
    assert len(history) == revisions_before + 1 and history[-1].reason == "clarified the version"
    assert window.right.currentWidget() is window.tabs
    assert "Keep the ledger in PostgreSQL 16" in window.reader.toPlainText()
    window.show_tab("History")
    view = window.history_view
    assert view.model.rowCount() == revisions_before + 1
    assert view.model.index(0, 3).data() == "clarified the version"
    diff = view.diff_view.toPlainText()
    assert f"-title: {original.title}" in diff and "+title: Keep the ledger in PostgreSQL 16" in diff
    view.compare(1, history[-1].rev)
    assert "+Added while editing" in view.diff_view.toPlainText()
    view.table.selectRow(1)  # the revision before the edit
    when_modal(press_button(QMessageBox.StandardButton.Yes))
    qtbot.mouseClick(view.restore_button, Qt.MouseButton.LeftButton)
    restored = sample_kb.get("ADR-0006")
    assert restored.title == original.title and restored.body == original.body
    assert len(sample_kb.history.revisions("ADR-0006")) == revisions_before + 2
    assert view.model.rowCount() == revisions_before + 2


def test_unsaved_changes_prompt_on_navigate_and_cancel_keeps_editing(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    click_row(qtbot, window, "ADR-0002")
    window.editing.edit_current()
    qtbot.keyClicks(window.editor.body, "an unsaved thought")
    seen = when_modal(press_button(QMessageBox.StandardButton.Cancel))
    window.actions.quick_switch.setEnabled(True)
    assert window.open_record(sample_kb.get("ADR-0003").uid) is False
    assert seen and seen[0].objectName() == "unsavedChangesPrompt"
    assert window.right.currentWidget() is window.editor
    assert window.editor.record.key == "ADR-0002"
    when_modal(press_button(QMessageBox.StandardButton.Save))
    click_row(qtbot, window, "ADR-0003")
    assert "an unsaved thought" in sample_kb.get("ADR-0002").body
    assert window.reader.record.key == "ADR-0003"


def test_unsaved_changes_prompt_on_close_and_discard(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    click_row(qtbot, window, "ADR-0002")
    body = sample_kb.get("ADR-0002").body
    window.editing.edit_current()
    qtbot.keyClicks(window.editor.body, "thrown away")
    seen = when_modal(press_button(QMessageBox.StandardButton.Discard))
    window.close()
    assert seen and not window.isVisible()
    assert sample_kb.get("ADR-0002").body == body


def test_a_draft_survives_a_crash_and_is_offered_back(qtbot: QtBot, sample_kb: KnowledgeBase) -> None:
    editor = RecordEditor(sample_kb)  # the editor of a window that is about to crash
    editor.show()
    editor.edit(sample_kb.get("ADR-0004"))
    editor.body.moveCursor(editor.body.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor.body, "typed before the crash")
    qtbot.waitUntil(lambda: bool(drafts_for(sample_kb.uid)), timeout=5000)
    # The process dies here: nothing is saved, nothing asked. A new window opens the same file.
    editor._autosave.stop()
    editor.hide()
    seen = when_modal(press_button(QMessageBox.StandardButton.Yes))
    window = MainWindow(sample_kb)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(seen) and window.right.currentWidget() is window.editor)
    assert seen[0].objectName() == "recoverDraftPrompt"
    assert window.editor.record.key == "ADR-0004"
    assert window.editor.body.toPlainText().endswith("typed before the crash")
    assert window.editor.is_dirty
    window.activateWindow()  # the prompt had the focus; back to the window, as a click would do
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.editor.body, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert sample_kb.get("ADR-0004").body.endswith("typed before the crash")
    assert drafts_for(sample_kb.uid) == []


def test_links_dialog_adds_and_removes_a_typed_link(qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase) -> None:
    click_row(qtbot, window, "NOTE-001")

    def pick(dialog: QWidget) -> None:
        type_box = dialog.findChild(QComboBox, "linkType")
        type_box.setCurrentIndex(type_box.findText("relates to", Qt.MatchFlag.MatchContains))
        qtbot.keyClicks(dialog.findChild(QLineEdit, "linkTargetSearch"), "SYS-001")
        dialog.accept()

    def manage(dialog: QWidget) -> None:
        assert dialog.objectName() == "linksDialog"
        when_modal(pick)
        qtbot.mouseClick(dialog.findChild(QPushButton, "addLinkButton"), Qt.MouseButton.LeftButton)
        assert any(link.key == "SYS-001" for link in sample_kb.links.of("NOTE-001"))
        links = dialog.list
        row = next(i for i in range(links.count()) if "SYS-001" in links.item(i).text())
        links.setCurrentRow(row)
        when_modal(press_button(QMessageBox.StandardButton.Yes))
        qtbot.mouseClick(dialog.findChild(QPushButton, "removeLinkButton"), Qt.MouseButton.LeftButton)
        dialog.accept()

    before = {(link.label, link.key) for link in sample_kb.links.of("NOTE-001")}
    when_modal(manage)
    qtbot.keyClick(window.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert {(link.label, link.key) for link in sample_kb.links.of("NOTE-001")} == before
    revisions = [r.reason for r in sample_kb.history.revisions("NOTE-001")]
    assert "relates to SYS-001" in revisions and "removed link relates to SYS-001" in revisions


def test_list_row_of_a_new_record_is_selected(qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase) -> None:
    when_modal(fill_new_record(qtbot, "A small decision")[0])
    window.record_commands.new_record()
    key = window.reader.record.key
    assert window.table.currentIndex().siblingAtColumn(KEY).data() == key


def test_the_index_is_built_off_the_gui_thread_and_then_searched(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.index_label.text() == "Search index: ready", timeout=30000)
    search_for(qtbot, window, "vualt")  # misspelled: nothing found, a better spelling offered
    outcome = window.search.latest
    assert outcome.total == 0 and outcome.suggestion == "vault"
    assert "did you mean" in window.search_results.summary.text()
    window.search_results.summary.linkActivated.emit(f"suggest:{outcome.suggestion}")
    qtbot.waitUntil(lambda: window.search.latest is not None and window.search.latest.query == "vault")
    assert window.search.latest.total > 0


def test_slow_searches_run_on_a_worker_thread_with_their_own_connection(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    qtbot.waitUntil(lambda: window.search.searcher is not None, timeout=30000)
    window.search.last_seconds = 1.0  # as if the last search had been slow
    window.search_field.setText("kind:control vault")
    qtbot.waitUntil(lambda: window.search.latest is not None and window.search.latest.query == "kind:control vault")
    worker = window.search._worker_searcher
    assert worker is not None and worker is not window.search.searcher
    assert getattr(worker, "_kb", None) is not sample_kb  # never the window's connection
    assert {hit.kind for hit in window.search.latest.hits} == {"control"}


def test_the_editor_makes_room_after_it_is_shown_and_gives_it_back(qtbot: QtBot, window: MainWindow) -> None:
    """Editing folds the navigator and narrows the list (one turn of the event loop after the
    editor is painted); closing the editor puts the panes back as they were, also when it closes
    before the room was made."""
    click_row(qtbot, window, "ADR-0006")
    before = window.splitter.sizes()
    assert before[0] > 0
    window.actions.edit.trigger()
    assert window.right.currentWidget() is window.editor
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] == 0)
    assert window.splitter.sizes()[1] < before[1] + before[0]
    window.editor.cancel_button.click()
    assert window.right.currentWidget() is window.tabs
    qtbot.waitUntil(lambda: window.splitter.sizes() == before)
    window.actions.edit.trigger()
    window.editor.cancel_button.click()  # closed before the next turn of the event loop
    qtbot.wait(50)
    assert window.splitter.sizes() == before and window.right.currentWidget() is window.tabs


def test_a_save_gives_the_room_back_in_the_next_turn_and_a_close_keeps_the_sizes_from_before(
    qtbot: QtBot, sample_kb: KnowledgeBase
) -> None:
    """A save shows the record at once and gives the panes back one turn later (laying out the
    whole window in the save's own pass held it 60-90 ms at a million records); the window
    closed while it edits keeps, for the next session, the sizes from before the editor."""
    first = MainWindow(sample_kb)
    qtbot.addWidget(first)
    first.resize(1300, 820)
    first.show()
    qtbot.waitExposed(first)
    click_row(qtbot, first, "ADR-0006")
    before = first.splitter.sizes()
    first.actions.edit.trigger()
    qtbot.waitUntil(lambda: first.splitter.sizes()[0] == 0)
    first.editor.body.insertPlainText("Reviewed. ")
    first.editor.save_button.click()
    assert first.right.currentWidget() is first.tabs
    assert first.splitter.sizes()[0] == 0  # not yet: in the next turn
    assert "Reviewed." in first.reader.toPlainText()
    qtbot.waitUntil(lambda: first.splitter.sizes() == before)
    first.actions.edit.trigger()
    qtbot.waitUntil(lambda: first.splitter.sizes()[0] == 0)
    first.close()  # not changed: closes without asking
    first.jobs.wait()
    second = MainWindow(sample_kb)
    qtbot.addWidget(second)
    second.resize(1300, 820)
    second.show()
    assert second.splitter.sizes() == before
    second.jobs.wait()
