"""Putting a version read from a folder into the knowledge base (a new record, or the fields of
one that exists, then its links), and the bytes kbridge writes for a record: the one writer that
`sync` and `export --format kbridge` share."""

from __future__ import annotations

from typing import Any

from kbridge.core import KnowledgeBase
from kbridge.formats.kbridge_markdown import parse_version, render_version
from kbridge.formats.read.parsed import Skipped
from kbridge.formats.sync.files import FileEntry, FolderFiles
from kbridge.formats.sync.report import SyncReport
from kbridge.formats.sync.versions import LinkValue, Version
from kbridge.formats.text import decode
from kbridge.model import UNKNOWN_STATUS, KbridgeError, Kind, Record


def record_bytes(kb: KnowledgeBase, record: Record, version: Version) -> tuple[bytes, str]:
    """What kbridge writes for `record` (whose content is `version`): the file it was imported
    from, byte for byte, while its content is still that file's; else the canonical form. With
    how: "unchanged" (the original), "patched" (an imported record changed), "generated"."""
    source = record.source or {}
    imported = source.get("format") == "kbridge" and source.get("path") and not source.get("sync")
    if imported:
        original = kb.files.read(record.uid, str(source["path"]), role="original")
        said = parse_bytes(original, str(source["path"])) if original else None
        if original and said is not None and said.uid == record.uid and said.same_content(version):
            return original, "unchanged"
    return render_version(version.with_values(uid=record.uid)).encode("utf-8"), "patched" if imported else "generated"


def parse_bytes(data: bytes, name: str) -> Version | None:
    try:
        return parse_version(decode(data).text, name)
    except KbridgeError:
        return None


class RecordWriter:
    def __init__(self, kb: KnowledgeBase, report: SyncReport, files: FolderFiles | None) -> None:
        self.kb, self.report, self.files = kb, report, files
        self.wanted: dict[str, tuple[LinkValue, ...]] = {}  # uid -> the links its file states
        self.keys: dict[str, str] = {}

    parse_bytes = staticmethod(parse_bytes)

    def bytes_for(self, record: Record, target: Version, current: Version) -> tuple[bytes, str]:
        if target.same_content(current):
            return record_bytes(self.kb, record, current)
        return render_version(target.with_values(uid=record.uid)).encode("utf-8"), "generated"

    # --- records ----------------------------------------------------------------------------

    def create(self, entry: FileEntry, version: Version, records: dict[str, Record]) -> str | None:
        """A record for a file this knowledge base has not seen; its uid, or None (skipped)."""
        try:
            kind = Kind.parse(version.kind)
        except KbridgeError as error:
            self.report.skipped.append(Skipped(entry.path, f"not synced: {error}"))
            return None
        key = version.key if version.key and self.kb.find(version.key) is None else None
        uid = version.uid if version.uid and self.kb.find(version.uid) is None else None
        status = version.status or (UNKNOWN_STATUS if kind.statuses else None)
        try:
            result = self.kb.create(
                kind, version.title, key=key, uid=uid, status=status,
                body=version.body, tags=list(version.tags), owner=self._owner(version, entry.path),
                date=version.date, review_by=version.review_by, fields=dict(version.fields),
                # A source says the record came from a file: no date is invented for it.
                source={"format": "kbridge", "path": entry.path, "sync": True},
                reason=f"sync: new file {entry.path}",
            )
        except KbridgeError as error:
            self.report.skipped.append(Skipped(entry.path, f"not synced: {error}"))
            return None
        created = result.uid
        if version.key and key is None:
            self.report.note(self.kb.get(created).key, f"{entry.path} states {version.key}, which another record "
                                                       f"holds here: given {self.kb.get(created).key}")
        self.wanted[created] = version.links
        records[created] = self.kb.get(created)
        return created

    def apply(self, uid: str, version: Version, reason: str, path: str, touched: set[str]) -> bool:
        """Make the record say what `version` says (its links follow in `set_links`)."""
        record = self.kb.get(uid)
        values = self._values(record, version, path)
        try:
            if values:
                touched |= self.kb.update(uid, reason=reason, **values).changes.records
        except KbridgeError as error:
            self.report.skipped.append(Skipped(path, f"{record.key} was not updated: {error}"))
            return False
        self.wanted[uid] = version.links
        return True

    def _values(self, record: Record, version: Version, path: str) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if version.title and version.title != record.title:
            values["title"] = version.title
        if version.status and version.status != record.status:
            values["status"] = version.status
        for name in ("body", "date", "review_by"):
            if getattr(version, name) != getattr(record, name):
                values[name] = getattr(version, name)
        if list(version.tags) != list(record.tags):
            values["tags"] = list(version.tags)
        if version.fields != record.fields:
            values["fields"] = dict(version.fields)
        if (version.owner or "").lower() != (record.owner_key or "").lower():
            owner = self._owner(version, path)
            if owner is not None or not version.owner:
                values["owner"] = owner
        if version.key and version.key.lower() != record.key.lower():
            values["key"] = version.key
        return values

    def _owner(self, version: Version, path: str) -> str | None:
        if not version.owner:
            return None
        person = self.kb.find(version.owner)
        if person is None or person.kind is not Kind.PERSON:
            self.report.note(version.key, f"{path} names {version.owner} as owner, which is no person here: "
                                          "the owner is left as it was")
            return None
        return person.uid

    # --- links ------------------------------------------------------------------------------

    def set_links(self, touched: set[str]) -> None:
        """Every record a file was applied to gets the links the file states (once every record
        of the sync exists, so that links between new records resolve)."""
        if any(link.target_uid is None and self.kb.find(link.target_ref) is not None
               for uid in self.wanted for link in self.kb.links.outgoing(uid)):
            touched |= self.kb.links.resolve_dangling().changes.records
        for uid, links in self.wanted.items():
            wanted = {link.identity: link for link in links}
            have = {}
            for link in self.kb.links.outgoing(uid):
                target = self.kb.find(link.target_uid) if link.target_uid else None
                have[(link.type.value, (target.key if target else link.target_ref).lower())] = link
            for identity, link in have.items():
                if identity not in wanted or wanted[identity].note != link.note:
                    self._change(touched, uid, lambda link=link, uid=uid: self.kb.links.remove(
                        uid, link.type, link.target_uid or link.target_ref, reason="sync: as the file says"))
            for identity, value in wanted.items():
                if identity not in have or have[identity].note != value.note:
                    self._add(touched, uid, value)

    def _add(self, touched: set[str], uid: str, value: LinkValue) -> None:
        try:
            touched |= self.kb.links.add(uid, value.type, value.target, note=value.note, allow_dangling=True,
                                         reason="sync: as the file says").changes.records
        except KbridgeError as error:
            # Refused (a supersede cycle, a link to itself): kept as written, so that no word is lost.
            self.report.note(self.kb.get(uid).key, f"{value.type} {value.target} kept as text: {error}")
            self._change(touched, uid, lambda: self.kb.links.add(uid, value.type, value.target, note=value.note,
                                                                 allow_dangling=True, resolve=False, reason="sync"))

    def _change(self, touched: set[str], uid: str, action: Any) -> None:
        try:
            touched |= action().changes.records
        except KbridgeError as error:
            self.report.skipped.append(Skipped(self.kb.get(uid).key, f"a link was not changed: {error}"))
