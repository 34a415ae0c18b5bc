"""The reader: one record rendered (header, facts, links both ways, Markdown body), links clickable."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QImageReader, QTextDocument
from PySide6.QtWidgets import QMessageBox, QTextBrowser, QWidget

from kbridge.diagnostics import log_exception
from kbridge.escaping import escape_html
from kbridge.model import Record
from kbridge.ui.style import reader_css, status_hex
from kbridge.ui.widgets.plain_text import ask, refused

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase

# The reader's own scheme for links to records (kbridge.render.RECORD_SCHEME; not imported at
# start-up: Markdown and Pygments load when the first record is shown).
RECORD_SCHEME = "kbridge"
EXTERNAL_SCHEMES = {"http", "https", "mailto"}
# An image kept with a record is shown up to this size; a bigger one is refused like any remote one.
IMAGE_LIMIT_BYTES = 20 * 1024 * 1024


class ReaderView(QTextBrowser):
    """Shows a record. Internal links emit `record_link_clicked(uid)`; external links open in the
    desktop's browser only after the user confirms; nothing is ever loaded from the network."""

    record_link_clicked = Signal(str)
    external_link_opened = Signal(str)

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kb = kb
        self.record: Record | None = None
        self.refused_resources: list[str] = []
        self.setObjectName("recordView")
        self.setAccessibleName("Record reader")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.document().setDocumentMargin(14)
        self.anchorClicked.connect(self._on_self_anchor_clicked)
        self.show_placeholder()

    def show_placeholder(self, text: str = "Select a record to read it.") -> None:
        self.record = None
        self.setHtml(f'<p style="color:gray">{text}</p>')

    def show_record(self, record: Record) -> None:
        """Show `record`; if it cannot be laid out, say so for this record (never leave the one
        before on screen while Edit and Delete act on this one)."""
        from kbridge.formats.rst_doc import body_markup
        from kbridge.render import VIEW_BUDGET, record_page_html

        self.record = record
        self.document().setDefaultStyleSheet(reader_css(self.palette()))
        try:
            html = record_page_html(record, self.kb.links.of(record.uid), status_hex=status_hex, budget=VIEW_BUDGET,
                                    to_markdown=body_markup(record))
        except Exception as error:  # the renderer is bounded and does not raise; this is the backstop
            logged = log_exception(error, f"showing {record.key} in the reader")
            details = f" Details: {escape_html(logged)}" if logged else ""
            html = (f'<h1 class="title">{escape_html(record.key)} {escape_html(record.title)}</h1>'
                    f'<p class="notice">This record could not be shown ({escape_html(type(error).__name__)}). '
                    f"Its text is unchanged and can be edited.{details}</p>")
        self.setHtml(html)

    def changeEvent(self, event: QEvent) -> None:
        # A new palette (light or dark theme) re-renders the record in the new colours.
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.record is not None:
            self.show_record(self.record)

    def loadResource(self, kind: int, url: QUrl | str) -> Any:
        """Images come from the files kept with the record in the knowledge base (imported from
        its folder); everything else is refused: no remote load and no file read is ever made on
        a record's behalf."""
        url = url if isinstance(url, QUrl) else QUrl(str(url))
        if kind == QTextDocument.ResourceType.ImageResource.value:
            image = self._attachment_image(url)
            if image is not None:
                return image
        self.refused_resources.append(url.toString())
        return refused(kind)  # an empty value: with None, Qt would read the file itself

    def _attachment_image(self, url: QUrl) -> QImage | None:
        record = self.record
        if record is None or url.scheme() or url.host() or not url.path():
            return None
        source = str((record.source or {}).get("path") or "")
        # The link is relative to the record's own file, as it was in the imported folder
        # ("../assets/x.png" from decisions/0007-x.md); `?raw=true` and the like are dropped.
        name = posixpath.normpath(posixpath.join(posixpath.dirname(source), unquote(url.path())))
        if name.startswith(("../", "/")) or name == "..":
            return None
        data = self.kb.files.read(record.uid, name)
        return raster_image(data) if data is not None else None

    def _on_self_anchor_clicked(self, url: QUrl) -> None:
        scheme = url.scheme().lower()
        if scheme == RECORD_SCHEME:
            uid = url.path().removeprefix("record/")
            if uid:
                self.record_link_clicked.emit(uid)
            return
        if scheme in EXTERNAL_SCHEMES:
            if self._confirm_external(url):
                QDesktopServices.openUrl(url)
                self.external_link_opened.emit(url.toString())
            return
        if not scheme:
            # A Markdown link to another record: [ADR-0003](ADR-0003) or (0003-use-x.md).
            target = self.kb.find(url.path()) or self.kb.find_by_source(url.path())
            if target is not None:
                self.record_link_clicked.emit(target.uid)

    def _confirm_external(self, url: QUrl) -> bool:
        answer = ask(
            self,
            "Open external link?",
            f"This link leaves kbridge and opens in your browser or mail program:\n\n{url.toString()}",
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Open


def raster_image(data: bytes) -> QImage | None:
    """A kept image, decoded only when it is a raster picture of a sane size. An SVG is refused:
    Qt's SVG reader loads the files an SVG names (`<image href="/etc/...">`, or a FIFO, which hung
    the window), and a decompression bomb is refused by its declared size before decoding."""
    if len(data) > IMAGE_LIMIT_BYTES:
        return None
    kind = next((name for magic, name in _RASTER_MAGIC if data.startswith(magic)), None)
    if kind is None or (kind == "WEBP" and data[8:12] != b"WEBP"):
        return None
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    reader = QImageReader(buffer, kind.encode())
    size = reader.size()
    if not size.isValid() or size.width() * size.height() > IMAGE_LIMIT_PIXELS:
        return None
    image = reader.read()
    return None if image.isNull() else image


# Formats by their first bytes; the format is then given to Qt, never guessed by it.
_RASTER_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"), (b"GIF89a", "GIF"),
    (b"BM", "BMP"), (b"RIFF", "WEBP"),
)
IMAGE_LIMIT_PIXELS = 40_000_000
