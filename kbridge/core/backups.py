"""Automatic rotating backups, and putting a backup back, checked first, without losing anything.

Space: the newest `backups_kept` copies are kept, within `backups_max_gb` for the backups of one
knowledge base (20 copies of a million records would be 110 GB), and a copy is never taken that
would leave its disk with less than RESERVE_MIN or twice the knowledge base's size free (a full
disk is what makes the next save fail). The oldest copies make room first; the newest is never
removed; when there is still no room, no copy is taken and the person is told why
(NoRoomForBackupError): a change goes on without its automatic backup, a restore does not.

Copies of the same content: a knowledge base unchanged since its newest backup is not copied again
(opening the app each morning copied 5.5 GB of a million records each time). What "unchanged"
means is how the file and its write-ahead log stood on disk when that backup was taken (kept in
newest-backup.json beside the backups): every committed change alters one of them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

from kbridge import paths, safe_files
from kbridge.model import ConflictError, KbridgeError, OpResult, ValidationError
from kbridge.storage import NotAKnowledgeBaseError, Store

if TYPE_CHECKING:
    from kbridge.core.knowledge_base import KnowledgeBase

# Opening the app many times a day should not fill the disk with identical copies.
MIN_INTERVAL = dt.timedelta(hours=1)
_STAMP = "%Y%m%dT%H%M%S"
RESERVE_MIN = 1 << 30  # bytes a backup leaves free on its disk, at least (and twice the base's size)
GB = 1 << 30
RACY_SECONDS = 2  # a file changed this recently may change again within its clock's step
_NEWEST_NOTE = "newest-backup.json"  # which backup is newest, and how the base stood when it was taken
_NOTE_MAX = 4096


class NoRoomForBackupError(KbridgeError):
    """A copy would leave its disk too full, even once the older copies are gone. `brief` says so
    without the folder (a status bar has room for that), `folder` is where the copies go."""

    def __init__(self, brief: str, folder: Path, need: int) -> None:
        super().__init__(f"{brief}; free some space there ({folder}; a copy takes {_amount(need)})")
        self.brief = brief
        self.folder = folder


def free_bytes(folder: Path) -> int:
    """Free space for this user on the disk of `folder` (a function: tests give a smaller disk)."""
    return shutil.disk_usage(folder).free


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _log(path: Path) -> Path:
    """The knowledge base's pending log (SQLite's write-ahead log) beside it."""
    return path.with_name(path.name + "-wal")


def copy_size(path: Path) -> int:
    """About what a backup of the knowledge base at `path` takes: the file and its pending log."""
    return _size(path) + _size(_log(path))


def make_room(folder: Path, need: int, *, what: str = "the automatic backup") -> list[Path]:
    """Remove the oldest backups in `folder` (never the newest) until a copy of `need` bytes leaves
    the disk RESERVE_MIN and twice `need` free; NoRoomForBackupError (after removing nothing) when
    even that is not enough. Returns what was removed."""
    reserve = max(RESERVE_MIN, 2 * need)
    backups = _newest_first(folder)
    free = free_bytes(folder)
    removable = sum(_size(old) for old in backups[1:])
    if free + removable - need < reserve:
        raise NoRoomForBackupError(
            f"{what} was not taken: only {_amount(free)} free on its disk ({_amount(reserve)} is kept free)",
            folder, need,
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


def auto_backup(kb: KnowledgeBase, *, keep: int | None = None, now: dt.datetime | None = None,
                low_priority: bool = False) -> Path | None:
    """Take a rotating backup unless one was taken within the last hour or the knowledge base is
    unchanged since the newest; keep the newest `keep` (the `backups_kept` setting unless given;
    0 takes none). `low_priority`: the copy takes the processor only when nothing else wants it."""
    keep = kb.settings.backups_kept if keep is None else keep
    if keep <= 0:
        return None
    now = now or dt.datetime.now()
    existing = list_backups(kb)
    if existing:
        newest = dt.datetime.fromtimestamp(existing[0].stat().st_mtime)
        if now - newest < MIN_INTERVAL or unchanged_since(existing[0], kb.path):
            return None
    target = backup_dir(kb) / f"{kb.name}-{now.strftime(_STAMP)}.kbridge"
    if target.exists():
        return None
    make_room(target.parent, copy_size(kb.path))
    state = disk_state(kb.path)  # before the copy: a change made during it makes them differ
    kb.maintenance.backup(target, low_priority=low_priority)
    _note_newest(target, state)
    prune_backups(kb, keep)
    return target


def disk_state(path: Path) -> list[list[int]] | None:
    """How the knowledge base file and its pending log (SQLite's write-ahead log) stand on disk:
    every committed change alters one of them (a commit appends to the log, a checkpoint writes the
    file, a replaced file is another inode). None when a part changed in the last RACY_SECONDS: on a
    file system with a coarse clock the next change could keep the same time and size."""
    state: list[list[int]] = []
    now = time.time_ns()
    for part in (path, _log(path)):
        try:
            info = part.stat()
        except FileNotFoundError:
            state.append([])
            continue
        if part != path and info.st_size == 0:  # an empty log: opened, nothing written
            state.append([])
            continue
        if now - info.st_mtime_ns < RACY_SECONDS * 1_000_000_000:
            return None
        state.append([info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns])
    return state


def unchanged_since(backup: Path, path: Path) -> bool:
    """Whether the knowledge base at `path` is as it stood on disk when `backup` was taken (then
    another copy would be the same again: 5.5 GB at a million records, at every opening)."""
    try:
        note = json.loads(safe_files.read_file(backup.parent, _NEWEST_NOTE, max_bytes=_NOTE_MAX))
    except (OSError, KbridgeError, ValueError):
        return False
    if not isinstance(note, dict) or note.get("backup") != backup.name or note.get("state") is None:
        return False
    return bool(note["state"] == disk_state(path))


def _note_newest(backup: Path, state: list[list[int]] | None) -> None:
    """Remember how the knowledge base stood when `backup` was taken (see unchanged_since). Not
    written through a link planted in its place, nor when the disk refuses: the backup is taken
    all the same, and the next one is too (the note is what spares a copy)."""
    note = json.dumps({"backup": backup.name, "state": state})
    with contextlib.suppress(OSError, KbridgeError):
        safe_files.write_text(backup.parent, _NEWEST_NOTE, note, mode=0o600)


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
