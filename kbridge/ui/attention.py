"""The checks behind "Needs attention", run as `kbridge check --json` in a separate process.

A separate process rather than a worker thread: on a large knowledge base the checks are seconds
of Python, and a thread would take turns with the GUI thread for the interpreter lock and make
typing stutter. The command line's JSON output is a documented contract (DESIGN.md)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, Signal


@dataclass(frozen=True)
class AttentionFinding:
    category: str
    key: str
    title: str
    message: str


class AttentionChecker(QObject):
    checked = Signal(list)  # list[AttentionFinding]
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.process: QProcess | None = None
        self._pending: Path | None = None

    @property
    def running(self) -> bool:
        return self.process is not None

    def start(self, path: Path) -> None:
        """Check `path`; a check asked for while one runs starts when that one is done."""
        if self.process is not None:
            self._pending = path
            return
        process = QProcess(self)
        process.setProgram(sys.executable)
        process.setArguments(["-m", "kbridge", "--kb", str(path), "check", "--json"])
        process.finished.connect(self._on_process_finished)
        process.errorOccurred.connect(self._on_process_error_occurred)
        self.process = process
        process.start()

    def stop(self) -> None:
        self._pending = None
        if self.process is not None:
            process, self.process = self.process, None
            process.finished.disconnect(self._on_process_finished)
            process.errorOccurred.disconnect(self._on_process_error_occurred)
            process.kill()
            process.waitForFinished(2000)
            process.deleteLater()

    def _on_process_finished(self, _code: int, _status: QProcess.ExitStatus) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        output = bytes(process.readAllStandardOutput().data()).decode("utf-8", "replace")
        process.deleteLater()
        try:
            data = json.loads(output)
            findings = [
                AttentionFinding(
                    str(item.get("category", "")),
                    str(item.get("key", "")),
                    str(item.get("title", "")),
                    str(item.get("message", "")),
                )
                for item in data.get("findings", [])
            ]
        except (ValueError, AttributeError):
            error = bytes(process.readAllStandardError().data()).decode("utf-8", "replace").strip()
            self.failed.emit(error or "the checks gave no answer")
        else:
            self.checked.emit(findings)
        self._start_pending()

    def _on_process_error_occurred(self, _error: QProcess.ProcessError) -> None:
        if self.process is not None and self.process.state() == QProcess.ProcessState.NotRunning:
            message = self.process.errorString()
            self.process.deleteLater()
            self.process = None
            self.failed.emit(message)
            self._start_pending()

    def _start_pending(self) -> None:
        if self._pending is not None:
            path, self._pending = self._pending, None
            self.start(path)
