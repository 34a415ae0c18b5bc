"""Opening a .kbridge file from the desktop opens it in kbridge: the file type is registered
(by name, and by content for one renamed), the desktop entry claims it, and the desktop's own
launcher (`gio open`, what a file manager's double-click does) starts `kbridge-gui FILE` through the
entry's `%f`, which opens that knowledge base in the main window. Everything is installed into a
scratch XDG data folder, as `cp -r share/. ~/.local/share/` does (docs/install.md)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kbridge import APP_ID
from kbridge.core import KnowledgeBase
from tests.packaging.conftest import PACKAGING

MIME_TYPE = "application/x-kbridge"


def tool(name: str, package: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: sudo apt-get install -y {package} (.ci/run installs it)"
    return path


@pytest.fixture
def desktop(tmp_path: Path) -> dict[str, str]:
    """A user data folder holding kbridge's desktop entry and file type, with the caches the
    desktop builds from them, and a `kbridge-gui` on PATH that reports the window it shows."""
    share = tmp_path / "share"
    (share / "applications").mkdir(parents=True)
    (share / "mime" / "packages").mkdir(parents=True)
    shutil.copy(PACKAGING / f"{APP_ID}.desktop", share / "applications")
    shutil.copy(PACKAGING / f"{APP_ID}.mime.xml", share / "mime" / "packages" / f"{APP_ID}.xml")
    subprocess.run([tool("update-mime-database", "shared-mime-info"), str(share / "mime")], check=True)
    subprocess.run([tool("update-desktop-database", "desktop-file-utils"), str(share / "applications")], check=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "kbridge-gui.log"
    # The real kbridge-gui (kbridge.ui.app:main), with the smoke hook that closes the window once shown.
    launcher = bin_dir / "kbridge-gui"
    launcher.write_text(
        "#!/bin/sh\n"
        f'exec {sys.executable} -c "import sys; sys.path.insert(0, {str(PACKAGING)!r}); import smoke_hook; '
        "smoke_hook.arm(); sys.argv[0] = 'kbridge-gui'; from kbridge.ui.app import main; main()\" "
        f'"$@" >>{log} 2>&1\n',
        encoding="utf-8",
    )
    launcher.chmod(0o755)
    return {
        **os.environ,
        "XDG_DATA_HOME": str(share),
        "XDG_DATA_DIRS": "/usr/local/share:/usr/share",
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "QT_QPA_PLATFORM": "offscreen",
        "KBRIDGE_SMOKE_DELAY_MS": "0",
        "LOG": str(log),
    }


def content_type(path: Path, env: dict[str, str]) -> str:
    done = subprocess.run([tool("gio", "libglib2.0-bin"), "info", "-a", "standard::content-type", str(path)],
                          capture_output=True, text=True, env=env, timeout=60, check=True)
    return done.stdout.rsplit("standard::content-type:", 1)[1].strip()


def test_a_knowledge_base_is_known_by_its_name_and_its_content(desktop: dict[str, str], tmp_path: Path) -> None:
    kb_file = tmp_path / "team.kbridge"
    KnowledgeBase.init(kb_file).close()
    renamed = tmp_path / "team-copy.db"
    shutil.copyfile(kb_file, renamed)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert content_type(kb_file, desktop) == MIME_TYPE
    assert content_type(renamed, desktop) == MIME_TYPE  # the application_id in its header
    assert content_type(other, desktop) == "application/vnd.sqlite3"  # any other SQLite file is not


def test_kbridge_is_the_application_for_the_file_type(desktop: dict[str, str]) -> None:
    done = subprocess.run([tool("gio", "libglib2.0-bin"), "mime", MIME_TYPE], capture_output=True, text=True,
                          env=desktop, timeout=60, check=True)
    assert f"Default application for “{MIME_TYPE}”: {APP_ID}.desktop" in done.stdout


def test_opening_a_kbridge_file_opens_it_in_the_window(desktop: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "Team decisions"
    folder.mkdir()
    kb_file = folder / "Plattform Entscheidungen.kbridge"  # spaces and a capital: passed whole by %f
    with KnowledgeBase.init(kb_file) as kb:
        kb.create("decision", "Use kbridge for our ADRs")
    subprocess.run([tool("gio", "libglib2.0-bin"), "open", str(kb_file)], env=desktop, timeout=60, check=True)
    log = Path(desktop["LOG"])
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and "kbridge-smoke:" not in (log.read_text() if log.exists() else ""):
        time.sleep(0.2)
    shown = log.read_text() if log.exists() else ""
    assert "kbridge-smoke: main window shown: MainWindow 'Plattform Entscheidungen — kbridge'" in shown, shown
    assert "first of 1 rows opened" in shown and "Traceback" not in shown
