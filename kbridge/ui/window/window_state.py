"""The window's size, splitters, columns and theme, kept between sessions in the app's settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kbridge.ui import settings as ui_settings

if TYPE_CHECKING:
    from kbridge.ui.window.main_window import MainWindow


def restore_window_state(window: MainWindow) -> None:
    settings = ui_settings.ui_settings()
    geometry = settings.value("window/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    else:
        window.resize(1360, 840)
    for key, restore in (
        ("window/state", window.restoreState),
        ("window/splitter", window.splitter.restoreState),
        ("window/columns", window.table.horizontalHeader().restoreState),
    ):
        value = settings.value(key)
        if value is not None:
            restore(value)
    navigator = window.navigator
    window.actions.show_navigator.setChecked(navigator.isVisibleTo(window) or not navigator.isHidden())
    theme = str(settings.value("view/theme") or "system")
    if theme in window.actions.theme_actions:
        window.actions.theme_actions[theme].setChecked(True)


def save_window_state(window: MainWindow) -> None:
    settings = ui_settings.ui_settings()
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/state", window.saveState())
    settings.setValue("window/splitter", window.splitter.saveState())
    settings.setValue("window/columns", window.table.horizontalHeader().saveState())
    settings.sync()
