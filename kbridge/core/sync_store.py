"""What folder sync keeps in the knowledge base itself: for each folder it syncs with, the state
of the last sync (which file holds which record, and their fingerprints); for each record, the
version both sides agreed on then (the base of the next three-way merge); and the conflicts
waiting for a person.

It lives in the knowledge base (owner-only, like the rest of the file) rather than beside it
because it describes this file's content: a copy, a backup restored or the file moved to another
machine keeps the state that matches it, and a sync's changes and its new state are saved in one
transaction (a crash leaves both as they were, or both new)."""

from __future__ import annotations

import json
from typing import Any

from kbridge.core.manager import Manager

_PREFIX = "sync:"
CONFLICTS = "conflicts"  # {uid: {folder, path, fields, theirs, why, at}}
FOLDERS = "folders"  # {folder id: {path, remote, last sync ...}}
BASE_ROLE = "sync-base"  # a record's agreed version, kept as a file named by the folder's id


class SyncState(Manager):
    """`kb.sync_state`: the sync state documents, bases and open conflicts."""

    def document(self, name: str) -> dict[str, Any]:
        """A JSON document sync keeps under `name` ({} when there is none)."""
        text = self._store.meta(_PREFIX + name)
        if not text:
            return {}
        try:
            data = json.loads(text)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def save_document(self, name: str, data: dict[str, Any]) -> None:
        with self._kb.transaction():
            self._store.set_meta(_PREFIX + name, json.dumps(data, sort_keys=True, ensure_ascii=False))

    def base(self, uid: str, folder_id: str) -> bytes | None:
        return self._store.get_file(uid, BASE_ROLE, folder_id)

    def set_base(self, uid: str, folder_id: str, data: bytes | None) -> None:
        """Keep (or with None forget) the version of a record both sides agreed on."""
        with self._kb.transaction():
            if data is None:
                self._store.delete_file(uid, BASE_ROLE, folder_id)
            else:
                self._store.put_file(uid, BASE_ROLE, folder_id, bytes(data))

    def conflicts(self) -> dict[str, dict[str, Any]]:
        """The records a sync found changed in the same place on both sides, by uid, with what
        the other side wrote (`theirs`, a kbridge Markdown text) and what conflicts (`fields`)."""
        return {uid: info for uid, info in self.document(CONFLICTS).items()
                if isinstance(info, dict) and self._kb.find(uid) is not None}
