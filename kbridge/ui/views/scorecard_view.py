"""The "Scorecard" tab: the resilience figures IT and security share (kbridge.core.scorecard), each
with its trend drawn from the revisions, and under them the records behind the chosen figure: the
ones that fall short first, with why. Activating a record opens it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kbridge.core import KnowledgeBase
from kbridge.core.scorecard import COUNT, SHARE, Entry, Figure, Scorecard
from kbridge.model import Progress, Record
from kbridge.ui.dialogs.errors import failure_sentence
from kbridge.ui.jobs.apart import CancelFlag, run_by_size
from kbridge.ui.jobs.worker import Job
from kbridge.ui.widgets.charts import paint_trend

ModelIndex = QModelIndex | QPersistentModelIndex
TrendRole = Qt.ItemDataRole.UserRole + 1
UidRole = Qt.ItemDataRole.UserRole + 2
FIGURE_COLUMNS = ("Figure", "Now", "Trend")
FIGURE, NOW, TREND = range(3)
RECORD_COLUMNS = ("", "Record", "Why")
GOOD, BAD = QColor("#1a7f37"), QColor("#cf222e")


def _scorecard_of(path: Path, progress: Progress, cancel: CancelFlag) -> Scorecard:
    """Read in a process of its own for a large file (every record and revision is read)."""
    return run_by_size(_scorecard_here, path, progress=progress, cancel=cancel)


def _scorecard_here(path: Path, _progress: Progress, _cancel: CancelFlag) -> Scorecard:
    with KnowledgeBase.open(path) as kb:
        return kb.resilience.scorecard()


def trend_text(figure: Figure) -> str:
    if not figure.trend:
        return "no history yet"
    first, last = figure.trend[0], figure.trend[-1]
    shown = [_value_text(value, figure.kind) for _, value in figure.trend]
    if len(figure.trend) == 1:
        return f"{first[0]}: {shown[0]} (the history starts that day)"
    return f"{first[0]} to {last[0]}: " + " → ".join(shown)


def _value_text(value: float | None, kind: str) -> str:
    if value is None:
        return "–"
    return f"{round(100 * value)}%" if kind == SHARE else str(int(value))


class FiguresModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.figures: list[Figure] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_scorecard(self, card: Scorecard | None) -> None:
        self.beginResetModel()
        self.figures = list(card.figures) if card else []
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.figures)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(FIGURE_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return FIGURE_COLUMNS[section] if 0 <= section < len(FIGURE_COLUMNS) else None
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.figures):
            return None
        figure = self.figures[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == FIGURE:
                return figure.label
            if column == NOW:
                return figure.text
            return trend_text(figure) if role == Qt.ItemDataRole.AccessibleTextRole else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return trend_text(figure) if column == TREND else f"{figure.label}: {figure.text}"
        if role == Qt.ItemDataRole.FontRole and column == NOW:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and column == NOW:
            return QBrush(_tone(figure))
        if role == TrendRole:
            return figure
        return None


def _tone(figure: Figure) -> QColor:
    value = figure.value
    if figure.kind == COUNT:
        return GOOD if not value else BAD
    if value is None:
        return QColor("#57606a")
    return GOOD if value >= 1 else (QColor("#9a6700") if value >= 0.5 else BAD)


class TrendDelegate(QStyledItemDelegate):
    """Draws a figure's trend as a small line in its cell."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        super().paint(painter, option, index)
        figure = index.data(TrendRole)
        if not isinstance(figure, Figure) or index.column() != TREND:
            return
        rect = QRectF(option.rect).adjusted(6, 6, -6, -6)  # type: ignore[attr-defined]
        maximum = 1.0 if figure.kind == SHARE else None
        paint_trend(painter, rect, [value for _, value in figure.trend], _tone(figure), maximum)

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(max(hint.width(), 80), max(hint.height(), 28)) if index.column() == TREND else hint


class BehindModel(QAbstractTableModel):
    """The records behind one figure: those that fall short (with why) first, then the others."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.figure: Figure | None = None
        self.rows: list[tuple[bool, Entry]] = []

    def set_figure(self, figure: Figure | None) -> None:
        self.beginResetModel()
        self.figure = figure
        if figure is None:
            self.rows = []
        elif figure.kind == SHARE:
            self.rows = [(False, entry) for entry in figure.missing] + [(True, entry) for entry in figure.met]
        else:
            self.rows = [(False, entry) for entry in figure.met]
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(RECORD_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return RECORD_COLUMNS[section] if 0 <= section < len(RECORD_COLUMNS) else None
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        met, entry = self.rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            if column == 0:
                return "✓" if met else "✗"
            if column == 1:
                return f"{entry.key}  {entry.title}"
            return entry.note or ("meets it" if met else "")
        if role == Qt.ItemDataRole.ForegroundRole and column in (0, 2):
            return QBrush(GOOD if met else BAD)
        if role == UidRole:
            return entry.uid
        return None


class ScorecardView(QWidget):
    """The scorecard, computed when shown and again after the knowledge base has changed, on a
    worker thread with a connection of its own: replaying a large knowledge base's revisions takes
    seconds, which the window must not wait for."""

    record_link_clicked = Signal(str)
    computed = Signal()  # a new scorecard is shown

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kb = kb
        self.card: Scorecard | None = None
        self._computed_for: int | None = None
        self._job: Job | None = None
        self.setObjectName("scorecardView")
        self.summary = QLabel(self)
        self.summary.setObjectName("scorecardSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.figures_model = FiguresModel(self)
        self.figures = QTableView(self)
        self.figures.setObjectName("scorecardFigures")
        self.figures.setAccessibleName("Resilience figures")
        self.figures.setModel(self.figures_model)
        self.figures.setItemDelegateForColumn(TREND, TrendDelegate(self.figures))
        self.figures.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.figures.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.figures.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.figures.setWordWrap(True)
        self.figures.verticalHeader().hide()
        self.figures.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.figures.horizontalHeader()
        header.setSectionResizeMode(FIGURE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(NOW, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TREND, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(TREND, 96)  # a small line: the label keeps the room in a narrow window
        self.figures.selectionModel().currentRowChanged.connect(self._on_figures_current_row_changed)
        self.behind_title = QLabel(self)
        self.behind_title.setObjectName("scorecardBehindTitle")
        self.behind_title.setWordWrap(True)
        self.behind_title.setTextFormat(Qt.TextFormat.PlainText)
        self.behind_model = BehindModel(self)
        self.behind = QTableView(self)
        self.behind.setObjectName("scorecardRecords")
        self.behind.setAccessibleName("Records behind the figure")
        self.behind.setModel(self.behind_model)
        self.behind.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.behind.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.behind.setWordWrap(True)
        self.behind.verticalHeader().hide()
        self.behind.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        records_header = self.behind.horizontalHeader()
        records_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        records_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        records_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.behind.activated.connect(self._on_behind_activated)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.behind_title)
        lower_layout.addWidget(self.behind, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.figures)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)

    def show_record(self, record: Record | None) -> None:
        """The scorecard is about the whole knowledge base: computed again only when it changed."""
        if record is None:
            return
        stamp = self.kb.history.count()
        if stamp != self._computed_for:
            self.refresh()
            self._computed_for = stamp

    def refresh(self) -> None:
        """Compute the scorecard anew (the answer replaces the one shown when it comes)."""
        if self._job is not None:
            self._job.cancel()
        path = self.kb.path
        job = Job("Scorecard", lambda progress, cancel: _scorecard_of(path, progress, cancel))
        # Bound methods, not lambdas: Qt forgets them if this view goes away before the answer.
        job.signals.finished.connect(self._on_job_finished)
        job.signals.failed.connect(self._on_job_failed)
        self._job = job
        if self.card is None:
            self.summary.setText("Computing the scorecard from the revisions…")
        job.start()

    def _current_job_answered(self) -> bool:
        """Whether the signal being handled comes from the job last started (older ones are stale)."""
        return self._job is not None and self.sender() is self._job.signals

    def _on_job_failed(self, error: Exception) -> None:
        if self._current_job_answered():
            message = failure_sentence(error, "computing the scorecard")
            self._job = None
            self._computed_for = None  # try again next time
            self.summary.setText(f"The scorecard could not be computed: {message}")

    def _on_job_finished(self, card: Scorecard) -> None:
        if not self._current_job_answered():
            return  # an answer about the knowledge base as it was before a newer question
        self._job = None
        chosen = self.figures.currentIndex().row()
        self.card = card
        self.figures_model.set_scorecard(self.card)
        days = len(self.card.figures[0].trend) if self.card.figures else 0
        self.summary.setText(
            f"As of {self.card.today.isoformat()}. Trends are read from the revisions, day by day "
            f"({days} {'day' if days == 1 else 'days'} of history). Choose a figure to see the records behind it."
        )
        self.figures.selectRow(max(chosen, 0))
        self.computed.emit()

    def _on_figures_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        figure = self.figures_model.figures[current.row()] if current.isValid() else None
        self.behind_model.set_figure(figure)
        if figure is None:
            self.behind_title.setText("")
            return
        shortfall = len(figure.missing) if figure.kind == SHARE else len(figure.met)
        what = "fall short" if figure.kind == SHARE else "are counted"
        self.behind_title.setText(f"{figure.label}: {shortfall} {what}. {trend_text(figure)}.")

    def _on_behind_activated(self, index: QModelIndex) -> None:
        uid = self.behind_model.data(index, UidRole)
        if uid:
            self.record_link_clicked.emit(uid)
