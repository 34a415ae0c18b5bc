"""Which links each generated file of an export states, so that importing the export gives every
link back once and no body grows a section it did not have.

A generated file is first written without link lines and read back the way an import reads it
(its body and status line may already state links, with the body's hrefs pointing at the
exported files); the links between exported records that no file states yet are then written in
the source record's metadata (see `kbridge.formats.write.generate`)."""

from __future__ import annotations

import posixpath

from kbridge.core import lifecycle
from kbridge.formats.markdown_doc import parse
from kbridge.formats.read.numbering import assign_keys
from kbridge.formats.read.parsed import ParsedRecord
from kbridge.formats.read.reader import read_adr
from kbridge.formats.read.resolve import Resolver, links_stated_by
from kbridge.formats.read.scan import MAX_MARKDOWN_BYTES, MAX_MARKDOWN_LINES
from kbridge.formats.text import decode
from kbridge.formats.write import generate
from kbridge.formats.write.patch import LinkLine
from kbridge.model import Kind, LinkedRecord, LinkType, Record, relation_verb

LinkKey = tuple[str, LinkType, str]  # (source uid, type, target uid or "?" + the target as written)


def link_key(source: str, link_type: LinkType, target: str) -> LinkKey:
    if link_type.symmetric and not target.startswith("?"):
        first, second = sorted((source, target))
        return first, link_type, second
    return source, link_type, target


class LinkPlan:
    """The export's files as an import would see them: paths, numbers, titles."""

    def __init__(self, records: list[Record], paths: dict[str, str], ways: dict[str, str]) -> None:
        self.paths = paths
        self.ways = ways
        self.by_path = {path: uid for uid, path in paths.items()}
        self.stated: set[LinkKey] = set()
        self.stated_by: dict[str, set[LinkKey]] = {}  # uid -> the links its own file states
        stubs = []
        for record in records:
            if record.uid not in paths:
                continue
            way = ways[record.uid]
            decision = record.kind is Kind.DECISION and way != "kbridge"
            stubs.append(ParsedRecord(
                path=paths[record.uid], format=way if way in generate.WRITERS else "madr",
                title=record.title, kind=record.kind.value,
                number=generate.record_number(record) if decision else None))
        assign_keys(stubs)
        self.resolver = Resolver(stubs)

    def line(self, record: Record, link: LinkedRecord, title_of: dict[str, Record]) -> LinkLine | None:
        """The link as `record`'s file writes it, or None when its other end is not exported."""
        path = self.paths[record.uid]
        label = (relation_verb(link.type, link.note) or "") if link.direction == "out" else ""
        if link.uid is None:
            text = link.key
            if label.lower().endswith(text.lower()) and len(label) > len(text):
                label = label[: -len(text)].rstrip()  # "Superseded by ADR 9": the verb, then the name
            return LinkLine(link.type, link.direction == "out", text, "", label, link.note)
        if link.uid not in self.paths:
            return None
        other = title_of[link.uid]
        href = posixpath.relpath(self.paths[link.uid], posixpath.dirname(path) or ".")
        number = generate.record_number(other)
        numbered = self.ways.get(record.uid) == "adr-tools" and number is not None
        shown = f"{number}. {other.title}" if numbered else other.title
        return LinkLine(link.type, link.direction == "out", shown, href, label, link.note)

    def read_back(self, record: Record, text: str) -> None:
        """Note the links a generated file states (in its body, its status line)."""
        path, way = self.paths[record.uid], self.ways[record.uid]
        data = text.encode("utf-8")
        if len(data) > MAX_MARKDOWN_BYTES or data.count(b"\n") > MAX_MARKDOWN_LINES:
            return  # an import skips a file this big: it states nothing, every link gets a line
        decoded = decode(data)
        parsed = read_adr(decoded, path, way, parse(decoded.text))
        parsed.number = generate.record_number(record)
        own = self.stated_by.setdefault(record.uid, set())
        for item in links_stated_by(parsed, self.resolver):
            source = self.by_path.get(item.source)
            target = self.by_path.get(item.target) if item.target is not None else f"?{item.target_text.lower()}"
            if source is None or target is None:
                continue
            link_type = LinkType.RELATES_TO if item.reversed_from else lifecycle.kept_link(item.type, item.note)[0]
            key = link_key(source, link_type, target)
            self.stated.add(key)
            own.add(key)

    def unstated(self, record: Record, links: list[LinkedRecord], title_of: dict[str, Record], *,
                 both_ways: bool = False) -> list[LinkLine]:
        """The outgoing links of `record` that no exported file states yet; with `both_ways`
        (adr-tools writes a link in both files), every link its own file does not state, a
        relation's reverse aside (the other file says it in its own words)."""
        lines = []
        for link in links:
            if link.direction != "out" and not (both_ways and not link.type.symmetric):
                continue
            other = link.uid if link.uid is not None else f"?{link.key.lower()}"
            key = link_key(record.uid, link.type, other) if link.direction == "out" else \
                link_key(other, link.type, record.uid)
            if key in (self.stated_by.get(record.uid, set()) if both_ways else self.stated):
                continue
            line = self.line(record, link, title_of)
            if line is not None:
                lines.append(line)
        return lines


def successor_line(plan: LinkPlan, record: Record, links: list[LinkedRecord],
                   title_of: dict[str, Record]) -> LinkLine | None:
    """What a superseded record's status line names: its (first) successor in the export, else
    the successor outside the knowledge base its file named."""
    if record.status != lifecycle.SUPERSEDED:
        return None
    for link in lifecycle.successors(links):
        line = plan.line(record, link, title_of)
        if line is not None:
            return line
    outside = lifecycle.outside_successor(links)
    if outside is not None:
        line = plan.line(record, outside, title_of)
        if line is not None:
            return LinkLine(LinkType.SUPERSEDES, False, line.text, "", line.label, line.note)
    return None
