"""What a reader makes of one file, before it meets the knowledge base."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from kbridge.model import LinkType

FORMATS = ("adr-tools", "madr", "log4brains", "kbridge")


@dataclass(frozen=True)
class ParsedLink:
    """A link as written in a file. `outgoing` False means the other file is the link's source."""

    type: LinkType
    outgoing: bool
    target: str  # the target as written: a path, a URL, `ADR-0019`, a title
    href: str = ""  # the Markdown link's destination, when the target was a link
    note: str = ""
    verb: str = ""  # the phrase as written ("Superceded by"), kept for writing back
    # Listed under a Links heading with no verb: a relation only to a record of the folder (a
    # spec or a guide the list also names is no record, and no dangling link either).
    listed: bool = False


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
    stated_in: str = ""  # the file whose text states the link


@dataclass
class ParsedRecord:
    path: str  # relative to the imported folder, with "/" separators
    format: str
    title: str
    kind: str = "decision"
    key: str = ""  # set by formats that carry one (kbridge Markdown)
    uid: str = ""
    number: int | None = None
    status: str = ""
    status_text: str | None = None  # the status as written
    status_note: str = ""  # how the status was arrived at, when kbridge had to interpret
    date: str | None = None
    date_text: str | None = None
    date_note: str = ""  # where the date came from, when not from a date the text states
    review_by: str | None = None
    owner: str | None = None
    tags: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    links: list[ParsedLink] = field(default_factory=list)
    body: str = ""
    images: list[str] = field(default_factory=list)  # relative paths of local images it shows
    warnings: list[str] = field(default_factory=list)
    # What a writer needs to give the file back unchanged, or changed only where the record was.
    layout: dict[str, Any] = field(default_factory=dict)
    original: bytes = b""  # the file as read
    decision_like: bool = True  # whether the file reads as a decision record (detect)
    slug: str = ""  # a site slug the file declares (`slug: 23`), which links may use
    log: str = ""  # the folder whose number space the record belongs to ("" for the main one)
    key_hint: str = ""  # the key its file's number gives it (set when the folder is numbered)
    sha256: str = ""  # of `original`, kept when the bytes wait on an import's shelf
    shelved: bool = False  # its text waits on an import's shelf (`kbridge.formats.read.shelf`)

    @property
    def digest(self) -> str:
        """The SHA-256 of the file as read (kept when its bytes are not)."""
        return self.sha256 or hashlib.sha256(self.original).hexdigest()


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class FileWarning:
    path: str
    message: str
