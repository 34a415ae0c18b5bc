"""Every action of the window, triggered for real: the menu bar (with its submenus), the toolbar and
the context menus, on the sample and on an empty knowledge base. Dialogs are answered as a person
would (`answers`); any exception in a slot (pytest-qt fails the test on it) or any error dialog
fails the sweep."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu, QWidgetAction
from pytestqt.qtbot import QtBot

from kbridge.ui.window.main_window import MainWindow
from tests.formats.conftest import corpus_root
from tests.ui.answers import Answers, integrity_check, run_transfer, wait_until_idle, window_on

# Last: these take the knowledge base (or the window) away from the actions after them.
LAST = ("File › Close knowledge base", "File › Quit")


def _menu_actions(menu: QMenu, path: str) -> list[tuple[str, QAction]]:
    menu.aboutToShow.emit()  # menus filled when shown (Open recent)
    found: list[tuple[str, QAction]] = []
    for action in menu.actions():
        if action.isSeparator() or isinstance(action, QWidgetAction):
            continue
        name = f"{path} › {action.text().replace('&', '')}"
        if action.menu() is not None:
            found += _menu_actions(action.menu(), name)
        else:
            found.append((name, action))
    return found


def every_action(window: MainWindow) -> list[tuple[str, QAction]]:
    """Each action once, named by where a person finds it first, in the order of the menus."""
    found: list[tuple[str, QAction]] = []
    for top in window.menuBar().actions():
        if top.menu() is not None:
            found += _menu_actions(top.menu(), top.text().replace("&", ""))
    found += [(f"Toolbar › {a.text()}", a) for a in window.actions.toolbar.actions()
              if not a.isSeparator() and not isinstance(a, QWidgetAction)]
    for name, menu in window.actions.context_menus.items():
        found += _menu_actions(menu, f"Context menu of the {name}")
    seen: set[int] = set()
    unique = []
    for name, action in found:
        if id(action) not in seen:
            seen.add(id(action))
            unique.append((name, action))
    unique.sort(key=lambda item: item[0] in LAST)
    return unique


def window_actions(window: MainWindow) -> dict[int, str]:
    """Every QAction the window defines (its menus must list each of them), by id."""
    found: dict[int, str] = {}
    for value in vars(window.actions).values():
        values = value.values() if isinstance(value, dict) else [value]
        found |= {id(item): item.text() for item in values if isinstance(item, QAction)}
    return found


def _prepare_answers(answers: Answers, tmp_path: Path, sample_file: Path) -> None:
    other = tmp_path / "other.kbridge"
    shutil.copyfile(sample_file, other)
    answers.files.update({
        "New knowledge base": tmp_path / "created.kbridge",
        "Open knowledge base": other,
        "Folder of ADRs to import": corpus_root() / "adr__madr" / "docs" / "decisions",
        "Folder to keep in sync (kbridge Markdown)": tmp_path / "sync",
        "Back up to": tmp_path / "backup.kbridge",
        "Restore from backup": tmp_path / "backup.kbridge",
    })
    answers.dialogs["ImportDialog"] = run_transfer(corpus_root() / "alphagov__govuk-aws")  # type: ignore[assignment]
    answers.dialogs["ExportDialog"] = run_transfer(tmp_path / "export")  # type: ignore[assignment]


@pytest.fixture(autouse=True)
def palette_kept(qapp: QApplication) -> Iterator[None]:
    """The sweep switches themes; the tests after it see the palette they had."""
    palette, style = qapp.palette(), qapp.style().name()
    yield
    qapp.setPalette(palette)
    qapp.setStyle(style)


def sweep(qtbot: QtBot, window: MainWindow, answers: Answers) -> list[str]:
    triggered = []
    for name, action in every_action(window):
        if window.kb is not None and window.current_record() is None and window.model.rowCount():
            window.open_record(window.model.all_records()[0].uid)
        action.trigger()
        qtbot.wait(30)
        wait_until_idle(qtbot, window)
        assert not answers.errors, f"{name} showed an error: {answers.errors}"
        triggered.append(name)
    window.jobs.wait()
    return triggered


def test_every_action_on_the_sample(
    qtbot: QtBot, sample_path: Path, sample_file: Path, answers: Answers, tmp_path: Path
) -> None:
    _prepare_answers(answers, tmp_path, sample_file)
    window = window_on(qtbot, sample_path)
    defined = window_actions(window)
    listed = {id(action) for _name, action in every_action(window)}
    assert [text for key, text in defined.items() if key not in listed] == [], "in no menu"
    triggered = sweep(qtbot, window, answers)
    assert {"File › Import folder…", "File › Back up…", "File › Sync folder…", "Record › Edit"} <= set(triggered)
    assert {"ImportDialog", "ExportDialog", "NewRecordDialog", "LinksDialog", "QuickSwitcher"} <= set(answers.asked)
    assert (tmp_path / "backup.kbridge").is_file() and any((tmp_path / "export").iterdir())
    assert not window.isVisible()  # Quit, last, closed the window
    for path in (sample_path, tmp_path / "other.kbridge", tmp_path / "created.kbridge"):
        assert integrity_check(path) == "ok"


def test_every_action_on_an_empty_knowledge_base(
    qtbot: QtBot, sample_file: Path, answers: Answers, tmp_path: Path
) -> None:
    _prepare_answers(answers, tmp_path, sample_file)
    window = MainWindow(None)
    qtbot.addWidget(window)
    window.resize(900, 600)
    window.show()
    assert window.file_commands.open_path(tmp_path / "empty.kbridge", create=True)
    qtbot.waitUntil(lambda: window.ready)
    listed = [name for name, _action in every_action(window)]
    assert sweep(qtbot, window, answers) == listed
    assert integrity_check(tmp_path / "empty.kbridge") == "ok"


@pytest.mark.parametrize("size", [(900, 600), (1400, 900)])
def test_every_action_with_no_knowledge_base_open(qtbot: QtBot, answers: Answers, size: tuple[int, int]) -> None:
    window = MainWindow(None)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    sweep(qtbot, window, answers)
