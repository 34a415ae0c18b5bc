"""The bundle's entry script and the smoke test, run against this checkout: a stand-in "bundle"
whose `kbridge` and `kbridge-gui` run packaging/kbridge_entry.py with this venv's Python, exactly
as the PyInstaller executable runs it. (The real bundle is built and smoke-tested by .ci/run.)"""

from __future__ import annotations

import os
import shutil
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
    # A real binary of this machine for the glibc measurement: this Python's own executable.
    shutil.copy(os.path.realpath(sys.executable), folder / "_internal" / "python")
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
    assert "first of 106 rows opened" in done.stdout


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


def test_smoke_test_passes_on_the_checkout(stand_in_bundle: Path, tmp_path: Path) -> None:
    screenshot = tmp_path / "window.png"
    done = run(sys.executable, SMOKE_TEST, stand_in_bundle, "--screenshot", screenshot)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "bundle size" in done.stdout and f"kbridge, version {__version__}" in done.stdout
    assert "  glibc needed     2." in done.stdout and "(by _internal/python" in done.stdout
    assert "  main window" in done.stdout and "closed cleanly (exit 0)" in done.stdout
    assert "  start time" in done.stdout
    assert screenshot.stat().st_size > 0
    # Steps run for the commands this checkout has; the others are named as not tested.
    steps = {"import": ["  import "], "search": ["  search tantivy", "  search whoosh"]}
    for command in NEEDED:
        if command in cli.commands:
            assert all(step in done.stdout for step in steps[command]), done.stdout
        else:
            assert f"NOT TESTED: `{command}` is not in this checkout yet" in done.stdout
    untested = [command for command in NEEDED if command not in cli.commands]
    assert done.stdout.rstrip().endswith("PASS" if not untested else f"PASS, with {len(untested)} step(s) not tested")


def test_smoke_test_fails_when_the_bundle_lacks_a_command_of_the_checkout(stand_in_bundle: Path) -> None:
    # A bundle built without `gui` (say, a module PyInstaller left out) must not pass.
    launcher = stand_in_bundle / "kbridge"
    real = stand_in_bundle / "kbridge-real"
    launcher.rename(real)
    launcher.write_text(
        f'#!/bin/sh\nif [ "$1" = --help ]; then "{real}" --help | grep -v "^  gui "; exit 0; fi\nexec "{real}" "$@"\n'
    )
    launcher.chmod(0o755)
    done = run(sys.executable, SMOKE_TEST, stand_in_bundle)
    assert done.returncode == 1
    assert "FAIL: the bundle lacks commands the smoke test needs: `gui`" in done.stderr


def test_smoke_hook_fails_when_qt_finds_no_fonts(stand_in_bundle: Path, tmp_path: Path) -> None:
    # A fontconfig that knows no font folder: Qt then draws every letter as an empty box.
    (tmp_path / "no-fonts").mkdir()
    config = tmp_path / "fonts.conf"
    config.write_text(f"<fontconfig><dir>{tmp_path / 'no-fonts'}</dir><cachedir>{tmp_path}</cachedir></fontconfig>")
    done = run(stand_in_bundle / "kbridge-gui", "--sample", KBRIDGE_SMOKE_TEST="1", FONTCONFIG_FILE=str(config))
    assert done.returncode == 4, done.stdout + done.stderr
    assert "Qt found no fonts" in done.stderr and "fonts-dejavu-core" in done.stderr


def test_smoke_test_fails_when_a_binary_needs_a_newer_glibc(stand_in_bundle: Path) -> None:
    # Debian 12's own libstdc++ needs glibc 2.36 (arc4random): the kind of library the bundle must
    # take from the target system rather than carry (packaging/kbridge.spec).
    system_libstdcxx = Path("/usr/lib/x86_64-linux-gnu/libstdc++.so.6")
    assert system_libstdcxx.is_file(), "this test needs Debian 12's libstdc++6"
    shutil.copy(system_libstdcxx, stand_in_bundle / "_internal" / "libstdc++.so.6")
    done = run(sys.executable, SMOKE_TEST, stand_in_bundle)
    assert done.returncode == 1
    assert "FAIL: the bundle needs glibc 2.36 (_internal/libstdc++.so.6), above the 2.35" in done.stderr
