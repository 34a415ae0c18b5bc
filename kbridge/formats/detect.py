"""Which format a folder (or one file in a mixed folder) is written in, and which files are not
decisions at all (README, index, templates)."""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from pathlib import Path

from kbridge.formats.header import read_header
from kbridge.formats.markdown_doc import Document

ADR_TOOLS_CONFIG = ".adr-dir"
LOG4BRAINS_CONFIGS = (".log4brains.yml", ".log4brains.yaml")
_README_NAMES = {"readme", "contributing", "changelog", "license", "licence", "code_of_conduct"}
_INDEX_NAMES = {"index", "_index", "toc", "contents", "summary", "adr-log", "decision-log",
                "log", "_sidebar", "sidebar", "_navbar"}
_NYGARD_H1 = re.compile(r"^\s*\d+\.\s+\S")
_DATE_NAME = re.compile(r"^(?:19|20)\d\d-?\d\d-?\d\d[-_]")


def skip_reason_for_name(path: str) -> str | None:
    """Why a Markdown file is not a decision, judged by its name alone."""
    stem = posixpath.splitext(posixpath.basename(path))[0].lower()
    if stem in _README_NAMES:
        return f"{posixpath.basename(path)} is a README-type page, not a decision"
    if stem in _INDEX_NAMES:
        return "index of the decisions, not a decision"
    if "template" in stem:
        return "ADR template, not a decision"
    return None


def skip_reason_for_content(doc: Document) -> str | None:
    """Index pages that carry a decision-like name (a table of links to the other ADRs)."""
    text = "\n".join(block.text for block in doc.blocks)
    if "<!-- adrlog" in text or ("adrlog" in text and "adr-log" in text):
        return "index of the decisions (adr-log table of contents), not a decision"
    return None


def find_config(folder: Path, levels: int = 6) -> str | None:
    """The format named by an `.adr-dir` or `.log4brains.yml` in the folder or above it (up to the
    checkout's root). Only these two small files are read outside the imported folder."""
    current = folder.resolve()
    for _ in range(levels):
        for name in LOG4BRAINS_CONFIGS:
            if (current / name).is_file():
                return "log4brains"
        if (current / ADR_TOOLS_CONFIG).is_file():
            return "adr-tools"
        if (current / ".git").exists() or current.parent == current:
            break
        current = current.parent
    return None


def guess_file_format(doc: Document, path: str) -> str | None:
    """The format a file's own marks point to; None when it has none (plain MADR 3 and the like)."""
    front = doc.front_matter.data if doc.front_matter else None
    if front and "kind" in front and "key" in front:
        return "kbridge"
    header = read_header(doc)
    name = posixpath.basename(path)
    if header.status_section is not None and not header.entries:
        return "adr-tools"
    if header.h1 is not None and _NYGARD_H1.match(header.h1.text) and header.get("date"):
        return "adr-tools"
    if header.get("status", "date") is not None and header.entries[0].block.kind == "item":
        return "log4brains" if _DATE_NAME.match(name) else "madr"
    if front and any(key in front for key in ("status", "date", "deciders", "decision-makers")):
        return "madr"
    return None


def folder_format(guesses: list[str | None], config: str | None, index_text: str = "") -> str:
    """The format of a folder: its config file, else its index page, else what most files say."""
    if config:
        return config
    if "log4brains" in index_text.lower():
        return "log4brains"
    counted = Counter(guess for guess in guesses if guess)
    if not counted:
        return "madr"
    return counted.most_common(1)[0][0]
