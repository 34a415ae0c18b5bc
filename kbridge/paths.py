"""Where kbridge finds its bundled resources and keeps per-user data and caches."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "kbridge"


def resource_dir() -> Path:
    """The bundled `resources/` folder: inside an installed wheel, or at the top of a checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "_resources", package.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("kbridge's resources folder is missing from this installation")


def resource(*parts: str) -> Path:
    return resource_dir().joinpath(*parts)


def data_dir() -> Path:
    override = os.environ.get("KBRIDGE_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))


def cache_dir() -> Path:
    override = os.environ.get("KBRIDGE_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir(APP_NAME))


def config_dir() -> Path:
    override = os.environ.get("KBRIDGE_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME))


def state_dir() -> Path:
    """Logs and other state that is neither data nor cache (`$KBRIDGE_STATE_DIR` overrides it)."""
    override = os.environ.get("KBRIDGE_STATE_DIR")
    return Path(override) if override else Path(platformdirs.user_state_dir(APP_NAME))


def default_kb_path() -> Path:
    """`$KBRIDGE_KB`, else `default.kbridge` in the user data directory (the CLI contract)."""
    override = os.environ.get("KBRIDGE_KB")
    return Path(override) if override else data_dir() / "default.kbridge"


def sample_kb_path() -> Path:
    """The user's working copy of the bundled sample knowledge base (built on first use)."""
    return data_dir() / "sample.kbridge"


def shown_path(path: Path) -> str:
    """`path` as a person reads it in a short space: the home folder as `~`."""
    try:
        return str(Path("~") / Path(path).relative_to(Path.home()))
    except (ValueError, RuntimeError):  # outside the home folder, or no home to speak of
        return str(path)
