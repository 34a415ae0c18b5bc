"""The window and three command-line processes on one knowledge base at once (`bench/concurrency.py`
runs the same for longer and prints the figures)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.formats.conftest import corpus_root
from tests.ui.answers import window_on
from tests.ui.stress import run_stress

SECONDS = 10


def test_window_and_three_command_lines_share_a_knowledge_base(
    qtbot: QtBot, sample_path: Path, tmp_path: Path
) -> None:
    window = window_on(qtbot, sample_path)
    result = run_stress(
        window, sample_path, tmp_path, seconds=SECONDS, workers=3, pump=qtbot.wait,
        import_folder=corpus_root() / "mozilla__remote-settings" / "docs" / "adr",
    )
    assert not result.worker_errors, "\n\n".join(result.worker_errors)
    assert result.worker_created and result.window_created and result.window_imports == 1
    assert result.integrity == "ok"
    assert result.lost == []
    assert result.listed_by_window == result.listed_by_cli
    window.close()
