"""Colours and the reader's style sheet, shared by every view so statuses look alike everywhere."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from kbridge.render import pygments_css

# Statuses by meaning rather than by kind: green settled, blue in progress, grey ended, red attention.
_STATUS_COLOURS = {
    "accepted": "#1a7f37", "implemented": "#1a7f37", "active": "#1a7f37", "resolved": "#1a7f37",
    "mitigated": "#1a7f37", "closed": "#57606a",
    "proposed": "#0969da", "draft": "#0969da", "planned": "#0969da", "partial": "#9a6700",
    "open": "#cf222e", "rejected": "#cf222e",
    "superseded": "#8250df", "deprecated": "#9a6700", "retired": "#57606a",
    "decommissioned": "#57606a", "withdrawn": "#57606a", "departed": "#57606a",
}
_DEFAULT_COLOUR = "#57606a"
OVERDUE_COLOUR = "#cf222e"
DANGLING_COLOUR = "#9a6700"


def status_hex(status: str) -> str:
    return _STATUS_COLOURS.get(status, _DEFAULT_COLOUR)


def status_colour(status: str) -> QColor:
    return QColor(status_hex(status))


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def reader_css(palette: QPalette) -> str:
    """CSS for the reader: follows the palette, so light and dark themes both read well."""
    text = palette.color(QPalette.ColorRole.Text).name()
    muted = palette.color(QPalette.ColorRole.PlaceholderText).name()
    base = palette.color(QPalette.ColorRole.AlternateBase).name()
    link = palette.color(QPalette.ColorRole.Link).name()
    code_style = "monokai" if is_dark(palette) else "default"
    return f"""
body {{ color: {text}; }}
h1.title {{ font-size: 20pt; margin: 0 0 4px 0; }}
.key {{ color: {muted}; font-weight: bold; }}
.chip {{ color: white; font-weight: bold; }}
.facts td {{ padding: 1px 12px 1px 0; }}
.facts td.name {{ color: {muted}; }}
.overdue {{ color: {OVERDUE_COLOUR}; font-weight: bold; }}
.dangling {{ color: {DANGLING_COLOUR}; }}
.trash {{ color: {OVERDUE_COLOUR}; font-weight: bold; }}
h2 {{ font-size: 14pt; margin-top: 14px; }}
h3 {{ font-size: 12pt; }}
a {{ color: {link}; text-decoration: none; }}
pre, code {{ font-family: monospace; background: {base}; }}
table.md {{ border-collapse: collapse; }}
th, td {{ padding: 2px 6px; }}
.links-heading {{ color: {muted}; font-weight: bold; margin-top: 10px; }}
{pygments_css(code_style)}
"""
