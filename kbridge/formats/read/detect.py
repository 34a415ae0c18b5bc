"""Which format a folder (or one file in a mixed folder) is written in, and which files are not
decisions at all (README, index, licence, template) — judged by what the files say, never by a
word that happens to be in a file's name."""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kbridge.formats.markdown_doc import Document, strip_comments
from kbridge.formats.read.extract import parse_filename
from kbridge.formats.read.header import Header, read_header
from kbridge.formats.read.statuses import is_placeholder, is_placeholder_title, is_status_key
from kbridge.formats.text import fold_accents

ADR_TOOLS_CONFIG = ".adr-dir"
LOG4BRAINS_CONFIGS = (".log4brains.yml", ".log4brains.yaml")
# Pages that sit beside decisions: their names say what they are.
_README_NAMES = {"readme", "contributing", "changelog", "code_of_conduct", "security", "authors"}
_INDEX_NAMES = {"index", "_index", "toc", "contents", "summary", "adr-log", "decision-log",
                "log", "_sidebar", "sidebar", "_navbar"}
# The names the tools give a folder's template (adr-tools `templates/template.md`, log4brains
# `template.md`, MADR `adr-template.md`), with or without a number (`0000-template.md`).
_TEMPLATE_NAMES = {"template", "adr-template", "adr_template", "_template", "decision-template",
                   "template-adr", "madr-template", "nygard-template"}
# `LICENSE`, `LICENSE-MIT`, `COPYING.txt`, `project.LICENSE`, `project.NOTICE`.
_LICENCE_NAME = re.compile(r"^(?:licen[cs]e|copying|notice|copyright|unlicense)(?:[._-][\w.-]{1,15})?$|"
                           r"\.(?:licen[cs]e|copying|notice)(?:[._-][\w.-]{1,15})?$", re.I)
_LICENCE_FOLDERS = {"_license", "_licence", "license", "licence", "licenses", "licences", "legal"}
_LICENCE_TEXT = re.compile(
    r"permission is hereby granted|licensed under the apache license|apache license,? version|"
    r"creative commons|gnu (?:affero |lesser )?general public license|the software is provided "
    r"\"?as is\"?|redistribution and use in source and binary forms|mozilla public license|"
    r"european union public licen[cs]e|this is free and unencumbered software|cc0 1\.0 universal|"
    r"attribution 4\.0 international|the above copyright notice", re.I
)
_NYGARD_H1 = re.compile(r"^\s*\d+\.\s+\S")
_DATE_NAME = re.compile(r"^(?:19|20)\d\d-?\d\d-?\d\d[-_]")


def _fold(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", fold_accents(text.lower())))


# Section headings of a decision record, in the common languages.
_DECISION_HEADINGS = {
    "decision", "decisions", "decision outcome", "the decision", "our decision", "entscheidung",
    "beschluss", "decision finale", "la decision", "decisao", "decision tomada", "decisione",
    "besluit", "beslissing", "决策", "决定", "決定", "결정", "решение", "chosen option",
}
_RECORD_HEADINGS = _DECISION_HEADINGS | {
    "context", "context and problem statement", "problem statement", "consequences",
    "considered options", "options considered", "decision drivers", "rationale",
    "alternatives", "alternatives considered", "pros and cons of the options", "kontext",
    "konsequenzen", "folgen", "begrundung", "alternativen", "contexte", "contexte et probleme",
    "options envisagees", "justification", "contexto", "consecuencias",
    "consequencias", "alternativas", "justificacion", "contesto", "conseguenze", "motivazione",
    "gevolgen", "overwogen opties", "背景", "上下文", "后果", "结果", "理由", "コンテキスト",
    "結果", "影響", "맥락", "결과", "контекст", "последствия",
}


def skip_reason_for_name(path: str, *, folder_decision: bool = False) -> str | None:
    """Why a Markdown file is not a decision, judged by its name and place. A README or index
    that is the only page of its folder is that folder's decision (`folder_decision`)."""
    parts = path.split("/")
    base = parts[-1]
    stem = posixpath.splitext(base)[0].lower()
    if any(part.lower() in _LICENCE_FOLDERS for part in parts[:-1]) or _LICENCE_NAME.search(stem):
        return f"{base} is a licence text, not a decision"
    if folder_decision:
        return None
    if stem in _README_NAMES:
        return f"{base} is a README-type page, not a decision"
    if stem in _INDEX_NAMES:
        return "index of the decisions, not a decision"
    return None


def skip_reason_for_content(doc: Document, path: str = "") -> str | None:
    """Pages that are not decisions whatever their name: an adr-log table of contents, a
    licence text, a template whose placeholders are not filled in."""
    text = "\n".join(block.text for block in doc.blocks)
    if "<!-- adrlog" in text or ("adrlog" in text and "adr-log" in text):
        return "index of the decisions (adr-log table of contents), not a decision"
    head = text[:20000].lower()
    if ("licen" in head or "warrant" in head or "copyright" in head) and len(
            _LICENCE_TEXT.findall(head)) >= 2 and not looks_like_decision(doc, path):
        return "licence text, not a decision"
    reason = template_reason(doc, path)
    if reason:
        return reason
    return None


def template_reason(doc: Document, path: str = "") -> str | None:
    """A template: its title is a placeholder (`[short title ...]`, `{titre court ...}`,
    `ADR-[Nummer]: [Kurzer Titel]`), or it carries the folder's template name and still has
    unfilled placeholders. A decision whose other fields were left as placeholders is kept."""
    header = read_header(doc)
    title = strip_comments(header.h1.text) if header.h1 is not None else ""
    front = doc.front_matter.data if doc.front_matter and doc.front_matter.data else {}
    if not title and isinstance(front.get("title"), str):
        title = front["title"]
    stem = posixpath.splitext(posixpath.basename(path))[0]
    named = parse_filename(stem).slug.lower() in _TEMPLATE_NAMES or stem.lower() in _TEMPLATE_NAMES
    if title and is_placeholder_title(title) and not _filled_in(doc, header, front, named):
        return "unfilled template (its title is a placeholder), not a decision"
    # Placeholders are counted only on a page named or titled as a template: the count reads
    # every paragraph, and most files are not.
    if named and (re.search(r"\btemplate\b", title, re.I) or _placeholder_count(doc, header)):
        return "the folder's template (its name, with unfilled placeholders), not a decision"
    if re.fullmatch(r"(?:adr |decision |architecture decision record |madr )?template",
                    title.strip().lower()) and _placeholder_count(doc, header) >= 2:
        return "template (a page titled template, with unfilled placeholders), not a decision"
    return None


def _filled_in(doc: Document, header: Header, front: dict[str, Any], named: bool) -> bool:
    """A decision whose author left only the template's title (json-schema-spec's
    `2024-11-2-assertion-format.md`: its status, deciders and date stated, its text written): a
    status or a date, no placeholder left, and a name that is not a template's."""
    stated = (header.get("status") is not None or header.status_section is not None
              or header.get("date") is not None or any(is_status_key(str(key)) for key in front))
    return stated and not named and not _placeholder_count(doc, header)


def _placeholder_count(doc: Document, header: Header) -> int:
    count = sum(1 for entry in header.entries if is_placeholder(entry.value))
    front = doc.front_matter.data if doc.front_matter and doc.front_matter.data else {}
    count += sum(1 for value in front.values() if isinstance(value, str) and is_placeholder(value))
    for block in doc.blocks:
        if block.kind in ("paragraph", "item") and not block.quoted:
            text = strip_comments(block.text).strip()
            if re.fullmatch(r"[\[{][^\]}]{8,}[\]}]\.?", text) or re.search(r"\binsert (?:data|date)\b", text, re.I):
                count += 1
    return count


def looks_like_decision(doc: Document, path: str, header: Header | None = None) -> bool:
    """Whether a file reads as a decision record: a status, decision headings, a numbered name,
    an `ADR` title or decision metadata. A folder where nothing does is not imported silently."""
    header = header or read_header(doc)
    front = doc.front_matter.data if doc.front_matter and doc.front_matter.data else {}
    if any(is_status_key(str(key)) for key in front) or header.get("status") is not None:
        return True
    if header.status_section is not None or any(
            key in front for key in ("deciders", "decision-makers", "decision_makers")):
        return True
    stem = posixpath.splitext(posixpath.basename(path))[0]
    named = parse_filename(stem)
    if named.number is not None or named.date is not None:
        return True  # the names ADR tools give decisions: `0007-x.md`, `20210308-x.md`
    headings = {_fold(strip_comments(h.text)) for h in doc.headings() if h.level >= 2}
    if headings & _DECISION_HEADINGS or len(headings & _RECORD_HEADINGS) >= 2:
        return True
    title = strip_comments(header.h1.text) if header.h1 is not None else ""
    if re.match(r"^\W*(?:adr|ard|add)\b", title, re.I):
        return True
    return any(_fold(strip_comments(b.text).strip(" :*")) in _DECISION_HEADINGS
               for b in doc.blocks if b.kind == "paragraph" and len(b.text) < 40)


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
    status = header.get("status") or header.get("date")
    if status is not None and status.block.kind == "item":
        return "log4brains" if _DATE_NAME.match(name) else "madr"
    if front and any(key in front for key in ("status", "date", "deciders", "decision-makers")):
        return "madr"
    return None


def folder_format(guesses: Iterable[str | None], config: str | None, index_text: str = "") -> str:
    """The format of a folder: its config file, else its index page, else what most files say."""
    if config:
        return config
    if "log4brains" in index_text.lower():
        return "log4brains"
    counted = Counter(guess for guess in guesses if guess)
    if not counted:
        return "madr"
    return counted.most_common(1)[0][0]
