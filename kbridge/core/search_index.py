"""The search index of one knowledge base: a derived cache, kept in step with every change.

It lives in `<user cache>/index/<knowledge base uid>/<engine>/`: the engine's files in a folder
`data-<id>/` per build, and `meta.json` naming that folder and saying which schema built it and
which state of the database it reflects. The database stays the truth: a missing, stale,
other-version or corrupt index is rebuilt from it, and deleting the whole folder loses nothing.
It holds the records' text, so it is the owner's alone like the knowledge base: every folder
from the user cache down is 0700 and every file 0600 (the engines write with the umask's modes;
the folders alone already keep others out).

Several processes (the window, its workers, the command line) share the index. A rebuild never
touches a folder another process may be reading: it builds a new one and then points `meta.json`
at it with one atomic rename; folders nobody points at are removed once they are
`RETIRED_AFTER_S` old. (Renaming the one `data/` folder aside and the new one in its place, as
before, left a moment with no index at all, and a search in another process failed in it.)

Freshness is tracked with a stamp of the database (the number of revisions, which every saved
change adds to). An index is fresh when its stamp is the database's. Changes made through the
`KnowledgeBase` are applied to the open index right after they are committed, and the stamp is
moved on; when the database was changed by someone else since the index was last seen fresh,
the index is left stale and rebuilt at the next search.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kbridge import paths, safe_files
from kbridge.core.index_writes import IndexWrites
from kbridge.core.search_documents import record_document, row_document
from kbridge.model import Cancel, Changes, Kind, Progress, Record, ValidationError
from kbridge.model.records import NAMED_AT_MOST
from kbridge.search import (
    DEFAULT_ENGINE,
    ENGINES,
    BuildCancelledError,
    FacetCounts,
    IndexUnusableError,
    SearchDocument,
    SearchEngine,
    SearchResults,
    engine_class,
)

if TYPE_CHECKING:
    from kbridge.core.knowledge_base import KnowledgeBase
    from kbridge.storage import SearchRow

# Bump when what is indexed changes (document fields, analysis): older indexes are rebuilt.
SCHEMA_VERSION = 5
# A change touching more records than this is applied by rebuilding (faster than record by record;
# past it, a long piece of work's change set does not name its records: Changes.wholesale).
_REBUILD_ABOVE = NAMED_AT_MOST
# An index folder that meta.json no longer names is removed after this long (a search in another
# process may still be reading it).
RETIRED_AFTER_S = 120.0
# What an index written before the per-build folders called its one folder.
_LEGACY_DATA = "data"
_log = logging.getLogger(__name__)
_T = TypeVar("_T")


def index_root(kb_uid: str) -> Path:
    return paths.cache_dir() / "index" / kb_uid


def _private_index_folder(folder: Path) -> Path:
    """`folder` and every folder between it and the user cache, owner-only."""
    cache = paths.cache_dir()
    safe_files.private_folder(cache)
    current = cache
    for part in folder.relative_to(cache).parts:
        current = safe_files.private_folder(current / part)
    return folder


@dataclass
class _Open:
    """An engine this process has open, and the database stamp its index reflects."""

    engine: SearchEngine
    stamp: int
    data_version: int
    folder: str  # the `data-<id>` folder the engine reads


class SearchIndex:
    """The full-text index of one `KnowledgeBase`, in whichever engines it is asked to use."""

    def __init__(
        self,
        kb: KnowledgeBase,
        stamp: Callable[[], int],
        rows: Callable[[], Iterable[SearchRow]] | None = None,
        count: Callable[[], int] | None = None,
    ) -> None:
        """`stamp` tells the state of the database (it must change with every saved change).
        For a rebuild, `rows` reads every live record as `Store.scan_search_rows` does, in any
        order, and `count` counts them; without them, records are read through `kb`."""
        self._kb = kb
        self._stamp = stamp
        self._rows = rows
        self._count = count or (lambda: int(kb.maintenance.stats()["records"]))
        self._open: dict[str, _Open] = {}
        # The state of the database when it was opened: an index carrying this stamp is fresh
        # until the first change this process makes, which may happen before any search. Read
        # before that first change (`before_writing`), not here: a connection that only reads (a
        # worker's) never needs it, and it is a count of every revision (200 ms at a million).
        self._opened_stamp: int | None = None
        self._opened_version = kb.data_version()
        self._writes = IndexWrites(lambda: str(index_root(self._kb.uid)))
        kb.subscribe(self.apply)
        kb.maintenance.repair_steps.append(self.repair)

    @property
    def default_engine(self) -> str:
        return self._kb.settings.search_engine or DEFAULT_ENGINE

    def directory(self, engine: str) -> Path:
        return index_root(self._kb.uid) / engine

    def data_directory(self, engine: str | None = None) -> Path | None:
        """The folder of `engine`'s current index (None when there is none yet)."""
        name = self._engine_name(engine)
        meta = self._read_meta(name)
        return None if meta is None else self._data_path(name, meta)

    def write_in_background(self) -> None:
        """Apply this connection's changes to the index on a writer thread of its own (the
        window: the engine's commit must not hold the GUI thread); see kbridge.core.index_writes."""
        self._writes.write_in_background()

    def committing(self) -> contextlib.AbstractContextManager[None]:
        """Around a commit of this connection and the announcement of its changes."""
        return self._writes.committing()

    def close(self) -> None:
        self._writes.close()
        for entry in self._open.values():
            entry.engine.close()
        self._open.clear()

    # --- searching ------------------------------------------------------------------------

    def search(
        self, query: str, *, limit: int = 20, offset: int = 0, engine: str | None = None, facets: bool = True
    ) -> SearchResults:
        """Ranked hits; the index is (re)built first when it is missing, stale or damaged."""
        return self._with_engine(engine, lambda found: found.search(query, limit=limit, offset=offset, facets=facets))

    def facet_counts(self, query: str, *, engine: str | None = None) -> FacetCounts:
        """Facet counts by kind and status of every match of `query` (for a search made
        without them)."""
        return self._with_engine(engine, lambda found: found.facet_counts(query))

    def _with_engine(self, engine: str | None, ask: Callable[[SearchEngine], _T]) -> _T:
        name = self._engine_name(engine)
        entry = self._ready(name)
        try:
            return ask(entry.engine)
        except IndexUnusableError as error:  # damaged after it was opened: rebuild, once
            _log.warning("rebuilding the %s search index: %s", name, error)
        self.rebuild(engine=name)
        return ask(self._open[name].engine)

    def engine(self, engine: str | None = None) -> SearchEngine:
        """The open engine of `engine`'s index, built first when it is missing or stale: for
        callers that need the engine's own options (the benchmark's bare search)."""
        return self._ready(self._engine_name(engine)).engine

    def status(self, engine: str | None = None) -> str:
        """How the index of `engine` is: fresh, stale, missing, other-version or unusable."""
        name = self._engine_name(engine)
        self._settled()
        meta = self._read_meta(name)
        if meta is None:
            return "missing"
        if not self._compatible(meta, name):
            return "other-version"
        if meta.get("stamp") != self._stamp():
            return "stale"
        try:
            engine_class(name).open(self._data_path(name, meta)).close()
        except IndexUnusableError:
            return "unusable"
        return "fresh"

    def open_if_fresh(self, engine: str | None = None) -> bool:
        """Open the index of `engine` for searching when it is fresh, and say so; build nothing
        (False: missing, stale, of another version or damaged). The window asks this when a file
        opens: the index stays open, so the first search does not check its freshness again (a
        count of every revision: 40 ms at a million records)."""
        return self._opened_if_fresh(self._engine_name(engine)) is not None

    def repair(self) -> list[str]:
        """For `check --repair`: rebuild the index of the engine in use when it is stale, of
        another version or damaged (a missing one is built by the first search anyway)."""
        name = self.default_engine
        state = self.status(name)
        if state in ("fresh", "missing"):
            return []
        count = self.rebuild(engine=name)
        return [f"rebuilt the {name} search index ({state}) with {count} records"]

    def _ready(self, name: str) -> _Open:
        entry = self._opened_if_fresh(name)
        if entry is None:
            self.rebuild(engine=name)
            entry = self._open[name]
        return entry

    def _opened_if_fresh(self, name: str) -> _Open | None:
        """The open index of `name`, opened now if need be, when it is fresh; else None."""
        self._settled()
        entry = self._open.get(name)
        if entry is not None and self._still_fresh(name, entry):
            return entry
        if entry is not None:
            entry.engine.close()
            del self._open[name]
        meta = self._read_meta(name)
        stamp = self._stamp()
        if meta is None or not self._compatible(meta, name) or meta.get("stamp") != stamp:
            return None
        try:
            engine = engine_class(name).open(self._data_path(name, meta))
        except IndexUnusableError as error:
            _log.warning("rebuilding the %s search index: %s", name, error)
            return None
        entry = _Open(engine, stamp, self._kb.data_version(), _data_name(meta))
        self._open[name] = entry
        return entry

    def _still_fresh(self, name: str, entry: _Open) -> bool:
        if self._kb.data_version() == entry.data_version:
            return True  # nobody else has written to the database since
        return self._kept_in_step_elsewhere(name, entry)

    # --- rebuilding -----------------------------------------------------------------------

    def rebuild(
        self,
        *,
        engine: str | None = None,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> int:
        """Build the index anew from the database; the number of records indexed.

        The new index is built in a folder of its own and made current when complete (meta.json
        names it), so a cancelled or failed build leaves the old one, and a search in another
        process, untouched.
        """
        name = self._engine_name(engine)
        self._writes.settle()
        folder = _private_index_folder(self.directory(name))
        old = self._open.pop(name, None)
        if old is not None:
            old.engine.close()
        stamp, version = self._stamp(), self._kb.data_version()
        total = self._count()
        data_name = f"data-{uuid.uuid4().hex[:12]}"
        building = folder / data_name
        try:
            engine_ = engine_class(name).create(building)
            documents = self._all_documents()
            count = engine_.add_all(documents, total, progress, cancel)
            engine_.close()
        except (BuildCancelledError, IndexUnusableError, KeyboardInterrupt):
            shutil.rmtree(building, ignore_errors=True)
            raise
        self._write_meta(name, stamp=stamp, count=count, data=data_name)
        self._open[name] = _Open(engine_class(name).open(building), stamp, version, data_name)
        self._remove_retired(folder, keep=data_name)
        return count

    def _all_documents(self) -> Iterator[SearchDocument]:
        if self._rows is not None:
            return map(row_document, self._rows())
        return map(record_document, self._kb.iter_records())

    @staticmethod
    def _remove_retired(folder: Path, *, keep: str) -> None:
        """Index folders no longer named by meta.json (older builds, the one `data/` of older
        versions, builds interrupted by a crash), once nobody can still be reading them."""
        now = dt.datetime.now().timestamp()
        for child in folder.iterdir():
            if child.name == keep or not child.is_dir() or not child.name.startswith(("data", "build-", "retired-")):
                continue
            with contextlib.suppress(OSError):
                if now - child.stat().st_mtime > RETIRED_AFTER_S:
                    shutil.rmtree(child, ignore_errors=True)

    # --- keeping in step ------------------------------------------------------------------

    def apply(self, changes: Changes) -> None:
        """Bring every open, fresh index up to date with `changes` (already committed).

        Never raises: the change is saved whatever happens here, and an index that could not
        follow is left stale, to be rebuilt at the next search."""
        if not changes.records and not changes.wholesale:
            return
        self._writes.settle()
        if not self._open:
            self._open_for_change(self.default_engine)
        self._forget_out_of_step()
        behind = self._not_kept_in_step()
        if not behind:
            return
        if changes.wholesale or len(changes.records) > _REBUILD_ABOVE:  # a restored backup, a large import
            for name in behind:
                self._rebuild_quietly(name)
            return
        try:
            documents, removed = self._documents_for(changes)
        except Exception as error:  # the database is the truth: never fail the change
            _log.warning("search index not updated: %s", error)
            self._forget_all()
            return
        stamp, version = self._stamp(), self._kb.data_version()
        for name in behind:
            entry = self._open[name]
            fresh = entry.data_version == version or self._meta_moved_on(name, entry)
            self._writes.submit(partial(self._update, name, entry, documents, removed, fresh, stamp, version))

    def _update(self, name: str, entry: _Open, documents: list[SearchDocument], removed: list[str],
                fresh: bool, stamp: int, version: int) -> None:
        """Put a change in one open index (on the writer thread when there is one: it reads no
        database, and its SearchIndex waits for it before doing anything else)."""
        try:
            entry.engine.update(documents, removed)
        except IndexUnusableError as error:
            _log.warning("the %s search index could not follow a change: %s", name, error)
            fresh = False
        if fresh:
            self._write_meta(name, stamp=stamp, count=entry.engine.count(), data=entry.folder)
            entry.stamp, entry.data_version = stamp, version
        else:
            entry.engine.close()
            del self._open[name]

    def _settled(self) -> None:
        """Before judging the index: this index's own writes done, and any change another
        connection of this process has committed in it (kbridge.core.index_writes)."""
        self._writes.settle()
        self._writes.wait_for_others()

    def _not_kept_in_step(self) -> list[str]:
        """The open indexes that lack the changes being applied. A job's changes, handed over to be
        announced here, are in an index the job kept in step (its stamp is the database's): only
        refreshed, not read again (1,000 imported records: 133 ms on the GUI thread at 100,000)."""
        version = self._kb.data_version()
        return [name for name, entry in self._open.items()
                if entry.data_version == version or not self._kept_in_step_elsewhere(name, entry)]

    def _kept_in_step_elsewhere(self, name: str, entry: _Open) -> bool:
        """Another connection wrote and kept this index in step (the database's stamp): refreshed."""
        meta = self._read_meta(name)
        stamp = self._stamp()
        if meta is None or meta.get("stamp") != stamp or _data_name(meta) != entry.folder:
            return False
        entry.engine.refresh()
        entry.stamp, entry.data_version = stamp, self._kb.data_version()
        return True

    def _forget_out_of_step(self) -> None:
        """Close the open indexes another connection has written past without keeping them in
        step (a job of this process that imported, announced here afterwards): they are stale,
        and the next search rebuilds them off the caller's thread, not this change."""
        version = self._kb.data_version()
        for name, entry in list(self._open.items()):
            if entry.data_version != version and not self._meta_moved_on(name, entry):
                entry.engine.close()
                del self._open[name]

    def _rebuild_quietly(self, name: str) -> None:
        try:
            self.rebuild(engine=name)
        except (IndexUnusableError, OSError) as error:
            _log.warning("the %s search index could not be rebuilt: %s", name, error)
            self._open.pop(name, None)

    def before_writing(self) -> None:
        """Called before each of this connection's transactions: the stamp as opened is read
        before the first one, while it is still the state the file was opened in."""
        if self._opened_stamp is None and self._kb.data_version() == self._opened_version:
            self._opened_stamp = self._stamp()

    def _open_for_change(self, name: str) -> None:
        """Open `name`'s index to apply this process's first change, if it was fresh before."""
        if self._kb.data_version() != self._opened_version or self._opened_stamp is None:
            return
        meta = self._read_meta(name)
        if meta is None or not self._compatible(meta, name):
            return
        if meta.get("stamp") != self._opened_stamp:
            return
        try:
            engine = engine_class(name).open(self._data_path(name, meta))
        except IndexUnusableError:
            return
        self._open[name] = _Open(engine, self._opened_stamp, self._opened_version, _data_name(meta))

    def _meta_moved_on(self, name: str, entry: _Open) -> bool:
        """After another process wrote to the database: whether it also kept this index in
        step (it wrote a newer stamp). If not, the index misses its change: stale."""
        meta = self._read_meta(name)
        return meta is not None and meta.get("stamp") != entry.stamp and _data_name(meta) == entry.folder

    def _documents_for(self, changes: Changes) -> tuple[list[SearchDocument], list[str]]:
        documents: dict[str, SearchDocument] = {}
        removed: set[str] = set(changes.deleted)
        people: list[Record] = []
        for uid in changes.created | changes.updated:
            record = self._kb.find(uid)
            if record is None or record.deleted:
                removed.add(uid)
                continue
            documents[uid] = record_document(record)
            if record.kind is Kind.PERSON:
                people.append(record)
        for person in people:  # records owned by a person show the person's key and name
            for owned in self._owned_by(person):
                documents.setdefault(owned.uid, record_document(owned))
        return list(documents.values()), sorted(removed - set(documents))

    def _owned_by(self, person: Record) -> list[Record]:
        try:
            return self._kb.list_records(owner=person.uid)
        except ValidationError:
            return []

    def _forget_all(self) -> None:
        for entry in self._open.values():
            entry.engine.close()
        self._open.clear()

    # --- meta.json --------------------------------------------------------------------------

    def _engine_name(self, engine: str | None) -> str:
        name = (engine or self.default_engine).strip().lower()
        if name not in ENGINES:
            raise ValidationError(f"unknown search engine {engine!r}; choose {' or '.join(ENGINES)}")
        return name

    def _compatible(self, meta: dict[str, Any], name: str) -> bool:
        return (
            meta.get("schema_version") == SCHEMA_VERSION
            and meta.get("engine") == name
            and meta.get("kb_uid") == self._kb.uid
        )

    def _data_path(self, name: str, meta: dict[str, Any]) -> Path:
        return self.directory(name) / _data_name(meta)

    def _read_meta(self, name: str) -> dict[str, Any] | None:
        try:
            meta = json.loads((self.directory(name) / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return meta if isinstance(meta, dict) else None

    def _write_meta(self, name: str, *, stamp: int, count: int, data: str) -> None:
        meta = {
            "schema_version": SCHEMA_VERSION,
            "engine": name,
            "kb_uid": self._kb.uid,
            "data": data,
            "stamp": stamp,
            "records": count,
            "written_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        }
        folder = _private_index_folder(self.directory(name))
        safe_files.write_text(folder, "meta.json", json.dumps(meta, indent=2) + "\n", mode=0o600)
        safe_files.restrict_tree(folder)  # what the engine wrote since, with the umask's modes


def _data_name(meta: dict[str, Any]) -> str:
    """The index folder meta.json names; only a plain `data-<id>` name is taken from the file."""
    name = str(meta.get("data") or _LEGACY_DATA)
    return name if name == _LEGACY_DATA or (name.startswith("data-") and name[5:].isalnum()) else _LEGACY_DATA
