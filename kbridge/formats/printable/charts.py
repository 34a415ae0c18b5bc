"""Charts of the printed documents: horizontal bars, one value per bar, drawn as inline SVG in the
HTML file (here) and with QPainter in the PDF (kbridge.ui.widgets.charts), from the same `Chart`."""

from __future__ import annotations

from dataclasses import dataclass, field

from kbridge.escaping import escape_html as escape

# Tones and their colours: print well in colour and stay distinct in grey.
TONES = {
    "critical": "#b42318",
    "high": "#c4560c",
    "medium": "#a37800",
    "low": "#5b6470",
    "good": "#1a7f37",
    "warn": "#c4560c",
    "bad": "#b42318",
    "neutral": "#3b6ea8",
}
WIDTH = 640
LABEL_WIDTH = 270
VALUE_WIDTH = 130
FONT_PX = 13  # at the 0.95 of the text width a printed chart takes: about 9 pt on paper
BAR_HEIGHT = 20
GAP = 8
TOP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as a person reads it ("2 h", "3 of 4")
    tone: str = "neutral"


@dataclass
class Chart:
    title: str  # what the chart shows, in plain words (also its text alternative)
    bars: list[Bar] = field(default_factory=list)
    maximum: float | None = None  # the bar scale's end (default: the largest value)
    note: str = ""  # a line under the chart (the unit, what a missing bar means)

    @property
    def scale(self) -> float:
        return self.maximum or max((bar.value for bar in self.bars), default=0) or 1.0

    @property
    def height(self) -> int:
        return TOP * 2 + max(1, len(self.bars)) * (BAR_HEIGHT + GAP)


def svg_chart(chart: Chart) -> str:
    """`chart` as an inline SVG element (with a title for screen readers)."""
    rows = []
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    for index, bar in enumerate(chart.bars):
        y = TOP + index * (BAR_HEIGHT + GAP)
        length = max(0.0, min(1.0, bar.value / chart.scale)) * room
        colour = TONES.get(bar.tone, TONES["neutral"])
        baseline = y + BAR_HEIGHT / 2 + FONT_PX * 0.35
        rows.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{baseline:.1f}" text-anchor="end">{escape(short_label(bar.label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" fill="{colour}" rx="2"/>'
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{baseline:.1f}" font-weight="bold">{escape(bar.text)}</text>'
        )
    if not chart.bars:
        rows.append(f'<text x="{LABEL_WIDTH + 6}" y="{TOP + FONT_PX}">nothing to show</text>')
    return (
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {chart.height}" width="{WIDTH}" height="{chart.height}" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="{FONT_PX}" font-family="DejaVu Sans, Arial, sans-serif" '
        f'fill="#1f2328"><title>{escape(chart.title)}</title>'
        f'<line x1="{LABEL_WIDTH}" y1="0" x2="{LABEL_WIDTH}" y2="{chart.height}" stroke="#8c959f"/>'
        f'{"".join(rows)}</svg>'
    )


def short_label(text: str, limit: int = 36) -> str:
    """A bar's label as both drawings show it: long ones cut (the table or text beside says it whole)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
