"""User settings shared by the command line and the desktop app (a small JSON file)."""

from __future__ import annotations

import functools
import getpass
import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from kbridge import paths, safe_files
from kbridge.model import ValidationError

SEARCH_ENGINES = ("tantivy", "whoosh")


@functools.cache
def _os_user() -> str:
    """The operating-system user, asked once: each revision is attributed, and asking the
    password database for every record of an import was 1 % of it."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "unknown"


@dataclass
class Settings:
    author: str = ""  # empty: the operating-system user
    search_engine: str = "tantivy"
    backups_kept: int = 20  # automatic backups kept per knowledge base (core.backups); 0: none taken
    backups_max_gb: int = 20  # the space they may take, per knowledge base (the newest stays); 0: no cap

    @property
    def effective_author(self) -> str:
        """Who revisions are attributed to: $KBRIDGE_AUTHOR, the setting, else the OS user."""
        from_env = os.environ.get("KBRIDGE_AUTHOR", "").strip()
        if from_env:
            return from_env
        if self.author.strip():
            return self.author.strip()
        return _os_user()

    def validate(self) -> None:
        if self.search_engine not in SEARCH_ENGINES:
            raise ValidationError(
                f"unknown search engine {self.search_engine!r}; choose {' or '.join(SEARCH_ENGINES)}"
            )
        if self.backups_kept < 0:
            raise ValidationError("backups_kept cannot be negative")
        if self.backups_max_gb < 0:
            raise ValidationError("backups_max_gb cannot be negative")


def settings_path() -> Path:
    return paths.config_dir() / "settings.json"


def load_settings(path: Path | None = None) -> Settings:
    """The saved settings; defaults for anything missing, unknown or unreadable."""
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    known = {f.name: f.type for f in fields(Settings)}
    settings = Settings()
    for name, value in (data.items() if isinstance(data, dict) else []):
        if name in known and isinstance(value, type(getattr(settings, name))):
            default = getattr(settings, name)
            setattr(settings, name, value)
            try:
                settings.validate()
            except ValidationError:
                setattr(settings, name, default)  # only this value is not used
    return settings


def save_settings(settings: Settings, path: Path | None = None) -> None:
    settings.validate()
    path = path or settings_path()
    safe_files.write_text(path.parent, path.name, json.dumps(asdict(settings), indent=2) + "\n")
