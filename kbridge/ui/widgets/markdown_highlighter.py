"""Syntax highlighting for the Markdown editor: headings, emphasis, code, links, lists, quotes."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

_IN_FENCE = 1


def _format(colour: str, *, bold: bool = False, italic: bool = False, mono: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(colour))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    if italic:
        fmt.setFontItalic(True)
    if mono:
        fmt.setFontFamilies(["monospace"])
    return fmt


class MarkdownHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument, *, dark: bool = False) -> None:
        super().__init__(document)
        palette = {
            "heading": "#8ab4f8" if dark else "#0b57d0",
            "emphasis": "#e8eaed" if dark else "#1f2328",
            "code": "#f28b82" if dark else "#a0341b",
            "link": "#81c995" if dark else "#1a7f37",
            "marker": "#fdd663" if dark else "#9a6700",
            "quote": "#9aa0a6" if dark else "#57606a",
        }
        self.heading = _format(palette["heading"], bold=True)
        self.code = _format(palette["code"], mono=True)
        self.fence = _format(palette["code"], mono=True)
        self.rules: list[tuple[re.Pattern[str], QTextCharFormat]] = [
            (re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s"), _format(palette["marker"], bold=True)),
            (re.compile(r"^\s{0,3}>.*$"), _format(palette["quote"], italic=True)),
            (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), _format(palette["emphasis"], bold=True)),
            (re.compile(r"(?<![*\w])([*_])(?=\S)(.+?)(?<=\S)\1(?![*\w])"), _format(palette["emphasis"], italic=True)),
            (re.compile(r"!?\[[^\]]*\]\([^)]*\)"), _format(palette["link"])),
            (re.compile(r"<https?://[^>]+>"), _format(palette["link"])),
            (re.compile(r"`[^`]+`"), self.code),
        ]
        self.heading_pattern = re.compile(r"^\s{0,3}#{1,6}\s.*$")
        self.fence_pattern = re.compile(r"^\s{0,3}(```|~~~)")

    def highlightBlock(self, text: str) -> None:
        in_fence = self.previousBlockState() == _IN_FENCE
        if self.fence_pattern.match(text):
            self.setFormat(0, len(text), self.fence)
            self.setCurrentBlockState(0 if in_fence else _IN_FENCE)
            return
        if in_fence:
            self.setFormat(0, len(text), self.fence)
            self.setCurrentBlockState(_IN_FENCE)
            return
        self.setCurrentBlockState(0)
        if self.heading_pattern.match(text):
            self.setFormat(0, len(text), self.heading)
            return
        for pattern, fmt in self.rules:
            for match in pattern.finditer(text):
                self.setFormat(match.start(), match.end() - match.start(), fmt)
