"""Reading a whole folder: every file becomes a parsed record, an attachment, or a skip with a
reason. Nothing here touches the knowledge base; one bad file never stops the others."""

from __future__ import annotations

import os
import posixpath
import stat
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kbridge import safe_files
from kbridge.formats.markdown_doc import Document, parse
from kbridge.formats.read import detect
from kbridge.formats.read.extract import parse_filename
from kbridge.formats.read.numbering import assign_keys, key_hints
from kbridge.formats.read.parsed import FORMATS, FileWarning, ParsedRecord, Skipped
from kbridge.formats.read.reader import NotADecisionError, read_adr
from kbridge.formats.read.shelf import FileShelf, ShelvedRecords
from kbridge.formats.text import DecodedText, decode
from kbridge.model import Cancel, KbridgeError, Progress

MARKDOWN_SUFFIXES = (".md", ".markdown")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".drawio")
MAX_MARKDOWN_BYTES = 2 * 1024 * 1024
MAX_MARKDOWN_LINES = 100_000
MAX_IMAGE_BYTES = 20 * 1024 * 1024

# Reads a kbridge Markdown file; supplied by the kbridge format module to keep this one generic.
# Given the document scan has parsed already (for the images), so that nothing is parsed twice.
KbridgeReader = Callable[[DecodedText, str, Document], ParsedRecord]


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
    # What it reads as, when its format was known at once (a record on the shelf: its row).
    read: ParsedRecord | Skipped | int | None = None
    # The format it was read as on the shelf before its folder's was known (see `_triage`).
    provisional: str | None = None
    # Its text, when it must wait and there is no shelf to wait on.
    held: tuple[DecodedText, Document, bytes] | None = None


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
    """How the files of a folder are read: the format asked for, the kbridge Markdown reader, and
    the shelf where read files (and files waiting for their folder's format) are kept."""

    fmt: str
    kbridge_reader: KbridgeReader | None
    shelf: FileShelf | None
    config: str | None = None  # the format an `.adr-dir` or `.log4brains.yml` names

    def kept(self, record: ParsedRecord) -> ParsedRecord | int:
        return self.shelf.keep(record) if self.shelf is not None else record


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
                shelf: FileShelf | None = None) -> ScanResult:
    """Read the folder. Files that do not read as decisions are skipped when others do (all kept
    with `force`, or when none does: `decisions_found` then says so, for the caller to ask).
    With a `shelf`, the records read are kept there and `records` reads them back (see
    `kbridge.formats.read.shelf`): what the scan holds does not grow with the files it reads."""
    result = ScanResult(root)
    reading = _Reading(fmt, kbridge_reader, shelf, detect.find_config(root))
    inner_links: dict[str, str] = {}
    files = list_files(root, result, inner_links)
    own_folder = _folder_decisions(files, list(inner_links))
    total = len(files)
    candidates: dict[str, _FolderFiles] = defaultdict(_FolderFiles)
    images: dict[str, Path] = {}
    for done, rel in enumerate(files, start=1):
        if cancel is not None and cancel():
            result.cancelled = True
            return result
        if progress is not None and (done % 25 == 0 or done == total):
            progress(done, total * 2, f"reading {rel}")
        _triage(root, rel, result, candidates, images, rel in own_folder, reading)
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
                    outcome = _read_again(candidate, folder_fmt, reading)
            else:
                outcome = candidate.read if candidate.read is not None else _read_waiting(candidate, folder_fmt,
                                                                                            reading)
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


def _triage(root: Path, rel: str, result: ScanResult, candidates: dict[str, _FolderFiles],
            images: dict[str, Path], named_by_folder: bool, reading: _Reading) -> None:
    name = posixpath.basename(rel)
    lower = name.lower()
    try:
        info = os.lstat(os.path.join(root, rel))  # not a Path: see list_files
    except OSError as error:
        result.skipped.append(Skipped(rel, f"cannot be read: {error.strerror or error}"))
        return
    if not stat.S_ISREG(info.st_mode):  # a FIFO would hang the read, a device never end it
        result.skipped.append(Skipped(rel, f"not a regular file ({safe_files.file_kind(info.st_mode)}); not read"))
        return
    size = info.st_size
    if name in (detect.ADR_TOOLS_CONFIG, *detect.LOG4BRAINS_CONFIGS):
        result.skipped.append(Skipped(rel, "format configuration file (read to detect the format)"))
        return
    if lower.endswith(IMAGE_SUFFIXES):
        if size > MAX_IMAGE_BYTES:
            result.skipped.append(Skipped(rel, f"image larger than {MAX_IMAGE_BYTES >> 20} MiB"))
        else:
            images[rel] = root / rel
        return
    if name.startswith("."):
        result.skipped.append(Skipped(rel, "hidden file"))
        return
    if not lower.endswith(MARKDOWN_SUFFIXES):
        result.skipped.append(Skipped(rel, "not a Markdown file"))
        return
    if size > MAX_MARKDOWN_BYTES:
        result.skipped.append(Skipped(
            rel, f"file of {size} bytes is over the {MAX_MARKDOWN_BYTES >> 20} MiB size cap"))
        return
    reason = detect.skip_reason_for_name(rel, folder_decision=named_by_folder)
    if reason:
        result.skipped.append(Skipped(rel, reason))
        return
    try:  # regular files only, no link followed, capped: the file may have changed since the walk
        data = safe_files.read_file(root, rel, max_bytes=MAX_MARKDOWN_BYTES)
    except safe_files.UnsafePathError as error:
        result.skipped.append(Skipped(rel, str(error).removeprefix(f"{rel}: ")))
        return
    except OSError as error:
        result.skipped.append(Skipped(rel, f"cannot be read: {error.strerror or error}"))
        return
    if data.count(b"\n") > MAX_MARKDOWN_LINES:
        # Parsing is linear but not cheap (~30 µs a line); no decision record is this long.
        result.skipped.append(Skipped(rel, f"over {MAX_MARKDOWN_LINES:,} lines; not read"))
        return
    decoded = decode(data)
    if not decoded.text.strip():
        result.skipped.append(Skipped(rel, "empty file"))
        return
    try:
        doc = parse(decoded.text)
    except Exception as error:
        result.skipped.append(Skipped(rel, f"Markdown could not be parsed: {error}"))
        return
    reason = detect.skip_reason_for_content(doc, rel)
    if reason:
        result.skipped.append(Skipped(rel, reason))
        return
    for line in doc.unscanned:
        result.warnings.append(FileWarning(
            rel, f"the paragraph at line {line + 1} is too long to scan for links and images; "
            "its text is kept as it is"))
    candidate = _Candidate(rel, detect.guess_file_format(doc, rel), named_by_folder)
    group = candidates[posixpath.dirname(rel)]
    chosen = reading.fmt if reading.fmt != "auto" else candidate.guess
    if chosen is not None:  # read now: nothing of it is held but its facts
        candidate.read = _read_one(candidate, decoded, doc, data, chosen, reading)
    elif reading.shelf is not None:
        _read_for_now(candidate, decoded, doc, data, reading, reading.config or group.leading_guess() or "madr")
    else:
        candidate.held = (decoded, doc, data)
    group.add(candidate)


def _read_for_now(candidate: _Candidate, decoded: DecodedText, doc: Document, data: bytes, reading: _Reading,
                  likely: str) -> None:
    """A file whose own marks tell no format, read as its folder's likely format (what the files
    before it point to) rather than parsed again once the folder's is known: the formats other
    than kbridge Markdown read a file alike but for the name they give it (`_read_again`). Plain
    MADR folders are mostly such files (most files of 7 of the 17 corpus folders, every file of
    4), and parsing is most of an import's reading."""
    read = _read_one(candidate, decoded, doc, data, likely, reading) if likely != "kbridge" else None
    if isinstance(read, int):
        candidate.read, candidate.provisional = read, likely
        return
    assert reading.shelf is not None
    reading.shelf.keep_bytes(candidate.path, data)  # read again once its folder's format is known


def _read_again(row: int, fmt: str, reading: _Reading) -> ParsedRecord | Skipped | int:
    """The file at `row`, read for now as another format, as its folder's format `fmt`: renamed
    on the shelf, or (kbridge Markdown, which is read by its own reader) read again."""
    assert reading.shelf is not None
    if fmt != "kbridge":
        return reading.shelf.set_format(row, fmt)
    record = reading.shelf.take(row)
    candidate = _Candidate(record.path, None, bool(record.layout.get("named_by_folder")))
    decoded = decode(record.original)  # as the first time, which succeeded
    return _read_one(candidate, decoded, parse(decoded.text), record.original, fmt, reading)


def _read_waiting(candidate: _Candidate, fmt: str, reading: _Reading) -> ParsedRecord | Skipped | int:
    if candidate.held is not None:
        return _read_one(candidate, *candidate.held, fmt, reading)
    assert reading.shelf is not None
    data = reading.shelf.load_bytes(candidate.path)
    decoded = decode(data)  # as the first time, which succeeded
    return _read_one(candidate, decoded, parse(decoded.text), data, fmt, reading)


def _read_one(candidate: _Candidate, decoded: DecodedText, doc: Document, data: bytes, fmt: str,
              reading: _Reading) -> ParsedRecord | Skipped | int:
    try:
        if fmt == "kbridge" and reading.kbridge_reader is not None:
            record = reading.kbridge_reader(decoded, candidate.path, doc)
        else:
            record = read_adr(decoded, candidate.path, fmt, doc, named_by_folder=candidate.named_by_folder)
            record.decision_like = detect.looks_like_decision(doc, candidate.path)
            if candidate.named_by_folder:
                record.layout["named_by_folder"] = True
    except (NotADecisionError, KbridgeError) as reason:
        return Skipped(candidate.path, str(reason))
    except Exception as error:
        return Skipped(candidate.path, f"could not be read: {error!r}")
    record.original = data
    return reading.kept(record)


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
