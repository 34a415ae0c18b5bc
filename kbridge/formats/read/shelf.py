"""Where the files of a folder being imported wait between reading and writing: a scratch table
(`kbridge.core.scratch`, a private temporary database), so that what an import holds in memory
does not grow with the folder. Each file read is one row: its facts (path, title, number, links:
what the scan, matching, keys and links need across the folder), its text (what only its write
needs), and the names links may find it by (its file name, stem, number, title, slug), indexed.
Nothing keeps the records themselves: every pass reads them back a page at a time.

What is kept there is only ever what this process wrote (pickled records): the database is
created unnamed, readable by this process alone, and gone when it is closed or forgotten."""

from __future__ import annotations

import dataclasses
import pickle
import posixpath
import zlib
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from typing import Any

from kbridge.core.scratch import ScratchTable
from kbridge.formats.read.matches import Matches
from kbridge.formats.read.numbering import NumberedFiles, log_folder, number_order, numbered_decision
from kbridge.formats.read.parsed import ParsedRecord
from kbridge.formats.read.planned_keys import PlannedKeys
from kbridge.model import Kind, Record

# The parts of a record that are large and that nothing needs before its batch is written.
_HEAVY = ("body", "original", "fields", "layout")
# What of the layout matching and resolving links need (a `<slug>/README.md` named by its folder).
_LAYOUT_KEPT = ("named_by_folder",)
# What links find a file by (kbridge.formats.read.resolve), each an indexed column.
NAMES = ("basename", "stem", "numbered", "title", "slug")
# What the plan and the import decide per file (`ShelfColumn`): the key a new record gets, the
# record it was written as and the key it has.
VALUES = ("planned_key", "uid", "key")
# The planned key lower-cased, indexed: whether a key is given already (`ShelvedKeys`).
PLANNED_LOWER = "planned_lower"
# Facts known once the whole folder is read, kept beside the others (a row's facts are not
# unpickled and pickled again for them).
LATER = ("log", "key_hint")
# The record of the knowledge base a file is (`ShelvedMatches`): pickled, and its uid (indexed:
# no record is the match of two files).
MATCH = ("match",)
MATCH_UID = "match_uid"
# Where a numbered decision's number belongs, the number, and (number, path) as one sortable text.
NUMBERING = ("log_folder", "number", "number_order")


def numbered(log: str, number: int) -> str:
    """A record's place in the number spaces of the folder, as one searchable value."""
    return f"{log}\x00{number}"


def plan_order(record: ParsedRecord) -> str:
    """People first (records name their owners), then by path."""
    return ("0" if record.kind == Kind.PERSON.value else "1") + record.path


def names_of(record: ParsedRecord) -> dict[str, Any]:
    """What links find `record` by: NAMES, and its folder's name for a `<slug>/README.md`
    (`folder_stem`); None for a name it has not."""
    base = posixpath.basename(record.path)
    folder_stem = None
    if record.layout.get("named_by_folder"):
        folder_stem = posixpath.basename(posixpath.dirname(record.path)).lower()
    return {
        "basename": base.lower(),
        "stem": posixpath.splitext(base)[0].lower(),
        "folder_stem": folder_stem,
        "numbered": numbered(record.log, record.number) if record.number is not None else None,
        "title": record.title.strip().lower(),
        "slug": record.slug.lower() or None,
    }


def _numbering(record: ParsedRecord) -> dict[str, Any]:
    """What the number spaces are worked out from (`ShelvedNumbers`): None unless `record` is
    keyed by its file's number."""
    if not numbered_decision(record):
        return dict.fromkeys(NUMBERING)
    assert record.number is not None
    return {"log_folder": log_folder(record), "number": record.number,
            "number_order": number_order(record.number, record.path)}


def _dump(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _text_of(heavy: dict[str, Any]) -> bytes:
    """A record's heavy parts as kept on the shelf. A body that is a run of its file's bytes (all
    but a few of the corpus's) is kept as where it lies in them, not a second time. Not
    compressed: compressing was a tenth of an import of real text, and the shelf is a scratch file
    of about the size of the folder's Markdown."""
    body, original = heavy["body"], heavy["original"]
    try:
        encoded = body.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: kept as it is
        encoded = None
    at = original.find(encoded) if encoded is not None else -1
    if at >= 0:
        heavy = {**heavy, "body": (at, at + len(encoded))}
    return _dump(heavy)


def _heavy_of(text: bytes) -> dict[str, Any]:
    heavy: dict[str, Any] = pickle.loads(text)
    if isinstance(heavy["body"], tuple):
        start, end = heavy["body"]
        heavy["body"] = heavy["original"][start:end].decode("utf-8")
    return heavy


def _facts_of(facts: bytes, log: str | None, key_hint: str | None) -> ParsedRecord:
    record: ParsedRecord = pickle.loads(facts)
    if key_hint is not None:
        record.log, record.key_hint = log or "", key_hint
    return record


class FileShelf:
    """The files of one import, read and waiting (see the module's text): a row per record."""

    def __init__(self) -> None:
        self._rows = ScratchTable(indexed=("path", "read_order", "plan_order", "folder_stem", MATCH_UID, *NAMES,
                                           *NUMBERING, PLANNED_LOWER),
                                  plain=("facts", *LATER, *VALUES, *MATCH))
        # The texts apart: SQLite rewrites a whole row when a column of it changes, and a
        # record's row changes four times (its key hint, planned key, uid and key).
        # Each text is written once and read once: a small cache does.
        self._texts = ScratchTable(indexed=("path",), plain=("text",), cache_kib=1024)
        self._waiting = ScratchTable(indexed=("name",), plain=("data",), cache_kib=1024)  # bytes whose format waits

    def close(self) -> None:
        self._rows.close()
        self._texts.close()
        self._waiting.close()

    # --- reading a folder -------------------------------------------------------------------

    def keep(self, record: ParsedRecord) -> int:
        """Store `record` (its facts and its text); the row it is."""
        self._texts.add({"path": record.path, "text": _text_of({name: getattr(record, name) for name in _HEAVY})})
        return self._rows.add({"path": record.path, "plan_order": plan_order(record), "read_order": "",
                               "facts": _dump(self._facts(record)), **names_of(record), **_numbering(record)})

    @staticmethod
    def _facts(record: ParsedRecord) -> ParsedRecord:
        layout = {name: record.layout[name] for name in _LAYOUT_KEPT if name in record.layout}
        return dataclasses.replace(record, body="", original=b"", fields={}, layout=layout,
                                   sha256=record.digest, shelved=True)

    def set_read_order(self, rows: Iterable[int]) -> None:
        """The order the scan lists its records in (its folders sorted), row by row."""
        self._rows.set_many("read_order", ((row, f"{place:012d}") for place, row in enumerate(rows)))

    def drop(self, paths: Iterable[str]) -> None:
        self._rows.delete(row for path in paths for row in self._rows.where("path", path, "id"))

    def set_key_hint(self, path: str, number: int, log: str, key_hint: str) -> None:
        """The number space and key hint of the record at `path`, once the folder is read."""
        self._rows.set_where("path", path, {"log": log, "key_hint": key_hint, "numbered": numbered(log, number)})

    def unnumber(self, path: str) -> None:
        """The record at `path` has no number after all (the one its name starts with is a year)."""
        for row in self._rows.where("path", path, "id"):
            (facts,) = self._rows.get(row, ("facts",))
            record: ParsedRecord = pickle.loads(facts)
            record.number = None
            self._rows.set_many("facts", [(row, _dump(record))])
        self._rows.set_where("path", path, {**dict.fromkeys(NUMBERING), "numbered": None})

    def set_format(self, row: int, fmt: str) -> int:
        """The record at `row` named as read in `fmt` (the formats but kbridge Markdown read a
        file alike: see `kbridge.formats.read.file_read.named_as`); its row."""
        path, facts = self._rows.get(row, ("path", "facts"))
        record: ParsedRecord = pickle.loads(facts)
        record.format = fmt
        self._rows.set_many("facts", [(row, _dump(record))])
        heavy = _heavy_of(self._texts.where("path", path, "text")[0])
        heavy["layout"]["format"] = fmt
        self._texts.set_where("path", path, {"text": _text_of(heavy)})
        return row

    def take(self, row: int) -> ParsedRecord:
        """The record at `row`, whole, and off the shelf (to be read again)."""
        (facts,) = self._rows.get(row, ("facts",))
        record = self.load(pickle.loads(facts))
        self._rows.delete([row])
        self._texts.delete(self._texts.where("path", record.path, "id"))
        return record

    def keep_bytes(self, name: str, data: bytes) -> None:
        self._waiting.add({"name": name, "data": zlib.compress(data, 1)})

    def load_bytes(self, name: str) -> bytes:
        rows = self._waiting.where("name", name, "data")
        return zlib.decompress(rows[-1])

    # --- what the plan reads back -----------------------------------------------------------

    def records(self, order: str = "plan_order") -> ShelvedRecords:
        return ShelvedRecords(self, order)

    def walk(self, order: str) -> Iterator[ParsedRecord]:
        for row in self._rows.walk(order, ("facts", *LATER)):
            yield _facts_of(*row)

    def count(self) -> int:
        return len(self._rows)

    def load(self, record: ParsedRecord) -> ParsedRecord:
        """`record` whole again (its facts as they are now, its text as it was kept)."""
        if not record.shelved:
            return record
        heavy = _heavy_of(self._texts.where("path", record.path, "text")[0])
        return dataclasses.replace(record, shelved=False, sha256="", **heavy)

    def value(self, path: str, column: str) -> Any:
        values = self._rows.where("path", path, column)
        return values[0] if values else None

    def set_value(self, path: str, column: str, value: Any) -> None:
        self.set_values(path, {column: value})

    def set_values(self, path: str, values: dict[str, Any]) -> None:
        if not self._rows.set_where("path", path, values):
            raise KeyError(path)

    def has_value(self, column: str, value: Any) -> bool:
        """Whether a row's `column` (an indexed one) is `value`."""
        return self._rows.exists(column, value)

    def values(self, column: str) -> Iterator[tuple[str, Any]]:
        for path, value in self._rows.walk("plan_order", ("path", column)):
            if value is not None:
                yield path, value

    def ordered_values(self, column: str) -> Iterator[Any]:
        """The values of an indexed `column` (NULL left out), in order."""
        for (value,) in self._rows.walk(column, (column,)):
            yield value

    def column(self, column: str) -> ShelfColumn:
        return ShelfColumn(self, column)

    def matches(self) -> ShelvedMatches:
        return ShelvedMatches(self)

    def planned_keys(self) -> ShelvedKeys:
        return ShelvedKeys(self)

    def numbers(self) -> ShelvedNumbers:
        return ShelvedNumbers(self._rows)

    # --- what links find a file by (kbridge.formats.read.resolve.FolderIndex) -----------------

    def record(self, path: str) -> ParsedRecord | None:
        row = self._rows.first("path", path, ("facts", *LATER))
        return _facts_of(*row) if row is not None else None

    def has(self, path: str) -> bool:
        return self._rows.exists("path", path)

    def named(self, name: str, value: str) -> list[str]:
        """The paths of the records whose `name` (one of NAMES) is `value`, in the plan's order."""
        places = self._rows.where(name, value, "plan_order", "plan_order")
        if name == "stem":  # a `<slug>/README.md` is also found by its folder's name
            also = self._rows.where("folder_stem", value, "plan_order", "plan_order")
            places = sorted({*places, *also}) if also else places
        return [place[1:] for place in places]  # the plan's order is a mark and the path


class ShelvedRecords:
    """The records of a shelf as a collection (their facts, read back a page at a time)."""

    def __init__(self, shelf: FileShelf, order: str) -> None:
        self.shelf, self.order = shelf, order

    def __iter__(self) -> Iterator[ParsedRecord]:
        return self.shelf.walk(self.order)

    def __len__(self) -> int:
        return self.shelf.count()

    def __bool__(self) -> bool:
        return self.shelf.count() > 0


class ShelfColumn(MutableMapping[str, str]):
    """A value per file of the shelf (one of VALUES), kept on its row: path -> value."""

    def __init__(self, shelf: FileShelf, column: str) -> None:
        self.shelf, self.name = shelf, column

    def __getitem__(self, path: str) -> str:
        value = self.shelf.value(path, self.name)
        if value is None:
            raise KeyError(path)
        return str(value)

    def __setitem__(self, path: str, value: str) -> None:
        self.shelf.set_value(path, self.name, value)

    def __delitem__(self, path: str) -> None:
        if path not in self:
            raise KeyError(path)
        self.shelf.set_value(path, self.name, None)

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and self.shelf.value(path, self.name) is not None

    def __iter__(self) -> Iterator[str]:
        return (path for path, _ in self.shelf.values(self.name))

    def __len__(self) -> int:
        return sum(1 for _ in self.shelf.values(self.name))


class ShelvedKeys(ShelfColumn, PlannedKeys):
    """The plan's keys on the shelf's rows, with the lower-cased key indexed."""

    def __init__(self, shelf: FileShelf) -> None:
        super().__init__(shelf, "planned_key")

    def gives(self, key: str) -> bool:
        return self.shelf.has_value(PLANNED_LOWER, key.lower())

    def given(self) -> Iterator[str]:
        return self.shelf.ordered_values(PLANNED_LOWER)

    def __setitem__(self, path: str, key: str) -> None:
        self.shelf.set_values(path, {self.name: key, PLANNED_LOWER: key.lower()})

    def __delitem__(self, path: str) -> None:
        if path not in self:
            raise KeyError(path)
        self.shelf.set_values(path, {self.name: None, PLANNED_LOWER: None})


class ShelvedMatches(Matches):
    """The plan's matches on the shelf's rows (a re-import of 100,000 files held a slim copy of
    every record: 2.5 KB a file)."""

    def __init__(self, shelf: FileShelf) -> None:
        self.shelf = shelf
        self._count = 0

    def holds(self, uid: str) -> bool:
        return self.shelf.has_value(MATCH_UID, uid)

    def __getitem__(self, path: str) -> Record:
        packed = self.shelf.value(path, "match") if self._count else None  # a new folder: none
        if packed is None:
            raise KeyError(path)
        record: Record = pickle.loads(packed)
        return record

    def __setitem__(self, path: str, record: Record) -> None:
        self._count += path not in self
        self.shelf.set_values(path, {"match": _dump(record), MATCH_UID: record.uid})

    def __delitem__(self, path: str) -> None:
        if path not in self:
            raise KeyError(path)
        self.shelf.set_values(path, {"match": None, MATCH_UID: None})
        self._count -= 1

    def __contains__(self, path: object) -> bool:
        return bool(self._count) and isinstance(path, str) and self.shelf.value(path, MATCH_UID) is not None

    def __iter__(self) -> Iterator[str]:
        return (path for path, _ in self.shelf.values(MATCH_UID))

    def __len__(self) -> int:
        return self._count


class ShelvedNumbers(NumberedFiles):
    """The numbers of the shelf's decisions, asked of its rows (a folder of 100,000 numbered
    files held each one's path and number while their keys were found: 238 bytes a file)."""

    def __init__(self, rows: ScratchTable) -> None:
        self._rows = rows
        self._sizes: dict[str, int] | None = None

    def folder_sizes(self) -> dict[str, int]:
        if self._sizes is None:
            self._sizes = self._rows.counts("log_folder")
        return dict(self._sizes)

    def overlap(self, folder: str, folders: Sequence[str]) -> bool:
        return self._rows.shares("log_folder", folder, folders, on="number")

    def in_order(self, folders: Sequence[str]) -> Iterator[tuple[int, str]]:
        sizes = self.folder_sizes()
        if sum(sizes.get(folder, 0) for folder in folders) * 4 < sum(sizes.values()):
            # A few of the numbered files: found by their folders, each page sorted.
            for number, path in self._rows.walk("number_order", ("number", "path"), within=("log_folder", folders)):
                yield int(number), path
            return
        # Most of them: walked along the (number, path) index, the other spaces' passed over
        # (found by their folders, the whole space was sorted again for each page of 500:
        # 5.8 s for a folder of 100,000 files, against 0.5 s).
        wanted = set(folders)
        for number, path, folder in self._rows.walk("number_order", ("number", "path", "log_folder")):
            if folder in wanted:
                yield int(number), path
