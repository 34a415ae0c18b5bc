"""`export --format kbridge`: the sync folder's writer, in one direction. It writes each record
with the same bytes `sync` would (kbridge.formats.sync.apply.record_bytes) and records the sync
baseline, so that `export` then `sync` finds nothing to do. A file changed in the folder since
kbridge last wrote it is left for `sync` to merge, never overwritten."""

from __future__ import annotations

from pathlib import Path

from kbridge.core import KnowledgeBase
from kbridge.formats.sync.export_stream import ExportCancelledError, StreamingExport
from kbridge.formats.sync.files import SyncCancelledError
from kbridge.formats.sync.state import FolderState
from kbridge.model import Cancel, Progress, ValidationError


def export_kbridge(kb: KnowledgeBase, out: Path, progress: Progress | None, cancel: Cancel | None) -> object:
    from kbridge.formats.write.export import ExportReport, _FileExport  # export builds on this module's engine

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValidationError(f"{out} is a file; export writes into a folder")
    out.mkdir(parents=True, exist_ok=True)  # the folder itself is the user's choice
    result = ExportReport(out=out)
    try:
        report = StreamingExport(kb, out, progress=progress, cancel=cancel).run()
    except SyncCancelledError as error:
        # Files are written as the export goes: those written before the cancel stay (and a
        # later export keeps them); the knowledge base's sync state is as it was.
        result.cancelled = True
        if isinstance(error, ExportCancelledError):
            result.written = error.written
        return result
    result.written = [*report.to_files, *report.kept]
    result.unchanged = report.ways.get("unchanged", 0)
    result.patched = report.ways.get("patched", 0)
    result.generated = report.ways.get("generated", 0)
    result.skipped = list(report.skipped)
    # Images kept with a record go beside its file, as every file export writes them. The file
    # export's plan holds every record: made only when some record keeps an image (at 100,000
    # records, one image takes a second export into the same folder from 213 MB to 837 MB).
    with_images = kb.files.records_with("attachment")
    if not with_images:
        return result
    attachments = _FileExport(kb, out, "kbridge")
    attachments.report = result
    state = FolderState.load(kb, out)
    for uid in with_images:
        entry = state.entries.get(uid)
        record = kb.get(uid)
        if entry is not None and record.deleted_at is None:
            attachments._attachments(record, entry.path)
    return result
