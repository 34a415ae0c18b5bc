"""Opening a knowledge base written by an older kbridge: a backup of the file as it was, then its
upgrade to today's format, both reported step by step, so that a window can run them on a worker
(minutes for a million records) while it shows how far they are.

The backup can be stopped (its partial copy is removed); the upgrade cannot: each of its steps is
one SQLite transaction (or the one rewrite, itself atomic), so a file is never left half-upgraded,
but stopping between steps would leave it at a schema no kbridge writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kbridge import safe_files
from kbridge.core.backups import backup_folder, copy_size, make_room, prune_folder
from kbridge.core.settings import Settings, load_settings
from kbridge.model import KbridgeError, Progress
from kbridge.storage import Store, Upgrade, copy_read_only, pending_upgrade

# What the progress messages start with, by phase: a window tells them apart by these.
BACKING_UP = "Backing up"
UPGRADING = "Upgrading the knowledge base to the new format"
_STAMP = "%Y%m%dT%H%M%S"
_SHARES = 1000  # the upgrade's progress, in thousandths (storage reports it as a fraction)

__all__ = ["BACKING_UP", "UPGRADING", "Upgrade", "UpgradeCancelledError", "Upgraded", "pending_upgrade", "upgrade"]


class UpgradeCancelledError(KbridgeError):
    """The upgrade was stopped before it started: the file is as it was."""


@dataclass(frozen=True)
class Upgraded:
    """What `upgrade` did: the schema the file had, and where the copy of it as it was is kept
    (None: backups are turned off, `backups_kept` = 0)."""

    version: int
    backup: Path | None


def upgrade(
    path: Path, progress: Progress, cancelled: Callable[[], bool], *, settings: Settings | None = None
) -> Upgraded | None:
    """Bring the knowledge base at `path` to today's format (None: it already is). First a copy of
    it as it was, among its automatic backups (unless they are turned off); `cancelled` is asked
    until the upgrade starts, and a CancelledError then leaves the file as it was, with no copy."""
    path = Path(path)
    plan = pending_upgrade(path)
    if plan is None:
        return None
    settings = settings or load_settings()
    backup = _backup(path, plan, progress, cancelled) if settings.backups_kept > 0 else None
    if cancelled():
        if backup is not None:
            backup.unlink(missing_ok=True)  # a copy of a file left as it was: nothing to keep it for
        raise UpgradeCancelledError("the knowledge base was not opened; it is as it was")

    def step(what: str, share: float) -> None:
        progress(round(share * _SHARES), _SHARES, f"{UPGRADING}: {what}…")

    Store.open(path, progress=step).close()
    progress(_SHARES, _SHARES, f"{UPGRADING}: done")
    if backup is not None:
        prune_folder(backup.parent, settings.backups_kept, settings.backups_max_gb)
    return Upgraded(plan.version, backup)


def _backup(path: Path, plan: Upgrade, progress: Progress, cancelled: Callable[[], bool]) -> Path:
    """A copy of the file as it is, beside its automatic backups; complete, or not there at all."""
    folder = backup_folder(plan.kb_uid or path.stem)
    name = f"{path.stem}-before-upgrade-{dt.datetime.now().strftime(_STAMP)}.kbridge"
    progress(0, 0, f"{BACKING_UP} {path.name}…")
    make_room(folder, copy_size(path), what="the copy of the file as it was before its upgrade")

    def copied(pages: int, total: int) -> None:
        if cancelled():
            raise UpgradeCancelledError("the knowledge base was not opened; it is as it was")
        progress(pages, total, f"{BACKING_UP} {path.name}…")

    with safe_files.replacing(folder, name, overwrite=False, mode=0o600) as pending:
        copy_read_only(path, pending.path, copied)
    return folder / name
