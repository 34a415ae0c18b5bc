"""The rough edges a person met in the first release: narrow windows, the title column, images of
imported ADRs, the first revision, an empty knowledge base, the quick switcher, facets, the
Recovery table, and files that are not knowledge bases."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QToolButton
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.formats.read.importer import import_folder
from kbridge.ui.models.record_table_model import TITLE
from kbridge.ui.views.recovery_view import COLUMNS
from kbridge.ui.window.main_window import MainWindow
from tests.formats.conftest import corpus_root
from tests.ui.answers import Answers, window_on

MOZILLA = corpus_root() / "mozilla__remote-settings" / "docs" / "adr"


@pytest.mark.parametrize("size", [(900, 600), (1400, 900)])
def test_no_view_forces_the_window_wider_and_the_title_keeps_its_room(
    qtbot: QtBot, sample_path: Path, size: tuple[int, int]
) -> None:
    window = window_on(qtbot, sample_path, size)
    kb = window.kb
    assert kb is not None
    for tab, key in (("Record", "ADR-0008"), ("History", "ADR-0014"), ("Why?", "CTL-001"),
                     ("Timeline", "SYS-001"), ("Graph", "SYS-001"), ("Recovery", "SYS-001")):
        window.open_record(kb.get(key).uid)
        window.show_tab(tab)
        qtbot.wait(50)
        assert window.width() == size[0], f"the {tab} tab widened the window to {window.width()}"
    window.actions.edit.trigger()
    qtbot.wait(50)
    assert window.width() == size[0]
    window.editor.discard()
    qtbot.waitUntil(lambda: min(window.splitter.sizes()) > 0)  # the room is given back in the next turn
    viewport = window.table.viewport().width()
    assert window.table.columnWidth(TITLE) >= 0.4 * viewport


def test_the_welcome_page_with_recent_files_fits_a_short_window(qtbot: QtBot, tmp_path: Path) -> None:
    from kbridge.ui import settings as ui_settings

    for number in range(6):
        path = tmp_path / f"knowledge-base-with-a-long-name-{number}.kbridge"
        KnowledgeBase.init(path).close()
        ui_settings.remember_file(path)
    window = window_on(qtbot, None, (900, 600))
    window.show_welcome()
    qtbot.wait(50)
    assert window.size().height() == 600 and window.size().width() == 900
    buttons = [b for b in window.welcome.findChildren(QPushButton) if b.accessibleName().startswith("Open knowledge")]
    assert len(buttons) == 5
    assert all(button.height() >= button.sizeHint().height() for button in buttons)  # none squeezed


def test_the_navigator_can_be_folded_away(qtbot: QtBot, window: MainWindow) -> None:
    window.actions.show_navigator.trigger()
    assert not window.navigator.isVisible()
    window.actions.show_navigator.trigger()
    assert window.navigator.isVisible()


def test_images_of_an_imported_folder_show_from_the_knowledge_base(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "mozilla.kbridge"
    with KnowledgeBase.init(path) as kb:
        import_folder(kb, MOZILLA)
    window = window_on(qtbot, path)
    assert window.kb is not None
    record = next(r for r in window.kb.list_records() if "adr_005_chart.png" in r.body)
    window.open_record(record.uid)
    document = window.reader.document()
    image = document.resource(QTextDocument.ResourceType.ImageResource, "./adr_005_chart.png")
    assert image is not None and not image.isNull()
    assert not any("adr_005_chart" in url for url in window.reader.refused_resources)


def test_an_svg_attachment_is_never_decoded_and_a_bomb_is_refused_by_its_size(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """Found trying a folder no test used: Qt's SVG reader loads the files an SVG names, and an
    `<image href>` naming a FIFO hung the window."""
    import os
    import struct
    import zlib

    from kbridge.ui.views.reader import ReaderView, raster_image

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="9" '
           f'height="9"><image xlink:href="{fifo}" width="9" height="9"/></svg>').encode()
    uid = kb.create("note", "Pictures", body="![a](a.svg)\n\n![b](b.png)\n").uid
    kb.files.put(uid, "a.svg", svg)

    def png(width: int, height: int) -> bytes:
        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        pixels = zlib.compress(b"".join(b"\x00" + b"\xff\x00\x00" * min(width, 4) for _ in range(min(height, 4))))
        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")

    kb.files.put(uid, "b.png", png(4, 4))
    reader = ReaderView(kb)
    qtbot.addWidget(reader)
    reader.show_record(kb.get(uid))
    reader.show()
    qtbot.waitExposed(reader)  # images load when laid out; the FIFO is never opened
    qtbot.waitUntil(lambda: bool(reader.refused_resources))
    assert "a.svg" in " ".join(reader.refused_resources)
    assert not any("b.png" in url for url in reader.refused_resources)
    assert raster_image(png(100_000, 100_000)) is None  # 10^10 pixels declared: refused unread
    assert raster_image(svg) is None


def test_the_first_revision_is_compared_with_nothing_not_itself(qtbot: QtBot, window: MainWindow) -> None:
    kb = window.kb
    assert kb is not None
    record = kb.list_records(kind="decision")[0]
    window.open_record(record.uid)
    window.actions.history_tab.trigger()
    view = window.history_view
    oldest = view.model.rowCount() - 1
    view.table.selectRow(oldest)
    assert view.from_box.currentData() == 0
    text = view.diff_view.toPlainText()
    assert "before it was recorded" in text and f"+title: {record.title}" in text


def test_an_empty_knowledge_base_offers_its_first_steps(qtbot: QtBot, tmp_path: Path) -> None:
    window = window_on(qtbot, None)
    assert window.file_commands.open_path(tmp_path / "new.kbridge", create=True)
    qtbot.waitUntil(lambda: window.ready)
    panel = window.list_panel
    assert panel.body.currentWidget() is panel.empty_state and panel.empty_state.isVisible()
    texts = {button.text() for button in panel.empty_state.findChildren(QToolButton)}
    assert any("Import folder" in text for text in texts) and any("New record" in text for text in texts)
    assert window.kb is not None
    window.kb.create("note", "The first note")
    qtbot.waitUntil(lambda: panel.body.currentWidget() is panel.table)


def test_the_quick_switcher_starts_with_recent_records(qtbot: QtBot, window: MainWindow, answers: Answers) -> None:
    kb = window.kb
    assert kb is not None
    for key in ("ADR-0003", "CTL-002", "SYS-004"):
        window.open_record(kb.get(key).uid)
    seen: list[list[str]] = []

    def look(dialog: object) -> None:
        model = dialog.model  # type: ignore[attr-defined]
        seen.append([model.records[row].key for row in range(model.rowCount())])
        dialog.reject()  # type: ignore[attr-defined]

    answers.dialogs["QuickSwitcher"] = look  # type: ignore[assignment]
    window.actions.quick_switch.trigger()
    assert seen and seen[0][:3] == ["SYS-004", "CTL-002", "ADR-0003"]
    assert len(seen[0]) > 3  # then the latest records by date


def test_facet_groups_are_named(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.search_field, "vault")
    qtbot.waitUntil(lambda: bool(window.search_results.facet_buttons), timeout=20000)
    facets = window.search_results.facets
    assert facets.findChild(QLabel, "facetHeading_kind").text() == "Kinds:"
    assert facets.findChild(QLabel, "facetHeading_status").text() == "Statuses:"


def test_recovery_gaps_are_next_to_the_system() -> None:
    assert COLUMNS.index("Gaps") == COLUMNS.index("System") + 1


def test_another_applications_database_is_refused_by_file_open_and_left_alone(
    qtbot: QtBot, answers: Answers, tmp_path: Path
) -> None:
    places = tmp_path / "places.sqlite"
    conn = sqlite3.connect(places)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.commit()
    conn.close()
    before = hashlib.sha256(places.read_bytes()).hexdigest()
    answers.files["Open knowledge base"] = places
    window = window_on(qtbot, None)
    window.actions.open_kb.trigger()
    qtbot.waitUntil(lambda: bool(answers.errors))
    assert "not a kbridge knowledge base" in answers.errors[0]
    assert window.kb is None and window.pages.currentWidget() is window.welcome
    assert hashlib.sha256(places.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["places.sqlite"]


def test_an_unexpected_error_becomes_a_dialog_and_a_log_line(
    qtbot: QtBot, window: MainWindow, answers: Answers
) -> None:
    from kbridge import diagnostics
    from kbridge.ui.dialogs.errors import install_exception_hook

    hook = install_exception_hook(QApplication.instance(), lambda: window)  # type: ignore[arg-type]
    try:
        hook._hook(RuntimeError, RuntimeError("the list could not be read"), None)
        qtbot.waitUntil(lambda: bool(answers.errors))
    finally:
        hook.uninstall()
    assert "the list could not be read" in answers.errors[0]
    assert "the list could not be read" in diagnostics.log_path().read_text(encoding="utf-8")
    assert window.ready and window.model.total == len(window.kb.list_records())  # type: ignore[union-attr]
