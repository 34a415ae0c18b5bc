"""A record's content as sync compares and merges it: the same value whether it was read from a
kbridge Markdown file or from the knowledge base, so that "changed" means a word changed, never a
quote, a list style or the order of links."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from kbridge.model import Link, Record, ValidationError, normalise_date, normalise_tags

# The parts of a version that merge field by field, in the order a file lists them.
SCALARS = ("key", "kind", "title", "status", "date", "review_by", "owner")


@dataclass(frozen=True)
class LinkValue:
    type: str  # a LinkType value
    target: str  # the key of the record linked to (or the text of a dangling link)
    note: str = ""

    @property
    def identity(self) -> tuple[str, str]:
        return self.type, self.target.lower()


@dataclass(frozen=True)
class Version:
    key: str
    kind: str
    title: str
    status: str = ""
    date: str | None = None
    review_by: str | None = None
    owner: str | None = None  # the key of a person record
    tags: tuple[str, ...] = ()
    fields: dict[str, Any] = field(default_factory=dict, hash=False)
    links: tuple[LinkValue, ...] = ()
    body: str = ""
    uid: str = ""

    def content(self) -> dict[str, Any]:
        """Everything a person wrote, without the uid (which identifies, never differs)."""
        return {
            **{name: getattr(self, name) for name in SCALARS},
            "tags": list(self.tags),
            "fields": self.fields,
            "links": [[link.type, link.target, link.note] for link in self.links],
            "body": self.body,
        }

    def same_content(self, other: Version) -> bool:
        return fingerprint(self) == fingerprint(other)

    def with_values(self, **values: Any) -> Version:
        return replace(self, **values)


def fingerprint(version: Version) -> str:
    text = json.dumps(version.content(), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sorted_links(links: Iterable[LinkValue]) -> tuple[LinkValue, ...]:
    """One link per (type, target), in a stable order: two knowledge bases holding the same links
    write them alike, whatever order they were added in."""
    unique: dict[tuple[str, str], LinkValue] = {}
    for link in links:
        unique.setdefault(link.identity, link)
    return tuple(sorted(unique.values(), key=lambda link: (link.type, link.target.lower(), link.target)))


def clean_date(value: str | None) -> str | None:
    """An ISO date, or the text as written when it is not one (kept, so that nothing is lost;
    the knowledge base refuses it with a reason when the version is applied)."""
    try:
        return normalise_date(value)
    except ValidationError:
        return str(value).strip() or None


def version_of_record(record: Record, links: Iterable[Link], keys: dict[str, str]) -> Version:
    """`record` with its outgoing `links`; `keys` maps uids to keys (for link targets)."""
    values = [
        LinkValue(link.type.value, keys.get(link.target_uid or "", link.target_ref) if link.target_uid
                  else link.target_ref, link.note)
        for link in links
    ]
    return Version(
        key=record.key, kind=record.kind.value, title=record.title, status=record.status or "",
        date=record.date, review_by=record.review_by, owner=record.owner_key,
        tags=tuple(record.tags), fields=dict(record.fields), links=sorted_links(values),
        body=record.body, uid=record.uid,
    )


def version_of_parts(*, key: str, kind: str, title: str, status: str | None, date: str | None,
                     review_by: str | None, owner: str | None, tags: Iterable[str],
                     fields: dict[str, Any], links: Iterable[LinkValue], body: str,
                     uid: str | None) -> Version:
    """A version from what a file states, normalised the way the knowledge base keeps it."""
    return Version(
        key=key.strip(), kind=kind, title=" ".join(title.split()),
        status=(status or "").strip().lower(), date=clean_date(date), review_by=clean_date(review_by),
        owner=owner or None, tags=tuple(normalise_tags(list(tags))), fields=dict(fields),
        links=sorted_links(links), body=body, uid=uid or "",
    )
