"""Importing through File > Import as a person would: the dialog shows what each file would become
(or why it is skipped) before Import writes anything; a folder of no decisions is imported only
after a yes; separate ADR logs show in the navigator; the reader says how a status was read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.formats.read.plan import plan_import
from kbridge.ui.dialogs.import_preview import COLUMNS, PreviewModel
from kbridge.ui.dialogs.transfer_dialogs import ImportDialog
from kbridge.ui.models.record_table_model import KEY, STATUS
from kbridge.ui.window.main_window import MainWindow
from tests.ui.answers import wait_until_idle
from tests.ui.conftest import press_button, when_modal


@pytest.fixture
def empty_kb_window(empty_window: MainWindow, tmp_path: Path) -> Iterator[MainWindow]:
    assert empty_window.file_commands.open_path(tmp_path / "team.kbridge", create=True)
    yield empty_window
    empty_window.jobs.wait()


def write(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def open_import(qtbot: QtBot, window: MainWindow, folder: Path) -> ImportDialog:
    """File > Import, then the folder typed in, as a person would."""
    window.actions.import_folder.trigger()
    dialog = window.file_commands.import_dialog
    assert isinstance(dialog, ImportDialog) and dialog.isVisible()
    qtbot.keyClicks(dialog.path_field, str(folder))
    qtbot.waitUntil(lambda: dialog.preview_current, timeout=60000)
    return dialog


def table(dialog: ImportDialog) -> dict[str, dict[str, str]]:
    model = dialog.preview_view.model()
    return {
        model.index(row, 0).data(): {COLUMNS[c]: model.index(row, c).data() for c in range(len(COLUMNS))}
        for row in range(model.rowCount())
    }


def test_file_import_previews_then_writes(qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase,
                                         tmp_path: Path) -> None:
    folder = tmp_path / "team-adrs"
    write(folder, "0201-use-kafka.md", "# 201. Use Kafka\n\n**Status:** Akzeptiert\n\n**Datum:** 27. Februar 2026\n")
    write(folder, "0202-no-status.md", "# 202. No status here\n\n## Context\n\nSome.\n\n## Decision\n\nDo.\n")
    write(folder, "0202-same-number.md", "# 202. Same number\n\n* Status: proposed\n")
    write(folder, "README.md", "# Decisions\n\nSee the files.\n")
    before = window.model.total
    dialog = open_import(qtbot, window, folder)
    rows = table(dialog)
    assert rows["0201-use-kafka.md"] == {
        "File": "0201-use-kafka.md", "Action": "import", "Key": "ADR-0201", "Title": "Use Kafka",
        "Status": "accepted", "Date": "2026-02-27", "Note": "read as accepted from 'Akzeptiert'"}
    assert (rows["0202-no-status.md"]["Status"], rows["0202-no-status.md"]["Key"]) == ("unknown", "ADR-0202")
    assert rows["0202-same-number.md"]["Key"] == "ADR-0202-2"
    assert rows["README.md"]["Action"] == "skip" and "README" in rows["README.md"]["Note"]
    # The window's preview is the command line's: the same plan.
    plan = plan_import(sample_kb, folder)
    assert [(r.path, r.action, r.key, r.status) for r in plan.rows] == [
        (p, r["Action"], r["Key"] or "", r["Status"] or "") for p, r in rows.items()]
    assert "Nothing has been written yet" in dialog.message.text()
    assert window.model.total == before and sample_kb.find("ADR-0201") is None
    assert dialog.start_button.text() == "&Import"
    with qtbot.waitSignal(dialog.finished_ok, timeout=60000) as done:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert done.args[0].imported == 3
    qtbot.waitUntil(lambda: window.model.total == before + 3)
    assert sample_kb.get("ADR-0201").status == "accepted"
    assert sample_kb.get("ADR-0202").status == "unknown"
    assert sample_kb.get("ADR-0202-2").title == "Same number"


def test_a_folder_of_no_decisions_asks_first(qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase,
                                           tmp_path: Path) -> None:
    docs = tmp_path / "doc"
    write(docs, "zstd/README.md", "# Zstandard\n\nA compression library.\n")
    write(docs, "git/README.md", "# Git\n\nA version control system.\n")
    before = window.model.total
    dialog = open_import(qtbot, window, docs)
    assert "Nothing here reads as a decision record" in dialog.message.text()
    seen = when_modal(press_button(QMessageBox.StandardButton.No))
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen))
    assert "Not imported" in dialog.message.text()
    assert window.model.total == before
    when_modal(press_button(QMessageBox.StandardButton.Yes))
    with qtbot.waitSignal(dialog.finished_ok, timeout=60000) as done:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert done.args[0].imported == 2
    imported = [r for r in sample_kb.list_records() if r.source and r.source["path"].endswith("README.md")]
    assert {r.status for r in imported} == {"unknown"}


def test_separate_logs_show_in_the_navigator_and_the_reader_says_how_a_status_was_read(
    qtbot: QtBot, empty_kb_window: MainWindow, tmp_path: Path
) -> None:
    window = empty_kb_window
    tree = tmp_path / "docs"
    for number in (1, 2):
        write(tree, f"adr/{number:04d}-app-{number}.md", f"# {number}. App {number}\n\n* Status: accepted\n")
        write(tree, f"infra/{number:04d}-infra-{number}.md",
              f"# {number}. Infra {number}\n\n## Status\n\nAceito\n")
    write(tree, "adr/0003-app-3.md", "# 3. App 3\n\n## Context\n\nNone stated.\n\n## Decision\n\nDo.\n")
    dialog = open_import(qtbot, window, tree)
    with qtbot.waitSignal(dialog.finished_ok, timeout=60000):
        dialog.start()
    qtbot.waitUntil(lambda: window.model.total == 5)
    nav = window.navigator
    qtbot.waitUntil(lambda: nav.nav_model.index_of("kind:decision/log:INFRA").isValid())
    nav.setExpanded(nav.nav_model.index_of("kind:decision"), True)
    assert nav.select("kind:decision/log:INFRA")
    assert {window.model.index(r, KEY).data() for r in range(window.model.rowCount())} == {
        "INFRA-0001", "INFRA-0002"}
    assert nav.select("kind:decision/status:unknown")
    assert [window.model.index(r, STATUS).data() for r in range(window.model.rowCount())] == ["unknown"]
    window.open_record(window.kb.get("INFRA-0001").uid)
    assert "read as accepted from 'Aceito'" in window.record_page.reader.toPlainText()
    hits = window.kb.search("status:unknown")
    assert [hit.key for hit in hits.hits] == ["ADR-0003"]


def test_preview_model_passes_the_model_tester(qtmodeltester, kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = tmp_path / "adr"
    write(folder, "0001-a.md", "# 1. A\n\n* Status: accepted\n")
    write(folder, "index.md", "# Index\n")
    model = PreviewModel()
    model.set_rows(plan_import(kb, folder).rows)
    qtmodeltester.check(model)
    assert model.rowCount() == 2


def test_a_folder_of_restructuredtext_decisions_imports_and_reads_as_markdown(
    qtbot: QtBot, empty_kb_window: MainWindow, tmp_path: Path
) -> None:
    """Open edX's decisions are .rst files: File > Import listed them as "not a Markdown file" and
    imported nothing. Now they import; the reader and the editor's preview show their sections."""
    window = empty_kb_window
    folder = tmp_path / "docs" / "decisions"
    write(folder, "0001-purpose.rst", "1. Purpose\n##########\n\nStatus\n******\n\nAccepted\n\n"
          "Context\n*******\n\nWe need a bus (see :doc:`0002-bus`)::\n\n    Status: Rejected\n")
    write(folder, "0002-bus.rst", "Kafka Bus\n=========\n\n:Status: Provisional\n:Date: 2022-03-04\n\n"
          "Decision\n--------\n\nUse Kafka.\n")
    dialog = open_import(qtbot, window, folder)
    rows = table(dialog)
    assert rows["0001-purpose.rst"]["Title"] == "Purpose" and rows["0002-bus.rst"]["Date"] == "2022-03-04"
    # Open edX's "Provisional" (in force, may be revised) reads as accepted, shown as read so.
    assert (rows["0002-bus.rst"]["Status"], rows["0002-bus.rst"]["Note"]) == (
        "accepted", "read as accepted from 'Provisional'")
    with qtbot.waitSignal(dialog.finished_ok, timeout=60000) as done:
        dialog.start()
    assert done.args[0].imported == 2 and done.args[0].formats == {"rst": 2}
    qtbot.waitUntil(lambda: window.model.total == 2)
    dialog.accept()  # the person closes the import's report
    wait_until_idle(qtbot, window)  # Edit is off while a job writes (the import's last steps, under load)
    uid = window.kb.get("ADR-0001").uid
    window.open_record(uid)
    shown = window.record_page.reader.toPlainText()
    assert "Context" in shown and "*******" not in shown and "Status: Rejected" in shown
    qtbot.waitUntil(lambda: (record := window.current_record()) is not None and record.uid == uid)
    assert window.actions.edit.isEnabled()
    window.actions.edit.trigger()
    editor = window.editor
    qtbot.waitUntil(lambda: "*******" in editor.body.toPlainText(), timeout=5000)  # edited as written
    qtbot.waitUntil(lambda: "Context" in editor.preview.toPlainText(), timeout=5000)
    assert "*******" not in editor.preview.toPlainText()
    editor.discard()
    # Changed since, its file is not written back by a native export: the dialog says which and why.
    window.kb.update("ADR-0001", status="deprecated")
    dialog = window.file_commands.export_records()
    dialog.path_field.setText(str(tmp_path / "out"))
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("native"))
    with qtbot.waitSignal(dialog.finished_ok, timeout=60000):
        dialog.start()
    assert dialog.message.text().endswith("; 1 not written (below).")
    assert dialog.report.isVisible() and dialog.report.toPlainText().startswith(
        "0001-purpose.rst: ADR-0001 changed since it was imported from reStructuredText")
    assert (tmp_path / "out" / "0002-bus.rst").read_bytes() == (folder / "0002-bus.rst").read_bytes()
    dialog.close()
