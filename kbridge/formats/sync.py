"""Two-way sync between a knowledge base and a folder of kbridge Markdown (usually in a git
checkout). What changed on one side since the last sync goes to the other; a record changed on
both sides is a conflict: the file stays as it is, the knowledge base keeps its version and gets
the file's version as a revision, and the report lists it. Deletions become soft deletes.

The state of the last sync (per record: its file and the hashes of both sides) lives in the user
data folder (owner-only), keyed by the knowledge base's uid and the folder, never in the shared
folder.

The folder is not trusted (anyone with push access writes to it): files are read and written
through `kbridge.safe_files`, so a symbolic link or a FIFO planted under a record's name is
reported and left alone, never read, written or removed through."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbridge import paths, safe_files
from kbridge.core import KnowledgeBase
from kbridge.formats.kbridge_markdown import KIND_FOLDERS, read_kbridge, write_kbridge_markdown
from kbridge.formats.parsed import ParsedRecord, Skipped
from kbridge.formats.scan import MAX_MARKDOWN_BYTES, Cancel, Progress
from kbridge.formats.text import decode
from kbridge.model import ConflictError, KbridgeError, Kind, NotFoundError, Record

KEEP_CHOICES = ("kb", "files")


@dataclass
class SyncReport:
    to_kb: list[str] = field(default_factory=list)  # keys updated or created from files
    to_files: list[str] = field(default_factory=list)  # files written from the knowledge base
    deleted_records: list[str] = field(default_factory=list)
    deleted_files: list[str] = field(default_factory=list)
    conflicts: list[dict[str, str]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    git: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "to_kb": self.to_kb, "to_files": self.to_files,
            "deleted_records": self.deleted_records, "deleted_files": self.deleted_files,
            "conflicts": self.conflicts,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "git": self.git,
        }


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def state_file(kb: KnowledgeBase, folder: Path) -> Path:
    digest = _sha(str(folder.resolve()).encode("utf-8"))[:16]
    return paths.data_dir() / "sync" / f"{kb.uid}-{digest}.json"


class _Sync:
    def __init__(self, kb: KnowledgeBase, folder: Path, keep: str | None) -> None:
        self.kb, self.folder, self.keep = kb, folder, keep
        self.report = SyncReport()
        self.state_path = state_file(kb, folder)
        try:
            self.state: dict[str, dict[str, str]] = json.loads(self.state_path.read_text())
        except (OSError, ValueError):
            self.state = {}
        self.files: dict[str, tuple[bytes, ParsedRecord]] = {}
        self._pending: list[tuple[str, ParsedRecord]] = []  # records whose links follow a file
        self._remember_later: list[tuple[str, str, bytes]] = []

    # --- reading both sides -----------------------------------------------------------------

    def read_files(self, cancel: Cancel | None = None) -> None:
        for rel in self._markdown_files():
            if cancel is not None and cancel():
                raise KbridgeError("sync cancelled: nothing was changed")
            try:
                data = safe_files.read_file(self.folder, rel, max_bytes=MAX_MARKDOWN_BYTES)
            except safe_files.UnsafePathError as error:
                self.report.skipped.append(Skipped(rel, _reason(error, rel)))
                continue
            except OSError as error:
                self.report.skipped.append(Skipped(rel, f"cannot be read: {error.strerror or error}"))
                continue
            try:
                self.files[rel] = (data, read_kbridge(decode(data), rel))
            except KbridgeError as error:
                self.report.skipped.append(Skipped(rel, str(error)))

    def _markdown_files(self) -> list[str]:
        """Every `*.md` below the folder, hidden folders aside, folder links not followed."""
        found = []
        for current, folders, files in os.walk(self.folder, followlinks=False):
            base = Path(current).relative_to(self.folder)
            folders[:] = sorted(name for name in folders if not name.startswith("."))
            for name in [name for name in folders if (Path(current) / name).is_symlink()]:
                folders.remove(name)
                self.report.skipped.append(Skipped((base / name).as_posix(),
                                                   "symbolic link to a folder; not followed"))
            found += [(base / name).as_posix() for name in files
                      if name.endswith(".md") and not name.startswith(".")]
        return sorted(found)

    def rendering(self, record: Record) -> bytes:
        return write_kbridge_markdown(record, self.kb.links_of(record.uid)).encode("utf-8")

    # --- the sync -----------------------------------------------------------------------------

    def run(self, cancel: Cancel | None, progress: Progress | None) -> SyncReport:
        self.read_files(cancel)
        records = {record.uid: record for record in self.kb.iter_records(deleted=None)}
        claimed: set[str] = set()
        with self.kb.transaction():
            for done, (uid, record) in enumerate(sorted(records.items())):
                if cancel is not None and cancel():
                    raise KbridgeError("sync cancelled: nothing was changed")
                if progress is not None:
                    progress(done, len(records) + len(self.files), record.key)
                path = self.state.get(uid, {}).get("path") or self._free_path(record)
                claimed.add(path)
                self._pair(record, path)
            new_files = [path for path in self.files if path not in claimed]
            for path in sorted(new_files, key=lambda p: self.files[p][1].kind != "person"):
                self._new_file(path)
            self._apply_pending_links()
        self._save_state()
        return self.report

    def _free_path(self, record: Record) -> str:
        """`decisions/ADR-0007.md`, unless that file is another record's."""
        path = f"{KIND_FOLDERS[record.kind]}/{record.key}.md"
        file = self.files.get(path)
        if file is None or not file[1].uid or file[1].uid == record.uid:
            return path
        return f"{KIND_FOLDERS[record.kind]}/{record.key}-{record.uid[:8]}.md"

    def _pair(self, record: Record, path: str) -> None:
        known = self.state.get(record.uid)
        file = self.files.get(path)
        if file is None and os.path.lexists(self.folder / path):
            return  # there but not read (a link, a FIFO, too large): reported as skipped, left alone
        if known is None:
            if record.deleted:
                return
            if file is None:
                self._write(record, path)
            elif self.rendering(record) == file[0]:
                self._remember(record, path, file[0])
            else:
                self._conflict(record, path, file, "changed on both sides before the first sync")
            return
        record_changed = _sha(self.rendering(record)) != known["record_sha"] or (
            record.deleted != bool(known.get("deleted")))
        if file is None:
            if record.deleted:
                self.state.pop(record.uid, None)
            elif record_changed:
                self._conflict(record, path, None, "deleted in the folder, changed here")
            else:
                self.kb.delete(record.uid, reason=f"sync: {path} was deleted")
                self.report.deleted_records.append(record.key)
                self.state[record.uid] = {**known, "deleted": "1"}
            return
        file_changed = _sha(file[0]) != known["file_sha"]
        if record.deleted:
            if file_changed:
                self._conflict(record, path, file, "changed in the folder, deleted here")
            elif self._remove(path):
                self.state.pop(record.uid, None)
            return
        if file_changed and record_changed:
            if self.rendering(record) == file[0]:
                self._remember(record, path, file[0])
            else:
                self._conflict(record, path, file, "changed on both sides")
        elif file_changed:
            self._apply(record, path, file)
        elif record_changed:
            self._write(record, path)

    # --- moving changes -----------------------------------------------------------------------

    def _write(self, record: Record, path: str) -> None:
        data = self.rendering(record)
        try:
            safe_files.write_file(self.folder, path, data)
        except safe_files.UnsafePathError as error:
            self.report.skipped.append(Skipped(path, f"{_reason(error, path)}; {record.key} was not written"))
            return
        self.report.to_files.append(path)
        self._remember(record, path, data)

    def _remove(self, path: str) -> bool:
        try:
            removed = safe_files.remove_file(self.folder, path)
        except safe_files.UnsafePathError as error:
            self.report.skipped.append(Skipped(path, f"{_reason(error, path)}; not removed"))
            return False
        if removed:
            self.report.deleted_files.append(path)
        return True

    def _values(self, parsed: ParsedRecord) -> dict[str, Any]:
        owner = self.kb.find(parsed.owner) if parsed.owner else None
        values: dict[str, Any] = {
            "title": parsed.title, "body": parsed.body, "tags": parsed.tags,
            "date": parsed.date, "review_by": parsed.review_by, "fields": parsed.fields,
            "owner": owner.uid if owner is not None and owner.kind is Kind.PERSON else None,
        }
        if parsed.status:
            values["status"] = parsed.status
        return values

    def _apply(self, record: Record, path: str, file: tuple[bytes, ParsedRecord]) -> None:
        data, parsed = file
        values = self._values(parsed)
        if parsed.key and parsed.key.lower() != record.key.lower():
            values["key"] = parsed.key
        if record.deleted:
            self.kb.undelete(record.uid, reason=f"sync: {path} is back")
        self.kb.update(record.uid, reason=f"sync: from {path}", **values)
        self._pending.append((record.uid, parsed))
        self.report.to_kb.append(self.kb.get(record.uid).key)
        self._remember_later.append((record.uid, path, data))

    def _new_file(self, path: str) -> None:
        data, parsed = self.files[path]
        existing = self.kb.find(parsed.uid) if parsed.uid else None
        if existing is not None and existing.uid == parsed.uid:
            return  # its record is paired under another path
        kind = Kind.parse(parsed.kind)
        key = parsed.key if parsed.key and self.kb.find(parsed.key) is None else None
        values = self._values(parsed)
        title = values.pop("title")
        try:
            changes = self.kb.create(kind, title, key=key, uid=parsed.uid or None,
                                     reason=f"sync: new file {path}", **values)
        except KbridgeError as error:
            self.report.skipped.append(Skipped(path, f"not synced: {error}"))
            return
        uid = next(iter(changes.created))
        self._pending.append((uid, parsed))
        self.report.to_kb.append(self.kb.get(uid).key)
        self._remember_later.append((uid, path, data))

    def _apply_pending_links(self) -> None:
        """Outgoing links become what the files say (once every new record exists)."""
        for uid, parsed in self._pending:
            wanted = {(link.type, link.target.lower()): link for link in parsed.links}
            for link in self.kb.links_of(uid):
                if link.direction == "out" and (link.type, link.key.lower()) not in wanted:
                    self.kb.unlink(uid, link.type, link.uid or link.key, reason="sync")
            have = {(item.type, item.key.lower()) for item in self.kb.links_of(uid)
                    if item.direction == "out"}
            for marker, link in wanted.items():
                if marker not in have:
                    with contextlib.suppress(ConflictError, NotFoundError):
                        self.kb.link(uid, link.type, link.target, note=link.note,
                                     allow_dangling=True, reason="sync")
        for uid, path, data in self._remember_later:
            self._remember(self.kb.get(uid), path, data)

    def _conflict(self, record: Record, path: str, file: tuple[bytes, ParsedRecord] | None,
                  why: str) -> None:
        if self.keep == "files" and file is not None:
            self._apply(record, path, file)
            return
        if self.keep == "kb" or (self.keep == "files" and file is None):
            if record.deleted:
                self._remove(path)
            else:
                self._write(record, path)
            return
        marker = _sha(file[0]) if file else "deleted"
        known = self.state.get(record.uid, {})
        if file is not None and known.get("conflict") != marker and not record.deleted:
            # Keep the file's version as a revision, then put the knowledge base's back on top.
            mine = {name: getattr(record, name) for name in
                    ("title", "status", "body", "tags", "date", "review_by", "fields", "owner")}
            self.kb.update(record.uid, reason=f"sync conflict: the version in {path}",
                           **self._values(file[1]))
            self.kb.write_revisions_now()  # two revisions, not one merged
            self.kb.update(record.uid, reason="sync conflict: this knowledge base's version kept",
                           **mine)
        if known:
            self.state[record.uid] = {**known, "conflict": marker}
        self.report.conflicts.append({"key": record.key, "path": path, "why": why})

    def _remember(self, record: Record, path: str, file_data: bytes) -> None:
        self.state[record.uid] = {"path": path, "file_sha": _sha(file_data),
                                  "record_sha": _sha(self.rendering(record))}

    def _save_state(self) -> None:
        folder = safe_files.private_folder(self.state_path.parent)
        safe_files.write_text(folder, self.state_path.name, json.dumps(self.state, indent=1, sort_keys=True),
                              mode=0o600)


def _reason(error: safe_files.UnsafePathError, path: str) -> str:
    """The refusal without the path the report already shows."""
    return str(error).removeprefix(f"{path}: ")


def sync_folder(kb: KnowledgeBase, folder: Path | str, *, keep: str | None = None,
                git: bool = False, push: bool = False, progress: Progress | None = None,
                cancel: Cancel | None = None) -> SyncReport:
    folder = Path(folder)
    if keep is not None and keep not in KEEP_CHOICES:
        raise KbridgeError(f"--keep takes {' or '.join(KEEP_CHOICES)}")
    folder.mkdir(parents=True, exist_ok=True)
    git_log: list[str] = []
    if git:
        _git(folder, git_log, "pull", "--ff-only")
    report = _Sync(kb, folder, keep).run(cancel, progress)
    report.git = git_log
    if git and (report.to_files or report.deleted_files):
        # Only what this sync wrote or removed: never whatever else lies in the folder.
        changed = "\0".join(sorted({*report.to_files, *report.deleted_files})) + "\0"
        spec = ("--pathspec-from-file=-", "--pathspec-file-nul")
        _git(folder, report.git, "add", "--all", *spec, stdin=changed)
        message = (f"kbridge sync: {len(report.to_files)} written, "
                   f"{len(report.deleted_files)} deleted")
        _git(folder, report.git, "commit", "-m", message, *spec, stdin=changed)
    if push:
        _git(folder, report.git, "push")
    return report


def _git(folder: Path, log: list[str], *args: str, stdin: str | None = None) -> None:
    # Paths are literal (a name with `*` or `:(` is no pattern) and given on stdin, never as options.
    command = ["git", "--literal-pathspecs", *args]
    try:
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, input=stdin,
                              timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise KbridgeError(f"git {args[0]} failed: {error}") from error
    shown = " ".join(args)
    if stdin is not None:
        shown += f" ({stdin.count(chr(0))} paths)"
    log.append("git " + shown)
    if done.returncode != 0:
        raise KbridgeError(f"git {args[0]} failed: {(done.stderr or done.stdout).strip()}")
