"""PDFs of the printed documents (the incident pack, the brief), made with Qt's own PDF writer: no
browser, no network. The command line reaches them through `write_pack` and `write_brief`, the way
`kbridge gui` reaches the window: Qt stays in kbridge.ui, and a terminal without a display still
prints (Qt's offscreen platform is used when no application is running).

A page is 210 × 279.4 mm (A4's width, Letter's height: see kbridge.formats.printable.markup), so the
PDF prints at full size on either paper, with 2 cm margins and "page N of M" at the foot of each page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSize, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication

from kbridge.formats.printable import Printable, write_inside
from kbridge.formats.printable.markup import PAGE_HEIGHT_MM, PAGE_WIDTH_MM, qt_html
from kbridge.ui.widgets.charts import chart_image

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase

RESOLUTION = 600  # dots per inch of the PDF's layout; text stays vector either way
MARGIN_CM = 2.0  # on every side: inside what printers leave blank on A4 and on Letter
CHART_SHARE = 0.95  # of the text width a chart takes
PAGE_SIZE_NAME = "A4 width × Letter height"
_APP: list[QApplication] = []


def ensure_gui_application() -> None:
    """Qt's text layout and painting need an application; one that runs offscreen when there is
    none (the command line), the window's own otherwise. A QApplication rather than the lighter
    QGuiApplication: a window opened later in the same process (a test session) needs one."""
    if QApplication.instance() is None:
        _APP.append(QApplication(["kbridge", "-platform", "offscreen"]))


def page_layout() -> QPageLayout:
    size = QPageSize(QSizeF(PAGE_WIDTH_MM, PAGE_HEIGHT_MM), QPageSize.Unit.Millimeter, PAGE_SIZE_NAME)
    return QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)


def pdf_bytes(document: Printable) -> bytes:
    """`document` as a PDF; every page ends with "page N of M" and the document's footer."""
    ensure_gui_application()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(page_layout())
    writer.setTitle(document.title)
    writer.setCreator("kbridge")
    text = _layout(document, writer)
    painter = QPainter(writer)
    # Charts are flat colours and small type: kept lossless, where Qt would write JPEG by default.
    painter.setRenderHint(QPainter.RenderHint.LosslessImageRendering)
    page = text.pageSize()
    pages = text.pageCount()
    for number in range(pages):
        if number:
            writer.newPage()
        painter.save()
        painter.translate(0, -number * page.height())
        text.drawContents(painter, QRectF(0, number * page.height(), page.width(), page.height()))
        painter.restore()
        _footer(painter, page, f"page {number + 1} of {pages}", document.footer or document.title)
    painter.end()
    del writer  # finishes the PDF into the buffer
    buffer.close()
    return bytes(data.data())


def preview_page(document: Printable, number: int, size: QSize) -> QImage:
    """Page `number` (from 1) as print preview shows it: the page as laid out for the PDF, scaled to
    fit `size`, on a grey desk (for screenshots and for looking at a pack without printing it)."""
    ensure_gui_application()
    writer = QPdfWriter(QBuffer())  # a device to lay the pages out on; nothing is written
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(page_layout())
    text = _layout(document, writer)
    page = text.pageSize()
    number = max(1, min(number, text.pageCount()))
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(QColor("#8c959f"))
    scale = min((size.width() - 40) / page.width(), (size.height() - 40) / page.height())
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.translate((size.width() - page.width() * scale) / 2, (size.height() - page.height() * scale) / 2)
    painter.scale(scale, scale)
    painter.fillRect(QRectF(0, 0, page.width(), page.height()), QColor("white"))
    painter.translate(0, -(number - 1) * page.height())
    text.drawContents(painter, QRectF(0, (number - 1) * page.height(), page.width(), page.height()))
    painter.translate(0, (number - 1) * page.height())
    _footer(painter, page, f"page {number} of {text.pageCount()}", document.footer or document.title)
    painter.end()
    return image


def _layout(document: Printable, writer: QPdfWriter) -> QTextDocument:
    """The document laid out in pages of the writer, MARGIN_CM on every side."""
    text = QTextDocument()
    text.documentLayout().setPaintDevice(writer)
    font = QFont("DejaVu Sans")
    font.setPointSizeF(10)
    text.setDefaultFont(font)
    # Qt's rich text takes image sizes and frame margins in pixels of the screen (its logical dpi,
    # 96 without one) and scales them to the writer's resolution.
    screen = QGuiApplication.primaryScreen()
    source_dpi = screen.logicalDotsPerInchX() if screen is not None else 96.0
    chart_width = int((PAGE_WIDTH_MM - 20 * MARGIN_CM) / 25.4 * source_dpi * CHART_SHARE)
    for index, chart in enumerate(document.charts):
        text.addResource(QTextDocument.ResourceType.ImageResource, QUrl(_chart_url(index)), chart_image(chart))
    text.setHtml(qt_html(document, _chart_url, chart_width))
    margin = MARGIN_CM / 2.54 * source_dpi
    frame = text.rootFrame().frameFormat()
    frame.setMargin(margin)
    text.rootFrame().setFrameFormat(frame)
    text.setPageSize(QSizeF(writer.width(), writer.height()))
    return text


def _footer(painter: QPainter, page: QSizeF, left: str, right: str) -> None:
    margin = MARGIN_CM / 2.54 * RESOLUTION
    font = QFont("DejaVu Sans")
    font.setPixelSize(round(8.5 / 72 * RESOLUTION))  # 8.5 pt in the page's own units, whatever it is drawn on
    painter.setFont(font)
    painter.setPen(QColor("#57606a"))
    line = QRectF(margin, page.height() - margin * 0.75, page.width() - 2 * margin, margin * 0.5)
    painter.drawText(line, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), left)
    shown = QFontMetricsF(font).elidedText(right, Qt.TextElideMode.ElideMiddle, line.width() * 0.7)
    painter.drawText(line, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), shown)


def _chart_url(index: int) -> str:
    return f"kbridge-chart:{index}"


def write_pdf(document: Printable, folder: Path, name: str) -> Path:
    return write_inside(folder, name, pdf_bytes(document))


def write_pack(kb: KnowledgeBase, out: Path, today: dt.date | None = None) -> list[Path]:
    """The incident pack as `incident-pack.html` and `incident-pack.pdf` in the folder `out`."""
    from kbridge.formats.printable.pack import PACK_NAME, build_pack, write_pack_html

    document = build_pack(kb, today)
    return [write_pack_html(document, out), write_pdf(document, out, f"{PACK_NAME}.pdf")]


def write_brief(kb: KnowledgeBase, out: Path, fmt: str, system: str | None = None,
                today: dt.date | None = None) -> Path:
    """The brief for the business (of one system, or of everything) as HTML or PDF at `out`: a file
    path, or a folder to write `brief.html` or `brief.pdf` in."""
    from kbridge.formats.printable.brief import brief_target, build_brief, write_brief_html

    document = build_brief(kb, system, today)
    folder, name = brief_target(out, fmt)
    if fmt == "html":
        return write_brief_html(document, folder, name)
    return write_pdf(document, folder, name)
