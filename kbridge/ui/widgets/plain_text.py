"""Record text in Qt widgets: shown as text, never read as markup.

Qt reads a label, a message box or a tooltip as rich text when it *looks* like HTML
(`Qt::mightBeRichText`), so a title `<img src="/dev/zero">` in a delete confirmation read
/dev/zero until the process died, and a FIFO path hung the window. So:

- labels that show record text are set to Qt.TextFormat.PlainText (`plain_label`, and
  `message_box` for a box of our own);
- where the markup is kbridge's own (a bold key), every value goes through
  `kbridge.escaping.escape_html` and the format is set to RichText explicitly (`rich_label`);
- a tooltip and the text of QMessageBox's static questions cannot be told their format, so they
  are always our markup around the escaped text (`text_markup`, used by `ask`, `warn`,
  `inform`, which stay Qt's own functions so that everything answering them still can);
- a QTextDocument that lays out our HTML loads no resource (`InertDocument`, `refused`).

A refusal must be an empty value, not None: when a QTextBrowser's `loadResource` returns None,
QTextDocument reads the file itself (an `<img src="/dev/zero">` in a body did, until the process
died)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from kbridge.escaping import escape_html

Button = QMessageBox.StandardButton


def text_markup(text: object) -> str:
    """Markup that shows `text` exactly (line breaks kept), whatever it contains: for a tooltip or
    a message box, which Qt reads as rich text whenever the text looks like HTML."""
    return "<qt>" + escape_html(text).replace("\n", "<br>") + "</qt>"


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def rich_label(html: str, parent: QWidget | None = None) -> QLabel:
    """A label of kbridge's own markup (every value in it already through escape_html)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setText(html)
    return label


def message_box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
                buttons: Button = Button.Ok, default: Button = Button.NoButton) -> QMessageBox:
    box = QMessageBox(icon, title, "", buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    if default != Button.NoButton:
        box.setDefaultButton(default)
    return box


def ask(parent: QWidget | None, title: str, text: str, buttons: Button, default: Button) -> Button:
    """QMessageBox.question, with `text` (a title, a name) shown exactly."""
    return QMessageBox.question(parent, title, text_markup(text), buttons, default)


def warn(parent: QWidget | None, title: str, text: str) -> None:
    """QMessageBox.warning, with `text` (often an error message quoting a record) shown exactly."""
    QMessageBox.warning(parent, title, text_markup(text))


def inform(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text_markup(text))


def refused(kind: int) -> Any:
    """What `loadResource` returns to load nothing: an empty image, style sheet or file (never
    None, which lets Qt read the file itself)."""
    if kind == QTextDocument.ResourceType.ImageResource.value:
        return QImage()
    if kind == QTextDocument.ResourceType.StyleSheetResource.value:
        return ""
    return QByteArray()


class InertDocument(QTextDocument):
    """A document for kbridge's own HTML that never loads an image, a style sheet or a file."""

    def loadResource(self, kind: int, name: QUrl) -> Any:
        return refused(kind)
