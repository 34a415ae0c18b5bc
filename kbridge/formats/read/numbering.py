"""The key each imported decision gets from its file's number: `0032-x.md` is ADR-0032 whatever
else is in the folder. Two files with one number get distinct keys (ADR-0020, ADR-0020-2) and a
warning. Folders whose numbers overlap are separate ADR logs, each its own number space with a
key prefix taken from the folder's name (INFRA-0003); folders whose numbers do not overlap (a log
split into subfolders) share the main one (ADR-)."""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field

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
    numbered = [r for r in records if r.number is not None and r.kind == Kind.DECISION.value
                and r.format != "kbridge"]
    by_folder: dict[str, list[ParsedRecord]] = defaultdict(list)
    for record in numbered:
        by_folder[log_folder(record)].append(record)
    if not by_folder:
        return []
    spaces = _spaces(by_folder)
    warnings: list[FileWarning] = []
    for space in spaces:
        members = sorted((r for folder in space.folders for r in by_folder[folder]),
                         key=lambda r: (r.number, r.path))
        same: dict[int, list[ParsedRecord]] = defaultdict(list)
        for record in members:
            same[record.number or 0].append(record)
        for number, group in same.items():
            for index, record in enumerate(group):
                record.log = "" if space.prefix == MAIN_PREFIX else space.prefix
                base = number_key(space.prefix, number)
                record.key_hint = base if index == 0 else f"{base}-{index + 1}"
                if len(group) > 1:
                    others = ", ".join(r.path for r in group if r is not record)
                    warnings.append(FileWarning(record.path, f"number {number} is also used by "
                                                f"{others}: keyed {record.key_hint}"))
    return warnings


def _spaces(by_folder: dict[str, list[ParsedRecord]]) -> list[NumberSpace]:
    def depth(folder: str) -> int:
        return 0 if folder in ("", ".") else folder.count("/") + 1

    order = sorted(by_folder, key=lambda f: (depth(f), -len(by_folder[f]), f))
    main = NumberSpace(MAIN_PREFIX, [order[0]], {r.number or 0 for r in by_folder[order[0]]})
    spaces = [main]
    taken = {MAIN_PREFIX}
    for folder in order[1:]:
        numbers = {r.number or 0 for r in by_folder[folder]}
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
