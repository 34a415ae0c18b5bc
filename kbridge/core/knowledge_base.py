"""`KnowledgeBase`: the one facade the GUI and the CLI use, holding a manager per concern (`kb.links`,
`kb.history.revisions`, `kb.lifecycle`, ...) as Anki's collection does. Every mutation returns an `OpResult`:
its `Changes`, who caused it, and the record it created."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from kbridge.core import lifecycle
from kbridge.core.clock import utc_now
from kbridge.core.history import Files, History
from kbridge.core.lifecycle_api import Lifecycle
from kbridge.core.links_api import Links
from kbridge.core.maintenance import Maintenance
from kbridge.core.pending import ChangeRecorder, PendingWork
from kbridge.core.record_list import RecordListing
from kbridge.core.record_values import clean_fields, clean_title, describe_change, new_uid, parse_kind, shorthand_keys
from kbridge.core.resilience_api import Resilience
from kbridge.core.search_index import SearchIndex
from kbridge.core.settings import Settings, load_settings
from kbridge.core.sync_store import SyncState
from kbridge.core.templates import find_template, render_body
from kbridge.core.trails_api import Trails
from kbridge.model import (
    CONTENT_FIELDS,
    Cancel,
    Changes,
    ConflictError,
    Initiator,
    Kind,
    NotFoundError,
    OpResult,
    Progress,
    Record,
    RecordResult,
    ValidationError,
    format_key,
    normalise_date,
    normalise_tags,
    validate_key,
    validate_status,
)
from kbridge.model.wording import with_article
from kbridge.search import FacetCounts, SearchResults
from kbridge.storage import Store, list_words

ChangeListener = Callable[[Changes], None]
_Found = TypeVar("_Found", Record, str)


class KnowledgeBase:
    """One open knowledge base file and everything that can be asked of it or done to it.

    `initiator` says who works through this object (the window, a job, the command line): every
    result it returns carries it."""

    def __init__(
        self, store: Store, settings: Settings | None = None, *, initiator: Initiator = Initiator.SCRIPT
    ) -> None:
        self._store = store
        self.settings = settings or load_settings()
        self.initiator = initiator
        self._listeners: list[ChangeListener] = []
        self._depth = 0
        self._pending = PendingWork()
        self.links = Links(self, store)
        self.lifecycle = Lifecycle(self, store)
        self.history = History(self, store)
        self.files = Files(self, store)
        self.maintenance = Maintenance(self, store)
        self.trails = Trails(self, store)
        self.resilience = Resilience(self, store)
        self.sync_state = SyncState(self, store)
        self.listing = RecordListing(store)  # the record list, read by window
        # Subscribes first, so the index has followed a change before any view hears of it.
        self.search_index = SearchIndex(
            self, stamp=store.count_revisions, rows=store.scan_search_rows, count=store.count_live_records
        )

    # --- opening ----------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        create: bool = False,
        settings: Settings | None = None,
        initiator: Initiator = Initiator.SCRIPT,
    ) -> KnowledgeBase:
        return cls(Store.open(Path(path), create=create), settings, initiator=initiator)

    @classmethod
    def init(
        cls, path: Path | str, *, settings: Settings | None = None, initiator: Initiator = Initiator.SCRIPT
    ) -> KnowledgeBase:
        """Create a new, empty knowledge base; a ConflictError if something is already there."""
        if Path(path).exists():
            raise ConflictError(f"{path} already exists; kbridge will not overwrite it")
        return cls.open(path, create=True, settings=settings, initiator=initiator)

    def close(self) -> None:
        self.search_index.close()
        self._store.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def path(self) -> Path:
        return self._store.path

    @property
    def uid(self) -> str:
        """The knowledge base's own stable id (search caches are keyed by it)."""
        return self._store.meta("kb_uid") or ""

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def author(self) -> str:
        return self.settings.effective_author

    # --- change notification ------------------------------------------------------------------

    def subscribe(self, listener: ChangeListener) -> Callable[[], None]:
        """Call `listener` with the `Changes` of every committed mutation; returns an unsubscriber."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @contextmanager
    def recording(self) -> Iterator[ChangeRecorder]:
        """Collect what every transaction committed meanwhile (an import, a sync: many
        transactions), as one `OpResult` the caller hands on: `recorder.result`."""
        recorder = ChangeRecorder(self.initiator)
        unsubscribe = self.subscribe(recorder.hear)
        try:
            yield recorder
        finally:
            unsubscribe()

    @contextmanager
    def transaction(self, *, bulk: bool = False) -> Iterator[None]:
        """Group mutations: all are saved or none; each record changed gets one revision, written
        before the commit; listeners hear once, after it. `bulk` (many records added: an import's
        batch) indexes the new records' words for the list at its end, in one go."""
        mark = self._pending.mark()
        if self._depth == 0:
            self.search_index.before_writing()
        self._depth += 1
        # From just before the commit until the search index has the changes, other connections
        # of this process wait before they judge the index (kbridge.core.index_writes).
        with contextlib.ExitStack() as indexing:
            try:
                with self._store.atomic(), list_words.deferred(self._store.db) if bulk else contextlib.nullcontext():
                    yield
                    if self._depth == 1:
                        self._write_revisions()
                        indexing.enter_context(self.search_index.committing())
            except BaseException:
                self._pending.roll_back_to(mark)
                raise
            finally:
                self._depth -= 1
            if self._depth == 0:
                self.announce(self._pending.take_changes())

    def announce(self, changes: Changes) -> None:
        """Tell the listeners about `changes`: this object's own once committed, and those another
        connection to the file committed that are handed over (a background job of this process,
        which opens its own): listeners hear both the same way."""
        if changes:
            for listener in list(self._listeners):
                listener(changes)

    def _report(self, changes: Changes) -> Changes:
        """Inside a transaction: `changes` are announced when it commits."""
        self._pending.report(changes)
        return changes

    def _result(self, changes: Changes) -> OpResult:
        """What a mutation returns: its changes and who caused them."""
        return OpResult(changes, self.initiator)

    def _record_result(self, changes: Changes, record: Record) -> RecordResult:
        """What a mutation of one record returns: its changes, who caused them, and the record."""
        return RecordResult(changes, self.initiator, record.uid, record.key)

    def data_version(self) -> int:
        """A number that changes when another process commits to this file (for refreshing)."""
        return self._store.data_version()

    # --- reading ------------------------------------------------------------------------------

    def find(self, ref: str) -> Record | None:
        """The record with key (any case, `adr-7` for `ADR-0007`, `7` for the decision numbered
        so, as adr-tools names them) or uid `ref`, deleted or not."""
        return self._looked_up(ref, self._store.get_by_key, self._store.get_record)

    def uid_of(self, ref: str) -> str:
        """The uid of the record `ref` names, as `get` finds it, without reading the record (a
        file kept with it, read or written, needs no more)."""
        uid = self._looked_up(ref, self._store.uid_by_key, self._store.uid_if_exists)
        if uid is None:
            raise NotFoundError(f"no record {ref!r}")
        return uid

    def _looked_up(self, ref: str, by_key: Callable[[str], _Found | None],
                   by_uid: Callable[[str], _Found | None]) -> _Found | None:
        ref = (ref or "").strip()
        if not ref:
            return None
        found = by_key(ref) or by_uid(ref)
        for key in shorthand_keys(ref) if found is None else ():
            found = found or by_key(key)
        return found

    def get(self, ref: str) -> Record:
        record = self.find(ref)
        if record is None:
            raise NotFoundError(f"no record {ref!r}")
        return record

    def find_by_source(self, path: str) -> Record | None:
        return self._store.get_by_source_path(path)

    def imported_from(self, path: str, *, inside: bool = False) -> list[Record]:
        """The records, deleted or not, imported from a file at `path` (relative to the folder
        it was imported from, whichever that was), or with `inside` from the files inside it."""
        return self._store.records_by_source_path(path, inside=inside)

    def list_records(
        self,
        *,
        kind: Kind | str | None = None,
        status: str | None = None,
        tag: str | None = None,
        owner: str | None = None,
        deleted: bool | None = False,
    ) -> list[Record]:
        """Records matching every filter; `deleted=True` lists the trash, `None` everything."""
        kind_value = parse_kind(kind) if kind is not None else None
        if status is not None and kind_value is not None:
            status = validate_status(kind_value, status)
        owner_uid = self.get(owner).uid if owner else None
        return self._store.list_records(
            kind=kind_value,
            status=status.strip().lower() if status else None,
            tag=tag.strip().lower() if tag else None,
            owner_uid=owner_uid,
            deleted=deleted,
        )

    def list_summaries(self, *, deleted: bool | None = False, sources: bool = False,
                       keep: Callable[[str, Kind], bool] | None = None) -> list[Record]:
        """Every record (that `keep(uid, kind)` keeps), in no particular order: all but the body,
        the fields and (unless `sources`) the source, which are left empty (`get` has them all)."""
        return self._store.list_summaries(deleted=deleted, sources=sources, keep=keep)

    def is_empty(self) -> bool:
        """No record at all, the trash's included."""
        return self._store.is_empty()

    def iter_records(self, *, deleted: bool | None = False, sourced: bool = False) -> Iterator[Record]:
        """By kind and key; `sourced`: only those imported from a file (an index has them)."""
        return self._store.iter_records(deleted=deleted, sourced=sourced)

    def keys_by_uid(self) -> dict[str, str]:
        """uid -> key of every record, deleted ones too, in `iter_records`' order: what a large
        export needs of every record (a link's target) without reading a single body."""
        return self._store.keys_by_uid()

    def records_by_uid(self, uids: list[str]) -> list[Record]:
        """These records, deleted ones too (a chunk of a large export: a few hundred uids)."""
        return self._store.records_by_uid(uids)

    def next_key(self, kind: Kind | str) -> str:
        """The key a new record of `kind` would get now (shown in the new-record dialog)."""
        kind = parse_kind(kind)
        return format_key(kind, self._store.highest_key_number(kind.key_prefix) + 1)

    def search(
        self, query: str, *, limit: int = 20, offset: int = 0, engine: str | None = None, facets: bool = True
    ) -> SearchResults:
        """Ranked hits with snippets, facet counts and a "did you mean" (kbridge.search.parser
        documents the query syntax). `engine` overrides the setting for this search. With
        `facets` False the facet counts come only when they cost nothing (`facets_counted`):
        `search_facets` counts them afterwards, so hits can be shown first."""
        return self.search_index.search(query, limit=limit, offset=offset, engine=engine, facets=facets)

    def search_facets(self, query: str, *, engine: str | None = None) -> FacetCounts:
        """Facet counts by kind and status of every match of `query`."""
        return self.search_index.facet_counts(query, engine=engine)

    def reindex(
        self,
        *,
        engine: str | None = None,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> int:
        """Rebuild the search index from the database; the number of records indexed."""
        return self.search_index.rebuild(engine=engine, progress=progress, cancel=cancel)

    # --- creating and changing ----------------------------------------------------------------

    def create(
        self,
        kind: Kind | str,
        title: str,
        *,
        key: str | None = None,
        status: str | None = None,
        body: str = "",
        template: str | None = None,
        tags: Iterable[str] | str | None = None,
        owner: str | None = None,
        date: str | dt.date | None = None,
        review_by: str | dt.date | None = None,
        fields: dict[str, Any] | None = None,
        source: dict[str, Any] | None = None,
        supersedes: str | Iterable[str] | None = None,
        reason: str = "",
        uid: str | None = None,
        strict: bool = False,
    ) -> RecordResult:
        """Create a record (its first revision too). `template` names a built-in template, a
        template record or a file (kbridge.core.templates). `supersedes` (one key or several)
        are superseded by the new record, all in one transaction. `uid` keeps the uid a record
        already has elsewhere (an imported kbridge Markdown file). `strict` applies the rules of
        a record a person makes here (a control states its rationale); imports and sync keep
        what their files say, and `check` reports it."""
        kind = parse_kind(kind)
        title = clean_title(title)
        if template and body:
            raise ValidationError("give a template or a body, not both")
        chosen = find_template(self, template) if template else None
        if date is None and kind is Kind.DECISION and source is None:
            date = dt.date.today()  # a decision made here; an imported one keeps its file's date
        now = utc_now()
        record = Record(
            kind=kind,
            title=title,
            uid=new_uid(uid, self._store),
            status=validate_status(kind, kind.default_status if status is None else status),
            body=body,
            tags=normalise_tags(tags),
            owner=self._owner_uid(owner),
            date=normalise_date(date),
            review_by=normalise_date(review_by, "review date"),
            fields=clean_fields(fields),
            source=source,
            created_at=now,
            updated_at=now,
        )
        older = [supersedes] if isinstance(supersedes, str) else list(supersedes or [])
        with self.transaction():
            record.key = self._free_key(validate_key(key)) if key else self.next_key(kind)
            if chosen is not None and kind is Kind.TEMPLATE:  # a copy, for the same kind of record
                record.body = chosen.text
                if chosen.for_kind:
                    record.fields.setdefault("for_kind", chosen.for_kind)
            elif chosen is not None:
                record.body = render_body(chosen, title=title, date=record.date, key=record.key, status=record.status)
            if strict:
                lifecycle.check_change(None, record, lambda: self._store.linked_records(record.uid))
            self._store.insert_record(record)
            self._revise(record, reason or "created", now)
            changes = self._report(Changes(created=frozenset({record.uid})))
            for ref in older:
                changes = changes.merge(self.lifecycle.supersede(ref, record.uid).changes)
        return self._record_result(changes, record)

    def update(self, ref: str, *, reason: str = "", strict: bool = False, **values: Any) -> RecordResult:
        """Change any of title, status, body, tags, owner, date, review_by, fields, key, source.
        Nothing changes (and no revision is written) when every value is already as given.
        `strict` applies the rules of a change a person makes (see `create`): a control keeps
        its rationale, and only a successor marks a record superseded."""
        unknown = set(values) - {*CONTENT_FIELDS, "source"}
        if unknown:
            raise ValidationError(f"cannot set {', '.join(sorted(unknown))}")
        # Read and write in one transaction: another process's change in between is never undone.
        with self.transaction():
            record = self.get(ref)
            before, source_before = record.snapshot(), record.source
            for name, value in values.items():
                setattr(record, name, self._clean(record, name, value))
            if record.snapshot() == before and record.source == source_before:
                return self._record_result(Changes(), record)
            if strict:
                lifecycle.check_change(before, record, lambda: self._store.linked_records(record.uid))
            now = utc_now()
            record.updated_at = now
            if record.key.lower() != before["key"].lower():
                record.key = self._free_key(record.key)
            self._store.update_record(record)
            if record.snapshot() != before:
                self._revise(record, reason or describe_change(before, record.snapshot()), now)
            changes = self._report(Changes(updated=frozenset({record.uid})))
        return self._record_result(changes, record)

    def set_status(self, ref: str, status: str, *, reason: str = "", strict: bool = False) -> RecordResult:
        return self.update(ref, status=status, reason=reason, strict=strict)

    # --- deleting -----------------------------------------------------------------------------

    def delete(self, ref: str, *, reason: str = "") -> RecordResult:
        """Move a record to the trash; its links and revisions are kept."""
        return self._set_deleted(ref, deleted=True, reason=reason or "moved to trash")

    def undelete(self, ref: str, *, reason: str = "") -> RecordResult:
        return self._set_deleted(ref, deleted=False, reason=reason or "restored from trash")

    def _set_deleted(self, ref: str, *, deleted: bool, reason: str) -> RecordResult:
        with self.transaction():
            record = self.get(ref)
            if record.deleted == deleted:
                state = "in the trash" if deleted else "not in the trash"
                raise ConflictError(f"{record.key} is already {state}")
            now = utc_now()
            self._store.set_deleted(record.uid, now if deleted else None, now)
            record.deleted_at = now if deleted else None
            self._revise(record, reason, now)
            changes = Changes(deleted=frozenset({record.uid})) if deleted else Changes(updated=frozenset({record.uid}))
            self._report(changes)
        return self._record_result(changes, record)

    # --- internals ----------------------------------------------------------------------------

    def _revise(self, record: Record, reason: str, at: str) -> None:
        """A revision of `record` is due: written, once per record, when the transaction commits."""
        self._pending.revise(record.uid, reason, at)

    def write_revisions_now(self) -> None:
        """Inside a transaction: write the revisions due so far, so that what follows is a
        revision of its own rather than merged into them."""
        if self._depth:
            self._write_revisions()

    def _write_revisions(self) -> None:
        for uid, reason, at in self._pending.take_revisions():
            record = self._store.get_record(uid)
            if record is None:
                continue  # gone again before the commit (cannot happen through this facade)
            snapshot = record.snapshot()
            snapshot["links"] = sorted(
                f"{item.type.value} {item.key}" for item in self._store.linked_records(uid) if item.direction == "out"
            )
            snapshot["deleted"] = record.deleted
            snapshot["owner_key"] = record.owner_key
            self._store.add_revision(uid, author=self.author, at=at, reason=reason, snapshot=snapshot)

    def key_holder(self, key: str) -> Record | None:
        """The record, deleted or not, whose key is `key` in any case (not a uid, not `ADR-7`)."""
        return self._store.get_by_key(key)

    def _free_key(self, key: str) -> str:
        holder = self.key_holder(key)
        if holder is not None:
            raise ConflictError(f"the key {holder.key} is already taken (by {holder.title!r})")
        return key

    def _owner_uid(self, owner: str | None) -> str | None:
        if not owner:
            return None
        person = self.get(owner)
        if person.kind is not Kind.PERSON:
            raise ValidationError(
                f"an owner must be a person record; {person.key} is {with_article(person.kind.value)}"
            )
        return person.uid

    def _clean(self, record: Record, name: str, value: Any) -> Any:
        if name == "title":
            return clean_title(value)
        if name == "status":
            return validate_status(record.kind, value)
        if name == "tags":
            return normalise_tags(value)
        if name == "owner":
            return self._owner_uid(value)
        if name in ("date", "review_by"):
            return normalise_date(value, "review date" if name == "review_by" else "date")
        if name == "fields":
            return clean_fields(value)
        if name == "key":
            return validate_key(value)
        if name == "body":
            return str(value or "")
        return value
