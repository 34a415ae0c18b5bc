"""kbridge Markdown (docs/kbridge-markdown.md): one record per file, YAML front matter, Markdown body."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import yaml

from kbridge.formats.markdown_doc import Document, parse
from kbridge.formats.read.parsed import ParsedLink, ParsedRecord
from kbridge.formats.read.reader import local_images
from kbridge.formats.safe_yaml import load_yaml
from kbridge.formats.sync.versions import LinkValue, Version, version_of_parts
from kbridge.formats.text import DecodedText
from kbridge.model import (
    Kind,
    LinkedRecord,
    LinkType,
    Record,
    ValidationError,
)

FRONT_MATTER_FENCE = "---"
KIND_FOLDERS = {kind: kind.plural.lower() for kind in Kind}


@dataclass
class LinkSpec:
    type: LinkType
    target: str
    note: str = ""


@dataclass
class KbridgeDocument:
    key: str
    kind: Kind
    title: str
    status: str | None = None
    body: str = ""
    tags: list[str] = field(default_factory=list)
    owner: str | None = None
    date: str | None = None
    review_by: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    links: list[LinkSpec] = field(default_factory=list)
    uid: str | None = None


def split_front_matter(text: str) -> tuple[str | None, str]:
    """(front matter text or None, body). The front matter must open on the first line."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != FRONT_MATTER_FENCE:
        return None, text
    for index in range(1, len(lines)):
        if lines[index].rstrip() == FRONT_MATTER_FENCE:
            return "".join(lines[1:index]), "".join(lines[index + 1 :])
    return None, text


def parse_kbridge_markdown(text: str, name: str = "<text>") -> KbridgeDocument:
    """A kbridge Markdown document; a ValidationError saying what is wrong and where otherwise."""
    front, body = split_front_matter(text)
    if front is None:
        raise ValidationError(f"{name}: no YAML front matter (a kbridge record starts with ---)")
    try:
        data = load_yaml(front)
    except (yaml.YAMLError, ValueError) as error:
        raise ValidationError(f"{name}: front matter is not valid YAML ({error})") from error
    if not isinstance(data, dict):
        raise ValidationError(f"{name}: front matter must be a mapping of names to values")
    missing = [name_ for name_ in ("key", "kind", "title") if not data.get(name_)]
    if missing:
        raise ValidationError(f"{name}: front matter lacks {', '.join(missing)}")
    links = []
    for item in data.get("links") or []:
        if not isinstance(item, dict) or "type" not in item or "target" not in item:
            raise ValidationError(f"{name}: each link needs a type and a target (got {item!r})")
        links.append(LinkSpec(LinkType.parse(str(item["type"])), str(item["target"]), str(item.get("note") or "")))
    fields = data.get("fields") or {}
    if not isinstance(fields, dict):
        raise ValidationError(f"{name}: fields must be a mapping")
    return KbridgeDocument(
        key=str(data["key"]),
        kind=Kind.parse(str(data["kind"])),
        title=str(data["title"]),
        status=str(data["status"]) if data.get("status") is not None else None,
        body=body,
        tags=[str(tag) for tag in data.get("tags") or []],
        owner=str(data["owner"]) if data.get("owner") else None,
        date=_date_text(data.get("date")),
        review_by=_date_text(data.get("review_by")),
        fields={str(k): _plain(v) for k, v in fields.items()},
        links=links,
        uid=str(data["uid"]) if data.get("uid") else None,
    )


def write_kbridge_markdown(record: Record, links: list[LinkedRecord]) -> str:
    """The kbridge Markdown file of a record and its outgoing links (the canonical form)."""
    outgoing = [LinkValue(link.type.value, link.key, link.note) for link in links if link.direction == "out"]
    return render_version(version_of_parts(
        key=record.key, kind=record.kind.value, title=record.title, status=record.status,
        date=record.date, review_by=record.review_by, owner=record.owner_key, tags=record.tags,
        fields=record.fields, links=outgoing, body=record.body, uid=record.uid,
    ))


def render_version(version: Version) -> str:
    """The one form kbridge writes a record in: the same content gives the same bytes in every
    knowledge base (links in a stable order, tags sorted), in the style of the documentation:
    unquoted ISO dates, short lists on one line, every link on lines of its own."""
    data: dict[str, Any] = {"key": version.key, "kind": version.kind, "title": version.title}
    if version.status:
        data["status"] = version.status
    for name in ("date", "review_by"):
        value = getattr(version, name)
        if value:
            data[name] = _yaml_date(value)
    if version.owner:
        data["owner"] = version.owner
    if version.tags:
        data["tags"] = list(version.tags)
    if version.fields:
        data["fields"] = dict(version.fields)
    if version.links:
        data["links"] = [
            {"type": link.type, "target": link.target, **({"note": link.note} if link.note else {})}
            for link in version.links
        ]
    if version.uid:
        data["uid"] = version.uid
    front = yaml.dump(data, Dumper=_Writer, sort_keys=False, allow_unicode=True, width=_NO_FOLDING)
    # The body follows the fence as it is, so that reading the file back gives it exactly.
    return f"{FRONT_MATTER_FENCE}\n{front}{FRONT_MATTER_FENCE}\n{version.body}"


def parse_version(text: str, name: str = "<text>") -> Version:
    """A kbridge Markdown file's content as sync compares it (ValidationError when unreadable)."""
    doc = parse_kbridge_markdown(text.replace("\r\n", "\n"), name)
    return version_of_parts(
        key=doc.key, kind=doc.kind.value, title=doc.title, status=doc.status, date=doc.date,
        review_by=doc.review_by, owner=doc.owner, tags=doc.tags, fields=doc.fields,
        links=[LinkValue(link.type.value, link.target, link.note) for link in doc.links],
        body=doc.body, uid=doc.uid,
    )


# Long titles and values stay on one line: a change is then a one-line change in git.
_NO_FOLDING = 1 << 16


class _Writer(yaml.SafeDumper):
    """Block lists indented under their key (`links:` then `  - type: ...`)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    plain = bool(data) and all(isinstance(item, (str, int, float, bool)) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=plain)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[Any, Any]) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=False)


def _represent_text(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    # Text of several lines as a literal block (PyYAML quotes it instead when it cannot be one). The
    # line breaks YAML knows besides \n (NEL, LS, PS) would be read back as spaces in any style but
    # a double-quoted one, which escapes them.
    style = '"' if _OTHER_BREAKS.intersection(data) else "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_OTHER_BREAKS = frozenset("\x85\u2028\u2029")


_Writer.add_representer(list, _represent_list)
_Writer.add_representer(dict, _represent_dict)
_Writer.add_representer(str, _represent_text)


def _yaml_date(value: str) -> dt.date | str:
    """An ISO date as a YAML date (written unquoted); any other text as text."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return value


def _date_text(value: Any) -> str | None:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value) if value else None


def _plain(value: Any) -> Any:
    """YAML dates become ISO strings so fields survive JSON storage unchanged."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def read_kbridge(decoded: DecodedText, path: str, document: Document | None = None) -> ParsedRecord:
    """A kbridge Markdown file as a ParsedRecord for the folder importer (`document`: the file's
    Markdown structure when the caller has parsed it already)."""
    doc = parse_kbridge_markdown(decoded.text.replace("\r\n", "\n"), path)
    record = ParsedRecord(
        path=path,
        format="kbridge",
        title=doc.title,
        kind=doc.kind.value,
        key=doc.key,
        uid=doc.uid or "",
        status=doc.status or "",
        status_text=doc.status,
        date=doc.date,
        review_by=doc.review_by,
        owner=doc.owner,
        tags=list(doc.tags),
        fields=dict(doc.fields),
        links=[ParsedLink(link.type, True, link.target, "", link.note) for link in doc.links],
        body=doc.body,
        warnings=list(decoded.warnings),
    )
    record.images = local_images(document or parse(decoded.text), path, record)
    return record
