"""The desktop app's own settings (window state, recent files, saved searches), in an INI file in
kbridge's configuration directory, so that `KBRIDGE_CONFIG_DIR` isolates them like everything else."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from kbridge import paths

RECENT_LIMIT = 8


def ui_settings() -> QSettings:
    folder = paths.config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / "desktop.ini"), QSettings.Format.IniFormat)


def _string_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(item) for item in value]  # type: ignore[union-attr]


def recent_files() -> list[Path]:
    """Knowledge bases opened lately, newest first, those that still exist."""
    return [Path(item) for item in _string_list(ui_settings().value("recent/files")) if Path(item).exists()]


def remember_file(path: Path) -> None:
    settings = ui_settings()
    text = str(Path(path).resolve())
    items = [item for item in _string_list(settings.value("recent/files")) if item != text]
    settings.setValue("recent/files", [text, *items][:RECENT_LIMIT])
    settings.setValue("recent/last", text)


def last_file() -> Path | None:
    value = ui_settings().value("recent/last")
    return Path(str(value)) if value and Path(str(value)).exists() else None


def saved_searches() -> list[str]:
    return _string_list(ui_settings().value("search/saved"))


def set_saved_searches(queries: list[str]) -> None:
    ui_settings().setValue("search/saved", list(queries))
