"""The two-way sync of a knowledge base with a folder of kbridge Markdown, record by record.

For every record, what changed since the last sync on each side decides: a change on one side
goes to the other; changes on both sides merge field by field against the version both agreed on
(kbridge.formats.sync.merge); only the same thing changed differently on both sides is a conflict, and
a conflict keeps both: this knowledge base keeps its version (the other one is a revision of the
record and is listed for resolving), the folder keeps the other side's. An edit beats a deletion
(the record or the file comes back, with a note). Numbers taken on both sides are made unique
(kbridge.formats.sync.keys).

Everything the knowledge base gets and the new state are one transaction; files are written
through `kbridge.safe_files` inside it, only after every decision was made (so a cancel before
then changes nothing)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from kbridge import safe_files
from kbridge.core import KnowledgeBase, utc_now
from kbridge.formats.kbridge_markdown import render_version
from kbridge.formats.read.parsed import Skipped
from kbridge.formats.sync.apply import RecordWriter
from kbridge.formats.sync.files import FileEntry, SyncCancelledError, canonical_path, read_folder, refusal
from kbridge.formats.sync.keys import plan_renumbering
from kbridge.formats.sync.merge import Merged, merge_versions
from kbridge.formats.sync.report import Change, SyncReport, keep_side
from kbridge.formats.sync.state import Entry, FolderState, save_conflicts, sha
from kbridge.formats.sync.versions import Version, fingerprint, version_of_record
from kbridge.model import Cancel, Progress, Record

WHY_FIRST = "changed on both sides before the first sync"
WHY_BOTH = "changed on both sides"


class FolderSync:
    def __init__(self, kb: KnowledgeBase, folder: Path, *, keep: str | None = None, export_only: bool = False,
                 bases: dict[str, bytes] | None = None, consume_intent: bool = False,
                 progress: Progress | None = None, cancel: Cancel | None = None) -> None:
        self.kb, self.folder = kb, Path(folder)
        self.keep = keep_side(keep)
        self.export_only = export_only
        self.overrides = bases or {}  # uid -> the merge base git found (b"": none), kbridge.formats.sync.git_sync
        self.consume_intent = consume_intent
        self.progress, self.cancel = progress, cancel
        self.report = SyncReport()
        self.records: dict[str, Record] = {}
        self.versions: dict[str, Version] = {}
        self.keys: dict[str, str] = {}
        self.incoming: dict[str, set[str]] = defaultdict(set)
        self.file_of: dict[str, FileEntry] = {}
        self.new_files: list[FileEntry] = []
        self.to_write: set[str] = set()  # records whose file must become what the record says
        self.file_must_say: dict[str, Version] = {}  # records whose file must say this (a merge)
        self.settled: set[str] = set()  # records decided this sync (nothing else to do for them)
        self.touched: set[str] = set()  # records this sync changed in the knowledge base
        self.conflicted: set[str] = set()
        self.claimed: set[str] = set()  # paths written this sync
        self.conflicts: dict[str, dict[str, Any]] = {}

    # --- the run ------------------------------------------------------------------------------

    def run(self) -> SyncReport:
        self._start()
        with self.kb.transaction():
            self._index()
            self._pair()
            if not self.export_only:
                self._renumber()
                self._create_new()
            self._decide_all()
            self._still_open()
            self._check_cancel()
            self.writer.set_links(self.touched)
            self._finish()
            self._save()
        return self._reported()

    def _start(self, *, keep_data: bool = True) -> None:
        """The state of the last sync and the folder's files (`keep_data`: their bytes too)."""
        self.state = FolderState.load(self.kb, self.folder)
        if self.consume_intent:
            self.state.intent = {}  # its merge bases are `bases`: done with once this sync is saved
        if self.state.moved_from:
            self.report.note("", f"the folder was at {self.state.moved_from}; its sync state moved with it")
        self.files = read_folder(self.folder, self.cancel, self.progress, keep_data=keep_data)
        self.writer = RecordWriter(self.kb, self.report, self.files)

    def _save(self) -> None:
        self.state.save(self.kb, {"in": len(self.report.to_kb),
                                  "out": len(self.report.to_files) + len(self.report.deleted_files),
                                  "conflicts": len(self.conflicts)})
        if self.conflicts != self.kb.sync_state.conflicts():
            save_conflicts(self.kb, self.conflicts)

    def _reported(self) -> SyncReport:
        """The report, the files that could not be read listed first."""
        seen = {(item.path, item.reason) for item in self.report.skipped}
        self.report.skipped[:0] = [item for item in self.files.skipped if (item.path, item.reason) not in seen]
        return self.report

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel():
            raise SyncCancelledError("sync cancelled: nothing was changed")

    # --- both sides ---------------------------------------------------------------------------

    def _index(self) -> None:
        self.records = {record.uid: record for record in self.kb.iter_records(deleted=None)}
        self.keys = {uid: record.key for uid, record in self.records.items()}
        by_source: dict[str, list[Any]] = defaultdict(list)
        for link in self.kb.links.all():
            by_source[link.source_uid].append(link)
            if link.target_uid:
                self.incoming[link.target_uid].add(link.source_uid)
        self.versions = {uid: version_of_record(record, by_source[uid], self.keys)
                         for uid, record in self.records.items()}
        self.conflicts = dict(self.kb.sync_state.conflicts())
        self.writer.keys = self.keys

    def _refresh(self, uids: set[str]) -> None:
        """Read these records again (after this sync changed them or what they link to)."""
        fresh = {uid: record for uid in uids if (record := self.kb.find(uid)) is not None}
        self.records.update(fresh)
        self.keys.update({uid: record.key for uid, record in fresh.items()})
        for uid, record in fresh.items():
            self.versions[uid] = version_of_record(record, self.kb.links.outgoing(uid), self.keys)

    def _pair(self) -> None:
        """Which file holds which record: by the state (a file unchanged since the last sync is not
        even parsed), by uid, and for a file without one by key."""
        by_path = self.state.by_path()
        for entry in self.files.entries.values():
            uid = by_path.get(entry.path)
            known = self.state.entries.get(uid) if uid else None
            if known is not None and known.file_sha == entry.sha:
                entry.uid, entry.key = uid, known.key
                continue
            version = self.files.version(entry)
            if version is not None:
                entry.uid, entry.key = version.uid or None, version.key
            self.files.release(entry)  # a large export parses it again when its record comes
        readable = [entry for entry in self.files.entries.values() if entry.error is None]
        readable.sort(key=lambda e: (not (e.uid and by_path.get(e.path) == e.uid), e.path))
        by_key = {key.lower(): uid for uid, key in self.keys.items()}
        for entry in readable:
            if entry.uid and entry.uid not in self.file_of:
                self.file_of[entry.uid] = entry
                continue
            if entry.uid:  # a copy of another record's file: a record of its own
                self.report.note(entry.key, f"{entry.path} has the uid of {self.file_of[entry.uid].path}: "
                                            "synced as a record of its own")
                entry.uid = None
            uid = by_key.get(entry.key.lower()) if entry.key else None
            if (uid is not None and uid not in self.file_of and not entry.uid
                    and self.state.entries.get(uid, Entry(entry.path, "", "", "")).path == entry.path):
                self.file_of[uid] = entry
                entry.uid = uid
                continue
            self.new_files.append(entry)
        for uid in [uid for uid in self.file_of if uid not in self.keys]:
            self.new_files.append(self.file_of.pop(uid))  # a record this knowledge base never had

    def _renumber(self) -> None:
        plan = plan_renumbering(self.records, self.files, self.file_of, self.new_files)
        renamed = set()
        for uid, new in plan.records.items():
            record = self.records[uid]
            old = record.key
            reason = plan.reasons[uid]
            renumbered = self.kb.update(uid, key=new, reason=f"sync: renumbered {old} -> {new}: {reason}")
            self.touched |= renumbered.changes.records
            self.report.note(new, f"renumbered from {old}: {reason}; links to it follow")
            self.report.changes.append(Change("renumbered", new, record.title, f"was {old}"))
            renamed.add(uid)
        for path, new in plan.files.items():
            entry = self.files.entries[path]
            version = self.files.version(entry)
            if version is None:
                continue
            self.report.note(new, f"{path} renumbered from {entry.key}: {plan.reasons[path]}")
            self.report.changes.append(Change("renumbered", new, version.title, f"was {entry.key}", path))
            entry.version, entry.key, entry.renumbered = version.with_values(key=new), new, True
        if renamed:
            self._refresh(renamed | {source for uid in renamed for source in self.incoming[uid]})

    def _create_new(self) -> None:
        for entry in sorted(self.new_files, key=lambda e: (e.version is None or e.version.kind != "person", e.path)):
            version = entry.version
            if version is None:
                continue
            uid = self.writer.create(entry, version, self.records)
            if uid is None:
                continue
            self._refresh({uid})
            self.file_of[uid] = entry
            self.touched.add(uid)
            self.settled.add(uid)
            self.file_must_say[uid] = version
            self.report.to_kb.append(self.records[uid].key)
            self.report.changes.append(Change("added", self.records[uid].key, version.title, "", entry.path))

    # --- deciding, record by record -----------------------------------------------------------

    def _settle_open(self) -> None:
        """`--keep`: the conflicts an earlier sync left open are settled the same way."""
        for uid, info in list(self.conflicts.items()):
            if info.get("folder") != self.state.folder_id or uid not in self.records:
                continue
            if self.keep == "theirs":
                theirs = self.writer.parse_bytes(str(info.get("theirs", "")).encode("utf-8"), "their version")
                if theirs is None or not self.writer.apply(uid, theirs, "sync conflict settled: kept their version",
                                                           str(info.get("path", "")), self.touched):
                    continue
                self._refresh({uid})
            self.conflicts.pop(uid)
            self.report.note(self.records[uid].key, f"conflict settled: kept {self.keep}")

    def _decide_all(self) -> None:
        if self.keep and not self.export_only:
            self._settle_open()
        uids = sorted((set(self.records) | set(self.state.entries)) - self.settled)
        for done, uid in enumerate(uids):
            if done % 200 == 0:
                self._check_cancel()
                if self.progress is not None:
                    self.progress(done, len(uids), self.keys.get(uid, ""))
            record, known, file = self.records.get(uid), self.state.entries.get(uid), self.file_of.get(uid)
            if record is None:
                self.state.entries.pop(uid, None)
                continue
            if file is None and known is not None and self.files.there(known.path):
                continue  # its file is there but cannot be read (a link, a FIFO, bad YAML): reported, left alone
            if self.export_only:
                self._export(uid, record, known, file)
            else:
                self._decide(uid, record, known, file)

    def _decide(self, uid: str, record: Record, known: Entry | None, file: FileEntry | None) -> None:
        fp = fingerprint(self.versions[uid])
        open_conflict = uid in self.conflicts
        kb_changed = known is None or record.deleted or fp != known.record_fp or (known.conflict and not open_conflict)
        file_changed = known is None or file is None or file.sha != known.file_sha or uid in self.overrides
        if known is None:
            if record.deleted:
                if file is not None:
                    self._restore_record(uid, record, file, None)
                return
            if file is None:
                self.to_write.add(uid)
            else:
                self._merge(uid, None, file, WHY_FIRST)
            return
        if not kb_changed and not file_changed:
            if file is not None and file.path != known.path:
                known.path = file.path  # moved in the folder (git mv): same record, same content
            return
        if not file_changed:
            if record.deleted:
                self._remove_file(uid, record, known, file)
            elif open_conflict:
                self.report.note(record.key, "changed here while its sync conflict is open: "
                                             "resolve it to share the change")
            else:
                self.to_write.add(uid)
            return
        if file is None:
            if record.deleted:
                self._forget(uid)
            elif kb_changed:  # deleted there, changed here: the edit wins
                self.report.note(record.key, f"{known.path} was deleted in the folder but changed here: written back")
                self.to_write.add(uid)
            else:
                deleted = self.kb.delete(uid, reason=f"sync: {known.path} was deleted in the folder")
                self.touched |= deleted.changes.records
                self.report.deleted_records.append(record.key)
                self.report.changes.append(Change("removed", record.key, record.title, "deleted in the folder"))
                self._forget(uid)
            return
        if record.deleted:
            self._restore_record(uid, record, file, known)
            return
        if not kb_changed and not known.conflict and uid not in self.overrides:
            self._take_file(uid, file)
        else:
            self._merge(uid, self._base(uid), file, WHY_BOTH)

    def _still_open(self) -> None:
        """Conflicts of this folder found by an earlier sync and not resolved yet."""
        listed = {item["key"] for item in self.report.conflicts}
        for uid, info in sorted(self.conflicts.items()):
            key = self.keys.get(uid)
            if key is None or info.get("folder") != self.state.folder_id or key in listed:
                continue
            self.report.conflicts.append({"key": key, "path": str(info.get("path", "")),
                                          "why": f"{info.get('why', WHY_BOTH)}; not resolved yet",
                                          "fields": list(info.get("fields") or [])})

    def _export(self, uid: str, record: Record, known: Entry | None, file: FileEntry | None) -> None:
        """`export --format kbridge`: write what the folder lacks or what only this side changed;
        a file changed in the folder since the last sync is left for `sync` to merge."""
        if record.deleted or uid in self.conflicts:
            return
        if file is None:
            self.to_write.add(uid)
            return
        if known is not None and file.sha == known.file_sha:
            if fingerprint(self.versions[uid]) != known.record_fp:
                self.to_write.add(uid)
            else:
                self._kept(file.path)
            return
        theirs = self.files.version(file)
        if theirs is not None and theirs.same_content(self.versions[uid]):
            self._kept(file.path)
            self._remember(uid, file.path, self.files.data(file), theirs.key)
            return
        self.report.skipped.append(Skipped(file.path, "changed in the folder since kbridge last wrote it: "
                                                      "not overwritten (kbridge sync merges it)"))

    def _kept(self, path: str, way: str = "unchanged") -> None:
        self.report.kept.append(path)
        self.report.ways[way] = self.report.ways.get(way, 0) + 1

    def _base(self, uid: str) -> Version | None:
        data = self.overrides[uid] if uid in self.overrides else self.kb.sync_state.base(uid, self.state.folder_id)
        if not data:
            return None
        return self.writer.parse_bytes(data, "the version of the last sync")

    def _take_file(self, uid: str, file: FileEntry) -> None:
        """Only the folder changed: the record becomes what the file says."""
        theirs = self.files.version(file)
        if theirs is None:
            return
        if self.writer.apply(uid, theirs, f"sync: from {file.path}", file.path, self.touched):
            self.file_must_say[uid] = theirs
            self._read(uid, file, "changed" if not theirs.same_content(self.versions[uid]) else "")

    def _read(self, uid: str, file: FileEntry, verb: str) -> None:
        if verb:
            record = self.kb.get(uid)
            self.report.to_kb.append(record.key)
            self.report.changes.append(Change(verb, record.key, record.title, "edited in the folder", file.path))

    def _merge(self, uid: str, base: Version | None, file: FileEntry, why: str) -> None:
        mine, theirs = self.versions[uid], self.files.version(file)
        if theirs is None:
            return
        if mine.same_content(theirs):
            self.conflicts.pop(uid, None)
            self._remember(uid, file.path, self.files.data(file), theirs.key)
            return
        merged = merge_versions(base, mine, theirs)
        if merged.conflicts and not self.keep:
            self._conflict(uid, merged, file, why)
            return
        result = merged.theirs if self.keep == "theirs" else merged.mine
        if merged.conflicts:
            self.report.note(mine.key, f"{', '.join(merged.conflicts)} changed on both sides: kept {self.keep}")
        if not result.same_content(mine):
            if not self.writer.apply(uid, result, f"sync: merged with {file.path}", file.path, self.touched):
                return
            self.report.to_kb.append(mine.key)
        if base is not None and not result.same_content(theirs) and not result.same_content(mine):
            self.report.merged.append(result.key)
            self.report.changes.append(Change("merged", result.key, result.title, "changed on both sides", file.path))
        self.conflicts.pop(uid, None)
        self.file_must_say[uid] = result

    def _conflict(self, uid: str, merged: Merged, file: FileEntry, why: str) -> None:
        record = self.records[uid]
        theirs_text = render_version(merged.theirs)
        earlier = self.conflicts.get(uid) or {}
        where = ", ".join(merged.conflicts)
        if earlier.get("theirs") != theirs_text:  # the other side's version, as a revision of its own
            self.writer.apply(uid, merged.theirs, f"sync conflict: the version in {file.path} ({where})",
                              file.path, self.touched)
            self.kb.write_revisions_now()
        self.writer.apply(uid, merged.mine, f"sync conflict: this knowledge base's version kept ({where}); "
                                            f"kbridge resolve {record.key} --keep mine|theirs|FILE",
                          file.path, self.touched)
        self.conflicts[uid] = {"folder": self.state.folder_id, "folder_path": str(self.folder), "path": file.path,
                               "fields": merged.conflicts, "theirs": theirs_text, "why": why, "at": utc_now()}
        self.conflicted.add(uid)
        self.file_must_say[uid] = merged.theirs
        self.report.conflicts.append({"key": record.key, "path": file.path, "why": why, "fields": merged.conflicts})
        self.report.changes.append(Change("conflict", record.key, record.title, f"{where} kept as in the folder",
                                          file.path))

    def _restore_record(self, uid: str, record: Record, file: FileEntry, known: Entry | None) -> None:
        """Deleted here, changed in the folder: the edit wins, the record comes back."""
        restored = self.kb.undelete(uid, reason=f"sync: restored, {file.path} was changed in the folder")
        self.touched |= restored.changes.records
        self.report.note(record.key, f"restored from the trash: {file.path} was changed in the folder "
                                     "after it was deleted here")
        self.report.changes.append(Change("restored", record.key, record.title, "changed in the folder", file.path))
        self._refresh({uid})
        self._merge(uid, self._base(uid), file, WHY_BOTH)

    def _remove_file(self, uid: str, record: Record, known: Entry, file: FileEntry | None) -> None:
        if file is not None:
            try:
                removed = safe_files.remove_file(self.folder, file.path)
            except safe_files.UnsafePathError as error:
                self.report.skipped.append(Skipped(file.path, f"{refusal(error, file.path)}; not removed"))
                return
            if removed:
                self.report.deleted_files.append(file.path)
                self.report.changes.append(Change("removed", record.key, record.title, "moved to the trash", file.path))
        self._forget(uid)

    def _forget(self, uid: str) -> None:
        """The record and its file are gone on both sides. Its base stays with the record in the
        trash: should the file come back changed, the change merges against it."""
        self.state.entries.pop(uid, None)
        self.settled.add(uid)

    # --- writing ------------------------------------------------------------------------------

    def _finish(self) -> None:
        renamed = {uid for uid in self.touched
                   if uid in self.keys and (record := self.kb.find(uid)) is not None and record.key != self.keys[uid]}
        linking = {source for uid in renamed for source in self.incoming[uid]}
        candidates = self.touched | self.to_write | set(self.file_must_say) | renamed | linking
        self._refresh(candidates)
        for uid in sorted(candidates):
            record = self.records.get(uid)
            if record is None or record.deleted:
                continue
            known = self.state.entries.get(uid)
            version = self.versions[uid]
            if uid in self.file_must_say:
                target = self.file_must_say[uid]
            elif uid in self.to_write or (known is not None and fingerprint(version) != known.record_fp
                                          and uid not in self.conflicts and not self.export_only):
                target = version
            else:
                continue
            self._put(uid, record, target)

    def _put(self, uid: str, record: Record, target: Version) -> None:
        """Make the record's file say `target` (writing only when it does not already)."""
        file = self.file_of.get(uid)
        known = self.state.entries.get(uid)
        if uid not in self.conflicted and target.key != self.versions[uid].key:
            target = target.with_values(key=self.versions[uid].key)  # the record was renumbered here
        if file is not None and not file.renumbered:
            said = self.files.version(file)
            if said is not None and said.same_content(target) and said.uid == uid:
                if self.export_only:
                    self._kept(file.path)
                self._remember(uid, file.path, self.files.data(file), said.key)
                return
        data, way = self.writer.bytes_for(record, target, self.versions[uid])
        self.report.ways[way] = self.report.ways.get(way, 0) + 1
        old_key = known.key if known else (file.key if file else "")
        path = self._path_for(uid, target, file.path if file else (known.path if known else None), old_key)
        try:
            safe_files.write_file(self.folder, path, data)
        except safe_files.UnsafePathError as error:
            self.report.skipped.append(Skipped(path, f"{refusal(error, path)}; {record.key} was not written"))
            return
        self.claimed.add(path)
        self.report.to_files.append(path)
        verb = "changed" if known is not None else "added"
        if uid not in self.conflicted and uid not in self.settled:
            self.report.changes.append(Change(verb, target.key, target.title, "", path))
        if file is not None and file.path != path:
            self._remove_old(file.path)
        self._remember(uid, path, data, target.key)

    def _path_for(self, uid: str, target: Version, current: str | None, old_key: str) -> str:
        canonical = canonical_path(target.kind, target.key)
        free = not self.files.there(canonical) and canonical not in self.claimed
        if current is None:
            return canonical if free else canonical.removesuffix(".md") + f"-{uid[:8]}.md"
        if current.lower() == canonical.lower():
            return current
        stem = current.rsplit("/", 1)[-1].removesuffix(".md").lower()
        named_after_key = stem in {old_key.lower(), f"{old_key}-{uid[:8]}".lower(), f"{target.key}-{uid[:8]}".lower()}
        return canonical if named_after_key and free else current

    def _remove_old(self, path: str) -> None:
        try:
            if safe_files.remove_file(self.folder, path):
                self.report.deleted_files.append(path)
        except safe_files.UnsafePathError as error:
            self.report.skipped.append(Skipped(path, f"{refusal(error, path)}; not removed"))

    def _remember(self, uid: str, path: str, data: bytes, key: str) -> None:
        fp = fingerprint(self.versions[uid])
        self.state.entries[uid] = Entry(path, sha(data), fp, key, uid in self.conflicts)
        self.kb.sync_state.set_base(uid, self.state.folder_id, data)
