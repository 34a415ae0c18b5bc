"""Automatic rotating backups, and putting a backup back, checked first, without losing anything.

Space: the newest `backups_kept` copies are kept, within `backups_max_gb` for the backups of one
knowledge base (20 copies of a million records would be 110 GB), and a copy is never taken that
would leave its disk with less than RESERVE_MIN or twice the knowledge base's size free (a full
disk is what makes the next save fail). The oldest copies make room first; the newest is never
removed; when there is still no room, no copy is taken and the person is told why
(NoRoomForBackupError): a change goes on without its automatic backup, a restore does not.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from kbridge import paths
from kbridge.model import ConflictError, KbridgeError, OpResult, ValidationError
from kbridge.storage import NotAKnowledgeBaseError, Store

if TYPE_CHECKING:
    from kbridge.core.knowledge_base import KnowledgeBase

# Opening the app many times a day should not fill the disk with identical copies.
MIN_INTERVAL = dt.timedelta(hours=1)
_STAMP = "%Y%m%dT%H%M%S"
RESERVE_MIN = 1 << 30  # bytes a backup leaves free on its disk, at least (and twice the base's size)
GB = 1 << 30


class NoRoomForBackupError(KbridgeError):
    """A copy would leave its disk too full, even once the older copies are gone."""


def free_bytes(folder: Path) -> int:
    """Free space for this user on the disk of `folder` (a function: tests give a smaller disk)."""
    return shutil.disk_usage(folder).free


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def copy_size(path: Path) -> int:
    """About what a backup of the knowledge base at `path` takes: the file and its pending log."""
    return _size(path) + _size(path.with_name(path.name + "-wal"))


def make_room(folder: Path, need: int, *, what: str = "the automatic backup") -> list[Path]:
    """Remove the oldest backups in `folder` (never the newest) until a copy of `need` bytes leaves
    the disk RESERVE_MIN and twice `need` free; NoRoomForBackupError (after removing nothing) when
    even that is not enough. Returns what was removed."""
    reserve = max(RESERVE_MIN, 2 * need)
    backups = _newest_first(folder)
    free = free_bytes(folder)
    removable = sum(_size(old) for old in backups[1:])
    if free + removable - need < reserve:
        raise NoRoomForBackupError(  # what to do first: a status bar cuts the end (the folder)
            f"{what} was not taken: only {_amount(free)} free on its disk ({_amount(reserve)} is kept free); "
            f"free some space there ({folder}; a copy takes {_amount(need)})"
        )
    removed = []
    for old in reversed(backups[1:]):
        if free - need >= reserve:
            break
        free += _size(old)
        old.unlink(missing_ok=True)
        removed.append(old)
    return removed


def _amount(size: int) -> str:
    return f"{size / GB:.1f} GB" if size >= GB // 10 else f"{max(size, 1) / (1 << 20):.0f} MB"


def backup_dir(kb: KnowledgeBase) -> Path:
    return backup_folder(kb.uid)


def backup_folder(kb_uid: str) -> Path:
    """Where the automatic backups of the knowledge base with id `kb_uid` are kept (made if need be)."""
    folder = paths.data_dir() / "backups" / kb_uid
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def list_backups(kb: KnowledgeBase) -> list[Path]:
    """Automatic backups of this knowledge base, newest first."""
    return _newest_first(backup_dir(kb))


def _newest_first(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.kbridge"), key=lambda p: p.stat().st_mtime_ns, reverse=True)


def auto_backup(kb: KnowledgeBase, *, keep: int | None = None, now: dt.datetime | None = None) -> Path | None:
    """Take a rotating backup unless one was taken within the last hour; keep the newest `keep`
    (the `backups_kept` setting unless given; 0 takes none)."""
    keep = kb.settings.backups_kept if keep is None else keep
    if keep <= 0:
        return None
    now = now or dt.datetime.now()
    existing = list_backups(kb)
    if existing:
        newest = dt.datetime.fromtimestamp(existing[0].stat().st_mtime)
        if now - newest < MIN_INTERVAL:
            return None
    target = backup_dir(kb) / f"{kb.name}-{now.strftime(_STAMP)}.kbridge"
    if target.exists():
        return None
    make_room(target.parent, copy_size(kb.path))
    kb.maintenance.backup(target)
    prune_backups(kb, keep)
    return target


def prune_backups(kb: KnowledgeBase, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups of this knowledge base, and the oldest beyond the
    `backups_max_gb` setting (never the newest one, whatever they say); returns what was deleted."""
    return prune_folder(backup_dir(kb), keep, kb.settings.backups_max_gb)


def prune_folder(folder: Path, keep: int, max_gb: int = 0) -> list[Path]:
    """`prune_backups` for the backups kept in `folder` (see `backup_folder`); `max_gb` 0: no cap."""
    kept_bytes, removed = 0, []
    for rank, backup in enumerate(_newest_first(folder)):
        kept_bytes += _size(backup)
        if rank == 0 or (rank < keep and (max_gb <= 0 or kept_bytes <= max_gb * GB)):
            continue
        backup.unlink(missing_ok=True)
        removed.append(backup)
    return removed


def verify_backup(path: Path) -> str:
    """The knowledge base uid inside a backup file; a KbridgeError saying why it cannot be used."""
    if not path.is_file():
        raise ValidationError(f"{path} is not a file")
    try:
        store = Store.open(path)
    except NotAKnowledgeBaseError as error:
        raise ValidationError(f"{path} is not a usable backup: {error}") from error
    try:
        problems = store.integrity_problems()
        uid = store.meta("kb_uid")
    finally:
        store.close()
    if problems:
        raise ValidationError(f"{path} is damaged ({problems[0]}); it was not restored")
    if not uid:
        raise ValidationError(f"{path} is not a kbridge backup (no knowledge base id)")
    return uid


def restore_backup(kb: KnowledgeBase, path: Path, *, allow_other: bool = False) -> tuple[Path, OpResult]:
    """Replace the knowledge base's content with a backup's, after checking the backup and saving
    the current content as a backup of its own. Returns that safety copy and what changed."""
    path = Path(path)
    if path.resolve() == kb.path.resolve():
        raise ValidationError("that is the knowledge base itself, not a backup of it")
    uid = verify_backup(path)
    if uid != kb.uid and not allow_other:
        raise ConflictError(
            f"{path} is a backup of another knowledge base; use --other to restore it here anyway"
        )
    stamp = dt.datetime.now().strftime(_STAMP)
    safety = backup_dir(kb) / f"{kb.name}-before-restore-{stamp}-{os.getpid()}.kbridge"
    make_room(safety.parent, copy_size(kb.path), what="the copy of what a restore replaces")
    kb.maintenance.backup(safety)
    changes = kb.maintenance.replace_content_from(path)
    if kb.settings.backups_kept > 0:
        prune_backups(kb, kb.settings.backups_kept)
    return safety, changes
