"""Small charts drawn with QPainter (no chart library): the printed documents' bar charts, from
the same `Chart` the HTML draws as SVG, and the scorecard's trend lines."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen

from kbridge.formats.printable import charts as chart_spec
from kbridge.formats.printable.charts import Chart

# The printed charts are drawn at this many pixels per SVG unit, so they stay sharp on paper.
PRINT_SCALE = 4


def chart_image(chart: Chart, scale: int = PRINT_SCALE) -> QImage:
    """`chart` as an image `scale` times the size of its SVG twin, white background."""
    width, height = chart_spec.WIDTH, chart.height
    image = QImage(width * scale, height * scale, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.scale(scale, scale)
    paint_bars(painter, chart)
    painter.end()
    return image


def paint_bars(painter: QPainter, chart: Chart) -> None:
    """The bars in the SVG's coordinates (kbridge.formats.printable.charts lays both out)."""
    font = QFont("DejaVu Sans")
    font.setPixelSize(chart_spec.FONT_PX)
    bold = QFont(font)
    bold.setBold(True)
    metrics = QFontMetricsF(font)
    label_width, room = chart_spec.LABEL_WIDTH, chart_spec.WIDTH - chart_spec.LABEL_WIDTH - chart_spec.VALUE_WIDTH
    painter.setPen(QPen(QColor("#8c959f"), 1))
    painter.drawLine(QPointF(label_width, 0), QPointF(label_width, chart.height))
    if not chart.bars:
        painter.setFont(font)
        painter.setPen(QColor("#1f2328"))
        painter.drawText(QPointF(label_width + 6, chart_spec.TOP + chart_spec.FONT_PX), "nothing to show")
    for index, bar in enumerate(chart.bars):
        y = chart_spec.TOP + index * (chart_spec.BAR_HEIGHT + chart_spec.GAP)
        length = max(0.0, min(1.0, bar.value / chart.scale)) * room
        painter.setFont(font)
        painter.setPen(QColor("#1f2328"))
        label = metrics.elidedText(chart_spec.short_label(bar.label), Qt.TextElideMode.ElideRight, label_width - 12)
        painter.drawText(QRectF(0, y, label_width - 8, chart_spec.BAR_HEIGHT),
                         int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), label)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(chart_spec.TONES.get(bar.tone, chart_spec.TONES["neutral"])))
        painter.drawRoundedRect(QRectF(label_width, y, length, chart_spec.BAR_HEIGHT), 2, 2)
        painter.setFont(bold)
        painter.setPen(QColor("#1f2328"))
        painter.drawText(QRectF(label_width + length + 6, y, chart_spec.VALUE_WIDTH + 40, chart_spec.BAR_HEIGHT),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), bar.text)


def paint_trend(painter: QPainter, rect: QRectF, values: Sequence[float | None], colour: QColor,
                maximum: float | None = None) -> None:
    """A small line through `values` (oldest first) inside `rect`; None values leave a gap, a single
    value is a dot. `maximum` fixes the top of the scale (1.0 for shares)."""
    known = [value for value in values if value is not None]
    if not known:
        return
    top = maximum if maximum is not None else max(max(known), 1.0)
    step = rect.width() / max(1, len(values) - 1)

    def point(index: int, value: float) -> QPointF:
        x = rect.left() + (index * step if len(values) > 1 else rect.width() / 2)
        return QPointF(x, rect.bottom() - (value / top) * rect.height() if top else rect.bottom())

    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(colour.red(), colour.green(), colour.blue(), 70), 1, Qt.PenStyle.DotLine))
    painter.drawLine(QPointF(rect.left(), rect.bottom()), QPointF(rect.right(), rect.bottom()))
    path = QPainterPath()
    drawing = False
    for index, value in enumerate(values):
        if value is None:
            drawing = False
            continue
        if drawing:
            path.lineTo(point(index, value))
        else:
            path.moveTo(point(index, value))
            drawing = True
    painter.setPen(QPen(colour, 1.6))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
    last = len(values) - 1
    if values[last] is not None:
        painter.setBrush(colour)
        painter.drawEllipse(point(last, values[last]), 2.6, 2.6)  # type: ignore[arg-type]
    painter.restore()
