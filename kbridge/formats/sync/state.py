"""The state of the last sync with one folder, kept in the knowledge base (kbridge.core.sync_store
says why there): per record, the file that holds it, the fingerprint of the file's bytes and of
the record's content when both sides last agreed, and the key the file had; the agreed version
itself is kept with the record (`sync_base`). A folder is known by its path; a folder that was
moved or renamed is recognised by its files and keeps its state."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbridge import safe_files
from kbridge.core import KnowledgeBase, utc_now
from kbridge.core.sync_store import CONFLICTS, FOLDERS
from kbridge.formats.read.scan import MAX_MARKDOWN_BYTES
from kbridge.model import KbridgeError


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(slots=True)  # one per record or file: a large export holds 100,000s
class Entry:
    path: str  # relative to the folder, with forward slashes
    file_sha: str  # the file's bytes when both sides last agreed
    record_fp: str  # the record's content then (kbridge.formats.sync.versions.fingerprint)
    key: str  # the key the file had then
    conflict: bool = False  # a conflict was open at the last sync

    def as_list(self) -> list[Any]:
        return [self.path, self.file_sha, self.record_fp, self.key, int(self.conflict)]

    @classmethod
    def from_list(cls, item: Any) -> Entry | None:
        if not isinstance(item, list) or len(item) < 4:
            return None
        return cls(str(item[0]), str(item[1]), str(item[2]), str(item[3]), bool(item[4]) if len(item) > 4 else False)


@dataclass
class FolderState:
    folder: Path
    folder_id: str
    entries: dict[str, Entry] = field(default_factory=dict)  # uid -> entry
    intent: dict[str, Any] = field(default_factory=dict)  # git: a move whose merge bases are kept
    moved_from: str | None = None  # the folder's earlier path, when it was recognised after a move
    _saved: dict[str, list[Any]] = field(default_factory=dict, repr=False)
    _saved_intent: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def document(self) -> str:
        return f"folder:{self.folder_id}"

    @classmethod
    def load(cls, kb: KnowledgeBase, folder: Path) -> FolderState:
        folder = Path(folder).resolve()
        folders = kb.sync_state.document(FOLDERS)
        for folder_id, info in folders.items():
            if isinstance(info, dict) and info.get("path") == str(folder):
                return cls._read(kb, folder, folder_id)
        moved = _moved_here(kb, folder, folders)
        if moved is not None:
            state = cls._read(kb, folder, moved)
            state.moved_from = str(folders[moved].get("path"))
            return state
        return cls(folder, str(uuid.uuid4()))

    @classmethod
    def _read(cls, kb: KnowledgeBase, folder: Path, folder_id: str) -> FolderState:
        data = kb.sync_state.document(f"folder:{folder_id}")
        entries = {}
        for uid, item in (data.get("records") or {}).items():
            entry = Entry.from_list(item)
            if entry is not None:
                entries[str(uid)] = entry
        intent = data.get("intent") if isinstance(data.get("intent"), dict) else {}
        state = cls(folder, folder_id, entries, dict(intent or {}))
        state._saved = {uid: entry.as_list() for uid, entry in entries.items()}
        state._saved_intent = dict(intent or {})
        return state

    def by_path(self) -> dict[str, str]:
        return {entry.path: uid for uid, entry in self.entries.items()}

    def save(self, kb: KnowledgeBase, summary: dict[str, Any]) -> None:
        """Write what changed (inside the sync's transaction) and the folder's summary."""
        records = {uid: entry.as_list() for uid, entry in self.entries.items()}
        if records != self._saved or self.intent != self._saved_intent or self.moved_from:
            self._write(kb, records)
        update_summary(kb, self, {**summary, "last_sync": utc_now()})
        self.moved_from = None

    def save_intent(self, kb: KnowledgeBase, intent: dict[str, Any]) -> None:
        """Before git moves the checkout: the merge bases the next folder sync needs, saved on
        their own (a crash after the move finds them)."""
        self.intent = intent
        self._write(kb, {uid: entry.as_list() for uid, entry in self.entries.items()})

    def _write(self, kb: KnowledgeBase, records: dict[str, list[Any]]) -> None:
        intent = {"intent": self.intent} if self.intent else {}
        kb.sync_state.save_document(self.document, {"records": records, **intent})
        self._saved, self._saved_intent = records, dict(self.intent)


def update_summary(kb: KnowledgeBase, state: FolderState, values: dict[str, Any]) -> None:
    folders = kb.sync_state.document(FOLDERS)
    folders[state.folder_id] = {**(folders.get(state.folder_id) or {}), "path": str(state.folder), **values}
    kb.sync_state.save_document(FOLDERS, folders)


def _moved_here(kb: KnowledgeBase, folder: Path, folders: dict[str, Any]) -> str | None:
    """The id of a folder this kb synced with that is gone from where it was and whose files are
    here (the same file, byte for byte, at the same place): a folder renamed or moved."""
    for folder_id, info in folders.items():
        old = Path(str((info or {}).get("path") or ""))
        if not str(old) or old.exists():
            continue
        data = kb.sync_state.document(f"folder:{folder_id}")
        entries = [Entry.from_list(item) for item in (data.get("records") or {}).values()][:20]
        for entry in entries:
            if entry is None:
                continue
            try:
                if sha(safe_files.read_file(folder, entry.path, max_bytes=MAX_MARKDOWN_BYTES)) == entry.file_sha:
                    return str(folder_id)
            except (OSError, KbridgeError):
                continue
    return None


def folder_summaries(kb: KnowledgeBase) -> list[dict[str, Any]]:
    """Every folder this knowledge base syncs with: path, last sync and what it did, newest first."""
    folders = kb.sync_state.document(FOLDERS)
    items = [{"id": folder_id, **info} for folder_id, info in folders.items() if isinstance(info, dict)]
    return sorted(items, key=lambda item: str(item.get("last_sync") or ""), reverse=True)


def save_conflicts(kb: KnowledgeBase, conflicts: dict[str, dict[str, Any]]) -> None:
    kb.sync_state.save_document(CONFLICTS, conflicts)

