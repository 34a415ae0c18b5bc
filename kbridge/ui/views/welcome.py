"""The first-run page: open the sample, start an empty knowledge base, import a folder of ADRs,
or reopen a recent one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kbridge import __version__, paths


class WelcomePage(QWidget):
    sample_requested = Signal()
    new_requested = Signal()
    import_requested = Signal()
    open_requested = Signal()
    recent_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        self.setAccessibleName("Welcome")
        icon = QLabel(self)
        icon.setPixmap(QIcon(str(paths.resource("icons", "kbridge.svg"))).pixmap(QSize(96, 96)))
        title = QLabel("<h1>Welcome to kbridge</h1>", self)
        intro = QLabel(
            "Keep the reasons behind your systems: architecture decisions, system histories and the "
            "rationale of security controls, linked and searchable, offline.",
            self,
        )
        intro.setWordWrap(True)
        self.sample_button = self._choice(
            "sampleButton",
            "Explore the sample knowledge base",
            f"A fictional payments company: {sample_contents()}.",
        )
        self.new_button = self._choice(
            "newKbButton",
            "Start a new, empty knowledge base",
            "Choose where to keep the file; nothing leaves this computer.",
        )
        self.import_button = self._choice(
            "importButton",
            "Import a folder of ADRs",
            "adr-tools, MADR, log4brains or kbridge Markdown: the format is detected for you.",
        )
        self.sample_button.clicked.connect(self.sample_requested)
        self.new_button.clicked.connect(self.new_requested)
        self.import_button.clicked.connect(self.import_requested)
        open_button = QPushButton("Open an existing knowledge base…", self)
        open_button.setObjectName("openKbButton")
        open_button.clicked.connect(self.open_requested)
        self.recent_box = QVBoxLayout()
        column = QVBoxLayout()
        column.setSpacing(10)
        header = QHBoxLayout()
        header.addWidget(icon)
        header.addWidget(title, 1)
        column.addLayout(header)
        column.addWidget(intro)
        column.addSpacing(12)
        column.addWidget(self.sample_button)
        column.addWidget(self.new_button)
        column.addWidget(self.import_button)
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        column.addWidget(line)
        column.addLayout(self.recent_box)
        column.addWidget(open_button, 0, Qt.AlignmentFlag.AlignLeft)
        version = QLabel(f"kbridge {__version__} · works offline · drag a folder here to import it", self)
        version.setEnabled(False)
        column.addStretch(1)
        column.addWidget(version)
        holder = QWidget(self)
        holder.setMaximumWidth(640)
        holder.setLayout(column)
        centred = QWidget(self)
        row = QHBoxLayout(centred)
        row.addStretch(1)
        row.addWidget(holder, 3)
        row.addStretch(1)
        # In a scroll area: a short window scrolls the page rather than being made taller (five
        # recent files under the three choices need more than 600 pixels).
        scroll = QScrollArea(self)
        scroll.setObjectName("welcomeScroll")
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setWidget(centred)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _choice(self, name: str, text: str, description: str) -> QCommandLinkButton:
        button = QCommandLinkButton(text, description, self)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.setAccessibleDescription(description)
        return button

    def set_recent(self, files: list[Path]) -> None:
        while self.recent_box.count():
            item = self.recent_box.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        if not files:
            return
        self.recent_box.addWidget(QLabel("<b>Recent</b>", self))
        for path in files[:5]:
            button = QPushButton(f"{path.stem}  —  {path}", self)
            button.setFlat(True)
            button.setStyleSheet("text-align: left")
            button.setAccessibleName(f"Open {path.stem}")
            button.clicked.connect(lambda _checked=False, p=str(path): self.recent_requested.emit(p))
            self.recent_box.addWidget(button)


def sample_contents() -> str:
    """What the bundled sample holds, counted from its sources ("100 records: 25 decisions, ...")."""
    folder = paths.resource("sample")
    counts = {
        kind.name: sum(1 for _ in kind.glob("*.md"))
        for kind in sorted(folder.iterdir()) if kind.is_dir()
    } if folder.is_dir() else {}
    counts = {name: count for name, count in counts.items() if count}
    ordered = sorted(counts.items(), key=lambda item: -item[1])
    parts = ", ".join(f"{count} {name if count != 1 else name.rstrip('s')}" for name, count in ordered[:4])
    return f"{sum(counts.values())} records: {parts} and more" if counts else "decisions, systems and controls"
