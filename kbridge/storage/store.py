"""All SQL of kbridge: records, links and revisions in one SQLite file, spoken in model types."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import sqlite_utils

from kbridge.model import KbridgeError, Kind, Link, LinkedRecord, LinkType, Record, Revision
from kbridge.storage import listing, whole_base
from kbridge.storage import revisions as kept
from kbridge.storage.database import APPLICATION_ID, connect
from kbridge.storage.low_priority import at_low_priority
from kbridge.storage.migrations import MigrationProgress
from kbridge.storage.packing import PreparedFile
from kbridge.storage.record_rows import RECORD_SELECT, link_from_row, record_from_row, row_from_record
from kbridge.storage.revision_count import RevisionCount

_SEARCH_COLUMNS = (
    "r.uid, r.key, r.kind, r.title, r.status, r.body, r.tags, r.date, r.fields, o.key, o.title "
    "FROM records r LEFT JOIN records o ON o.uid = r.owner_uid"
)


class SearchRow(NamedTuple):
    """A live record as the search index reads it (`Store.scan_search_rows`): the columns of
    `_SEARCH_COLUMNS`, in their order, with the JSON columns left as text."""

    uid: str
    key: str
    kind: str
    title: str
    status: str
    body: str
    tags_json: str
    date: str | None
    fields_json: str
    owner_key: str | None
    owner_name: str | None


_OPENINGS = itertools.count(1)
# Steps of SQLite's machine between two looks at `Store.stop_when`'s question: a walk of 500,000
# index entries takes about 5 million (50 looks, each taking the interpreter a moment).
STOP_LOOK_STEPS = 100_000


class Store:
    """One open knowledge base file."""

    def __init__(self, db: sqlite_utils.Database, path: Path, *, needs_stamp: bool = False) -> None:
        self.db = db
        self.path = path
        # A file written by a kbridge from before `application_id`: stamped with its next write.
        self._needs_stamp = needs_stamp
        self._revision_count = RevisionCount()
        self._atomic = False  # inside the outermost `atomic`
        self._opening = next(_OPENINGS)  # which connection a change stamp is of

    @classmethod
    def open(cls, path: Path, *, create: bool = False, progress: MigrationProgress | None = None) -> Store:
        """Open (or create) a file; an older one is migrated first, telling `progress` (what,
        fraction done) how far it is."""
        db, needs_stamp = connect(Path(path), create=create, progress=progress)
        return cls(db, Path(path), needs_stamp=needs_stamp)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """One transaction (a savepoint when nested): all of it is saved, or none of it.

        The outermost level starts with BEGIN IMMEDIATE rather than sqlite-utils' plain BEGIN: a
        deferred transaction that reads first and writes later cannot wait for another process's
        write lock (SQLite answers "database is locked" at once, whatever the busy timeout), while
        an immediate one queues for the lock and then runs. Nested levels use sqlite-utils'
        savepoints, and so do its own write methods inside."""
        conn = self.db.conn
        if conn.in_transaction:
            mark = self._revision_count.pending
            try:
                with self.db.atomic():
                    yield
            except BaseException:
                self._revision_count.rolled_back(mark)
                raise
            return
        conn.execute("BEGIN IMMEDIATE")
        self._atomic = True
        try:
            if self._needs_stamp:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            yield
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._revision_count.rolled_back()
            raise
        finally:
            self._atomic = False
        self._revision_count.committed()
        self._needs_stamp = False

    def data_version(self) -> int:
        """Changes whenever another connection commits (SQLite's `PRAGMA data_version`)."""
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    def interrupt(self) -> None:
        """From another thread: the SQL this connection runs stops (sqlite3.OperationalError)."""
        self.db.conn.interrupt()

    def stop_when(self, stopped: Callable[[], bool] | None) -> None:
        """Until called with None, the SQL run here stops as by `interrupt` once `stopped()` is true
        (looked at every STOP_LOOK_STEPS): SQLite forgets an interrupt that finds nothing running."""
        if stopped is None:
            self.db.conn.set_progress_handler(None, 0)
        else:
            self.db.conn.set_progress_handler(lambda: 1 if stopped() else 0, STOP_LOOK_STEPS)

    def change_stamp(self) -> tuple[int, int, int]:
        """Changes whenever a row of the file changes, through this connection or another; never
        the same for two connections (theirs count from where each was opened)."""
        return self._opening, self.data_version(), self.db.conn.total_changes

    # --- meta -------------------------------------------------------------------------------

    def meta(self, name: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", [name]).fetchone()
        return row[0] if row else default

    def set_meta(self, name: str, value: str) -> None:
        self.db.table("meta").upsert({"name": name, "value": value}, pk="name")

    # --- records ----------------------------------------------------------------------------

    def insert_record(self, record: Record) -> None:
        # Plain SQL: sqlite-utils' insert reads the table's columns first, every time (a fifth
        # of an import's writing).
        row = row_from_record(record)
        self.db.execute(
            f"INSERT INTO records ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values())
        )

    def update_record(self, record: Record) -> None:
        kept.before_record_change(self.db, record.uid, new_body=record.body)
        row = row_from_record(record)
        del row["uid"], row["created_at"]
        self.db.table("records").update(record.uid, row)

    def set_deleted(self, uid: str, deleted_at: str | None, updated_at: str) -> None:
        kept.before_record_change(self.db, uid)
        self.db.table("records").update(uid, {"deleted_at": deleted_at, "updated_at": updated_at})

    def get_record(self, uid: str) -> Record | None:
        return self._one(f"{RECORD_SELECT} WHERE r.uid = ?", [uid])

    def get_by_key(self, key: str) -> Record | None:
        return self._one(f"{RECORD_SELECT} WHERE r.key = ?", [key])

    def uid_by_key(self, key: str) -> str | None:
        row = self.db.execute("SELECT uid FROM records WHERE key = ?", [key]).fetchone()
        return str(row[0]) if row else None

    def uid_if_exists(self, uid: str) -> str | None:
        row = self.db.execute("SELECT uid FROM records WHERE uid = ?", [uid]).fetchone()
        return str(row[0]) if row else None

    def get_by_source_path(self, path: str) -> Record | None:
        return self._one(f"{RECORD_SELECT} WHERE r.source_path = ?", [path])

    def records_by_source_path(self, path: str, *, inside: bool = False) -> list[Record]:
        """Every record (the trash's too) imported from a file at `path` of any folder, or with
        `inside` from a file inside the folder `path`; in `iter_records`' order. The partial
        index on the source's path finds them ("0" is the character after "/")."""
        condition = "r.source_path > ? AND r.source_path < ?" if inside else "r.source_path = ?"
        params = [f"{path}/", f"{path}0"] if inside else [path]
        return self._many(f"{RECORD_SELECT} WHERE {condition} ORDER BY r.kind, r.key", params)

    def list_records(
        self,
        *,
        kind: Kind | None = None,
        status: str | None = None,
        tag: str | None = None,
        owner_uid: str | None = None,
        deleted: bool | None = False,
    ) -> list[Record]:
        """Records matching every given filter, in key order; `deleted=None` means both."""
        where, params = [], []
        if kind is not None:
            where.append("r.kind_code = ?")
            params.append(listing.kind_code(kind.value))
        if status is not None:
            where.append("r.status = ?")
            params.append(status)
        if tag is not None:
            where.append("EXISTS (SELECT 1 FROM json_each(r.tags) WHERE json_each.value = ?)")
            params.append(tag)
        if owner_uid is not None:
            where.append("r.owner_uid = ?")
            params.append(owner_uid)
        # Asked as `live`, "deleted or not" leads SQLite to the facets index (live, kind, status):
        # a kind, a status, or every live record in kind order. The owner's index reads fewer.
        by_facets = owner_uid is None
        if deleted is not None and by_facets:
            where.append("r.live = 0" if deleted else "r.live = 1")
        elif deleted is not None:
            where.append("r.deleted_at IS NOT NULL" if deleted else "r.deleted_at IS NULL")
        elif by_facets and kind is not None:
            where.append("r.live IN (0, 1)")
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return self._many(f"{RECORD_SELECT}{clause} ORDER BY r.kind, r.key", params)

    def iter_records(self, *, deleted: bool | None = False, sourced: bool = False) -> Iterator[Record]:
        """Every record, streamed (for exports and index rebuilds over large bases); `sourced`:
        those imported from a file (the partial index on the source's path finds them)."""
        conditions = [] if deleted is None else ["r.live = 0" if deleted else "r.live = 1"]
        if sourced:
            conditions.append("r.source_path IS NOT NULL")
        clause = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        for row in self._rows(f"{RECORD_SELECT}{clause} ORDER BY r.kind, r.key"):
            yield record_from_row(row)

    def keys_by_uid(self) -> dict[str, str]:
        """uid -> key of every record (deleted ones too), in `iter_records`' order; no body read."""
        return dict(self.db.execute("SELECT uid, key FROM records ORDER BY kind, key").fetchall())

    def records_by_uid(self, uids: list[str]) -> list[Record]:
        """These records (deleted ones too; at most a few hundred uids: one query)."""
        return self._many(f"{RECORD_SELECT} WHERE r.uid IN ({', '.join('?' * len(uids))})", uids)

    def list_summaries(self, *, deleted: bool | None = False, sources: bool = False,
                       keep: Callable[[str, Kind], bool] | None = None) -> list[Record]:
        """Every record (that `keep` keeps) without body, fields or source (`whole_base.summaries`)."""
        return whole_base.summaries(self.db, deleted=deleted, sources=sources, keep=keep)

    def is_empty(self) -> bool:
        """No record at all, not even in the trash."""
        return bool(self.db.execute("SELECT NOT EXISTS (SELECT 1 FROM records)").fetchone()[0])

    def scan_search_rows(self) -> Iterator[SearchRow]:
        """Every live record as the search index reads it, in no particular order: the quickest
        full read, for rebuilding the index of a large base, where making model records took
        longer than the SQL."""
        return map(SearchRow._make, self.db.conn.execute(f"SELECT {_SEARCH_COLUMNS} WHERE r.deleted_at IS NULL"))

    def count_live_records(self) -> int:
        row = self.db.execute("SELECT count(*) FROM records WHERE live = 1").fetchone()  # from an index
        return int(row[0])

    def highest_key_number(self, prefix: str) -> int:
        """The largest N among keys `PREFIX-N` (digits only after the dash, any case); 0 if none.

        Counted in SQL: a Python scan of every key made each create O(records)."""
        start = len(prefix) + 2
        row = self.db.execute(
            "SELECT max(CAST(substr(key, ?) AS INTEGER)) FROM records "
            "WHERE upper(substr(key, 1, ?)) = ? AND substr(key, ?) <> '' "
            "AND substr(key, ?) NOT GLOB '*[^0-9]*'",
            [start, start - 1, prefix.upper() + "-", start, start],
        ).fetchone()
        return int(row[0] or 0)

    def count_records(self) -> dict[tuple[str, str], int]:
        """(kind, status) -> number of live records."""
        rows = self.db.execute(
            "SELECT kind, status, count(*) FROM records WHERE live = 1 GROUP BY kind, status"
        )
        return {(kind, status): count for kind, status, count in rows}

    # --- links ------------------------------------------------------------------------------

    def insert_link(self, link: Link, created_at: str) -> bool:
        """Add a link; False when the same link is already there."""
        try:
            # Plain SQL, as `insert_record`: sqlite-utils' insert reads the table's columns first,
            # every time (1.7 s of a 35 s import of 10,000 files stating 20,000 links).
            self.db.execute(
                "INSERT INTO links (source_uid, type, target_uid, target_ref, note, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [link.source_uid, link.type.value, link.target_uid, "" if link.target_uid else link.target_ref,
                 link.note, created_at],
            )
        except sqlite3.IntegrityError as error:
            if "UNIQUE" in str(error):
                return False
            raise
        return True

    def delete_link(self, link: Link) -> bool:
        cursor = self.db.execute(
            "DELETE FROM links WHERE source_uid = ? AND type = ? "
            "AND ifnull(target_uid, '') = ? AND target_ref = ?",
            [
                link.source_uid,
                link.type.value,
                link.target_uid or "",
                "" if link.target_uid else link.target_ref,
            ],
        )
        return cursor.rowcount > 0

    def links_from(self, uid: str) -> list[Link]:
        rows = self.db.execute(
            "SELECT source_uid, type, target_uid, target_ref, note FROM links "
            "WHERE source_uid = ? ORDER BY id",
            [uid],
        )
        return [link_from_row(row) for row in rows]

    def links_from_each(self, uids: list[str]) -> list[Link]:
        """The links these records make (at most a few hundred uids), in `links_from`'s order."""
        rows = self.db.execute(
            "SELECT source_uid, type, target_uid, target_ref, note FROM links "
            f"WHERE source_uid IN ({', '.join('?' * len(uids))}) ORDER BY id",
            uids,
        )
        return [link_from_row(row) for row in rows]

    def all_links(self) -> list[Link]:
        rows = self.db.execute(
            "SELECT source_uid, type, target_uid, target_ref, note FROM links ORDER BY id"
        )
        return [link_from_row(row) for row in rows]

    def linked_records(self, uid: str) -> list[LinkedRecord]:
        """The record's links both ways, each with the record at the other end (if it exists)."""
        rows = self.db.execute(
            """
            SELECT l.type, 'out', coalesce(t.key, l.target_ref), coalesce(t.title, ''), t.uid,
                   t.kind, coalesce(t.status, ''), l.note, t.deleted_at IS NOT NULL, l.id
            FROM links l LEFT JOIN records t ON t.uid = l.target_uid
            WHERE l.source_uid = ?
            UNION ALL
            SELECT l.type, 'in', s.key, s.title, s.uid, s.kind, s.status, l.note,
                   s.deleted_at IS NOT NULL, l.id
            FROM links l JOIN records s ON s.uid = l.source_uid
            WHERE l.target_uid = ?
            ORDER BY 10
            """,
            [uid, uid],
        )
        return [
            LinkedRecord(
                type=LinkType(link_type),
                direction=direction,
                key=key,
                title=title,
                uid=other_uid,
                kind=Kind(kind) if kind else None,
                status=status,
                note=note,
                deleted=bool(deleted) and other_uid is not None,
            )
            for link_type, direction, key, title, other_uid, kind, status, note, deleted, _ in rows
        ]

    def dangling_links(self) -> list[Link]:
        rows = self.db.execute(
            "SELECT source_uid, type, target_uid, target_ref, note FROM links "
            "WHERE target_uid IS NULL ORDER BY id"
        )
        return [link_from_row(row) for row in rows]

    def resolve_link(self, link: Link, target_uid: str) -> bool:
        """Point a dangling link at the record that now exists; False if that link exists already."""
        try:
            cursor = self.db.execute(
                "UPDATE links SET target_uid = ?, target_ref = '' WHERE source_uid = ? "
                "AND type = ? AND target_uid IS NULL AND target_ref = ?",
                [target_uid, link.source_uid, link.type.value, link.target_ref],
            )
        except sqlite3.IntegrityError:
            self.delete_link(link)
            return False
        return cursor.rowcount > 0

    def count_links(self) -> tuple[int, int]:
        """(all links, dangling links)."""
        row = self.db.execute(
            "SELECT count(*), sum(target_uid IS NULL) FROM links"
        ).fetchone()
        return int(row[0]), int(row[1] or 0)

    # --- revisions --------------------------------------------------------------------------

    def add_revision(
        self, uid: str, *, author: str, at: str, reason: str, snapshot: dict[str, Any]
    ) -> int:
        rev = kept.add_revision(self.db, uid, author=author, at=at, reason=reason, snapshot=snapshot)
        if self._atomic:
            self._revision_count.added()
        else:  # committed or not, unknown here: counted again when asked
            self._revision_count.forget()
        return rev

    def revisions(self, uid: str) -> list[Revision]:
        return kept.all_revisions(self.db, uid)

    def record_histories(self) -> Iterator[list[Revision]]:
        """Every record's revisions (oldest first), one record at a time (the past, rebuilt)."""
        for (uid,) in self.db.execute("SELECT DISTINCT record_uid FROM revisions").fetchall():
            yield kept.all_revisions(self.db, uid)

    def revision_times(self) -> list[str]:
        """The distinct moments revisions were saved at, oldest first."""
        return [row[0] for row in self.db.execute("SELECT DISTINCT at FROM revisions ORDER BY at")]

    def revision(self, uid: str, rev: int) -> Revision | None:
        return kept.one_revision(self.db, uid, rev)

    def count_revisions(self) -> int:
        """How many revisions the file holds (kept rather than counted each time: revision_count)."""
        return self._revision_count.get(self.db, self.data_version())

    # --- files kept with records ------------------------------------------------------------

    def put_file(self, uid: str, role: str, name: str, data: bytes | PreparedFile) -> bool:
        """Store (or replace) a file of a record; False when the same bytes were already there
        (`data` may come packed: `packing.prepare_file`)."""
        return kept.put_file(self.db, uid, role, name, data)

    def get_file(self, uid: str, role: str, name: str) -> bytes | None:
        return kept.get_file(self.db, uid, role, name)

    def records_with_files(self, role: str) -> list[str]:
        """The uids of the records that keep a file of `role` (a pass over the files' keys)."""
        return kept.records_with_files(self.db, role)

    def list_files(self, uid: str) -> list[tuple[str, str, int, str]]:
        """(role, name, size, sha256) of every file kept with a record."""
        return kept.list_files(self.db, uid)

    def delete_file(self, uid: str, role: str, name: str) -> bool:
        return kept.delete_file(self.db, uid, role, name)

    # --- maintenance ------------------------------------------------------------------------

    def integrity_problems(self) -> list[str]:
        """What `PRAGMA integrity_check` and `foreign_key_check` find; empty when all is well."""
        problems = [row[0] for row in self.db.execute("PRAGMA integrity_check")]
        problems = [p for p in problems if p != "ok"]
        for table, rowid, parent, _ in self.db.execute("PRAGMA foreign_key_check"):
            problems.append(f"{table} row {rowid} points at a missing {parent} row")
        return problems

    def backup_into(self, out: Path, *, low_priority: bool = False) -> None:
        """A consistent copy made with SQLite's online backup, even while others write, into a
        file already made (empty, owner-only) by the caller: the safe writer makes it beside
        its final name and renames it there when the copy is complete. `low_priority`: copied
        by a thread that gets the processor only when nothing else wants it (storage.low_priority)."""

        def copy() -> None:
            target = sqlite3.connect(str(out))
            try:
                self.db.conn.backup(target)
            except sqlite3.DatabaseError as error:  # a full disk: "database or disk is full"
                raise KbridgeError(f"the backup could not be written: {error}") from error
            finally:
                target.close()

        if low_priority:
            at_low_priority(copy)
        else:
            copy()

    def restore_from(self, source: Path) -> None:
        """Overwrite this database's content with another file's (SQLite online backup, reversed)."""
        donor = sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True)
        self._revision_count.forget()
        try:
            donor.backup(self.db.conn)
        finally:
            donor.close()
        # The copy brought the donor's header; a backup older than the id must not unmark this file.
        self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def _one(self, sql: str, params: Iterable[Any]) -> Record | None:
        row = next(self._rows(sql, params), None)
        return record_from_row(row) if row is not None else None

    def _many(self, sql: str, params: Iterable[Any]) -> list[Record]:
        return [record_from_row(row) for row in self._rows(sql, params)]

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> Iterator[dict[str, Any]]:
        """Rows as dicts. Not `Database.query`: it wraps every read in a savepoint (three
        statements for one), and an import reads a record back several times a file."""
        cursor = self.db.execute(sql, list(params))
        names = [column[0] for column in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

