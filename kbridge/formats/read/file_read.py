"""Reading one Markdown file of a folder being imported: its bytes (capped, no link followed), its
structure, the format its own marks point to, and the record it reads as. A function of the file
alone, so that a folder's files can be read on other processors (`kbridge.formats.read.reading_pool`)
and what this returns crosses a process boundary (plain, picklable values)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kbridge import safe_files
from kbridge.formats import rst_doc
from kbridge.formats.markdown_doc import Document, parse
from kbridge.formats.read import detect
from kbridge.formats.read.parsed import ParsedRecord, Skipped
from kbridge.formats.read.reader import read_adr
from kbridge.formats.text import DecodedText, decode
from kbridge.model import KbridgeError

MAX_MARKDOWN_BYTES = 2 * 1024 * 1024
MAX_MARKDOWN_LINES = 100_000
# The format a file whose own marks tell none is read as until its folder's is known. The formats
# but kbridge Markdown read a file alike but for the name they give it (`named_as`), so the file
# is parsed once whatever its folder turns out to be (parsing is most of an import's reading).
FOR_NOW = "madr"

# Reads a kbridge Markdown file; supplied by the kbridge format module to keep this one generic.
# Given the document parsed already (for the images), so that nothing is parsed twice.
KbridgeReader = Callable[[DecodedText, str, Document], ParsedRecord]


@dataclass
class FileRead:
    """What one Markdown file reads as."""

    path: str
    named_by_folder: bool  # a `<slug>/README.md` or `<slug>/index.md`: its folder's decision
    guess: str | None  # the format the file's own marks point to
    # The record, or why it is not one, read as the format asked for, or as its guess, or (neither
    # told) as FOR_NOW; `told` says whether one was.
    outcome: ParsedRecord | Skipped
    told: bool
    notes: list[str] = field(default_factory=list)  # warnings of the reading itself
    # The bytes of a file no format was told for and that did not read as FOR_NOW: its folder's
    # format may be kbridge Markdown, which reads it otherwise (a record keeps its own bytes).
    waiting: bytes = b""


def read_markdown(root: Path, rel: str, named_by_folder: bool, fmt: str,
                  kbridge_reader: KbridgeReader | None) -> FileRead | Skipped:
    """The Markdown file at `rel` (relative to `root`), read as `fmt` ("auto": as its own marks
    tell), or why it is skipped before it is read as any format."""
    try:  # regular files only, no link followed, capped: the file may have changed since the walk
        data = safe_files.read_file(root, rel, max_bytes=MAX_MARKDOWN_BYTES)
    except safe_files.UnsafePathError as error:
        return Skipped(rel, str(error).removeprefix(f"{rel}: "))
    except OSError as error:
        return Skipped(rel, f"cannot be read: {error.strerror or error}")
    if data.count(b"\n") > MAX_MARKDOWN_LINES:
        # Parsing is linear but not cheap (~30 µs a line); no decision record is this long.
        return Skipped(rel, f"over {MAX_MARKDOWN_LINES:,} lines; not read")
    decoded = decode(data)
    if not decoded.text.strip():
        return Skipped(rel, "empty file")
    rst = rst_doc.is_rst(rel)
    try:
        doc = _parse(decoded.text, rel)
    except Exception as error:
        return Skipped(rel, f"{'reStructuredText' if rst else 'Markdown'} could not be parsed: {error}")
    reason = detect.skip_reason_for_content(doc, rel)
    if reason:
        return Skipped(rel, reason)
    notes = [f"the paragraph at line {line + 1} is too long to scan for links and images; its text is kept as it is"
             for line in doc.unscanned]
    # A reStructuredText file is that format whatever its folder's (and votes for none): its
    # record is written back as it was, never patched with Markdown.
    guess = None if rst else detect.guess_file_format(doc, rel)
    told = rst_doc.RST_FORMAT if rst else fmt if fmt != "auto" else guess
    outcome = read_as(rel, named_by_folder, decoded, doc, data, told or FOR_NOW, kbridge_reader)
    waiting = data if isinstance(outcome, Skipped) and told is None else b""
    return FileRead(rel, named_by_folder, guess, outcome, told is not None, notes, waiting)


def read_again(record: ParsedRecord, fmt: str, kbridge_reader: KbridgeReader | None) -> ParsedRecord | Skipped:
    """`record` (read as another format, its bytes kept) as `fmt`: named so, or (kbridge Markdown,
    which has its own reader) read again."""
    if fmt != "kbridge":
        return named_as(record, fmt)
    return read_bytes(record.path, bool(record.layout.get("named_by_folder")), record.original, fmt, kbridge_reader)


def read_bytes(rel: str, named_by_folder: bool, data: bytes, fmt: str,
               kbridge_reader: KbridgeReader | None) -> ParsedRecord | Skipped:
    """A file read before (so its bytes decode and parse) read again as `fmt`."""
    decoded = decode(data)
    return read_as(rel, named_by_folder, decoded, _parse(decoded.text, rel), data, fmt, kbridge_reader)


def _parse(text: str, rel: str) -> Document:
    return rst_doc.parse(text) if rst_doc.is_rst(rel) else parse(text)


def named_as(record: ParsedRecord, fmt: str) -> ParsedRecord:
    """`record`, read as a format other than kbridge Markdown, named as read in `fmt` (another
    such format): the name is all that differs."""
    record.format = fmt
    if "format" in record.layout:
        record.layout["format"] = fmt
    return record


def read_as(rel: str, named_by_folder: bool, decoded: DecodedText, doc: Document, data: bytes, fmt: str,
            kbridge_reader: KbridgeReader | None) -> ParsedRecord | Skipped:
    try:
        if fmt == "kbridge" and kbridge_reader is not None:
            record = kbridge_reader(decoded, rel, doc)
        else:
            record = read_adr(decoded, rel, fmt, doc, named_by_folder=named_by_folder)
            record.decision_like = detect.looks_like_decision(doc, rel)
            if named_by_folder:
                record.layout["named_by_folder"] = True
    except KbridgeError as reason:
        return Skipped(rel, str(reason))
    except Exception as error:
        return Skipped(rel, f"could not be read: {error!r}")
    record.original = data
    return record
