"""The key each imported decision gets from its file's number: `0032-x.md` is ADR-0032 whatever
else is in the folder. Two files with one number get distinct keys (ADR-0020, ADR-0020-2) and a
warning. Folders whose numbers overlap are separate ADR logs, each its own number space with a
key prefix taken from the folder's name (INFRA-0003); folders whose numbers do not overlap (a log
split into subfolders) share the main one (ADR-)."""

from __future__ import annotations

import posixpath
import re
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby

from kbridge.formats.read.parsed import FileWarning, ParsedRecord
from kbridge.model import KEY_DIGITS, Kind

MAIN_PREFIX = Kind.DECISION.key_prefix
_RESERVED = {kind.key_prefix for kind in Kind}
_PREFIX_LIMIT = 24
# Folder names that say what a folder holds, not whose it is (passed over for a key prefix).
_HOLDER_NAMES = {"adr", "adrs", "arch", "architecture", "content", "decision", "decision-log", "decision-records",
                 "decisions", "design", "doc", "docs", "documentation", "pages", "records", "source", "src"}
OTHERS_NAMED = 5  # the other files of a duplicate number a warning names


@dataclass
class NumberSpace:
    prefix: str
    folders: list[str] = field(default_factory=list)


def log_folder(record: ParsedRecord) -> str:
    """The folder a record's number belongs to (a `<slug>/README.md` decision: the slug's parent)."""
    folder = posixpath.dirname(record.path)
    return posixpath.dirname(folder) if record.layout.get("named_by_folder") else folder


def number_key(prefix: str, number: int) -> str:
    return f"{prefix}-{number:0{KEY_DIGITS[Kind.DECISION]}d}"


def numbered_decision(record: ParsedRecord) -> bool:
    """Whether `record` takes its key from its file's number (a decision, not a kbridge page)."""
    return record.number is not None and record.kind == Kind.DECISION.value and record.format != "kbridge"


def number_order(number: int, path: str) -> str:
    """(number, path) as one text that sorts as the pair does (the number's length, its digits)."""
    digits = str(number)
    return f"{len(digits):04d}{digits}\x00{path}"


class NumberedFiles(ABC):
    """The numbered decisions of a folder being read, by the folder their number belongs to
    (`log_folder`): what the number spaces are worked out from."""

    @abstractmethod
    def folder_sizes(self) -> dict[str, int]:
        """How many numbered decisions each folder has (folders with none left out)."""

    @abstractmethod
    def overlap(self, folder: str, folders: Sequence[str]) -> bool:
        """Whether a number of `folder` is also a number of one of `folders`."""

    @abstractmethod
    def in_order(self, folders: Sequence[str]) -> Iterator[tuple[int, str]]:
        """(number, path) of the numbered decisions of `folders`, by number, then path."""


class HeldNumbers(NumberedFiles):
    """The numbers of records held in a list (a few: stubs of links, small folders)."""

    def __init__(self, records: Iterable[ParsedRecord]) -> None:
        self._by_folder: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for record in records:
            if numbered_decision(record):
                assert record.number is not None
                self._by_folder[log_folder(record)].append((record.number, record.path))
        # The numbers of the folders last asked about, grown as that list grows (the main space
        # gains a folder at a time: its numbers gathered anew for each made 2,000 logs take 2.8 s).
        self._joined: list[str] = []
        self._joined_numbers: set[int] = set()

    def folder_sizes(self) -> dict[str, int]:
        return {folder: len(members) for folder, members in self._by_folder.items()}

    def overlap(self, folder: str, folders: Sequence[str]) -> bool:
        if list(folders[:len(self._joined)]) != self._joined:
            self._joined, self._joined_numbers = [], set()
        for other in folders[len(self._joined):]:
            self._joined.append(other)
            self._joined_numbers.update(number for number, _ in self._by_folder[other])
        return any(number in self._joined_numbers for number, _ in self._by_folder[folder])

    def in_order(self, folders: Sequence[str]) -> Iterator[tuple[int, str]]:
        return iter(sorted(member for folder in folders for member in self._by_folder[folder]))


# Numbers that may be years: in a folder whose files are named by date, a name that starts with
# one of them alone (`2024-object-graph-serialization.md` beside `2022-04-08-x.md`) is dated too.
_YEARS = range(1900, 2100)


def years_not_numbers(numbered: NumberedFiles, dated: set[str]) -> Iterator[tuple[str, int]]:
    """(path, year) of each decision numbered by a year in a folder of `dated` (folders with
    files named by date) where every number is a year: json-schema-spec's decisions, named by
    date, and two of them by a year alone, were keyed ADR-2024 and ADR-2025, and the others after
    them. A folder with one number below 1900 is numbered (Rust's RFCs run past 2000)."""
    for folder in sorted(dated & set(numbered.folder_sizes())):
        members = []
        for number, path in numbered.in_order([folder]):
            if number not in _YEARS:
                break
            members.append((path, number))
        else:
            yield from members


def assign_keys(records: list[ParsedRecord]) -> list[FileWarning]:
    """Set `log` and `key_hint` on every numbered decision; the warnings for duplicate numbers."""
    warnings: list[FileWarning] = []
    hints = {path: (log, hint) for path, _, log, hint in key_hints(HeldNumbers(records), warnings)}
    for record in records:
        if record.path in hints:
            record.log, record.key_hint = hints[record.path]
    return warnings


def key_hints(numbered: NumberedFiles, warnings: list[FileWarning]) -> Iterator[tuple[str, int, str, str]]:
    """(path, number, number space (`log`), key hint) of every numbered decision, a space at a
    time; the warnings for duplicate numbers go to `warnings`. Holds one number's files at a time
    (the numbers of an import's files are asked of its shelf)."""
    sizes = numbered.folder_sizes()
    if not sizes:
        return
    for space in _spaces(numbered, sizes):
        log = "" if space.prefix == MAIN_PREFIX else space.prefix
        for number, same in groupby(numbered.in_order(space.folders), key=lambda member: member[0]):
            group = [path for _, path in same]
            base = number_key(space.prefix, number)
            for index, path in enumerate(group):
                hint = base if index == 0 else f"{base}-{index + 1}"
                if len(group) > 1:
                    warnings.append(FileWarning(path, f"number {number} is also used by {_others(group, path)}: "
                                                      f"keyed {hint}"))
                yield path, number, log, hint


def _others(group: list[str], path: str) -> str:
    """The other files of a number, the first few named (a folder of 10,000 copies of one file
    made 10,000 warnings naming 9,999 files each)."""
    others = [other for other in group if other != path]
    if len(others) <= OTHERS_NAMED:
        return ", ".join(others)
    return f"{', '.join(others[:OTHERS_NAMED])} and {len(others) - OTHERS_NAMED:,} more"


def _spaces(numbered: NumberedFiles, sizes: dict[str, int]) -> list[NumberSpace]:
    """The main number space (the shallowest folder with the most numbers, and every folder
    whose numbers overlap none of it), then one of each folder whose numbers do."""
    def depth(folder: str) -> int:
        return 0 if folder in ("", ".") else folder.count("/") + 1

    order = sorted(sizes, key=lambda f: (depth(f), -sizes[f], f))
    main = NumberSpace(MAIN_PREFIX, [order[0]])
    spaces = [main]
    taken = {MAIN_PREFIX}
    for folder in order[1:]:
        if not numbered.overlap(folder, main.folders):
            main.folders.append(folder)
            continue
        prefix = _prefix(folder, taken)
        taken.add(prefix)
        spaces.append(NumberSpace(prefix, [folder]))
    return spaces


def _prefix(folder: str, taken: set[str]) -> str:
    """A key prefix from a folder's name: `infra` -> INFRA, `eval-hub` -> EVAL-HUB; a folder named
    for what it holds (`services/billing/docs/adr`) by the nearest folder named otherwise
    (BILLING, then SERVICES-BILLING); else by its whole path."""
    def clean(text: str) -> str:
        return re.sub(r"[^A-Z0-9]+", "-", text.upper()).strip("-")[:_PREFIX_LIMIT].strip("-")

    named = [part for part in reversed(folder.split("/")) if part and part.lower() not in _HOLDER_NAMES]
    candidates = [clean(named[0])] if named else []
    if len(named) > 1:
        candidates.append(clean(f"{named[1]}-{named[0]}"))
    candidates.append(clean(folder.replace("/", "-")))
    for candidate in candidates:
        if candidate and candidate not in taken and candidate not in _RESERVED and candidate[0].isalpha():
            return candidate
    base = next((c for c in candidates if c and c[0].isalpha()), "LOG")
    index = 2
    while f"{base}{index}" in taken:
        index += 1
    return f"{base}{index}"
