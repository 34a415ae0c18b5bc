"""Item delegates: the status chip of the record list and the rich rows of search results."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from kbridge.ui.widgets.plain_text import InertDocument

ModelIndex = QModelIndex | QPersistentModelIndex


class StatusChipDelegate(QStyledItemDelegate):
    """Draws a status as a small rounded, coloured chip, as the reader shows it."""

    def __init__(self, colour_role: int, parent: object = None) -> None:
        super().__init__(parent)
        self.colour_role = colour_role

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        text = str(index.data() or "")
        colour = index.data(self.colour_role)
        if not text or not isinstance(colour, QColor):
            super().paint(painter, option, index)
            return
        style = option.widget.style() if option.widget else QApplication.style()
        # The row's background and selection first, then the chip on top.
        background = QStyleOptionViewItem(option)
        self.initStyleOption(background, index)
        background.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, background, painter, option.widget)
        metrics = option.fontMetrics
        width = min(metrics.horizontalAdvance(text) + metrics.height(), option.rect.width() - 6)
        height = metrics.height() + 2
        chip = QRectF(option.rect.left() + 4, option.rect.center().y() - height / 2 + 0.5, max(width, 0), height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(chip, height / 2, height / 2)
        painter.setPen(QColor("white"))
        painter.drawText(
            chip, Qt.AlignmentFlag.AlignCenter, metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(width))
        )
        painter.restore()


class HtmlDelegate(QStyledItemDelegate):
    """Rows whose DisplayRole is a small piece of HTML (a search hit with its highlighted snippet).
    The HTML comes from kbridge itself, already escaped: never from a record unescaped.

    Every row is `lines` lines high (the view can then use uniform item sizes and never lays out
    rows it does not show), and laid-out documents are cached, so typing stays fast."""

    CACHE_SIZE = 300

    def __init__(self, parent: object = None, *, lines: int = 3) -> None:
        super().__init__(parent)
        self.lines = lines
        self._cache: OrderedDict[tuple[str, int, str], QTextDocument] = OrderedDict()

    def _document(self, option: QStyleOptionViewItem, index: ModelIndex, width: int) -> QTextDocument:
        html = str(index.data() or "")
        if option.state & QStyle.StateFlag.State_Selected:
            html = html.replace("color:gray", "")  # muted text would not read on the highlight
        key = (html, width, option.font.key())
        document = self._cache.get(key)
        if document is None:
            document = InertDocument()  # our escaped HTML; no image or file is ever loaded
            document.setDocumentMargin(4)
            document.setDefaultFont(option.font)
            document.setHtml(html)
            document.setTextWidth(width)
            self._cache[key] = document
            if len(self._cache) > self.CACHE_SIZE:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        style = item.widget.style() if item.widget else QApplication.style()
        item.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, item.widget)
        document = self._document(option, index, option.rect.width())
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        painter.save()
        painter.translate(option.rect.topLeft())
        clip = option.rect.translated(-option.rect.topLeft())
        # Whole lines only: a wrapped snippet's extra line is cut cleanly, not half shown.
        clip.setHeight(min(clip.height(), 4 + self.lines * option.fontMetrics.lineSpacing()))
        painter.setClipRect(clip)
        context.clip = clip.toRectF()
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        metrics = option.fontMetrics
        return QSize(metrics.averageCharWidth() * 40, metrics.lineSpacing() * self.lines + 10)
