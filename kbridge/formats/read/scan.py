"""Reading a whole folder: every file becomes a parsed record, an attachment, or a skip with a
reason. Nothing here touches the knowledge base; one bad file never stops the others."""

from __future__ import annotations

import os
import posixpath
import stat
from array import array
from collections import Counter, defaultdict
from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from kbridge import safe_files
from kbridge.formats.read import detect
from kbridge.formats.read.extract import parse_filename
from kbridge.formats.read.file_read import (
    FOR_NOW,
    MAX_MARKDOWN_BYTES,
    MAX_MARKDOWN_LINES,
    FileRead,
    KbridgeReader,
    named_as,
    read_again,
    read_bytes,
)
from kbridge.formats.read.numbering import HeldNumbers, assign_keys, key_hints, years_not_numbers
from kbridge.formats.read.parsed import FORMATS, FileWarning, ParsedRecord, Skipped
from kbridge.formats.read.reading_pool import Reading, ReadRequest, read_in_order
from kbridge.formats.read.shelf import FileShelf, ShelvedRecords
from kbridge.formats.rst_doc import RST_SUFFIXES
from kbridge.formats.text import decode
from kbridge.model import Cancel, Progress

__all__ = ["MAX_IMAGE_BYTES", "MAX_MARKDOWN_BYTES", "MAX_MARKDOWN_LINES", "KbridgeReader", "ScanResult",
           "list_files", "scan_folder"]

MARKDOWN_SUFFIXES = (".md", ".markdown")
# What is read: Markdown, and reStructuredText (Open edX's hundreds of repositories keep their
# decisions so: `kbridge.formats.rst_doc`).
READ_SUFFIXES = (*MARKDOWN_SUFFIXES, *RST_SUFFIXES)
# Other markup decisions are written in: named in the skip, so that a folder of them does not
# just "import nothing".
OTHER_MARKUP = {".adoc": "AsciiDoc", ".asciidoc": "AsciiDoc", ".org": "Org mode", ".textile": "Textile"}
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".drawio")
MAX_IMAGE_BYTES = 20 * 1024 * 1024


@dataclass
class ScanResult:
    root: Path
    # The records read, in the folder's order: held, or (a scan with a shelf) their facts read
    # back from the shelf.
    records: list[ParsedRecord] | ShelvedRecords = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[FileWarning] = field(default_factory=list)
    attachments: dict[str, list[str]] = field(default_factory=dict)  # image -> record paths
    cancelled: bool = False
    # Whether any file reads as a decision record; a folder where none does is not imported
    # unless the person asks for it (`--force`, or yes in the window).
    decisions_found: bool = False


@dataclass(slots=True)  # one per Markdown file of the folder until its format is known
class _Candidate:
    """A Markdown file read, waiting for its folder's format when its own marks tell none."""

    path: str
    guess: str | None  # the format the file's own marks point to
    named_by_folder: bool = False  # a `<slug>/README.md` or `<slug>/index.md`: its folder's decision
    # What it reads as (a record on the shelf: its row).
    read: ParsedRecord | Skipped | int | None = None
    # The format it was read as for now, its own marks telling none (see `_take`).
    provisional: str | None = None
    # The bytes of a file that did not read as FOR_NOW, when there is no shelf to wait on.
    waiting: bytes = b""


class _FolderFiles:
    """The Markdown files of one folder, in its order, until the folder's format is known: a file
    read at once onto the shelf is its row (8 bytes), any other its candidate (a candidate and
    its row apiece took 100 bytes a file, and a folder may hold 100,000 files)."""

    __slots__ = ("entries", "guesses", "others", "provisional")

    def __init__(self) -> None:
        self.guesses: Counter[str] = Counter()  # what the files' own marks point to, counted in order
        self.entries = array("q")  # a row of the shelf (> 0), or -(1 + the index of a candidate in `others`)
        # Per entry, 0, or 1 + the index in FORMATS of the format a row was read as for now.
        self.provisional = array("b")
        self.others: list[_Candidate] = []

    def leading_guess(self) -> str | None:
        """What most of the files so far point to (the folder's format, unless later files or
        its index page say otherwise)."""
        leading = self.guesses.most_common(1)
        return leading[0][0] if leading else None

    def add(self, candidate: _Candidate) -> None:
        if candidate.guess:
            self.guesses[candidate.guess] += 1
        if isinstance(candidate.read, int):
            self.entries.append(candidate.read)
            self.provisional.append(FORMATS.index(candidate.provisional) + 1 if candidate.provisional else 0)
        else:
            self.others.append(candidate)
            self.entries.append(-len(self.others))
            self.provisional.append(0)

    def __iter__(self) -> Iterator[tuple[int | _Candidate, str | None]]:
        """Each file, and the format it was read as for now (None: read as its own or waiting)."""
        for entry, code in zip(self.entries, self.provisional, strict=True):
            yield (entry if entry > 0 else self.others[-entry - 1]), (FORMATS[code - 1] if code else None)


@dataclass
class _Reading:
    """How a folder's files are kept until its format is known: the kbridge Markdown reader (for a
    file read again), the shelf where they wait, and the format a config file names."""

    kbridge_reader: KbridgeReader | None
    shelf: FileShelf | None
    config: str | None = None  # the format an `.adr-dir` or `.log4brains.yml` names
    dated: set[str] = field(default_factory=set)  # the folders with decisions named by date

    def kept(self, outcome: ParsedRecord | Skipped) -> ParsedRecord | Skipped | int:
        if self.shelf is not None and isinstance(outcome, ParsedRecord):
            return self.shelf.keep(outcome)
        return outcome


@dataclass(frozen=True, slots=True)
class _Image:
    path: str


def list_files(root: Path, result: ScanResult, inner_links: dict[str, str] | None = None) -> list[str]:
    """Regular files under root, by their paths relative to it; links out of it are skipped. A
    link to a file inside the folder goes to `inner_links` (link -> target, both relative), to be
    reported once the target's fate is known."""
    files: list[str] = []  # relative paths (a Path apiece took 300 bytes a file)
    real_root = root.resolve()
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(folder)
        rel_folder = base.relative_to(root).as_posix()
        kept = []
        for name in sorted(dirnames):
            if name.startswith("."):
                continue
            if (base / name).is_symlink():
                result.skipped.append(Skipped(_join(rel_folder, name),
                                              "symbolic link to a folder: not followed"))
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            rel = _join(rel_folder, name)
            # A string, not a Path: a Path interns each name, and the table of interned strings
            # keeps its size after they are gone (64 bytes a file for the rest of the process).
            if os.path.islink(os.path.join(folder, name)):
                reason, target = _symlink_target(base / name, real_root)
                if reason:
                    result.skipped.append(Skipped(rel, reason))
                elif inner_links is not None:
                    inner_links[rel] = target
                else:
                    result.skipped.append(Skipped(rel, f"symbolic link to {target}: not read twice"))
                continue
            files.append(rel)
    return files


def _symlink_target(path: Path, real_root: Path) -> tuple[str, str]:
    """(why it is skipped now, "") or ("", its target relative to the root)."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "broken symbolic link", ""
    if not target.is_relative_to(real_root):
        return "symbolic link pointing outside the imported folder: not followed", ""
    if not target.is_file():
        return "symbolic link to something that is not a file", ""
    return "", target.relative_to(real_root).as_posix()


def _report_links(inner_links: dict[str, str], result: ScanResult, shelf: FileShelf | None) -> None:
    """A link's reason names what really happened to its target."""
    if not inner_links:
        return
    imported = shelf.has if shelf is not None else {record.path for record in result.records}.__contains__
    skipped = {item.path: item.reason for item in result.skipped}
    for link, target in sorted(inner_links.items()):
        if imported(target):
            reason = f"symbolic link to {target}, which is imported (not imported twice)"
        elif target in skipped:
            reason = f"symbolic link to {target}, which is not imported either ({skipped[target]})"
        else:
            reason = f"symbolic link to {target}, which is not a decision file"
        result.skipped.append(Skipped(link, reason))


def _join(folder: str, name: str) -> str:
    return name if folder in ("", ".") else f"{folder}/{name}"


def scan_folder(root: Path, fmt: str = "auto", progress: Progress | None = None,
                cancel: Cancel | None = None,
                kbridge_reader: KbridgeReader | None = None, *, force: bool = False,
                shelf: FileShelf | None = None, workers: int = 1) -> ScanResult:
    """Read the folder. Files that do not read as decisions are skipped when others do (all kept
    with `force`, or when none does: `decisions_found` then says so, for the caller to ask).
    With a `shelf`, the records read are kept there and `records` reads them back (see
    `kbridge.formats.read.shelf`): what the scan holds does not grow with the files it reads.
    With `workers` > 1 a large folder's files are parsed by that many other processes
    (`kbridge.formats.read.reading_pool`); the result is the same."""
    result = ScanResult(root)
    reading = _Reading(kbridge_reader, shelf, detect.find_config(root))
    inner_links: dict[str, str] = {}
    files = list_files(root, result, inner_links)
    own_folder = _folder_decisions(files, list(inner_links))
    total = len(files)
    candidates: dict[str, _FolderFiles] = defaultdict(_FolderFiles)
    images: dict[str, Path] = {}
    sorted_out: Iterator[Skipped | _Image | ReadRequest] = (_sort_out(root, rel, rel in own_folder) for rel in files)
    outcomes: Generator[Skipped | _Image | FileRead, None, None] = read_in_order(
        sorted_out, Reading(root, fmt, kbridge_reader), workers, total)
    with closing(outcomes):
        for done, outcome in enumerate(outcomes, start=1):
            if cancel is not None and cancel():
                result.cancelled = True
                return result
            if progress is not None and (done % 25 == 0 or done == total):
                progress(done, total * 2, f"reading {outcome.path}")
            if isinstance(outcome, Skipped):
                result.skipped.append(outcome)
            elif isinstance(outcome, _Image):
                images[outcome.path] = root / outcome.path
            else:
                _take(outcome, result, candidates, reading)
    del files
    shelved = _read_candidates(root, candidates, total, result, reading, progress, cancel)
    del candidates
    if result.cancelled:
        return result
    if shelf is not None:
        shelf.set_read_order(shelved)
        del shelved
        result.records = shelf.records("read_order")
    _keep_decisions(result, force, shelf)
    _attach_images(images, result)
    _years_not_numbers(result, shelf, reading.dated)
    _assign_keys(result, shelf)
    _report_links(inner_links, result, shelf)
    if progress is not None:
        progress(total * 2, total * 2, "read")
    return result


def _read_candidates(root: Path, candidates: dict[str, _FolderFiles], total: int, result: ScanResult,
                     reading: _Reading, progress: Progress | None, cancel: Cancel | None) -> array[int]:
    """Read each folder's files as its format (told once the folder is known): records go to
    the result (or the shelf: their rows, in the folder's order, are returned). Its own function:
    a loop's names outlive it and held the last folder's candidates (14 MB at 100,000 files)."""
    done = total
    shelved = array("q")  # the rows of the records on the shelf, in the folder's order
    for folder in sorted(candidates):
        group = candidates[folder]
        index_text = _small_text(root, posixpath.join(folder, "index.md"))
        folder_fmt = detect.folder_format(group.guesses.elements(), reading.config, index_text)
        for candidate, provisional in group:
            done += 1
            if cancel is not None and cancel():
                result.cancelled = True
                return shelved
            if progress is not None and (done % 25 == 0 or done == total * 2):
                progress(done, total * 2, f"parsing {candidate.path}" if isinstance(candidate, _Candidate)
                         else f"parsing the files of {folder or 'the folder'}")
            if isinstance(candidate, int):
                outcome: ParsedRecord | Skipped | int = candidate
                if provisional not in (None, folder_fmt):
                    outcome = _shelved_again(candidate, folder_fmt, reading)
            else:
                outcome = _held_again(candidate, folder_fmt, reading)
                candidate.read = None
            if isinstance(outcome, Skipped):
                result.skipped.append(outcome)
            elif isinstance(outcome, int):
                shelved.append(outcome)
            else:
                assert isinstance(result.records, list)
                result.records.append(outcome)
    return shelved


def _folder_decisions(files: list[str], links: list[str]) -> set[str]:
    """`<slug>/README.md` or `<slug>/index.md` alone in a folder with no Markdown below it: the
    folder holds one decision, and that page is it (dated folders, Docusaurus-style layouts)."""
    markdown: dict[str, list[str]] = defaultdict(list)
    below: set[str] = set()
    for rel in files + links:
        if rel.lower().endswith(MARKDOWN_SUFFIXES):
            folder = posixpath.dirname(rel)
            markdown[folder].append(rel)
            parent = posixpath.dirname(folder) if folder else None
            while parent is not None:
                below.add(parent)
                parent = posixpath.dirname(parent) if parent else None
    chosen = set()
    for folder, pages in markdown.items():
        real = [page for page in pages if page not in links]
        if len(real) != 1 or folder in below:
            continue
        stem = posixpath.splitext(posixpath.basename(real[0]))[0].lower()
        if stem in ("readme", "index", "_index"):
            chosen.add(real[0])
    return chosen


def _keep_decisions(result: ScanResult, force: bool, shelf: FileShelf | None) -> None:
    result.decisions_found = any(record.decision_like for record in result.records)
    if force or not result.decisions_found:
        return
    dropped = []
    for record in result.records:
        if not record.decision_like:
            dropped.append(record.path)
            result.skipped.append(Skipped(record.path, "does not read as a decision record (no "
                                          "status, no decision sections, no number in its name)"))
    if shelf is not None:
        shelf.drop(dropped)
    elif dropped:
        gone = set(dropped)
        result.records = [record for record in result.records if record.path not in gone]


def _years_not_numbers(result: ScanResult, shelf: FileShelf | None, dated: set[str]) -> None:
    """Names that start with a year among names that start with a date are dated, not numbered
    (`numbering.years_not_numbers`): such a decision is keyed as an unnumbered one is."""
    if not dated:
        return
    held = result.records if isinstance(result.records, list) else None
    numbered = HeldNumbers(held) if held is not None else shelf.numbers() if shelf is not None else None
    if numbered is None:
        return
    years = dict(years_not_numbers(numbered, dated))
    for path, year in years.items():
        if shelf is not None and held is None:
            shelf.unnumber(path)
        result.warnings.append(FileWarning(path, f"its name starts with {year}, a year, as its folder's other "
                                                 "names start with a date: not read as its number"))
    for record in held if years and held is not None else ():
        if record.path in years:
            record.number = None


def _assign_keys(result: ScanResult, shelf: FileShelf | None) -> None:
    """Each numbered decision's number space and key hint (kbridge.formats.read.numbering), then
    the warnings each file's reading gave."""
    own_warnings = [FileWarning(record.path, message) for record in result.records for message in record.warnings]
    if isinstance(result.records, list):
        result.warnings.extend(assign_keys(result.records))
    else:
        assert shelf is not None
        warnings: list[FileWarning] = []
        for path, number, log, hint in key_hints(shelf.numbers(), warnings):
            shelf.set_key_hint(path, number, log, hint)
        result.warnings.extend(warnings)
    result.warnings.extend(own_warnings)


def _sort_out(root: Path, rel: str, named_by_folder: bool) -> Skipped | _Image | ReadRequest:
    """What is known of a file before it is read: a skip, an image, or a Markdown file to read."""
    name = posixpath.basename(rel)
    lower = name.lower()
    try:
        info = os.lstat(os.path.join(root, rel))  # not a Path: see list_files
    except OSError as error:
        return Skipped(rel, f"cannot be read: {error.strerror or error}")
    if not stat.S_ISREG(info.st_mode):  # a FIFO would hang the read, a device never end it
        return Skipped(rel, f"not a regular file ({safe_files.file_kind(info.st_mode)}); not read")
    size = info.st_size
    if name in (detect.ADR_TOOLS_CONFIG, *detect.LOG4BRAINS_CONFIGS):
        return Skipped(rel, "format configuration file (read to detect the format)")
    if lower.endswith(IMAGE_SUFFIXES):
        if size > MAX_IMAGE_BYTES:
            return Skipped(rel, f"image larger than {MAX_IMAGE_BYTES >> 20} MiB")
        return _Image(rel)
    if name.startswith("."):
        return Skipped(rel, "hidden file")
    if not lower.endswith(READ_SUFFIXES):
        markup = OTHER_MARKUP.get(posixpath.splitext(lower)[1])
        return Skipped(rel, f"{markup}, not Markdown: kbridge reads Markdown and reStructuredText files only"
                       if markup else "not a Markdown file")
    if size > MAX_MARKDOWN_BYTES:
        return Skipped(rel, f"file of {size} bytes is over the {MAX_MARKDOWN_BYTES >> 20} MiB size cap")
    reason = detect.skip_reason_for_name(rel, folder_decision=named_by_folder)
    if reason:
        return Skipped(rel, reason)
    return ReadRequest(rel, named_by_folder)


def _take(read: FileRead, result: ScanResult, candidates: dict[str, _FolderFiles], reading: _Reading) -> None:
    """A file read, kept (a record on the shelf: its row) until its folder's format is known. One
    whose own marks tell no format was read as FOR_NOW: it is named as the format the folder's
    files so far point to, which is most often the folder's (`_held_again`, `_shelved_again`)."""
    result.warnings.extend(FileWarning(read.path, note) for note in read.notes)
    if read.named_by_folder:  # `<slug>/README.md`: the slug is its name, numbered in the folder above
        folder, stem = posixpath.split(posixpath.dirname(read.path))
    else:
        folder, stem = posixpath.dirname(read.path), posixpath.splitext(posixpath.basename(read.path))[0]
    if parse_filename(stem).date is not None:
        reading.dated.add(folder)
    group = candidates[posixpath.dirname(read.path)]
    candidate = _Candidate(read.path, read.guess, read.named_by_folder)
    outcome = read.outcome
    if not read.told:
        likely = reading.config or group.leading_guess() or FOR_NOW
        if isinstance(outcome, ParsedRecord) and likely != "kbridge":
            outcome = named_as(outcome, likely)
        candidate.provisional = outcome.format if isinstance(outcome, ParsedRecord) else FOR_NOW
        if isinstance(outcome, Skipped):  # only kbridge Markdown may read it otherwise
            if reading.shelf is not None:
                reading.shelf.keep_bytes(read.path, read.waiting)
            else:
                candidate.waiting = read.waiting
    candidate.read = reading.kept(outcome)
    group.add(candidate)


def _held_again(candidate: _Candidate, fmt: str, reading: _Reading) -> ParsedRecord | Skipped | int:
    """What a file not on the shelf (a record held, or a skip) reads as in its folder's format."""
    read = candidate.read
    assert read is not None and not isinstance(read, int)
    if candidate.provisional in (None, fmt):
        return read
    if isinstance(read, ParsedRecord):
        return read_again(read, fmt, reading.kbridge_reader)
    if fmt != "kbridge":
        return read  # the formats but kbridge Markdown read a file alike
    data = candidate.waiting or (reading.shelf.load_bytes(candidate.path) if reading.shelf is not None else b"")
    return reading.kept(read_bytes(candidate.path, candidate.named_by_folder, data, fmt, reading.kbridge_reader))


def _shelved_again(row: int, fmt: str, reading: _Reading) -> ParsedRecord | Skipped | int:
    """The record at `row`, read for now as another format, as its folder's format `fmt`: renamed
    on the shelf, or (kbridge Markdown, which is read by its own reader) read again."""
    assert reading.shelf is not None
    if fmt != "kbridge":
        return reading.shelf.set_format(row, fmt)
    record = reading.shelf.take(row)
    return reading.kept(read_again(record, fmt, reading.kbridge_reader))


def _small_text(root: Path, relative: str) -> str:
    try:
        return decode(safe_files.read_file(root, relative, max_bytes=200_000)).text
    except (OSError, safe_files.UnsafePathError):
        return ""


def _attach_images(images: dict[str, Path], result: ScanResult) -> None:
    if not images:
        return
    # `0008-example-badge.png` belongs to the decision numbered 8 in the same folder: the
    # (folder, number) of each image, to find the records it names in the same pass.
    prefixes = {rel: _prefix_of(rel) for rel in images}
    wanted = set(prefixes.values()) - {None}
    shown_by: dict[str, list[str]] = defaultdict(list)  # image -> the records showing it, in order
    numbered: dict[tuple[str, int] | None, list[str]] = defaultdict(list)
    for record in result.records:
        for image in dict.fromkeys(record.images):
            shown_by[image].append(record.path)
        place = (posixpath.dirname(record.path), record.number) if record.number is not None else None
        if place in wanted:
            numbered[place].append(record.path)
    for rel in sorted(images):
        users = shown_by.get(rel) or numbered.get(prefixes[rel]) or []
        if users:
            result.attachments[rel] = users
        else:
            result.skipped.append(Skipped(rel, "image not shown by any decision (left in place)"))


def _prefix_of(image: str) -> tuple[str, int] | None:
    number = parse_filename(posixpath.splitext(posixpath.basename(image))[0]).number
    return (posixpath.dirname(image), number) if number is not None else None
