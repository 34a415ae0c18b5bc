"""The bundle's entry script and the smoke test, run against this checkout: a stand-in "bundle"
whose `kbridge` and `kbridge-gui` run packaging/kbridge_entry.py with this venv's Python, exactly
as the PyInstaller executable runs it. (The real bundle is built and smoke-tested by .ci/run.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kbridge import __version__
from kbridge.cli.main import cli
from tests.packaging.conftest import PACKAGING

SMOKE_TEST = PACKAGING / "smoke_test.py"
NEEDED = ("import", "search")


@pytest.fixture
def stand_in_bundle(tmp_path: Path) -> Path:
    """A folder shaped like dist/kbridge: `kbridge`, and `kbridge-gui` reaching the entry script
    under that name (the entry script looks at its name, as it does in the bundle)."""
    folder = tmp_path / "bundle"
    (folder / "_internal").mkdir(parents=True)
    gui_entry = folder / "_internal" / "kbridge-gui"
    gui_entry.symlink_to(PACKAGING / "kbridge_entry.py")
    for name, script in (("kbridge", PACKAGING / "kbridge_entry.py"), ("kbridge-gui", gui_entry)):
        launcher = folder / name
        launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{script}" "$@"\n')
        launcher.chmod(0o755)
    return folder


def run(*command: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=600,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env},
    )


def test_entry_is_the_command_line(stand_in_bundle: Path) -> None:
    done = run(stand_in_bundle / "kbridge", "--version")
    assert (done.returncode, done.stdout) == (0, f"kbridge, version {__version__}\n"), done.stderr


def test_entry_called_kbridge_gui_opens_the_window(stand_in_bundle: Path) -> None:
    done = run(stand_in_bundle / "kbridge-gui", "--sample", KBRIDGE_SMOKE_TEST="1", KBRIDGE_SMOKE_DELAY_MS="0")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "kbridge-smoke: main window shown: MainWindow 'sample — kbridge'" in done.stdout
    assert "first of 100 rows opened" in done.stdout


def test_smoke_hook_fails_when_no_main_window_shows(stand_in_bundle: Path, tmp_path: Path) -> None:
    not_a_kb = tmp_path / "not-a-kb.kbridge"
    not_a_kb.write_text("this is not SQLite")
    done = run(stand_in_bundle / "kbridge-gui", not_a_kb, KBRIDGE_SMOKE_TEST="1", KBRIDGE_SMOKE_DELAY_MS="0")
    assert done.returncode != 0
    assert "kbridge-smoke: no main window is showing (showing: QMessageBox)" in done.stderr
    assert "kbridge-smoke: main window shown" not in done.stdout


def test_smoke_test_refuses_a_missing_bundle(tmp_path: Path) -> None:
    done = run(sys.executable, SMOKE_TEST, tmp_path / "nothing-here")
    assert done.returncode == 1
    assert "FAIL: no bundle executable at" in done.stderr and "make dist" in done.stderr


def test_smoke_test_passes_or_names_the_missing_commands(stand_in_bundle: Path, tmp_path: Path) -> None:
    screenshot = tmp_path / "window.png"
    done = run(sys.executable, SMOKE_TEST, stand_in_bundle, "--screenshot", screenshot)
    assert "bundle size" in done.stdout
    assert f"kbridge, version {__version__}" in done.stdout
    missing = [name for name in NEEDED if name not in cli.commands]
    if missing:
        assert done.returncode == 1
        assert "FAIL: the bundle lacks commands the smoke test needs" in done.stderr
        assert all(f"`{name}`" in done.stderr for name in missing)
    else:
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.rstrip().endswith("PASS")
        for step in ("import ", "search tantivy", "search whoosh", "main window", "start time"):
            assert f"  {step}" in done.stdout
        assert screenshot.stat().st_size > 0
