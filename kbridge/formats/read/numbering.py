"""The key each imported decision gets from its file's number: `0032-x.md` is ADR-0032 whatever
else is in the folder. Two files with one number get distinct keys (ADR-0020, ADR-0020-2) and a
warning. Folders whose numbers overlap are separate ADR logs, each its own number space with a
key prefix taken from the folder's name (INFRA-0003); folders whose numbers do not overlap (a log
split into subfolders) share the main one (ADR-)."""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby

from kbridge.formats.read.parsed import FileWarning, ParsedRecord
from kbridge.model import KEY_DIGITS, Kind

MAIN_PREFIX = Kind.DECISION.key_prefix
_RESERVED = {kind.key_prefix for kind in Kind}
_PREFIX_LIMIT = 24


@dataclass
class NumberSpace:
    prefix: str
    folders: list[str] = field(default_factory=list)
    numbers: set[int] = field(default_factory=set)


def log_folder(record: ParsedRecord) -> str:
    """The folder a record's number belongs to (a `<slug>/README.md` decision: the slug's parent)."""
    folder = posixpath.dirname(record.path)
    return posixpath.dirname(folder) if record.layout.get("named_by_folder") else folder


def number_key(prefix: str, number: int) -> str:
    return f"{prefix}-{number:0{KEY_DIGITS[Kind.DECISION]}d}"


def assign_keys(records: list[ParsedRecord]) -> list[FileWarning]:
    """Set `log` and `key_hint` on every numbered decision; the warnings for duplicate numbers."""
    warnings: list[FileWarning] = []
    hints = {path: (log, hint) for path, _, log, hint in key_hints(records, warnings)}
    for record in records:
        if record.path in hints:
            record.log, record.key_hint = hints[record.path]
    return warnings


def key_hints(records: Iterable[ParsedRecord], warnings: list[FileWarning]) -> Iterator[tuple[str, int, str, str]]:
    """(path, number, number space (`log`), key hint) of every numbered decision, a space at a time; the
    warnings for duplicate numbers go to `warnings`. Holds the path and number of each, not the
    records (read one at a time from an import's shelf)."""
    by_folder: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for record in records:
        if record.number is not None and record.kind == Kind.DECISION.value and record.format != "kbridge":
            by_folder[log_folder(record)].append((record.number, record.path))
    if not by_folder:
        return
    spaces = _spaces({folder: [number for number, _ in members] for folder, members in by_folder.items()})
    for space in spaces:
        members = sorted(member for folder in space.folders for member in by_folder[folder])
        log = "" if space.prefix == MAIN_PREFIX else space.prefix
        for number, same in groupby(members, key=lambda member: member[0]):
            group = [path for _, path in same]
            base = number_key(space.prefix, number)
            for index, path in enumerate(group):
                hint = base if index == 0 else f"{base}-{index + 1}"
                if len(group) > 1:
                    others = ", ".join(other for other in group if other != path)
                    warnings.append(FileWarning(path, f"number {number} is also used by {others}: keyed {hint}"))
                yield path, number, log, hint


def _spaces(by_folder: dict[str, list[int]]) -> list[NumberSpace]:
    def depth(folder: str) -> int:
        return 0 if folder in ("", ".") else folder.count("/") + 1

    order = sorted(by_folder, key=lambda f: (depth(f), -len(by_folder[f]), f))
    main = NumberSpace(MAIN_PREFIX, [order[0]], set(by_folder[order[0]]))
    spaces = [main]
    taken = {MAIN_PREFIX}
    for folder in order[1:]:
        numbers = set(by_folder[folder])
        if not numbers & main.numbers:
            main.folders.append(folder)
            main.numbers |= numbers
            continue
        prefix = _prefix(folder, taken)
        taken.add(prefix)
        spaces.append(NumberSpace(prefix, [folder], numbers))
    return spaces


def _prefix(folder: str, taken: set[str]) -> str:
    """A key prefix from a folder's name: `infra` -> INFRA, `eval-hub` -> EVAL-HUB."""
    def clean(text: str) -> str:
        return re.sub(r"[^A-Z0-9]+", "-", text.upper()).strip("-")[:_PREFIX_LIMIT].strip("-")

    candidates = [clean(posixpath.basename(folder)), clean(folder.replace("/", "-"))]
    for candidate in candidates:
        if candidate and candidate not in taken and candidate not in _RESERVED and candidate[0].isalpha():
            return candidate
    base = next((c for c in candidates if c and c[0].isalpha()), "LOG")
    index = 2
    while f"{base}{index}" in taken:
        index += 1
    return f"{base}{index}"
