"""The page the window shows while a knowledge base written by an older kbridge is backed up and
upgraded (kbridge.core.opening) on a worker: what is happening, how far it is, and a Cancel
button for as long as cancelling is possible."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from kbridge.core.opening import UPGRADING
from kbridge.escaping import escape_html


class UpgradePage(QWidget):
    """Told of the job's progress (`show_progress`); `cancel_requested` when Cancel is pressed."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("upgradePage")
        self.setAccessibleName("Opening a knowledge base")
        self.title = QLabel(self)
        self.title.setObjectName("upgradeTitle")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.explanation = QLabel(
            "It was written by an older kbridge and is upgraded to the new format once, in place. "
            "A copy of it as it is now is kept among its automatic backups first. "
            "A large knowledge base takes a few minutes.",
            self,
        )
        self.explanation.setWordWrap(True)
        self.step = QLabel(self)
        self.step.setObjectName("upgradeStep")
        self.step.setTextFormat(Qt.TextFormat.PlainText)  # names the file
        self.step.setWordWrap(True)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("upgradeProgress")
        self.bar.setAccessibleName("Progress of the upgrade")
        self.note = QLabel(self)
        self.note.setObjectName("upgradeNote")
        self.note.setWordWrap(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("upgradeCancel")
        self.cancel_button.setAccessibleName("Cancel opening the knowledge base")
        self.cancel_button.clicked.connect(self.cancel_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        column = QVBoxLayout()
        column.addWidget(self.title)
        column.addWidget(self.explanation)
        column.addSpacing(12)
        column.addWidget(self.step)
        column.addWidget(self.bar)
        column.addWidget(self.note)
        column.addLayout(buttons)
        box = QWidget(self)
        box.setObjectName("upgradeBox")
        box.setLayout(column)
        box.setMaximumWidth(620)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 4)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    @property
    def upgrading(self) -> bool:
        """The upgrade itself has started: it cannot be cancelled any more."""
        return self.step.text().startswith(UPGRADING)

    def start(self, path: Path) -> None:
        self.title.setText(f"<h2>Opening {escape_html(path.stem)}</h2>")
        self.title.setToolTip(str(path))
        self.step.setText("Checking the file…")
        self.bar.setRange(0, 0)
        self.note.setText("")
        self.cancel_button.setEnabled(True)

    def show_progress(self, done: int, total: int, message: str) -> None:
        if message:
            self.step.setText(message)
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        else:
            self.bar.setRange(0, 0)  # busy, no measure of how far
        if self.upgrading and self.cancel_button.isEnabled():
            self.cancel_button.setEnabled(False)
            self.note.setText("The upgrade cannot be interrupted (each of its steps is saved whole or not at all).")

    def show_closing(self) -> None:
        """The window was asked to close: it does as soon as it can."""
        if self.upgrading:
            self.note.setText("kbridge closes when the upgrade has finished (it cannot be interrupted).")
        else:
            self.note.setText("Cancelling; kbridge then closes.")
        self.cancel_button.setEnabled(False)
