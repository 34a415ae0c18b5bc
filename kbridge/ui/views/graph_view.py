"""The "Graph" tab: the neighbourhood of the current record (depth 1-3) as a node-link drawing.
Nodes are coloured by kind and labelled by key, edges by link type; wheel zooms, dragging pans,
clicking a node opens it; the drawing exports as SVG or PNG. Big neighbourhoods are capped (the
view says so), and laid out by kbridge.core.graph.force_layout."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLineF, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QFileDialog,
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
    QGraphicsView,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QStyleOptionGraphicsItem,
    QVBoxLayout,
    QWidget,
)

from kbridge.core import KnowledgeBase
from kbridge.core.graph import (
    DEFAULT_NODE_CAP,
    KIND_COLOURS,
    MAX_GRAPH_DEPTH,
    MISSING_COLOUR,
    GraphEdge,
    GraphNode,
    Neighbourhood,
    force_layout,
)
from kbridge.model import Record
from kbridge.ui.widgets.plain_text import plain_label, text_markup

NODE_RADIUS = 20.0
CENTRE_RADIUS = 28.0
# Edge labels are drawn when this few edges are shown; past that they would hide the drawing, so
# they are left to tooltips and to zooming in.
EDGE_LABEL_LIMIT = 70


class NodeItem(QGraphicsObject):
    def __init__(self, node: GraphNode, centre: bool, on_click: Callable[[GraphNode], None]) -> None:
        super().__init__()
        self.node = node
        self.radius = CENTRE_RADIUS if centre else NODE_RADIUS
        self.centre = centre
        self._on_click = on_click
        self.colour = QColor(KIND_COLOURS[node.kind] if node.kind else MISSING_COLOUR)
        self._font = QFont()
        self._font.setBold(True)
        self._font.setPointSizeF(max(6.0, self._font.pointSizeF() * 0.85))
        kind = node.kind.label if node.kind else "not in the knowledge base"
        self.setToolTip(text_markup(f"{node.key} ({kind})\n{node.title}\n{node.status}".rstrip()))
        self.setCursor(Qt.CursorShape.PointingHandCursor if node.uid else Qt.CursorShape.ArrowCursor)
        self.setZValue(2)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)

    def boundingRect(self) -> QRectF:
        width = max(self.radius * 2, QFontMetricsF(self._font).horizontalAdvance(self.node.key) + 8)
        return QRectF(-width / 2, -self.radius - 2, width, self.radius * 2 + 22)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addEllipse(QPointF(0, 0), self.radius, self.radius)
        return path

    def paint(self, painter: QPainter, _option: QStyleOptionGraphicsItem, _widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        outline = QPen(self.colour.darker(150), 3 if self.centre else 1.5)
        if self.node.dangling:
            outline.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(outline)
        painter.setBrush(QBrush(self.colour))
        painter.drawEllipse(QPointF(0, 0), self.radius, self.radius)
        painter.setFont(self._font)
        metrics = QFontMetricsF(self._font)
        width = metrics.horizontalAdvance(self.node.key) + 8
        label = QRectF(-width / 2, self.radius + 2, width, metrics.height() + 2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(QColor(255, 255, 255, 215)))
        painter.drawRoundedRect(label, 3, 3)
        painter.setPen(QPen(QColor("#1f2328")))
        painter.drawText(label, Qt.AlignmentFlag.AlignCenter, self.node.key)
        if self.node.kind is not None:
            painter.setPen(QPen(QColor("white")))
            painter.drawText(QRectF(-self.radius, -self.radius, self.radius * 2, self.radius * 2),
                             Qt.AlignmentFlag.AlignCenter, self.node.kind.key_prefix)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._on_click(self.node)


class EdgeItem(QGraphicsPathItem):
    """A directed link: a line from source to target with an arrowhead and its type."""

    def __init__(self, edge: GraphEdge, source: NodeItem, target: NodeItem, label: bool, text: QColor) -> None:
        super().__init__()
        self.edge = edge
        self.show_label = label
        self._text = text
        start, end = source.pos(), target.pos()
        line = QLineF(start, end)
        length = line.length() or 1.0
        unit = QPointF((end.x() - start.x()) / length, (end.y() - start.y()) / length)
        tail = start + unit * source.radius
        head = end - unit * (target.radius + 2)
        path = QPainterPath(tail)
        path.lineTo(head)
        normal = QPointF(-unit.y(), unit.x())
        arrow = QPolygonF([head, head - unit * 10 + normal * 5, head - unit * 10 - normal * 5, head])
        path.addPolygon(arrow)
        self.setPath(path)
        self.midpoint = (tail + head) / 2
        self.angle = math.degrees(math.atan2(unit.y(), unit.x()))
        self.setPen(QPen(QColor(120, 130, 140, 200), 1.3))
        self.setBrush(QBrush(QColor(120, 130, 140, 200)))
        self.setToolTip(text_markup(edge.label))
        self.setZValue(0)

    def boundingRect(self) -> QRectF:
        return super().boundingRect().adjusted(-60, -12, 60, 12)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        super().paint(painter, option, widget)
        if not self.show_label:
            return
        font = QFont()
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.75))
        painter.setFont(font)
        painter.save()
        painter.translate(self.midpoint)
        angle = self.angle
        if angle > 90 or angle < -90:
            angle += 180
        painter.rotate(angle)
        painter.setPen(QPen(self._text))
        painter.drawText(QRectF(-60, -14, 120, 12), Qt.AlignmentFlag.AlignCenter, self.edge.label)
        painter.restore()


class GraphCanvas(QGraphicsView):
    """Wheel zooms around the pointer; dragging the background pans."""

    def __init__(self, scene: QGraphicsScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)

        self.auto_fit = True  # until the user zooms, the drawing follows the view's size

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.zoom(1.15 if event.angleDelta().y() > 0 else 1 / 1.15)

    def zoom(self, factor: float) -> None:
        scale = self.transform().m11() * factor
        if 0.05 <= scale <= 6:
            self.auto_fit = False
            self.scale(factor, factor)

    def fit(self) -> None:
        rect = self.sceneRect()
        self.resetTransform()
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.transform().m11() > 1.4:
            self.resetTransform()
            self.scale(1.4, 1.4)
        self.auto_fit = True

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.auto_fit:
            self.fit()


class GraphView(QWidget):
    """The neighbourhood of the current record. Clicking a node emits `record_link_clicked(uid)`."""

    record_link_clicked = Signal(str)

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None, cap: int = DEFAULT_NODE_CAP) -> None:
        super().__init__(parent)
        self.kb = kb
        self.cap = cap
        self.record: Record | None = None
        self.graph: Neighbourhood | None = None
        self.nodes: dict[str, NodeItem] = {}
        self.edges: list[EdgeItem] = []
        self.setObjectName("graphView")
        self.depth = QSpinBox(self)
        self.depth.setObjectName("graphDepth")
        self.depth.setRange(1, MAX_GRAPH_DEPTH)
        self.depth.setPrefix("depth ")
        self.depth.setAccessibleName("Depth")
        self.depth.valueChanged.connect(self._on_depth_value_changed)
        self.fit_button = QPushButton("Fit", self)
        self.fit_button.clicked.connect(self._on_fit_button_clicked)
        self.export_button = QPushButton("Export…", self)
        self.export_button.setToolTip("Save the graph as an SVG or PNG picture")
        self.export_button.setObjectName("graphExport")
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.summary = plain_label("", self)
        self.summary.setObjectName("graphSummary")
        self.summary.setWordWrap(True)
        self.scene = QGraphicsScene(self)
        self.canvas = GraphCanvas(self.scene, self)
        self.canvas.setObjectName("graphCanvas")
        self.canvas.setAccessibleName("Graph")
        controls = QHBoxLayout()
        controls.addWidget(self.depth)
        controls.addWidget(self.fit_button)
        controls.addWidget(self.export_button)
        controls.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(controls)
        layout.addWidget(self.summary)  # below the buttons: a long summary wraps, never widens
        layout.addWidget(self.canvas, 1)
        self.show_record(None)

    def show_record(self, record: Record | None) -> None:
        self.record = record
        self.refresh()

    def refresh(self) -> None:
        self.scene.clear()
        self.nodes, self.edges = {}, []
        record = self.kb.find(self.record.uid) if self.record else None
        if record is None:
            self.graph = None
            self.summary.setText("Select a record to see its neighbourhood.")
            return
        self.record = record
        self.graph = self.kb.trails.neighbourhood(record.uid, self.depth.value(), self.cap)
        self._draw(self.graph)
        self.fit()

    def fit(self) -> None:
        self.scene.setSceneRect(self.scene.itemsBoundingRect().adjusted(-30, -30, 30, 30))
        self.canvas.fit()

    def export_image(self, path: Path | str) -> Path:
        """Write the whole drawing to `path`: SVG when it ends in .svg, otherwise PNG."""
        path = Path(path)
        rect = self.scene.itemsBoundingRect().adjusted(-20, -20, 20, 20)
        size = QSize(max(1, math.ceil(rect.width())), max(1, math.ceil(rect.height())))
        if path.suffix.lower() == ".svg":
            generator = QSvgGenerator()
            generator.setFileName(str(path))
            generator.setSize(size)
            generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
            generator.setTitle(f"kbridge graph of {self.record.key if self.record else ''}")
            painter = QPainter(generator)
            self.scene.render(painter, QRectF(0, 0, size.width(), size.height()), rect)
            painter.end()
        else:
            image = QImage(size * 2, QImage.Format.Format_ARGB32)
            image.fill(self.palette().color(QPalette.ColorRole.Base))
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.scene.render(painter, QRectF(0, 0, size.width() * 2, size.height() * 2), rect)
            painter.end()
            if not image.save(str(path if path.suffix else path.with_suffix(".png")), "PNG"):
                raise OSError(f"could not write {path}")
        return path

    def _draw(self, graph: Neighbourhood) -> None:
        positions = force_layout(
            [node.id for node in graph.nodes],
            [(edge.source, edge.target) for edge in graph.edges],
            centre=graph.centre,
            rings={node.id: node.depth for node in graph.nodes},
            spacing=170.0 if len(graph.nodes) <= 30 else 120.0,
        )
        for node in graph.nodes:
            item = NodeItem(node, node.id == graph.centre, self._on_node_clicked)
            x, y = positions[node.id]
            item.setPos(x, y)
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)
            self.scene.addItem(item)
            self.nodes[node.id] = item
        labels = len(graph.edges) <= EDGE_LABEL_LIMIT
        text = self.palette().color(QPalette.ColorRole.Text)
        for edge in graph.edges:
            item = EdgeItem(edge, self.nodes[edge.source], self.nodes[edge.target], labels, text)
            self.scene.addItem(item)
            self.edges.append(item)
        centre = graph.node(graph.centre)
        text_parts = [f"{len(graph.nodes)} records and {len(graph.edges)} links within {graph.depth} "
                      f"link{'s' if graph.depth > 1 else ''} of {centre.key if centre else ''}."]
        if graph.truncated:
            text_parts.append(f"Capped at {graph.cap}: {graph.omitted} more records are not drawn.")
        if not labels:
            text_parts.append("Link names are in tooltips (too many to print).")
        self.summary.setText(" ".join(text_parts))

    def _on_node_clicked(self, node: GraphNode) -> None:
        if node.uid and (self.record is None or node.uid != self.record.uid):
            self.record_link_clicked.emit(node.uid)

    def _on_depth_value_changed(self, _value: int) -> None:
        self.refresh()

    def _on_fit_button_clicked(self) -> None:
        self.fit()

    def _on_export_button_clicked(self) -> None:
        name = f"{self.record.key if self.record else 'graph'}-graph.svg"
        path, _ = QFileDialog.getSaveFileName(self, "Export graph", name, "SVG image (*.svg);;PNG image (*.png)")
        if path:
            self.export_image(path)
