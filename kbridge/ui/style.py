"""Colours and the reader's style sheet, shared by every view so statuses look alike everywhere."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

# Statuses by meaning rather than by kind: green settled, blue in progress, grey ended, red attention.
_STATUS_COLOURS = {
    "accepted": "#1a7f37",
    "implemented": "#1a7f37",
    "active": "#1a7f37",
    "resolved": "#1a7f37",
    "mitigated": "#1a7f37",
    "closed": "#57606a",
    "proposed": "#0969da",
    "draft": "#0969da",
    "planned": "#0969da",
    "partial": "#9a6700",
    "open": "#cf222e",
    "rejected": "#cf222e",
    "superseded": "#8250df",
    "deprecated": "#9a6700",
    "retired": "#57606a",
    "decommissioned": "#57606a",
    "withdrawn": "#57606a",
    "departed": "#57606a",
    "unknown": "#8c959f",  # nothing stated: shown, never taken for a status
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
    from kbridge.render import pygments_css  # Pygments loads with the first record shown

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
.notice {{ color: {muted}; font-style: italic; background: {base}; }}
{pygments_css(code_style)}
"""


# --- the application's palettes --------------------------------------------------------------


def _dark_palette() -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#202124",
        QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#17181a",
        QPalette.ColorRole.AlternateBase: "#26282b",
        QPalette.ColorRole.ToolTipBase: "#303134",
        QPalette.ColorRole.ToolTipText: "#e8eaed",
        QPalette.ColorRole.PlaceholderText: "#9aa0a6",
        QPalette.ColorRole.Text: "#e8eaed",
        QPalette.ColorRole.Button: "#2b2d30",
        QPalette.ColorRole.ButtonText: "#e8eaed",
        QPalette.ColorRole.BrightText: "#ff7b72",
        QPalette.ColorRole.Highlight: "#2f6fd1",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.LinkVisited: "#c58af9",
        QPalette.ColorRole.Mid: "#3c4043",
        QPalette.ColorRole.Dark: "#111214",
        QPalette.ColorRole.Light: "#3c4043",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f7378"))
    return palette


def _light_palette() -> QPalette:
    palette = QApplication.style().standardPalette()
    palette.setColor(QPalette.ColorRole.Link, QColor("#0b57d0"))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#5f6368"))
    return palette


def system_prefers_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication, dark: bool | None = None) -> None:
    """Fusion with a light or dark palette: the system's choice unless `dark` says otherwise.
    Fusion draws the same on every platform, so the screenshots are what users see."""
    app.setStyle("Fusion")
    app.setPalette(_dark_palette() if (system_prefers_dark() if dark is None else dark) else _light_palette())


def follow_system_theme(app: QApplication) -> None:
    """Apply the system's light or dark choice now and whenever it changes."""
    apply_theme(app)
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_theme(app))
