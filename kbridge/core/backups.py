"""Automatic rotating backups, and putting a backup back, checked first, without losing anything."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from kbridge import paths
from kbridge.model import ConflictError, OpResult, ValidationError
from kbridge.storage import NotAKnowledgeBaseError, Store

if TYPE_CHECKING:
    from kbridge.core.knowledge_base import KnowledgeBase

# Opening the app many times a day should not fill the disk with identical copies.
MIN_INTERVAL = dt.timedelta(hours=1)
_STAMP = "%Y%m%dT%H%M%S"


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
    kb.maintenance.backup(target)
    prune_backups(kb, keep)
    return target


def prune_backups(kb: KnowledgeBase, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups of this knowledge base (never the newest one,
    whatever `keep` says); returns what was deleted."""
    return prune_folder(backup_dir(kb), keep)


def prune_folder(folder: Path, keep: int) -> list[Path]:
    """`prune_backups` for the backups kept in `folder` (see `backup_folder`)."""
    removed = _newest_first(folder)[max(keep, 1):]
    for old in removed:
        old.unlink(missing_ok=True)
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
    kb.maintenance.backup(safety)
    changes = kb.maintenance.replace_content_from(path)
    if kb.settings.backups_kept > 0:
        prune_backups(kb, kb.settings.backups_kept)
    return safety, changes
