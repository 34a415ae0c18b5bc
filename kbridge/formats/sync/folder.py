"""Two-way sync between a knowledge base and a folder of kbridge Markdown (usually in a git
checkout): what changed on one side since the last sync goes to the other, and what changed on
both merges field by field (kbridge.formats.sync.engine). With `git`, the folder's repository is
brought up to date first and what the sync wrote is committed (and pushed, with `push`):
kbridge.formats.sync.git_sync.

The state of the last sync lives in the knowledge base (kbridge.core.sync_store). The folder is
not trusted (anyone with push access writes to it): files are read and written through
`kbridge.safe_files`, so a symbolic link or a FIFO planted under a record's name is reported and
left alone, never read, written or removed through."""

from __future__ import annotations

from pathlib import Path

from kbridge.core import KnowledgeBase
from kbridge.formats.sync.engine import FolderSync
from kbridge.formats.sync.report import KEEP_CHOICES, SyncReport
from kbridge.model import Cancel, KbridgeError, Progress

__all__ = ["KEEP_CHOICES", "SyncReport", "sync_folder"]


def sync_folder(kb: KnowledgeBase, folder: Path | str, *, keep: str | None = None,
                git: bool = False, push: bool = False, progress: Progress | None = None,
                cancel: Cancel | None = None) -> SyncReport:
    """Sync `kb` with `folder`. `keep` settles conflicts by keeping one side (mine or theirs);
    without it both are kept and the report lists them. `git` (implied by `push`) pulls before
    and commits after; `push` pushes too."""
    folder = Path(folder)
    if keep is not None and keep not in KEEP_CHOICES:
        raise KbridgeError(f"--keep takes {', '.join(KEEP_CHOICES)}")
    with kb.recording() as recorded:
        if git or push:
            from kbridge.formats.sync.git_sync import sync_with_git

            report = sync_with_git(kb, folder, keep=keep, push=push, progress=progress, cancel=cancel)
        else:
            folder.mkdir(parents=True, exist_ok=True)
            report = FolderSync(kb, folder, keep=keep, progress=progress, cancel=cancel).run()
    report.result = recorded.result
    return report
