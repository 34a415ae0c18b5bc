"""`export --format kbridge` of a knowledge base of any size: the sync engine's export, decided and
written a chunk of records at a time, so that memory is bounded by a chunk, not by the base.

`FolderSync(export_only=True)` holds every record, its links and its version (the body twice)
before it writes a file: 1.2 GB at 100,000 records. This reads uid -> key of every record (a link
names its target by key), then the records in uid order, CHUNK at a time, with their links; each
is decided as `FolderSync._export` decides and its file is put at once as `FolderSync._put` puts
it, in the same order, so the files, their paths, the sync state and the report are the same (the
report's lists in the order the in-memory export gives them: what was decided first, then what
was written). The folder's files are fingerprinted up front and their bytes read again only to
parse one that changed.

Files are written as it goes: a cancel stops within a chunk, the knowledge base's sync state is
rolled back (one transaction, as in a sync) and `ExportCancelledError` says how many files were
written. A later export takes a file already saying what its record says as kept.

What still grows with the base: uid -> key of every record, and about 0.8 kB a record for the
sync state's entries (one JSON document, written whole at the end) and the report's lists: at
1,000,000 records 1.1 GB before the state is written, 1.8 GB while it is."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from kbridge.core import KnowledgeBase
from kbridge.formats.read.parsed import Skipped
from kbridge.formats.sync.engine import FolderSync
from kbridge.formats.sync.files import SyncCancelledError
from kbridge.formats.sync.report import SyncReport
from kbridge.formats.sync.versions import Version, version_of_record
from kbridge.model import Cancel, Link, Progress, Record

CHUNK = 500  # records read, decided and written at a time
CANCEL_EVERY = 200  # records between two looks at the cancel flag (as the in-memory export looks)
T = TypeVar("T")


class ExportCancelledError(SyncCancelledError):
    """The person cancelled an export after some files were written: they stay (`written`)."""

    def __init__(self, written: list[str], removed: list[str]) -> None:
        said = f"export cancelled: {len(written)} files written"
        if removed:
            said += f", {len(removed)} old copies of moved files removed"
        super().__init__(said if written or removed else "export cancelled: nothing was changed")
        self.written, self.removed = written, removed


class StreamingExport(FolderSync):
    def __init__(self, kb: KnowledgeBase, folder: Path, *, progress: Progress | None = None,
                 cancel: Cancel | None = None) -> None:
        super().__init__(kb, folder, export_only=True, progress=progress, cancel=cancel)
        self.created: set[str] = set()  # paths written this export where nothing was before
        self.put_kept: list[str] = []  # the report's entries made while writing: listed after the
        self.put_skipped: list[Skipped] = []  # decisions', as the in-memory export lists them

    def run(self) -> SyncReport:
        self._start(keep_data=False)
        with self.kb.transaction():
            self.keys = self.kb.keys_by_uid()
            self.writer.keys = self.keys
            self.conflicts = dict(self.kb.sync_state.conflicts())
            self._pair()
            self._stream()
            self._still_open()
            self.report.kept += self.put_kept
            self.report.skipped += self.put_skipped
            self._save()
        return self._reported()

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel():
            raise ExportCancelledError(list(self.report.to_files), list(self.report.deleted_files))

    def _stream(self) -> None:
        uids = sorted(set(self.keys) | set(self.state.entries))
        for start in range(0, len(uids), CHUNK):
            chunk = uids[start:start + CHUNK]
            self.records, self.versions = self._chunk(chunk)
            for done, uid in enumerate(chunk, start=start):
                if done % CANCEL_EVERY == 0:
                    self._check_cancel()
                    if self.progress is not None:
                        self.progress(done, len(uids), self.keys.get(uid, ""))
                self._one(uid)
            for uid in chunk:
                if (file := self.file_of.get(uid)) is not None:
                    self.files.release(file)
            self.records, self.versions = {}, {}

    def _chunk(self, chunk: list[str]) -> tuple[dict[str, Record], dict[str, Version]]:
        """The chunk's records and their versions (their links' targets named by key)."""
        wanted = [uid for uid in chunk if uid in self.keys]
        if not wanted:
            return {}, {}
        records = {record.uid: record for record in self.kb.records_by_uid(wanted)}
        links: dict[str, list[Link]] = {uid: [] for uid in records}
        for link in self.kb.links.outgoing_of(wanted):
            links[link.source_uid].append(link)
        return records, {uid: version_of_record(record, links[uid], self.keys) for uid, record in records.items()}

    def _one(self, uid: str) -> None:
        """What `_decide_all` then `_finish` do for one record in an export."""
        record, known, file = self.records.get(uid), self.state.entries.get(uid), self.file_of.get(uid)
        if record is None:
            self.state.entries.pop(uid, None)
            return
        if file is None and known is not None and self._was_there(known.path):
            return  # its file is there but cannot be read (a link, a FIFO, bad YAML): reported, left alone
        self._export(uid, record, known, file)
        if uid in self.to_write:
            kept, skipped = len(self.report.kept), len(self.report.skipped)
            self._put(uid, record, self.versions[uid])
            self.put_kept += _taken(self.report.kept, kept)
            self.put_skipped += _taken(self.report.skipped, skipped)
            self.to_write.discard(uid)

    def _was_there(self, path: str) -> bool:
        """Whether something was at `path` before this export wrote anything (the in-memory
        export decides every record before it writes one)."""
        return self.files.there(path) and path not in self.created

    def _path_for(self, uid: str, target: Version, current: str | None, old_key: str) -> str:
        path = super()._path_for(uid, target, current, old_key)
        if not self.files.there(path):
            self.created.add(path)
        return path


def _taken(items: list[T], since: int) -> list[T]:
    """The items from `since` on, taken out of `items`."""
    taken = items[since:]
    del items[since:]
    return taken
