"""Every payload in the desktop window: each record opened on every tab, the list, search results,
the delete confirmation, the links dialog, the link picker, the reassign dialog and error boxes.
After each, every widget is walked: a label, a message box or a tooltip that Qt would read as
rich text may hold only kbridge's own markup (a bold key, a line break), never an element or
attribute from a record (an `<img src="/dev/zero">` in a title read /dev/zero until the process
died). The reader loads no resource at all.

Payloads naming /dev/zero are left out of the window runs (the markup checks and the reader's
refusal test below cover them): a regression must fail a test, not exhaust the machine."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtGui import Qt as QtGuiNamespace
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QMessageBox, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.ui.dialogs.link_picker import LinkPicker
from kbridge.ui.dialogs.reassign_dialog import ReassignDialog
from kbridge.ui.window.main_window import MainWindow
from tests.security.payloads import BY_NAME, PAYLOADS
from tests.ui.conftest import garbage_collected_on_the_gui_thread, when_modal, window  # noqa: F401 (autouse; window)

WINDOW_PAYLOADS = [payload for payload in PAYLOADS if "/dev/zero" not in payload.text]
OWN_STYLES = ("color", "background-color", "white-space", "")

# What kbridge's own rich text in widgets is made of (search summary, bold keys, tooltips).
OWN_TAGS = {"qt", "b", "i", "br", "p", "span", "a", "h1", "h3", "div", "nobr"}
OWN_ATTRIBUTES = {("span", "style"), ("div", "style"), ("a", "href")}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in OWN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if (tag, name) not in OWN_ATTRIBUTES:
                self.problems.append(f"<{tag} {name}=>")
            elif name == "href" and not (value or "").startswith("suggest:"):
                self.problems.append(f"<a href={value!r}>")
            elif name == "style" and not all(part.split(":")[0].strip() in OWN_STYLES
                                             for part in (value or "").split(";")):
                self.problems.append(f"style={value!r}")


def rich_text_problems(text: str, fmt: Qt.TextFormat = Qt.TextFormat.AutoText) -> list[str]:
    """What in `text` Qt would read as markup that kbridge did not write."""
    if fmt == Qt.TextFormat.PlainText or (fmt == Qt.TextFormat.AutoText and not QtGuiNamespace.mightBeRichText(text)):
        return []
    parser = _Tags()
    parser.feed(text)
    parser.close()
    return parser.problems


def shown_text(box: QMessageBox) -> str:
    """The text a message box shows: as it is, or what its markup (ours: `<qt>`, `<br>`) reads as."""
    if box.textFormat() == Qt.TextFormat.PlainText:
        return box.text()
    return html.unescape(re.sub(r"<[^>]+>", "", box.text().replace("<br>", "\n")))


def widget_problems(root: QWidget, *, skip_models: tuple[QAbstractItemModel, ...] = ()) -> list[str]:
    """Walk `root` and its children: labels, message boxes, tooltips, item models' tooltips."""
    problems: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        where = f"{type(widget).__name__}#{widget.objectName()}"
        if isinstance(widget, QLabel):
            problems += [f"{where} label {p}" for p in rich_text_problems(widget.text(), widget.textFormat())]
        if isinstance(widget, QMessageBox):
            problems += [f"{where} message {p}" for p in rich_text_problems(widget.text(), widget.textFormat())]
            problems += [f"{where} informative {p}" for p in rich_text_problems(widget.informativeText())]
        problems += [f"{where} tooltip {p}" for p in rich_text_problems(widget.toolTip())]
        if isinstance(widget, QAbstractItemView) and widget.model() is not None and widget.model() not in skip_models:
            problems += [f"{where} {p}" for p in model_problems(widget.model())]
    return problems


def model_problems(model: QAbstractItemModel, limit: int = 400) -> list[str]:
    problems: list[str] = []
    for row in range(min(model.rowCount(), limit)):
        columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
        for column in range(columns):
            tip = model.index(row, column).data(Qt.ItemDataRole.ToolTipRole)
            if isinstance(tip, str):
                problems += [f"row {row} tooltip {p}" for p in rich_text_problems(tip)]
    return problems


def answer_modal(trigger: Callable[[], object], inspect: Callable[[QWidget], None]) -> list[QWidget]:
    """Run `trigger` (which opens a modal dialog and waits), inspect the dialog, then cancel it."""

    def inspect_then_cancel(dialog: QWidget) -> None:
        try:
            inspect(dialog)
        finally:
            dialog.reject() if hasattr(dialog, "reject") else dialog.close()

    seen = when_modal(inspect_then_cancel, timeout_ms=5000)
    trigger()
    return seen


@pytest.fixture
def sample_kb(hostile_kb: KnowledgeBase) -> KnowledgeBase:
    """What tests/ui's `window` opens: here, the hostile knowledge base."""
    return hostile_kb


@pytest.fixture
def hostile_window(request: pytest.FixtureRequest) -> MainWindow:
    return request.getfixturevalue("window")  # type: ignore[no-any-return]


def test_the_checks_see_rich_text_from_a_payload(qapp: QApplication) -> None:
    """The walk can fail: a label left to Qt's guess, holding a payload, is caught."""
    label = QLabel(f"Move {BY_NAME['qt-img-file-url'].text} to the trash?")
    assert rich_text_problems(label.text(), label.textFormat()) == ["<img>", "<img src=>"]
    assert widget_problems(label)


def test_no_widget_reads_a_payload_as_markup(qtbot: QtBot, hostile_window: MainWindow, hostile_kb: KnowledgeBase,
                                            hostile_uids: dict[str, str]) -> None:
    main = hostile_window
    tabs = main.findChild(QTabWidget)
    assert tabs is not None and tabs.count() >= 4
    problems = [f"list: {p}" for p in model_problems(main.model, limit=10_000)]  # every row, once
    skip = (main.model, *(view.model() for view in main.findChildren(QAbstractItemView)
                            if view.model() is not None and view.model().rowCount() > 100))
    for payload in WINDOW_PAYLOADS:
        assert main.open_record(hostile_uids[payload.name])
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
        problems += [f"{payload.name}: {p}" for p in widget_problems(main, skip_models=skip)]
        reader = main.record_page.reader
        assert reader.record is not None and reader.record.uid == hostile_uids[payload.name]
    tabs.setCurrentIndex(0)
    for payload in WINDOW_PAYLOADS[:60]:  # a tag from a hostile folder becomes the list's title
        tag = hostile_kb.get(hostile_uids[payload.name]).tags[0]
        if main.navigator.select(f"tag:{tag}"):
            problems += [f"tag {payload.name}: {p}" for p in widget_problems(main, skip_models=skip)]
    main.navigator.select("all")
    for word in ("script", "img", "onerror", "dev zero"):
        main.search_field.setText(word)
        qtbot.waitUntil(lambda word=word: main.search.latest is not None and main.search.latest.query == word)
        problems += [f"search {word}: {p}" for p in widget_problems(main)]
        hits = main.search_results.model
        for row in range(hits.rowCount()):  # the hits' own HTML (drawn by HtmlDelegate)
            html = hits.index(row, 0).data()
            problems += [f"hit {row}: {p}" for p in rich_text_problems(html, Qt.TextFormat.RichText)]
    assert problems == [], problems[:20]


def test_confirmations_and_dialogs_show_titles_as_text(qtbot: QtBot, hostile_window: MainWindow,
                                                       hostile_kb: KnowledgeBase,
                                                       hostile_uids: dict[str, str]) -> None:
    main = hostile_window
    names = ["qt-img-file-url", "qt-img-fifo", "anchor-in-title", "qt-font-huge", "qt-table-huge", "mxss-noscript"]
    checked: list[str] = []
    for name in names:
        uid = hostile_uids[name]
        record = hostile_kb.get(uid)
        assert main.open_record(uid)

        def delete_prompt(dialog: QWidget, title: str = record.title) -> None:
            assert isinstance(dialog, QMessageBox)
            assert title in shown_text(dialog)  # the whole title, as text
            assert widget_problems(dialog) == []
            checked.append("delete")

        assert answer_modal(main.actions.delete.trigger, delete_prompt)
        assert not hostile_kb.get(uid).deleted  # cancelled: nothing changed

        def links_dialog(dialog: QWidget) -> None:
            assert widget_problems(dialog) == []
            checked.append("links")

        assert answer_modal(main.actions.links.trigger, links_dialog)

        def status_error(dialog: QWidget, text: str = record.title) -> None:
            assert isinstance(dialog, QMessageBox)
            assert widget_problems(dialog) == []
            checked.append("error")

        assert answer_modal(lambda text=record.title: main.record_commands.set_status(text), status_error)
        picker = LinkPicker(hostile_kb, main, source_label=record.key)
        qtbot.addWidget(picker)
        picker.field.setText(record.title[:30])
        assert picker.results.count() > 0
        assert widget_problems(picker) == []
        owner = hostile_kb.get(record.owner_key or "")
        dialog = ReassignDialog(hostile_kb, owner.key)
        qtbot.addWidget(dialog)
        assert widget_problems(dialog) == []
        checked.append("picker and reassign")
    assert checked.count("delete") == checked.count("links") == checked.count("error") == len(names)


@pytest.mark.parametrize("view", ["reader", "preview"])
def test_a_refused_image_is_not_read_by_qt_either(qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path, view: str) -> None:
    """The reader and the editor preview refuse every resource, and Qt must not read it behind
    them: a refusal returned as None let QTextDocument open the file itself (/dev/zero: the
    process grew until it died). Here the file is a real small image, so a regression shows."""
    from kbridge.ui.views.editor import PreviewBrowser
    from kbridge.ui.views.reader import ReaderView

    image = tmp_path / "planted.png"
    assert QImage(8, 8, QImage.Format.Format_RGB32).save(str(image))
    widget = ReaderView(kb) if view == "reader" else PreviewBrowser()
    qtbot.addWidget(widget)
    widget.show()
    widget.setHtml(f'<p><img src="{image}"><img src="{image.as_uri()}"></p>')  # past the sanitiser
    qtbot.waitExposed(widget)
    for name in (str(image), image.as_uri()):
        loaded = widget.document().resource(QTextDocument.ResourceType.ImageResource.value, QUrl(name))
        assert loaded is None or (isinstance(loaded, QImage) and loaded.isNull()), (name, loaded)
