"""Turning the links files state into links between files: by path, URL, number or title."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from kbridge.formats import extract
from kbridge.formats.parsed import ParsedLink, ParsedRecord
from kbridge.model import LinkType


@dataclass(frozen=True)
class ResolvedLink:
    """A link between two files of the folder; `target` None keeps a dangling link's text.

    A file that says "Superseded by X" where X is not in the folder gives a link whose source is
    missing: it is kept from the stating file's side with `reversed_from` set, so nothing is lost.
    """

    source: str
    type: LinkType
    target: str | None
    target_text: str = ""
    note: str = ""
    reversed_from: str = ""  # the phrase of an incoming link whose source is missing


class Resolver:
    def __init__(self, records: list[ParsedRecord]) -> None:
        self.paths = {record.path: record for record in records}
        self.by_basename: dict[str, list[str]] = {}
        self.by_stem: dict[str, list[str]] = {}
        self.by_number: dict[tuple[str, int], list[str]] = {}
        self.by_title: dict[str, list[str]] = {}
        for record in records:
            base = posixpath.basename(record.path)
            self.by_basename.setdefault(base.lower(), []).append(record.path)
            self.by_stem.setdefault(posixpath.splitext(base)[0].lower(), []).append(record.path)
            if record.number is not None:
                folder = posixpath.dirname(record.path)
                self.by_number.setdefault((folder, record.number), []).append(record.path)
            self.by_title.setdefault(record.title.strip().lower(), []).append(record.path)

    def find(self, link: ParsedLink, where: str) -> str | None:
        """The path of the record a link from the file `where` points to, or None."""
        folder = posixpath.dirname(where)
        if link.href:
            found = self._by_href(link.href, folder)
            if found:
                return found
        text = link.target.strip()
        number = extract.number_in(text)
        if number is not None:
            candidates = self.by_number.get((folder, number)) or []
            if len(candidates) == 1:
                return candidates[0]
        for table, value in ((self.by_stem, text.lower()), (self.by_title, text.lower())):
            candidates = table.get(value.removesuffix(".md")) or []
            if len(candidates) == 1:
                return candidates[0]
        return None

    def _by_href(self, href: str, folder: str) -> str | None:
        url = urlparse(href)
        if url.scheme in ("http", "https"):
            base = posixpath.basename(unquote(url.path))
            if base.lower().endswith((".md", ".markdown")):
                return _prefer(self.by_basename.get(base.lower()) or [], folder)
            return None
        if url.scheme:
            return None
        target = unquote(url.path)
        if not target:
            return None
        joined = posixpath.normpath(posixpath.join(folder, target)).removeprefix("./")
        if joined in self.paths:
            return joined
        return _prefer(self.by_basename.get(posixpath.basename(target).lower()) or [], folder)


def _prefer(candidates: list[str], folder: str) -> str | None:
    if not candidates:
        return None
    same = [c for c in candidates if posixpath.dirname(c) == folder]
    return (same or candidates)[0]


def resolve_links(records: list[ParsedRecord]) -> list[ResolvedLink]:
    """Every link stated in the records, once, from its source to its target."""
    resolver = Resolver(records)
    seen: set[tuple[str, LinkType, str]] = set()
    resolved: list[ResolvedLink] = []
    for record in records:
        for link in record.links:
            other = resolver.find(link, record.path)
            if other == record.path:
                continue
            if link.outgoing:
                item = ResolvedLink(record.path, link.type, other, link.target, link.note)
            elif other is not None:
                item = ResolvedLink(other, link.type, record.path, record.title, link.note)
            else:
                item = ResolvedLink(record.path, link.type, None, link.target, link.note,
                                    reversed_from=link.verb or "superseded by")
            target = item.target or f"?{item.target_text.lower()}"
            marker = (item.source, item.type, target)
            if item.type.symmetric and item.target is not None:
                first, second = sorted((item.source, item.target))
                marker = (first, item.type, second)
            if marker not in seen:
                seen.add(marker)
                resolved.append(item)
    return resolved
