"""The "Timeline" tab: a system's history drawn as a timeline (a vertical time axis, one coloured
mark per dated record or status change, spaced by the time between them), filterable by kind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPalette, QPen, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
    QGraphicsView,
    QLabel,
    QStyleOptionGraphicsItem,
    QVBoxLayout,
    QWidget,
)

from kbridge.core import KnowledgeBase
from kbridge.core.graph import KIND_COLOURS
from kbridge.core.timeline import STATUS_CHANGE, TIMELINE_KINDS, Timeline, TimelineEntry
from kbridge.model import Kind, Record
from kbridge.model.wording import with_article
from kbridge.ui.widgets.flow_layout import FlowLayout
from kbridge.ui.widgets.plain_text import plain_label, text_markup

AXIS_X = 150.0  # where the time axis runs
ROW = 30.0  # the least room an entry takes
MAX_GAP = 110.0  # the most room a long quiet spell takes (then the axis shows a break)
YEAR_GAP = 28.0  # room for a year's heading
PIXELS_PER_DAY = 0.35
LABEL_WIDTH = 620.0  # the least room for kind, key and title; more when the view is wider
STATUS_CHANGE_COLOUR = "#59636e"


def kind_colour(filter_kind: str) -> QColor:
    if filter_kind == STATUS_CHANGE:
        return QColor(STATUS_CHANGE_COLOUR)
    return QColor(KIND_COLOURS.get(Kind(filter_kind), "#57606a"))


class TimelineEntryItem(QGraphicsObject):
    """One entry: a dot on the axis, its date to the left, kind, key and title to the right."""

    def __init__(
        self, entry: TimelineEntry, on_click: Callable[[str], None], palette: QPalette, width: float = LABEL_WIDTH
    ) -> None:
        super().__init__()
        self.entry = entry
        self.width = width
        self._on_click = on_click
        self._text = palette.color(QPalette.ColorRole.Text)
        self._muted = palette.color(QPalette.ColorRole.PlaceholderText)
        self._font = QFont()
        self._bold = QFont()
        self._bold.setBold(True)
        self._small = QFont()
        self._small.setPointSizeF(max(6.0, self._font.pointSizeF() * 0.85))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAcceptHoverEvents(True)
        self.setToolTip(text_markup(_tooltip(entry)))
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)

    def boundingRect(self) -> QRectF:
        return QRectF(-AXIS_X, -ROW / 2, AXIS_X + 24 + self.width, ROW)

    def paint(self, painter: QPainter, _option: QStyleOptionGraphicsItem, _widget: QWidget | None = None) -> None:
        entry = self.entry
        colour = kind_colour(entry.filter_kind)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self._muted))
        painter.setFont(self._font)
        painter.drawText(QRectF(-AXIS_X + 8, -ROW / 2, AXIS_X - 30, ROW),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, entry.date or "undated")
        painter.setPen(QPen(QColor("white"), 2))
        painter.setBrush(QBrush(colour))
        radius = 6.0 if entry.change else 8.0
        if entry.change:
            painter.drawRect(QRectF(-radius, -radius, radius * 2, radius * 2))
        else:
            painter.drawEllipse(QPointF(0, 0), radius, radius)
        badge_text = "status" if entry.change else entry.kind.value
        painter.setFont(self._small)
        badge_width = 70.0
        badge = QRectF(18, -9, badge_width, 18)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(badge, 4, 4)
        painter.setPen(QPen(QColor("white")))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, badge_text)
        x = 18 + badge_width + 8
        painter.setFont(self._bold)
        painter.setPen(QPen(colour.darker(115)))
        key_width = QFontMetricsF(self._bold).horizontalAdvance(entry.key) + 8
        painter.drawText(QRectF(x, -ROW / 2, key_width, ROW), Qt.AlignmentFlag.AlignVCenter, entry.key)
        painter.setFont(self._font)
        painter.setPen(QPen(self._text))
        title = entry.title
        if entry.change:
            title = f"{entry.change[0] or '-'} → {entry.change[1]}: {title}"
        room = self.width - (x + key_width - 24)
        metrics = QFontMetricsF(self._font)
        shown = metrics.elidedText(title, Qt.TextElideMode.ElideRight, room)
        painter.drawText(QRectF(x + key_width, -ROW / 2, room, ROW), Qt.AlignmentFlag.AlignVCenter, shown)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.entry.uid:
            self._on_click(self.entry.uid)


def _tooltip(entry: TimelineEntry) -> str:
    lines = [f"{entry.key} ({entry.kind.label}, {entry.status or 'no status'})", entry.title]
    if entry.change:
        lines.append(f"status changed {entry.change[0] or '-'} → {entry.change[1]} at {entry.at}")
    else:
        lines.append("this system" if entry.via == "self" else entry.via)
    return "\n".join(lines)


def layout_positions(entries: list[TimelineEntry]) -> list[float]:
    """The y of each entry: spaced by the days between them, at least ROW, at most MAX_GAP, with
    room for a heading where a new year starts."""
    positions: list[float] = []
    y = 0.0
    previous: dt.date | None = None
    for entry in entries:
        day = _day(entry.date)
        if positions:
            days = (day - previous).days if day and previous else 0
            y += min(MAX_GAP, max(ROW, days * PIXELS_PER_DAY))
            if day and previous and day.year != previous.year:
                y += YEAR_GAP
        positions.append(y)
        previous = day or previous
    return positions


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


class TimelineView(QWidget):
    """A system's timeline. Clicking an entry emits `record_link_clicked(uid)`."""

    record_link_clicked = Signal(str)

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kb = kb
        self.record: Record | None = None
        self.timeline: Timeline | None = None
        self.items: list[TimelineEntryItem] = []
        self.setObjectName("timelineView")
        self.filters: dict[str, QCheckBox] = {}
        # The filters wrap onto more lines in a narrow window rather than widen it.
        filters = QWidget(self)
        filter_row = FlowLayout(filters, spacing=8)
        filter_row.addWidget(QLabel("Show:", filters))
        for name in TIMELINE_KINDS:
            box = QCheckBox(name.replace("-", " ") if name != STATUS_CHANGE else "status changes", filters)
            box.setObjectName(f"timelineFilter-{name}")
            box.setChecked(True)
            box.setStyleSheet(f"QCheckBox {{ color: {kind_colour(name).name()}; font-weight: bold; }}")
            box.toggled.connect(self._on_filter_toggled)
            self.filters[name] = box
            filter_row.addWidget(box)
        self.summary = plain_label("", self)
        self.summary.setObjectName("timelineSummary")
        self.summary.setWordWrap(True)
        self.scene = QGraphicsScene(self)
        self.view = QGraphicsView(self.scene, self)
        self.view.setObjectName("timelineCanvas")
        self.view.setAccessibleName("Timeline")
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(filters)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        self.show_record(None)

    def show_record(self, record: Record | None) -> None:
        self.record = record
        self.refresh()

    def refresh(self) -> None:
        record = self.kb.find(self.record.uid) if self.record else None
        self.timeline = None
        if record is None:
            self._draw([], "Select a system to see its timeline.")
            return
        if record.kind is not Kind.SYSTEM:
            self._draw([], f"Timelines are drawn for systems; {record.key} is {with_article(record.kind.value)}. "
                           "Its own changes are on the History tab.")
            return
        self.record = record
        self.timeline = self.kb.trails.timeline(record.uid)
        self._redraw()

    def visible_kinds(self) -> list[str]:
        return [name for name, box in self.filters.items() if box.isChecked()]

    def _redraw(self) -> None:
        if self.timeline is None:
            return
        shown = self.timeline.filtered(self.visible_kinds())
        entries = shown.entries + shown.undated
        total = len(self.timeline.entries) + len(self.timeline.undated)
        summary = f"{len(entries)} of {total} entries for {self.timeline.record.key} {self.timeline.record.title}"
        if shown.undated:
            summary += f" ({len(shown.undated)} undated, at the end)"
        self._draw(entries, summary)

    def _draw(self, entries: list[TimelineEntry], summary: str) -> None:
        self.summary.setText(summary)
        self.scene.clear()
        self.items = []
        palette = self.palette()
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        if not entries:
            self.scene.setSceneRect(QRectF(0, 0, 10, 10))
            return
        positions = layout_positions(entries)
        top, bottom = -ROW - YEAR_GAP, positions[-1] + ROW
        axis = QPen(muted, 3)
        self.scene.addLine(AXIS_X, top, AXIS_X, bottom, axis).setZValue(-2)
        year_font = QFont()
        year_font.setBold(True)
        year_font.setPointSizeF(year_font.pointSizeF() * 1.15)
        year = ""
        for index, (entry, y) in enumerate(zip(entries, positions, strict=True)):
            if entry.date[:4] != year and entry.date:
                year = entry.date[:4]
                label = self.scene.addSimpleText(year, year_font)
                label.setBrush(QBrush(palette.color(QPalette.ColorRole.Text)))
                label.setPos(AXIS_X - 70, y - ROW / 2 - YEAR_GAP + 2)
                tick = self.scene.addLine(AXIS_X - 76, y - ROW / 2 - 4, AXIS_X + 12, y - ROW / 2 - 4,
                                          QPen(muted, 1))
                tick.setZValue(-1)
            if index and positions[index] - positions[index - 1] >= MAX_GAP:
                gap = self.scene.addSimpleText("⋮", year_font)
                gap.setBrush(QBrush(muted))
                gap.setPos(AXIS_X + 8, (positions[index] + positions[index - 1] - YEAR_GAP) / 2 - 10)
            item = TimelineEntryItem(entry, self.record_link_clicked.emit, palette, self._label_width())
            item.setPos(AXIS_X, y)
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)
            self.scene.addItem(item)
            self.items.append(item)
        self.scene.setSceneRect(QRectF(0, top - 10, AXIS_X + 24 + self._label_width(), bottom - top + 20))

    def _label_width(self) -> float:
        return max(LABEL_WIDTH, self.view.viewport().width() - AXIS_X - 60)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.items and abs(self.items[0].width - self._label_width()) > 40:
            self._redraw()

    def _on_filter_toggled(self, _checked: bool) -> None:
        self._redraw()
