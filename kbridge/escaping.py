"""Text from records (and from the folders and repositories they came from) shown to people:
as markup (HTML pages, Qt rich text) or on a terminal. The text is data: whatever it contains
must show as characters, never act as markup or as a terminal command.

- `escape_html`: the one escape for every value that becomes HTML, in text or in a quoted
  attribute (the reader, the static site, Qt labels and tooltips built with markup of our own).
- `terminal_text`: the one neutraliser for text printed on a terminal (C0 and C1 controls, ESC
  and so every CSI/OSC sequence, and bidirectional overrides are shown, not obeyed).

Used by every layer above `model` (like `kbridge.paths`)."""

from __future__ import annotations

import html

# Characters HTML does not allow as text (C0 controls other than tab, newline and carriage
# return; DEL and C1 controls are allowed but invisible: shown as the replacement character).
_HTML_FORBIDDEN = {code: "\ufffd" for code in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))}


def escape_html(value: object) -> str:
    """`value` as HTML text or a quoted attribute value: & < > " ' escaped, and characters HTML
    forbids replaced (so nothing in the value can open a tag, close an attribute or start an
    entity)."""
    text = value if isinstance(value, str) else str(value)
    escaped = html.escape(text, quote=True).translate(_HTML_FORBIDDEN)
    # A lone surrogate (from an undecodable file name) cannot be written as UTF-8.
    return escaped.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(escaped) else escaped


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


# Bidirectional formatting characters: they reorder how the text around them is shown (an
# overridden "gpj.exe" reads as "exe.jpg"), so a terminal shows them by name.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _terminal_table(multiline: bool) -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x20):
        table[code] = chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC, ␇ for BEL
    table[0x7F] = "\u2421"  # ␡
    for code in range(0x80, 0xA0):  # C1 controls (0x9B is a one-character CSI on some terminals)
        table[code] = f"<U+{code:04X}>"
    for char in BIDI_CONTROLS:
        table[ord(char)] = f"<U+{ord(char):04X}>"
    for char in ("\u2028", "\u2029", "\ufeff"):  # line/paragraph separators, zero-width no-break
        table[ord(char)] = f"<U+{ord(char):04X}>"
    if multiline:
        del table[0x09], table[0x0A]
    else:
        table[0x09] = " "
    return table


_ONE_LINE = _terminal_table(multiline=False)
_MANY_LINES = _terminal_table(multiline=True)


def terminal_text(value: object, *, multiline: bool = False) -> str:
    """`value` safe to print on a terminal: every control character (ESC, so no escape sequence
    can start; BEL; CR, so no line can be overwritten; C1) and every bidirectional override is
    shown as a visible stand-in. A one-line value keeps no newline (so it cannot forge another
    line of output); a `multiline` one keeps newlines and tabs."""
    text = value if isinstance(value, str) else str(value)
    if text.isascii() and text.isprintable():
        return text
    cleaned = text.translate(_MANY_LINES if multiline else _ONE_LINE)
    return cleaned.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(cleaned) else cleaned


