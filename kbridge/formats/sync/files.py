"""Reading a sync folder: every `*.md` below it (hidden folders aside, folder links not followed),
read through `kbridge.safe_files` (a link or a FIFO planted under a record's name is reported and
left alone), fingerprinted, and parsed only when it changed since the last sync."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kbridge import safe_files
from kbridge.formats.kbridge_markdown import KIND_FOLDERS, parse_version
from kbridge.formats.read.parsed import Skipped
from kbridge.formats.read.scan import MAX_MARKDOWN_BYTES
from kbridge.formats.sync.state import sha
from kbridge.formats.sync.versions import Version
from kbridge.formats.text import decode
from kbridge.model import Cancel, KbridgeError, Progress


class SyncCancelledError(KbridgeError):
    """The person cancelled before anything was written."""


@dataclass(slots=True)  # one per record or file: a large export holds 100,000s
class FileEntry:
    path: str
    data: bytes | None  # None: not held (a large export reads it again when it must parse it)
    sha: str
    uid: str | None = None  # the record it holds (known from the state, or parsed)
    key: str = ""  # the key it states
    version: Version | None = None  # parsed; None for a file unchanged since the last sync
    error: str | None = None  # why it cannot be read as a record
    renumbered: bool = False  # this sync gave the record it holds a new key: the file is written again


@dataclass
class FolderFiles:
    folder: Path
    entries: dict[str, FileEntry] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)  # there, but not read (a link, a FIFO, too large)
    skipped: list[Skipped] = field(default_factory=list)
    keep_data: bool = True  # False: a file's bytes are read again when needed (a large export)

    def there(self, path: str) -> bool:
        """Whether anything at all is at `path` (a file read, or one refused)."""
        return path in self.entries or path in self.unreadable or os.path.lexists(self.folder / path)

    def version(self, entry: FileEntry) -> Version | None:
        """The parsed content of `entry` (parsed now if it was not yet, its bytes read again if
        they were not kept); None when unreadable."""
        if entry.version is None and entry.error is None:
            try:
                entry.version = parse_version(decode(self.data(entry)).text, entry.path)
            except KbridgeError as error:
                entry.error = str(error)
                self.skipped.append(Skipped(entry.path, entry.error))
        return entry.version

    def release(self, entry: FileEntry) -> None:
        """Let go of what `entry` holds beyond its fingerprint (read again when needed)."""
        if not self.keep_data:
            entry.data = entry.version = None

    def data(self, entry: FileEntry) -> bytes:
        """The bytes of `entry` as they were read (read again, and checked, if they were not kept)."""
        if entry.data is None:
            try:
                data = safe_files.read_file(self.folder, entry.path, max_bytes=MAX_MARKDOWN_BYTES)
            except safe_files.UnsafePathError as error:
                raise KbridgeError(refusal(error, entry.path)) from error
            except OSError as error:
                raise KbridgeError(f"cannot be read: {error.strerror or error}") from error
            if sha(data) != entry.sha:
                raise KbridgeError("changed while kbridge was exporting: left alone")
            entry.data = data
        return entry.data


def read_folder(folder: Path, cancel: Cancel | None = None, progress: Progress | None = None, *,
                keep_data: bool = True) -> FolderFiles:
    """Every record file below `folder`, fingerprinted; without `keep_data` their bytes are not
    held (100,000 files of 5 kB are 500 MB): `FolderFiles.version` reads a file again to parse it."""
    files = FolderFiles(folder, keep_data=keep_data)
    found = _markdown_files(folder, files)
    for done, relative in enumerate(found):
        if cancel is not None and cancel():
            raise SyncCancelledError("sync cancelled: nothing was changed")
        if progress is not None and done % 500 == 0:
            progress(done, len(found), f"reading {relative}")
        try:
            data = safe_files.read_file(folder, relative, max_bytes=MAX_MARKDOWN_BYTES)
        except safe_files.UnsafePathError as error:
            files.unreadable.add(relative)
            files.skipped.append(Skipped(relative, refusal(error, relative)))
            continue
        except OSError as error:
            files.unreadable.add(relative)
            files.skipped.append(Skipped(relative, f"cannot be read: {error.strerror or error}"))
            continue
        files.entries[relative] = FileEntry(relative, data if keep_data else None, sha(data))
    return files


def _markdown_files(folder: Path, files: FolderFiles) -> list[str]:
    found = []
    for current, folders, names in os.walk(folder, followlinks=False):
        base = Path(current).relative_to(folder)
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in [name for name in folders if (Path(current) / name).is_symlink()]:
            folders.remove(name)
            files.unreadable.add((base / name).as_posix())
            files.skipped.append(Skipped((base / name).as_posix(), "symbolic link to a folder; not followed"))
        found += [(base / name).as_posix() for name in names if name.endswith(".md") and not name.startswith(".")]
    return sorted(found)


def refusal(error: safe_files.UnsafePathError, path: str) -> str:
    """The refusal without the path the report already shows."""
    return str(error).removeprefix(f"{path}: ")


def canonical_path(kind: str, key: str) -> str:
    """Where kbridge writes a record: `decisions/ADR-0007.md`."""
    from kbridge.model import Kind

    return f"{KIND_FOLDERS[Kind(kind)]}/{key}.md"


def is_record_path(path: str) -> bool:
    """A path sync reads as a record: `*.md`, in no hidden folder."""
    parts = path.split("/")
    return path.endswith(".md") and not any(part.startswith(".") for part in parts)
