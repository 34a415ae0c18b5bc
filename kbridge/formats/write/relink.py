"""Relative links in a body that follow the files they name: when an export writes a record or an
attachment under a new name (or a record into another folder), every relative link to it is
rewritten to the new place, so that links that worked in the imported folder work in the export.
Links in code (fenced blocks, code spans) are text and stay as they are."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from urllib.parse import quote, unquote

# `[text](href)`, `![alt](href)`: the href up to its closing parenthesis (balanced pairs inside),
# or in angle brackets. Linear: no nested quantifier can rescan a hostile line.
_INLINE = re.compile(
    r"(?P<open>!?\[(?:[^\[\]\n]|\[[^\[\]\n]*\]){0,1000}\]\(\s*)"
    r"(?P<href><[^<>\n]*>|(?:[^()\s]|\([^()\s]*\)){1,2000})")
_REFERENCE = re.compile(r"^(?P<open> {0,3}\[[^\]\n]{1,1000}\]:\s*)(?P<href><[^<>\n]*>|\S+)")
_IMG_SRC = re.compile(r"(?P<open><img\b[^>\n]{0,1000}?\bsrc=[\"'])(?P<href>[^\"'\n]{1,2000})", re.I)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)*?\1")

def relink(body: str, old_folder: str, new_folder: str, moved: dict[str, str], *,
           follow_folder: bool = True) -> str:
    """`body` with each relative link rewritten: to the new path of what it names when that moved
    (`moved`: path in the imported folder -> path in the export, both from the roots), else (with
    `follow_folder`) so that it names the same place from `new_folder` as it did from `old_folder`."""
    if old_folder == new_folder and not moved:
        return body

    def new_href(href: str) -> str:
        inner = href[1:-1] if href.startswith("<") and href.endswith(">") else href
        path, mark, rest = split_suffix(inner)
        target = posixpath.normpath(posixpath.join(old_folder, unquote(path)))
        if target in moved:
            destination = moved[target]
        elif follow_folder and old_folder != new_folder and not target.startswith("../") and _names_a_file(path):
            destination = target
        else:
            return href
        written = posixpath.relpath(destination, new_folder or ".")
        if path != unquote(path):
            written = quote(written, safe="/:@!$&'*+,;=-._~")
        if href.startswith("<"):
            return f"<{written}{mark}{rest}>"
        return written.replace(" ", "%20").replace("(", "%28").replace(")", "%29") + mark + rest

    return map_hrefs(body, new_href)


def map_hrefs(body: str, change: Callable[[str], str]) -> str:
    """`body` with `change` applied to the destination of each relative link and image (inline,
    reference definitions, `<img src>`); links in code stay as they are."""
    if "](" not in body and "]:" not in body and "<img" not in body.lower():
        return body

    def swap(match: re.Match[str]) -> str:
        href = match.group("href")
        inner = href[1:-1] if href.startswith("<") and href.endswith(">") else href
        if not inner or inner.startswith(("#", "/")) or _SCHEME.match(inner):
            return match.group(0)
        return match.group("open") + change(href)

    out: list[str] = []
    fence = ""
    for line in body.split("\n"):
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            out.append(line)
            continue
        if opening:
            fence = opening.group(1)
            out.append(line)
            continue
        changed = _outside_code(line, lambda text: _IMG_SRC.sub(swap, _INLINE.sub(swap, text)))
        out.append(_REFERENCE.sub(swap, changed, count=1))
    return "\n".join(out)


def _names_a_file(path: str) -> bool:
    """`img/x.png`, `../decisions/`: a file or a folder; `SYS-001` (a record's key, which the
    reader opens as that record) is not a path."""
    return path.endswith("/") or "." in posixpath.basename(path)


def split_suffix(href: str) -> tuple[str, str, str]:
    """`x.md#part` -> ("x.md", "#", "part"); `x.png?raw=true` -> ("x.png", "?", "raw=true")."""
    cut = min((index for index in (href.find("#"), href.find("?")) if index >= 0), default=-1)
    if cut < 0:
        return href, "", ""
    return href[:cut], href[cut], href[cut + 1 :]


def _outside_code(line: str, change: Callable[[str], str]) -> str:
    """`change` applied to the parts of `line` outside code spans."""
    if "`" not in line:
        return change(line)
    parts, last = [], 0
    for span in _CODE_SPAN.finditer(line):
        parts += [change(line[last : span.start()]), span.group(0)]
        last = span.end()
    parts.append(change(line[last:]))
    return "".join(parts)
