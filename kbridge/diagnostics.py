"""The log file: where an unexpected error's traceback goes, so that the user sees one clear line
(or a dialog) and the details are still there for a bug report.

One file per user, `kbridge.log` in the user state folder (`$KBRIDGE_STATE_DIR` overrides it),
owner-only, rotated at `LOG_MAX_BYTES` (one older copy kept). Every entry point (the command
line, the window) calls `log_exception` from its one top-level handler."""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from pathlib import Path

from kbridge import paths

LOG_NAME = "kbridge.log"
LOG_MAX_BYTES = 1024 * 1024


def log_path() -> Path:
    return paths.state_dir() / LOG_NAME


def log_exception(error: BaseException, context: str = "") -> Path | None:
    """Append `error`'s traceback to the log file; returns the file, or None when it could not be
    written (a full disk must not turn one error into two)."""
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    return log_text(f"{context or 'unexpected error'}\n{''.join(lines)}")


def log_text(text: str) -> Path | None:
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _rotate(path)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(f"--- {stamp} pid {os.getpid()} kbridge {_version()} python {sys.version.split()[0]}\n")
            handle.write(text.rstrip("\n") + "\n")
    except OSError:
        return None
    return path


def _rotate(path: Path) -> None:
    try:
        if path.stat().st_size > LOG_MAX_BYTES:
            os.replace(path, path.with_suffix(".log.1"))
    except FileNotFoundError:
        pass


def _version() -> str:
    from kbridge import __version__

    return __version__
