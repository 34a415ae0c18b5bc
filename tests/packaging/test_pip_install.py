"""`pip install .` into a fresh virtual environment gives working `kbridge` and `kbridge-gui`
commands that find their resources inside the installed package, not in this checkout.

This resolves kbridge's declared dependencies from the package index as a user's pip would, so a
dependency used but not declared in pyproject.toml fails here (pip's cache makes it quick)."""

from __future__ import annotations

import os
import subprocess
import venv
from pathlib import Path

import pytest

from kbridge import APP_ID, __version__
from tests.packaging.conftest import PACKAGING, REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("fresh") / "venv"
    venv.EnvBuilder(with_pip=True).create(target)
    done = subprocess.run(
        [str(target / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(REPO)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=target,
    )
    assert done.returncode == 0, f"pip install . failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return target


def run(venv_dir: Path, *command: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a command of the fresh venv from a folder outside the checkout (nothing to import there)."""
    return subprocess.run(
        [str(venv_dir / "bin" / command[0]), *command[1:]],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=venv_dir,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env},
    )


def test_kbridge_reports_its_version(fresh_venv: Path) -> None:
    done = run(fresh_venv, "kbridge", "--version")
    assert (done.returncode, done.stdout) == (0, f"kbridge, version {__version__}\n"), done.stderr


def test_resources_come_from_the_installed_package(fresh_venv: Path) -> None:
    code = "import kbridge, kbridge.paths as p; print(kbridge.__file__); print(p.resource_dir())"
    done = run(fresh_venv, "python", "-c", code)
    assert done.returncode == 0, done.stderr
    package_file, resources = (Path(line) for line in done.stdout.splitlines())
    assert fresh_venv in package_file.parents, "kbridge was imported from outside the fresh venv"
    assert resources == package_file.parent / "_resources"
    for part in ("icons/kbridge.svg", "templates/madr.md", "templates/nygard.md", "sample"):
        assert (resources / part).exists(), f"{part} is missing from the wheel"
    in_wheel = sorted(p.relative_to(resources).as_posix() for p in resources.rglob("*") if p.is_file())
    in_checkout = sorted(p.relative_to(REPO / "resources").as_posix() for p in (REPO / "resources").rglob("*")
                         if p.is_file() and "__pycache__" not in p.parts)
    assert in_wheel == in_checkout


def test_desktop_entry_metainfo_and_icons_land_in_share(fresh_venv: Path) -> None:
    share = fresh_venv / "share"
    for installed, source in (
        (share / "applications" / f"{APP_ID}.desktop", PACKAGING / f"{APP_ID}.desktop"),
        (share / "metainfo" / f"{APP_ID}.metainfo.xml", PACKAGING / f"{APP_ID}.metainfo.xml"),
        (share / "icons/hicolor/scalable/apps" / f"{APP_ID}.svg", REPO / "resources/icons/kbridge.svg"),
    ):
        assert installed.read_bytes() == source.read_bytes()
    sizes = sorted(int(p.parts[-3].split("x")[0]) for p in (share / "icons/hicolor").glob(f"*x*/apps/{APP_ID}.png"))
    assert sizes == [16, 32, 48, 64, 128, 256, 512]


def test_commands_work_on_a_new_knowledge_base(fresh_venv: Path, tmp_path: Path) -> None:
    kb = tmp_path / "fresh.kbridge"
    assert run(fresh_venv, "kbridge", "init", str(kb)).returncode == 0
    done = run(fresh_venv, "kbridge", "--kb", str(kb), "new", "decision", "--title", "Use kbridge for ADRs")
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip()
    shown = run(fresh_venv, "kbridge", "--kb", str(kb), "show", key)
    assert shown.returncode == 0 and "Use kbridge for ADRs" in shown.stdout, shown.stderr


def test_kbridge_gui_opens_the_sample_in_its_main_window(fresh_venv: Path) -> None:
    # The real kbridge-gui script pip wrote, run with the smoke hook that closes the window once shown.
    code = (
        f"import runpy, sys; sys.path.insert(0, {str(PACKAGING)!r}); import smoke_hook; smoke_hook.arm(); "
        f"sys.argv = ['kbridge-gui', '--sample']; runpy.run_path({str(fresh_venv / 'bin' / 'kbridge-gui')!r}, "
        "run_name='__main__')"
    )
    done = run(fresh_venv, "python", "-c", code, KBRIDGE_SMOKE_DELAY_MS="0")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "kbridge-smoke: main window shown: MainWindow 'sample — kbridge'" in done.stdout
    assert "Traceback" not in done.stderr


def test_the_gui_script_is_a_gui_entry_point(fresh_venv: Path) -> None:
    # pip writes gui-scripts like console scripts on Linux; the entry point group is what matters
    # to installers that make launchers (and to Windows).
    code = (
        "from importlib.metadata import entry_points; "
        "print([ep.value for ep in entry_points(group='gui_scripts') if ep.name == 'kbridge-gui'])"
    )
    done = run(fresh_venv, "python", "-c", code)
    assert done.stdout.strip() == "['kbridge.ui.app:main']", done.stderr
