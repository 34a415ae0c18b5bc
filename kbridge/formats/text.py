"""Decoding files as they are found (BOM, CRLF, Latin-1, broken bytes) and encoding them back."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

UTF8_BOM = b"\xef\xbb\xbf"
_LINE_END = re.compile(r"\r\n|\r|\n")
# cp1252 leaves these five bytes undefined; a file holding them is decoded as Latin-1 instead.
_CP1252_HOLES = frozenset(b"\x81\x8d\x8f\x90\x9d")


@dataclass
class DecodedText:
    """A file's text, split into lines that keep their own line ends (mixed ends survive)."""

    text: str  # as decoded, original line ends kept
    encoding: str  # "utf-8", "cp1252", "latin-1" or "utf-8+replace"
    bom: bool = False
    warnings: list[str] = field(default_factory=list)
    raw: bytes | None = None  # kept only when the text cannot give the bytes back (lossy decode)

    @property
    def newline(self) -> str:
        """The dominant line end, used for lines a writer adds."""
        crlf = self.text.count("\r\n")
        return "\r\n" if crlf and crlf * 2 >= self.text.count("\n") else "\n"

    def lines(self) -> list[str]:
        return split_lines(self.text)

    def encode(self, text: str | None = None) -> bytes:
        """Bytes for `text` (default: the original text, which gives back the original bytes)."""
        if text is None and self.raw is not None:
            return self.raw
        value = self.text if text is None else text
        codec = "utf-8" if self.encoding.startswith("utf-8") else self.encoding
        data = value.encode(codec, errors="replace")
        return (UTF8_BOM + data) if self.bom else data


def decode(data: bytes) -> DecodedText:
    """Text from bytes, never failing: UTF-8 first, then the legacy 8-bit codecs, with a warning."""
    bom = data.startswith(UTF8_BOM)
    body = data[len(UTF8_BOM) :] if bom else data
    try:
        return DecodedText(body.decode("utf-8"), "utf-8", bom)
    except UnicodeDecodeError as error:
        position = error.start
    if _looks_like_broken_utf8(body):
        text = body.decode("utf-8", errors="replace")
        warning = f"invalid UTF-8 at byte {position}: undecodable bytes replaced with U+FFFD"
        return DecodedText(text, "utf-8+replace", bom, [warning], raw=data)
    codec = "latin-1" if _CP1252_HOLES.intersection(body) else "cp1252"
    text = body.decode(codec)
    warning = f"not UTF-8 (invalid byte at {position}): decoded as {codec}"
    return DecodedText(text, codec, bom, [warning])


def _looks_like_broken_utf8(body: bytes) -> bool:
    """True when the file is mostly UTF-8 with a few bad bytes (not a Latin-1 file)."""
    decoded = body.decode("utf-8", errors="replace")
    good_multibyte = sum(1 for char in decoded if ord(char) > 0x7F and char != "\ufffd")
    return good_multibyte > decoded.count("\ufffd")


def split_lines(text: str) -> list[str]:
    """Lines with their own line ends ("\\r\\n", "\\r" or "\\n"); the last may have none."""
    lines: list[str] = []
    start = 0
    for match in _LINE_END.finditer(text):
        lines.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def strip_line_end(line: str) -> str:
    return line.rstrip("\r\n")


def line_end(line: str) -> str:
    return line[len(strip_line_end(line)) :]


def fold_accents(text: str) -> str:
    """`Accepté` -> `Accepte`, for comparing words; scripts without accents (Hangul, CJK) stay
    as they are (decomposed, then put back together)."""
    value = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in value if not unicodedata.combining(c)))
