"""The window's warm-up: what opening a file and editing need is made ready while it is idle, one
piece per turn of the event loop (kbridge.ui.jobs.warm_up)."""

from __future__ import annotations

import builtins
import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from kbridge.ui.jobs import warm_up
from kbridge.ui.jobs.warm_up import WarmUp

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", warm_up.MODULES)
def test_every_module_warmed_exists(name: str) -> None:
    assert importlib.util.find_spec(name) is not None, f"{name} is warmed up but no longer exists"


def test_one_module_a_turn_then_the_steps_and_a_missing_module_skipped(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each module notes how many turns of the event loop had passed when it was imported.
    turns = [0]
    ticker = QTimer(interval=0)
    ticker.timeout.connect(lambda: turns.__setitem__(0, turns[0] + 1))
    for name in ("warm_probe_a", "warm_probe_b"):
        (tmp_path / f"{name}.py").write_text("import builtins\nTURN = builtins.kbridge_warm_turns[0]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(builtins, "kbridge_warm_turns", turns, raising=False)
    ran: list[int] = []
    warm = WarmUp(None, modules=("warm_probe_a", "warm_probe_missing", "warm_probe_b"),
                  steps=(lambda: ran.append(turns[0]), lambda: 1 / 0, lambda: ran.append(turns[0])))
    ticker.start()
    warm.start(0)
    qtbot.waitUntil(lambda: warm.done, timeout=5000)
    ticker.stop()
    first, second = sys.modules["warm_probe_a"].TURN, sys.modules["warm_probe_b"].TURN  # type: ignore[attr-defined]
    assert second > first, "both modules were imported in the same turn"
    assert len(ran) == 2 and ran[0] > second and ran[1] > ran[0], "the steps run after the modules, a turn each"
    assert not warm.timer.isActive()
    for name in ("warm_probe_a", "warm_probe_b"):
        del sys.modules[name]


def test_a_module_already_imported_is_not_waited_for(qtbot: QtBot) -> None:
    warm = WarmUp(None, modules=("json", "importlib"), steps=())
    assert warm.done


def test_opening_a_file_and_editing_import_nothing_of_kbridge_after_the_warm_up(tmp_path: Path) -> None:
    """In a fresh interpreter (what this test process imported already would hide it): a window
    shown and left idle, then a knowledge base opened (the sample), a record shown, edited and saved. Every kbridge
    module that journey needs was imported by the warm-up, not on the way."""
    script = textwrap.dedent(
        """
        import sys, time
        from PySide6.QtWidgets import QApplication
        from kbridge.ui.window.main_window import MainWindow

        app = QApplication([])
        window = MainWindow(None)
        window.resize(1000, 700)
        window.show()
        end = time.monotonic() + 60
        while not window.warm_up.done and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.002)
        assert window.warm_up.done, "the warm-up did not finish"
        assert window.editing.built is not None, "the editor was not built while idle"
        from kbridge.formats.sample import ensure_sample_kb

        sample = ensure_sample_kb()  # a knowledge base on disk, as File > Open finds one
        before = set(sys.modules)
        assert window.file_commands.open_path(sample)
        while not window.ready:
            app.processEvents()
        window.open_record(window.model.record_at(0).uid)
        app.processEvents()
        for tab in ("Why?", "Timeline", "Graph", "Record"):
            window.show_tab(tab)
            app.processEvents()
        window.actions.edit.trigger()
        app.processEvents()
        window.editor.body.appendPlainText("Reviewed.")
        window.editor.save_button.click()
        app.processEvents()
        late = sorted(name for name in set(sys.modules) - before if name.startswith("kbridge"))
        print("LATE", " ".join(late))
        window.close()
        """
    )
    env = {"QT_QPA_PLATFORM": "offscreen", "KBRIDGE_DATA_DIR": str(tmp_path / "data"),
           "KBRIDGE_CACHE_DIR": str(tmp_path / "cache"), "KBRIDGE_STATE_DIR": str(tmp_path / "state"),
           "KBRIDGE_CONFIG_DIR": str(tmp_path / "config"), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    late = next(line for line in done.stdout.splitlines() if line.startswith("LATE")).split()[1:]
    assert late == [], f"imported on the GUI thread after the warm-up: {late}"


def test_it_pauses_while_the_person_types(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QLineEdit

    monkeypatch.setattr(warm_up, "QUIET_AFTER_INPUT_S", 0.4)
    (tmp_path / "warm_probe_typing.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    qtbot.waitExposed(field)
    warm = WarmUp(None, modules=("warm_probe_typing",), steps=())
    warm.start(0)
    for character in "vault":  # a key every 100 ms for half a second, as a keyboard types: to the window
        QTest.keyClick(field.windowHandle(), character)
        qtbot.wait(100)
        assert "warm_probe_typing" not in sys.modules, "imported between two keystrokes"
    assert field.text() == "vault"
    qtbot.waitUntil(lambda: warm.done, timeout=5000)
    assert "warm_probe_typing" in sys.modules
    del sys.modules["warm_probe_typing"]


def test_it_watches_the_windows_not_every_event_of_the_application(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An application's event filter is called in Python for every event of every widget: the
    window's first paint (thousands of them) took 60-80 ms longer. The warm-up sees the events of
    the top-level windows only, where a person's keys and clicks arrive first."""
    from kbridge.ui.window.main_window import MainWindow

    seen: list[int] = []
    original = WarmUp.eventFilter
    monkeypatch.setattr(WarmUp, "eventFilter",
                        lambda self, watched, event: seen.append(1) or original(self, watched, event))
    window = MainWindow(None)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(300)
    count = len(seen)
    window.warm_up.waiting.clear()  # done: it lets go of what it watched
    qtbot.waitUntil(lambda: not window.warm_up.timer.isActive(), timeout=5000)
    assert count < 100, f"{count} events filtered for the window's first paint"
