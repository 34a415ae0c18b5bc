"""The README read as its tests need it: links, pictures, command examples, the command table."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import metadata

from tests.packaging.conftest import REPO

README = REPO / "README.md"
# A word in capitals only (KEY, DIR, PATH) stands for something the reader fills in.
PLACEHOLDER = re.compile(r"(?<![\w-])[A-Z][A-Z_]+(?![\w-])|[\[|…]")


def repository_url() -> str:
    """The repository's address, from pyproject.toml's [project.urls] (written there once), as the
    installed package's metadata carries it."""
    for entry in metadata.metadata("kbridge").get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip() == "Repository":
            return url.strip().rstrip("/")
    raise AssertionError("pyproject.toml names no Repository in [project.urls]")


def readme_text() -> str:
    return README.read_text(encoding="utf-8")


def links(text: str) -> list[tuple[bool, str]]:
    """(is a picture, target) for every Markdown link and picture (not those shown as code)."""
    prose = re.sub(r"`[^`\n]*`", "", text)
    return [(bang == "!", target) for bang, target in re.findall(r"(!?)\[[^\]]*\]\(([^)\s]+)\)", prose)]


@dataclass
class Example:
    command: str  # as a person would type it at a shell prompt
    expected_output: list[str] = field(default_factory=list)  # lines the README shows after it


def command_examples(text: str) -> list[Example]:
    """Every `kbridge ...` line of the README's code blocks (with the output shown after a `$ ...`
    line), then every `kbridge COMMAND ARGS` in running text that has no placeholder, in order."""
    examples: list[Example] = []
    current: Example | None = None
    for line in text.splitlines():
        code = re.match(r"^ {4}(\$ )?(.*)$", line)
        if not code:
            current = None
            continue
        prompt, body = code.groups()
        if body.startswith("kbridge "):
            current = Example(body) if prompt else None
            examples.append(current or Example(body))
        elif current is not None and not prompt and body.strip():
            current.expected_output.append(body.strip())
    in_blocks = {example.command for example in examples}
    # `kbridge backup` in a sentence names a command; `kbridge search vault -k8s` is an example.
    for span in re.findall(r"`(kbridge [^`]+)`", text):
        if len(span.split()) > 2 and not PLACEHOLDER.search(span) and span not in in_blocks:
            examples.append(Example(span))
    return examples


def command_table(text: str) -> list[tuple[str, str]]:
    """(command name, synopsis) for each command in the README's table of commands."""
    rows: list[tuple[str, str]] = []
    table = text.split("| command | does |", 1)[1].split("\n\n", 1)[0]
    for line in table.splitlines():
        if not line.startswith("| `"):
            continue
        cell = line[2:].split(" | ", 1)[0].replace("\\|", "|")
        for synopsis in re.findall(r"`([a-z][a-z-]*(?: [^`]*)?)`", cell):
            rows.append((synopsis.split()[0], synopsis))
    return rows
