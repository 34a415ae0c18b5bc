"""Turning the links files state into links between files: by path first (a relative path, a URL
ending in a file of the folder, a site slug such as `/adr/23`), then by number within the record's
own ADR log, then by file name or title. When the path and the number a link names disagree, the
path wins and a warning says so."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from typing import Protocol
from urllib.parse import unquote, urlparse

from kbridge.formats.read import extract
from kbridge.formats.read.link_book import HeldLinks, LinkBook
from kbridge.formats.read.numbering import log_folder
from kbridge.formats.read.parsed import FileWarning, ParsedLink, ParsedRecord, ResolvedLink
from kbridge.formats.read.shelf import NAMES, names_of, numbered

# What a link to a decision's file ends with.
_DOCUMENTS = (".md", ".markdown", ".rst")


class FolderIndex(Protocol):
    """What links find a file of the folder by: its path, and `named` for its file name
    ("basename"), stem ("stem", a `<slug>/README.md` also by its folder), number within its
    number space ("numbered"), title ("title") and site slug ("slug"), lowercased: the paths, in
    the order of the records given."""

    def record(self, path: str) -> ParsedRecord | None: ...

    def has(self, path: str) -> bool: ...

    def named(self, name: str, value: str) -> list[str]: ...


class MemoryIndex:
    """A FolderIndex of records held in memory (a scan, an export's stubs)."""

    def __init__(self, records: Iterable[ParsedRecord]) -> None:
        records = list(records)
        self.paths = {record.path: record for record in records}
        self.tables: dict[str, dict[str, list[str]]] = {name: {} for name in NAMES}
        for record in records:
            for name, value in names_of(record).items():
                if value is not None:  # a `<slug>/README.md` is also found by its folder's name
                    table = self.tables["stem" if name == "folder_stem" else name]
                    table.setdefault(value, []).append(record.path)

    def record(self, path: str) -> ParsedRecord | None:
        return self.paths.get(path)

    def has(self, path: str) -> bool:
        return path in self.paths

    def named(self, name: str, value: str) -> list[str]:
        return self.tables[name].get(value) or []


class Resolver:
    def __init__(self, records: Iterable[ParsedRecord] = (), index: FolderIndex | None = None) -> None:
        self.index: FolderIndex = index if index is not None else MemoryIndex(records)
        self.warnings: list[FileWarning] = []

    def find(self, link: ParsedLink, where: str) -> str | None:
        """The path of the record a link from the file `where` points to, or None."""
        folder = posixpath.dirname(where)
        text = link.target.strip()
        number = extract.number_in(text)
        by_number = self._by_number(number, where) if number is not None else None
        if link.href:
            found = self._by_href(link.href, folder)
            if found:
                if by_number and by_number != found and self._number_of(found) != number:
                    self.warnings.append(FileWarning(where, (
                        f"the link [{text}]({link.href}) names number {number} ({by_number}) but "
                        f"its path is {found}: linked by the path")))
                return found
        if by_number:
            if link.href.lower().split("#")[0].endswith(_DOCUMENTS) and "://" not in link.href:
                self.warnings.append(FileWarning(where, (
                    f"the link [{text}]({link.href}) names no file of the folder: linked by its "
                    f"number to {by_number}")))
            return by_number
        for name in ("stem", "title"):
            candidates = self.index.named(name, text.lower().removesuffix(".md"))
            if len(candidates) == 1:
                return candidates[0]
        return None

    def _number_of(self, path: str) -> int | None:
        record = self.index.record(path)
        return record.number if record is not None else None

    def _by_number(self, number: int, where: str) -> str | None:
        record = self.index.record(where)
        log = record.log if record is not None else ""
        candidates = self.index.named("numbered", numbered(log, number))
        if len(candidates) > 1 and record is not None:
            near = [c for c in candidates if _log_folder_of(self.index, c) == log_folder(record)]
            candidates = near or candidates
        return candidates[0] if candidates else None

    def _by_href(self, href: str, folder: str) -> str | None:
        url = urlparse(href)
        if url.scheme in ("http", "https"):
            base = posixpath.basename(unquote(url.path))
            if base.lower().endswith(_DOCUMENTS):
                return _prefer(self.index.named("basename", base.lower()), folder)
            return None
        if url.scheme:
            return None
        target = unquote(url.path)
        if not target:
            return None
        joined = posixpath.normpath(posixpath.join(folder, target)).removeprefix("./")
        if self.index.has(joined):
            return joined
        for page in ("README.md", "index.md"):
            inside = posixpath.join(joined, page)
            if self.index.has(inside):
                return inside
        found = _prefer(self.index.named("basename", posixpath.basename(target).lower()), folder)
        if found or target.lower().endswith(_DOCUMENTS):
            return found
        # A site address (`/adr/23`, `../decisions/use-x`): its last part names a slug.
        last = posixpath.basename(target.rstrip("/")).lower()
        return _prefer(self.index.named("slug", last) or self.index.named("stem", last), folder)


def _log_folder_of(index: FolderIndex, path: str) -> str | None:
    record = index.record(path)
    return log_folder(record) if record is not None else None


def _prefer(candidates: list[str], folder: str) -> str | None:
    if not candidates:
        return None
    same = [c for c in candidates if posixpath.dirname(c) == folder]
    return (same or candidates)[0]


def links_stated_by(record: ParsedRecord, resolver: Resolver) -> list[ResolvedLink]:
    """The links `record`'s own text states, each from its source to its target."""
    stated: list[ResolvedLink] = []
    found = [(link, _listed_target(link, resolver.find(link, record.path))) for link in record.links]
    linked = {other for link, other in found if not link.listed}
    for link, other in found:
        unwanted = link.listed and (other in linked or (other is None and not _names_a_decision(link)))
        if other == record.path or unwanted:
            continue  # listed with no verb: related only when nothing else links it, and never to a guide
        if link.outgoing:
            item = ResolvedLink(record.path, link.type, other, link.target, link.note,
                                stated_in=record.path)
        elif other is not None:
            item = ResolvedLink(other, link.type, record.path, record.title, link.note,
                                stated_in=record.path)
        else:
            item = ResolvedLink(record.path, link.type, None, link.target, link.note,
                                reversed_from=link.verb or "superseded by", stated_in=record.path)
        stated.append(item)
    return stated


# A decision outside the folder, by its name or its folder (`ADR-002` in `../architecture/decisions/`).
_DECISION_NAME = re.compile(r"^\W*(?:adr|decision)\W*\d", re.I)
_DECISION_FOLDER = re.compile(r"(?:^|/)(?:adrs?|decisions?|architecture-decisions?|decision-records?)/", re.I)


def _listed_target(link: ParsedLink, other: str | None) -> str | None:
    """`other`, unless a listed link leads out of its folder (a path up, an address) to a file of
    another name: a decision of another folder (`../architecture/decisions/ADR-002-x.md`) or
    project (`https://.../adr-002-x`) is not the one this folder numbers 2. (Beside it, a
    renamed file is found by its number, and said so.)"""
    if not (link.listed and other is not None and ("../" in link.href or "://" in link.href)):
        return other
    name = posixpath.basename(unquote(urlparse(link.href).path)).lower()
    return other if posixpath.basename(other).lower() == name else None


def _names_a_decision(link: ParsedLink) -> bool:
    """Whether a link no record of the folder answers names a decision kept beside it, in the same
    repository (kept, dangling: it may be imported too), rather than a guide or a spec the same
    list names, or another project's decision at an address (left out: no record of this
    knowledge base will ever answer it, and a dangling link asks for one)."""
    if "://" in link.href:
        return False
    return bool(_DECISION_NAME.match(link.target) or _DECISION_FOLDER.search(link.href))


def resolve_links(records: Iterable[ParsedRecord], warnings: list[FileWarning] | None = None,
                  index: FolderIndex | None = None, book: LinkBook | None = None) -> LinkBook:
    """Every link stated in the records, once, from its source to its target (found through
    `index` when the records are not held in memory), kept in `book` (by default held)."""
    resolver = Resolver(records, index)
    book = book if book is not None else HeldLinks()
    for record in records:
        for item in links_stated_by(record, resolver):
            book.add(item)
    if warnings is not None:
        warnings.extend(resolver.warnings)
    return book
