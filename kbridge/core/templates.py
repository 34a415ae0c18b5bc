"""Templates: the starting text of new records. Three are built in (MADR 4, Nygard, and adr-tools'
own wording, in resources/templates); the rest are records of kind `template` (created and edited
like any record, shared through sync as `templates/*.md`), or a Markdown file given by path.

A template is written the way a whole ADR file is: its header (YAML front matter, the H1, an
adr-tools `Date:` line and `## Status` section) is the record's title, date and status, so it is
left out of the body; what follows is the body. Placeholders: `$title`, `$date`, `$key`,
`$number`, `$status`; a template with adr-tools' header (`# NUMBER. TITLE`) also has adr-tools'
words NUMBER, TITLE, DATE and STATUS replaced, as `adr new` does."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from string import Template as _Substitution
from typing import TYPE_CHECKING

from kbridge import paths
from kbridge.model import Kind, Record, ValidationError

if TYPE_CHECKING:
    from kbridge.core.knowledge_base import KnowledgeBase

# name -> (label, file in resources/templates)
BUILT_IN: dict[str, tuple[str, str]] = {
    "madr": ("MADR 4", "madr.md"),
    "nygard": ("Nygard", "nygard.md"),
    "adr-tools": ("adr-tools", "adr-tools.md"),
    "ai-initiative": ("AI initiative", "ai-initiative.md"),  # a decision bringing in an AI system: security asks
}
FIRST_DECISION_FILE = "first-decision.md"  # adr-tools' own first record (its src/init.md)
TEMPLATE_FILE_LIMIT = 256 * 1024  # a template is a page of prose; anything bigger is a mistake

_H1 = re.compile(r"^#\s+(.*?)\s*#*\s*$")
_NUMBERED = re.compile(r"^(?:\d+|NUMBER)\.\s+")
_DATE_LINE = re.compile(r"^date\s*:", re.I)
_H2 = re.compile(r"^##\s+(.*?)\s*#*\s*$")
_ADR_TOOLS_WORDS = re.compile(r"\b(NUMBER|TITLE|DATE|STATUS)\b")


@dataclass(frozen=True)
class Template:
    name: str  # what `new --template` takes: a built-in's name, a template record's key, a path
    label: str
    text: str
    for_kind: str = Kind.DECISION.value  # the kind of record it starts; "" for any
    origin: str = "built-in"  # "built-in", "record" or "file"

    def suits(self, kind: Kind) -> bool:
        return kind is Kind.TEMPLATE or not self.for_kind or self.for_kind == kind.value


@dataclass(frozen=True)
class Header:
    """What a template's (or an ADR file's) header states, placeholders and all."""

    title: str = ""
    status: str = ""
    adr_tools: bool = False  # `# NUMBER. TITLE`: adr-tools' words are placeholders


def template_names() -> tuple[str, ...]:
    return tuple(BUILT_IN)


def built_in_templates() -> list[Template]:
    return [
        Template(name, label, paths.resource("templates", file).read_text(encoding="utf-8"))
        for name, (label, file) in BUILT_IN.items()
    ]


def record_template(record: Record) -> Template:
    for_kind = str(record.fields.get("for_kind") or "").strip().lower()
    return Template(record.key, record.title, record.body, for_kind, "record")


def available_templates(kb: KnowledgeBase, kind: Kind | None = None) -> list[Template]:
    """The built-in templates, then the knowledge base's own, those fit for `kind` if given."""
    found = built_in_templates()
    found += [record_template(r) for r in sorted(kb.list_records(kind=Kind.TEMPLATE), key=lambda r: r.key)]
    return [template for template in found if kind is None or template.suits(kind)]


def find_template(kb: KnowledgeBase, name: str) -> Template:
    """The template `name` names: a built-in, a template record (key or title), or a file."""
    wanted = (name or "").strip()
    for template in built_in_templates():
        if template.name == wanted.lower():
            return template
    record = kb.find(wanted)
    if record is None:
        titled = [r for r in kb.list_records(kind=Kind.TEMPLATE) if r.title.lower() == wanted.lower()]
        record = titled[0] if len(titled) == 1 else None
    if record is not None and record.kind is Kind.TEMPLATE and not record.deleted:
        return record_template(record)
    path = Path(wanted).expanduser()
    if wanted and path.is_file():
        return template_file(path)
    names = ", ".join([*BUILT_IN, *(r.key for r in kb.list_records(kind=Kind.TEMPLATE))])
    raise ValidationError(f"unknown template {name!r}; templates are: {names} (or give a Markdown file's path)")


def template_file(path: Path) -> Template:
    """A Markdown file used as a template (an adr-tools `templates/template.md`, say)."""
    if path.stat().st_size > TEMPLATE_FILE_LIMIT:
        raise ValidationError(f"{path} is too big for a template (over {TEMPLATE_FILE_LIMIT // 1024} KiB)")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ValidationError(f"{path} is not UTF-8 text ({error.reason})") from error
    return Template(str(path), path.name, text, "", "file")


def split_header(text: str) -> tuple[Header, str]:
    """(what the header states, the body that follows it)."""
    lines = text.lstrip("\ufeff").splitlines()
    position = _skip_front_matter(lines)
    while position < len(lines) and not lines[position].strip():
        position += 1
    h1 = _H1.match(lines[position]) if position < len(lines) else None
    if h1 is None:
        return Header(), "\n".join(lines[position:])
    heading = h1.group(1)
    header = Header(title=_NUMBERED.sub("", heading), adr_tools="TITLE" in heading.split())
    position += 1
    position = _skip_blank(lines, position)
    if position < len(lines) and _DATE_LINE.match(lines[position]):
        position = _skip_blank(lines, position + 1)
    h2 = _H2.match(lines[position]) if position < len(lines) else None
    if h2 is not None and h2.group(1).strip().lower() == "status":
        end = position + 1
        while end < len(lines) and not lines[end].startswith("## "):
            end += 1
        section = [line.strip() for line in lines[position + 1:end] if line.strip()]
        header = Header(header.title, section[0] if section else "", header.adr_tools)
        position = end
    return header, "\n".join(lines[position:])


def render_body(template: Template | str, *, title: str, date: str | None = None, key: str = "",
                status: str = "") -> str:
    """The body of a new record from `template`, its placeholders filled in."""
    text = template.text if isinstance(template, Template) else template
    header, body = split_header(text)
    date = date or dt.date.today().isoformat()
    number = _number(key)
    values = {"title": title, "date": date, "key": key, "number": number, "status": status}
    if header.adr_tools:
        words = {"NUMBER": number, "TITLE": title, "DATE": date, "STATUS": status.capitalize()}
        body = _ADR_TOOLS_WORDS.sub(lambda match: words[match.group(1)], body)
    # safe_substitute: a literal `$` in a template's prose must not break it.
    filled = _Substitution(body).safe_substitute(values).strip("\n")
    return filled + "\n" if filled else ""


def first_decision() -> tuple[str, str, str]:
    """(title, status, body) of adr-tools' first record, "Record architecture decisions"."""
    text = paths.resource("templates", FIRST_DECISION_FILE).read_text(encoding="utf-8")
    header, _ = split_header(text)
    return header.title, header.status.lower(), render_body(text, title=header.title)


def template_lines(templates: Iterable[Template]) -> list[dict[str, str]]:
    """Templates as `kbridge templates --json` lists them."""
    return [
        {"name": t.name, "label": t.label, "for_kind": t.for_kind, "origin": t.origin} for t in templates
    ]


def _skip_front_matter(lines: list[str]) -> int:
    if not lines or lines[0].strip() != "---":
        return 0
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return index + 1
    return 0


def _skip_blank(lines: list[str], position: int) -> int:
    while position < len(lines) and not lines[position].strip():
        position += 1
    return position


def _number(key: str) -> str:
    match = re.search(r"(\d+)$", key)
    return str(int(match.group(1))) if match else ""
