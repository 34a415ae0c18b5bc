"""The lifecycle in the window, through its real actions: Supersede from a template, restoring a
revision whose status the links contradict, a supersede link removed, a control's rationale, the
templates of the New record dialog, and what Needs attention lists."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.ui.models.record_table_model import KEY
from kbridge.ui.window.main_window import MainWindow
from tests.ui.conftest import click_row

_GENERATION = [0]


@pytest.fixture(autouse=True)
def pollers_end_with_their_test() -> Iterator[None]:
    yield
    _GENERATION[0] += 1


def when_dialog(matches: Callable[[QWidget], bool], action: Callable[[QWidget], None]) -> list[QWidget]:
    """Run `action` on the first modal dialog that `matches` (nested dialogs open while another is
    still modal, so the one to answer is told apart by its name or title)."""
    seen: list[QWidget] = []
    tries = [0]
    generation = _GENERATION[0]

    def poll() -> None:
        if generation != _GENERATION[0]:
            return  # its test is over: never answer another test's dialog
        dialog = QApplication.activeModalWidget()
        if dialog is not None and dialog.isVisible() and matches(dialog):
            seen.append(dialog)
            action(dialog)
        elif tries[0] < 500:
            tries[0] += 1
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return seen


def named(name: str) -> Callable[[QWidget], bool]:
    return lambda dialog: dialog.objectName() == name


def titled(title: str) -> Callable[[QWidget], bool]:
    return lambda dialog: dialog.windowTitle() == title


def click(name: str) -> Callable[[QWidget], None]:
    def answer(dialog: QWidget) -> None:
        button = dialog.findChild(QPushButton, name)
        assert button is not None, f"no button {name} in {dialog.objectName()}"
        button.click()

    return answer


def press(button: QMessageBox.StandardButton) -> Callable[[QWidget], None]:
    return lambda dialog: dialog.button(button).click()  # type: ignore[attr-defined]


def _accepted_pair(kb: KnowledgeBase) -> tuple[str, str]:
    accepted = kb.list_records(kind="decision", status="accepted")
    return accepted[0].key, accepted[1].key


def test_supersede_action_writes_the_successor_from_the_adr_tools_template(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    old, _ = _accepted_pair(sample_kb)
    click_row(qtbot, window, old)
    new_key = sample_kb.next_key("decision")
    previews: list[str] = []

    def answer(dialog: QWidget) -> None:
        box = dialog.findChild(QComboBox, "newTemplate")
        assert [box.itemText(i) for i in range(box.count())] == [
            "MADR 4", "Nygard", "adr-tools", "AI initiative", "Blank"]
        box.setCurrentIndex(box.findText("adr-tools"))
        previews.append(dialog.preview.toPlainText())  # type: ignore[attr-defined]
        dialog.findChild(QLineEdit, "newTitle").setText("Move the queue to Kafka")
        dialog.findChild(QCheckBox, "newOpenEditor").setChecked(False)
        dialog.findChild(QPushButton, "newCreate").click()

    seen = when_dialog(named("newRecordDialog"), answer)
    window.actions.supersede.trigger()
    assert seen and previews and "The issue motivating this decision" in previews[0]
    assert sample_kb.get(old).status == "superseded"
    assert [(link.label, link.key) for link in sample_kb.links.of(new_key)] == [("supersedes", old)]
    assert sample_kb.get(new_key).body.startswith("## Context\n\nThe issue motivating this decision")
    assert window.reader.record.key == new_key


def test_restoring_a_revision_the_links_contradict_asks_and_can_keep_the_status(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    old, new = _accepted_pair(sample_kb)
    sample_kb.update(old, body="What we decided first.")
    before = sample_kb.history.revisions(old)[-1].rev
    sample_kb.lifecycle.supersede(old, new)
    sample_kb.update(old, body="Rewritten later.")
    click_row(qtbot, window, old)
    window.show_tab("History")
    view = window.history_view

    def select(rev: int) -> None:
        view.table.selectRow(next(i for i, r in enumerate(view.model.revisions) if r.rev == rev))

    select(before)
    texts: list[str] = []

    def keep(dialog: QWidget) -> None:
        texts.append(dialog.informativeText())  # type: ignore[attr-defined]
        click("restoreKeepConsistent")(dialog)

    seen = when_dialog(named("restoreRevisionPrompt"), keep)
    view.restore_action.trigger()
    assert seen and f"{old} is superseded by {new}" in texts[0] and "contradicts" in texts[0]
    record = sample_kb.get(old)
    assert (record.status, record.body) == ("superseded", "What we decided first.")
    assert sample_kb.history.revisions(old)[-1].reason == f"restored revision {before}"
    sample_kb.update(old, body="Rewritten again.")
    window.show_record(sample_kb.get(old).uid)
    select(before)
    when_dialog(named("restoreRevisionPrompt"), click("restoreAsItWas"))
    view.restore_action.trigger()
    assert sample_kb.get(old).status == "accepted"
    assert [f.key for f in sample_kb.maintenance.check().findings if f.category == "status-contradicts-links"] == [old]


def test_removing_a_supersede_link_offers_the_old_status_back(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    old, new = _accepted_pair(sample_kb)
    sample_kb.lifecycle.supersede(old, new)
    click_row(qtbot, window, old)
    prompts: list[str] = []

    def restore(box: QWidget) -> None:
        prompts.append(box.informativeText())  # type: ignore[attr-defined]
        press(QMessageBox.StandardButton.Yes)(box)

    def remove(dialog: QWidget) -> None:
        row = next(i for i in range(dialog.list.count()) if dialog.list.item(i).text().startswith(  # type: ignore
            f"Superseded by {new}"))
        dialog.list.setCurrentRow(row)  # type: ignore[attr-defined]
        when_dialog(titled("Remove a link"), press(QMessageBox.StandardButton.Yes))
        when_dialog(named("restoreStatusPrompt"), restore)
        dialog.remove_button.click()  # type: ignore[attr-defined]
        dialog.accept()  # type: ignore[attr-defined]

    when_dialog(named("linksDialog"), remove)
    window.actions.links.trigger()
    assert prompts and "(accepted)" in prompts[0]
    assert sample_kb.get(old).status == "accepted"
    assert not [link for link in sample_kb.links.of(old) if link.key == new]


def test_the_editor_will_not_save_a_control_without_its_rationale(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    control = next(r for r in sample_kb.list_records(kind="control") if r.fields.get("rationale"))
    click_row(qtbot, window, control.key)
    window.actions.edit.trigger()
    field = window.editor.findChild(QLineEdit, "edit_field:rationale")
    field.clear()
    warned: list[str] = []

    def read(box: QWidget) -> None:
        warned.append(box.text())  # type: ignore[attr-defined]
        press(QMessageBox.StandardButton.Ok)(box)

    when_dialog(titled("Cannot save"), read)
    window.editor.save_button.click()
    assert warned and "rationale" in warned[0]
    assert sample_kb.get(control.key).fields["rationale"] == control.fields["rationale"]
    assert window.right.currentWidget() is window.editor and window.editor.is_dirty
    qtbot.keyClicks(field, "Auditors asked for it")
    window.editor.save_button.click()
    assert sample_kb.get(control.key).fields["rationale"] == "Auditors asked for it"


def test_new_record_dialog_lists_the_knowledge_bases_templates_with_a_preview(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    sample_kb.create("template", "Control write-up", body="## Rationale\n\n## Threat model\n\nWhat could go wrong?\n",
                     fields={"for_kind": "control"})
    key = sample_kb.next_key("control")
    asked: list[str] = []

    def answer(dialog: QWidget) -> None:
        kind = dialog.findChild(QComboBox, "newKind")
        kind.setCurrentIndex(kind.findData("control"))
        box = dialog.findChild(QComboBox, "newTemplate")
        assert [box.itemText(i) for i in range(box.count())] == ["TPL-001 — Control write-up", "Blank"]
        assert "What could go wrong?" in dialog.preview.toPlainText()  # type: ignore[attr-defined]
        dialog.findChild(QLineEdit, "newTitle").setText("Hardware keys for admins")
        dialog.findChild(QCheckBox, "newOpenEditor").setChecked(False)

        def told(box: QWidget) -> None:
            asked.append(box.text())  # type: ignore[attr-defined]
            box.button(QMessageBox.StandardButton.Ok).click()  # type: ignore[attr-defined]
            dialog.findChild(QLineEdit, "newRationale").setText("Phishing took two admin accounts")
            dialog.findChild(QPushButton, "newCreate").click()

        when_dialog(lambda w: isinstance(w, QMessageBox), told)
        dialog.findChild(QPushButton, "newCreate").click()  # the template's Rationale is empty

    when_dialog(named("newRecordDialog"), answer)
    window.actions.new_kind[next(k for k in window.actions.new_kind if k.value == "control")].trigger()
    assert asked and "rationale" in asked[0]
    record = sample_kb.get(key)
    assert record.fields["rationale"] == "Phishing took two admin accounts"
    assert "## Threat model" in record.body


def test_a_template_is_made_in_the_window_from_a_built_in_one(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    def answer(dialog: QWidget) -> None:
        kind = dialog.findChild(QComboBox, "newKind")
        kind.setCurrentIndex(kind.findData("template"))
        box = dialog.findChild(QComboBox, "newTemplate")
        box.setCurrentIndex(box.findText("Nygard"))
        assert "Consequences" in dialog.preview.toPlainText()  # type: ignore[attr-defined]
        dialog.findChild(QLineEdit, "newTitle").setText("Our Nygard")
        dialog.findChild(QCheckBox, "newOpenEditor").setChecked(False)
        dialog.findChild(QPushButton, "newCreate").click()

    when_dialog(named("newRecordDialog"), answer)
    window.actions.new_kind[next(k for k in window.actions.new_kind if k.value == "template")].trigger()
    made = sample_kb.get("TPL-001")
    assert made.body.startswith("## Context") and made.fields == {"for_kind": "decision"}
    qtbot.waitUntil(lambda: window.navigator.nav_model.index_of("kind:template").isValid())


def test_superseded_from_the_status_chip_needs_a_successor(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    old, _ = _accepted_pair(sample_kb)
    click_row(qtbot, window, old)
    warned: list[str] = []

    def read(box: QWidget) -> None:
        warned.append(box.text())  # type: ignore[attr-defined]
        press(QMessageBox.StandardButton.Ok)(box)

    when_dialog(titled("Change status"), read)
    assert window.record_commands.set_status("superseded") is False
    assert warned and "nothing supersedes" in warned[0]
    assert sample_kb.get(old).status == "accepted"


def test_needs_attention_lists_records_whose_status_the_links_contradict(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    old, _ = _accepted_pair(sample_kb)
    sample_kb.set_status(old, "superseded")  # as an import or an older version left it
    with qtbot.waitSignal(window.attention_updated, timeout=15000):
        window.refresh_attention()
    assert window.navigator.select("attention:superseded-alone")
    assert [window.model.index(r, KEY).data() for r in range(window.model.rowCount())] == [old]
