"""Import and Export dialogs: choose a folder and a format, watch the progress, read the report.
The work runs on a worker thread through the window's JobRunner (so the status bar shows it too)."""

from __future__ import annotations

import threading
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kbridge.model import Progress
from kbridge.ui.dialogs.errors import failure_sentence
from kbridge.ui.dialogs.import_preview import PreviewModel, preview_table
from kbridge.ui.jobs import formats_adapter as formats
from kbridge.ui.jobs.worker import Job, JobRunner
from kbridge.ui.widgets.plain_text import ask, plain_label


class _TransferDialog(QDialog):
    """What Import and Export share: a path row, a format box, a progress bar, a report."""

    writes = False  # whether the job writes to the knowledge base

    progressed = Signal(int, int, str)
    finished_ok = Signal(object)
    failed = Signal(str)
    previewed = Signal(object)  # the import dialog's preview, once it is shown

    def __init__(self, runner: JobRunner, kb_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.kb_path = kb_path
        self.job: Job | None = None
        self.result: Any = None
        self.path_field = QLineEdit(self)
        self.path_field.setObjectName("transferPath")
        self.browse = QPushButton("&Browse…", self)
        self.browse.clicked.connect(self._on_browse_clicked)
        self.format_box = QComboBox(self)
        self.format_box.setObjectName("transferFormat")
        self.format_box.setAccessibleName("Format")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("transferProgress")
        self.progress.setAccessibleName("Progress")
        self.progress.setValue(0)
        self.message = plain_label("", self)
        self.message.setObjectName("transferMessage")
        self.message.setWordWrap(True)
        self.report = QPlainTextEdit(self)
        self.report.setObjectName("transferReport")
        self.report.setAccessibleName("Report")
        self.report.setReadOnly(True)
        self.report.hide()
        self.buttons = QDialogButtonBox(self)
        self.start_button = self.buttons.addButton("Start", QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setObjectName("transferStart")
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("transferCancel")
        self.start_button.clicked.connect(self._on_start_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        row = QHBoxLayout()
        row.addWidget(self.path_field, 1)
        row.addWidget(self.browse)
        self.form = QFormLayout()
        # Labels with a buddy, so that Alt+F and Alt+O reach their fields.
        path_label = plain_label(self._path_label(), self)
        path_label.setBuddy(self.path_field)
        format_label = QLabel("F&ormat:", self)
        format_label.setBuddy(self.format_box)
        self.form.addRow(path_label, row)
        self.form.addRow(format_label, self.format_box)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.buttons)
        self.resize(560, 260)

    def _path_label(self) -> str:
        return "&Folder:"

    def _browse(self) -> str:
        return QFileDialog.getExistingDirectory(self, "Choose a folder", self.path_field.text())

    def _work(self, path: Path, fmt: str, progress: Progress, cancel: threading.Event) -> Any:
        raise NotImplementedError

    def _describe(self, result: Any) -> str:
        return str(result)

    def _show_report(self, skipped: list[tuple[str, str]], warnings: list[tuple[str, str]]) -> None:
        """Each file skipped or not written, and each warning, with why, below the message."""
        lines = [f"{path}: {reason}" for path, reason in skipped]
        lines += [f"{path}: {message}" for path, message in warnings]
        if lines:
            self.report.setPlainText("\n".join(lines))
            self.report.show()

    @property
    def running(self) -> bool:
        return self.job is not None

    def start(self) -> Job | None:
        text = self.path_field.text().strip()
        if not text:
            self.message.setText("Choose a folder first.")
            return None
        path, fmt = Path(text).expanduser(), str(self.format_box.currentData())
        self.job = Job(self.windowTitle(), partial(self._work, path, fmt), writes=self.writes)
        self.job.signals.progressed.connect(self._on_job_progressed)
        self.start_button.setEnabled(False)
        self.path_field.setEnabled(False)
        self.format_box.setEnabled(False)
        self.progress.setRange(0, 0)
        self.runner.start(self.job, on_success=self._on_job_succeeded, on_failure=self._on_job_failed)
        self.job.signals.cancelled.connect(self._on_job_cancelled)
        return self.job

    def _finish(self, text: str) -> None:
        self.job = None
        self.message.setText(text)
        self.cancel_button.setText("Close")
        self.progress.setRange(0, 1)

    def _on_browse_clicked(self) -> None:
        chosen = self._browse()
        if chosen:
            self.path_field.setText(chosen)

    def _on_start_clicked(self) -> None:
        self.start()

    def _on_cancel_clicked(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.message.setText("Cancelling…")
        else:
            self.reject() if self.result is None else self.accept()

    def _on_job_progressed(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        self.message.setText(message)
        self.progressed.emit(done, total, message)

    def _on_job_succeeded(self, result: Any) -> None:
        self.result = result
        self.progress.setValue(self.progress.maximum())
        self._finish(self._describe(result))
        self.progress.setValue(1)
        self.finished_ok.emit(result)

    def _on_job_failed(self, error: Exception) -> None:
        message = failure_sentence(error, f"job failed: {self.windowTitle()}")
        self._finish(f"Failed: {message}")
        self.start_button.setEnabled(True)
        self.failed.emit(message)

    def _on_job_cancelled(self) -> None:
        self._finish("Cancelled; nothing was changed.")
        self.start_button.setEnabled(True)
        self.path_field.setEnabled(True)
        self.format_box.setEnabled(True)

    def reject(self) -> None:
        if self.job is not None:
            self.job.cancel()  # closing the dialog stops the work rather than orphaning it
        super().reject()


class ImportDialog(_TransferDialog):
    """Choose a folder: its preview (every file with the record it would make, or why it is
    skipped) fills the table; only then does Import write, after asking when nothing in the
    folder reads as a decision."""

    writes = True

    def __init__(
        self, runner: JobRunner, kb_path: Path, parent: QWidget | None = None, folder: Path | None = None
    ) -> None:
        super().__init__(runner, kb_path, parent)
        self.setObjectName("importDialog")
        self.setWindowTitle("Import folder")
        self.path_field.setAccessibleName("Folder to import")
        self.path_field.setPlaceholderText("A folder of ADRs (adr-tools, MADR, log4brains) or kbridge Markdown")
        for name, label in formats.IMPORT_FORMATS:
            self.format_box.addItem(label, name)
        self.detected = plain_label("", self)
        self.detected.setObjectName("detectedFormat")
        self.form.addRow("Read as:", self.detected)
        self.preview_model = PreviewModel(self)
        self.preview_view = preview_table(self, self.preview_model)
        self.layout().insertWidget(1, self.preview_view, 3)
        self.preview: formats.ImportPreview | None = None
        self.preview_job: Job | None = None
        self._preview_for: tuple[str, str] | None = None  # (folder, format) previewed or being previewed
        self.force = False
        # Detection reads files: wait for a pause in typing rather than scan every prefix typed.
        self._detect_timer = QTimer(self, singleShot=True, interval=300, timeout=self._on_detect_timer_timeout)
        self.path_field.textChanged.connect(self._detect_timer.start)
        self.format_box.currentIndexChanged.connect(self._on_format_box_current_index_changed)
        self.start_button.setText("&Preview")
        self.resize(900, 520)
        # Only a real folder: File > Import's `triggered(bool)` reaches here as `folder=False`.
        if isinstance(folder, Path):
            self.path_field.setText(str(folder))

    def _target(self) -> tuple[str, str]:
        return str(Path(self.path_field.text().strip()).expanduser()), str(self.format_box.currentData())

    @property
    def preview_current(self) -> bool:
        return self.preview is not None and self._preview_for == self._target()

    def start(self) -> Job | None:
        """Import: previews first when the table does not show this folder yet; then, after a yes
        when nothing reads as a decision, writes."""
        if not self.path_field.text().strip():
            self.message.setText("Choose a folder first.")
            return None
        if not self.preview_current:
            return self.start_preview()
        assert self.preview is not None
        self.force = False
        if not self.preview.decisions_found and self.preview.count("import") + self.preview.count("update"):
            answer = ask(
                self, "Import folder",
                f"Nothing in {self.preview.folder} reads as a decision record: no status, no decision "
                "sections, no numbered file names. Import its files as decisions anyway?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                self.message.setText("Not imported; nothing was changed.")
                return None
            self.force = True
        return super().start()

    def start_preview(self) -> Job | None:
        path, fmt = self._target()
        if not Path(path).is_dir():
            self.message.setText(f"{path} is not a folder.")
            return None
        if self.preview_job is not None:
            self.preview_job.cancel()
        self._preview_for = (path, fmt)
        self.preview = None
        self.preview_model.set_rows([])
        self.start_button.setText("&Preview")
        job = Job("Preview import", partial(formats.preview_import, self.kb_path, Path(path), fmt))
        self.preview_job = job
        self.message.setText("Reading the folder…")
        self.progress.setRange(0, 0)
        # Slots of this dialog, so that a preview ending after the dialog closed calls nothing.
        job.signals.progressed.connect(self._on_preview_job_progressed)
        self.runner.start(
            job,
            on_success=lambda preview: self._on_preview_job_succeeded(preview) if job is self.preview_job else None,
            on_failure=lambda error: self._on_preview_job_failed(error) if job is self.preview_job else None,
            show=False,
        )
        return job

    def _from_preview_job(self) -> bool:
        """Whether the progress comes from the preview of the folder chosen now (not an older one)."""
        return self.preview_job is not None and self.sender() is self.preview_job.signals

    def _work(self, path: Path, fmt: str, progress: Progress, cancel: threading.Event) -> Any:
        return formats.import_folder(self.kb_path, path, fmt, progress, cancel, force=self.force)

    def _on_job_cancelled(self) -> None:
        stopped = self.job.cancelled_by if self.job is not None else None
        super()._on_job_cancelled()
        if isinstance(stopped, formats.PartlyImportedError):
            # The batches written before the cancel stay: say so, and let the window show them.
            said = str(stopped)
            self.message.setText(f"{said[:1].upper()}{said[1:]}.")
            self.result = stopped.summary
            self.finished_ok.emit(stopped.summary)

    def _describe(self, result: Any) -> str:
        summary: formats.ImportSummary = result
        self._show_report(summary.skipped, summary.warnings)
        return f"Imported: {summary.describe()}; read as {formats.describe_formats(summary.formats)}."

    def _on_preview_job_progressed(self, done: int, total: int, _message: str) -> None:
        if self._from_preview_job() and total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _on_preview_job_succeeded(self, preview: formats.ImportPreview) -> None:
        """The preview of the folder chosen now (an older one's answer never gets here)."""
        self.preview_job = None
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.preview = preview
        self.preview_model.set_rows(preview.rows)
        self.detected.setText(formats.describe_formats(preview.formats))
        self.start_button.setText("&Import")
        self.start_button.setEnabled(True)
        warning = "" if preview.decisions_found else " Nothing here reads as a decision record."
        self.message.setText(f"Preview: {preview.describe()}. Nothing has been written yet.{warning}")
        if preview.warnings:
            self.report.setPlainText("\n".join(f"{path}: {message}" for path, message in preview.warnings))
            self.report.show()
        self.previewed.emit(preview)

    def _on_preview_job_failed(self, error: Exception) -> None:
        message = failure_sentence(error, "previewing an import")
        self.preview_job = None
        self.detected.setText("")
        self.progress.setRange(0, 1)
        self._preview_for = None
        self.message.setText(f"Cannot preview: {message}")

    def _on_format_box_current_index_changed(self, _index: int) -> None:
        self._detect_timer.start()

    def _on_detect_timer_timeout(self) -> None:
        text = self.path_field.text().strip()
        folder = Path(text).expanduser()
        # What the folder is written in is told by the preview (the importer's own reading, on a
        # worker), never guessed here on the GUI thread.
        if text and folder.is_dir():
            if self._preview_for != self._target() and not self.running:
                self.detected.setText("reading the folder…")
                self.start_preview()
        else:
            self.detected.setText("")

    def reject(self) -> None:
        if self.preview_job is not None:
            self.preview_job.cancel()
        super().reject()


class ExportDialog(_TransferDialog):
    def __init__(self, runner: JobRunner, kb_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(runner, kb_path, parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self.path_field.setAccessibleName("Folder to export to")
        for name, label in formats.EXPORT_FORMATS:
            self.format_box.addItem(label, name)
        self.start_button.setText("&Export")

    def _work(self, path: Path, fmt: str, progress: Progress, cancel: threading.Event) -> Any:
        return formats.export_all(self.kb_path, path, fmt, progress, cancel)

    def _on_job_cancelled(self) -> None:
        stopped = self.job.cancelled_by if self.job is not None else None
        super()._on_job_cancelled()
        if isinstance(stopped, formats.CancelledError) and "written" in str(stopped):
            # A kbridge export writes as it goes: the files written stay (the next export keeps
            # them); the knowledge base is as it was.
            said = str(stopped)
            self.message.setText(f"{said[:1].upper()}{said[1:]}; the knowledge base was not changed.")

    def _describe(self, result: Any) -> str:
        summary: formats.ExportSummary = result
        self._show_report(summary.skipped, summary.warnings)
        left = f"; {len(summary.skipped)} not written (below)" if summary.skipped else ""
        return f"Exported {summary.written} records to {self.path_field.text()}{left}."
