"""A printable document, its page style, and writing it as one self-contained HTML file.

The PDF is laid out on a page of 210 × 279.4 mm: the width of A4 and the height of Letter, so the
same file prints at full size, uncut and unscaled, on either paper. The HTML says `size: auto` and
lets the browser's print dialog choose."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kbridge import safe_files
from kbridge.escaping import escape_html as escape
from kbridge.formats.printable.charts import Chart, svg_chart
from kbridge.model import ValidationError

PAGE_WIDTH_MM = 210.0  # A4's width (Letter is 215.9)
PAGE_HEIGHT_MM = 279.4  # Letter's height (A4 is 297)

# Understood by browsers and by Qt's rich text (QTextDocument), which prints the PDF: classes and
# element selectors, sizes in points, page breaks. Body text at 10 pt stays legible on paper.
STYLE = """
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt; color: #1f2328; }
h1 { font-size: 18pt; margin: 0 0 4pt 0; }
h2 { font-size: 14pt; margin: 14pt 0 4pt 0; }
h3 { font-size: 11.5pt; margin: 10pt 0 3pt 0; }
p { margin: 3pt 0; }
.meta { color: #57606a; font-size: 9pt; }
.new-page { page-break-before: always; }
table.grid { border-collapse: collapse; margin: 4pt 0 8pt 0; }
table.grid th { background-color: #eaeef2; text-align: left; font-size: 9pt; }
table.grid td { font-size: 9pt; vertical-align: top; }
.alert { color: #b42318; font-weight: bold; }
.ok { color: #1a7f37; }
.muted { color: #57606a; }
.box { font-family: "DejaVu Sans", sans-serif; }
.chart-title { font-weight: bold; margin-top: 6pt; }
.chart-note { color: #57606a; font-size: 8.5pt; }
"""
# What only a browser reads: the page box and keeping rows whole across pages.
BROWSER_STYLE = """
@page { size: auto; margin: 15mm; }
body { max-width: 190mm; margin: 0 auto; }
table.grid { width: 100%; }
table.grid th, table.grid td { border: 1px solid #8c959f; padding: 3pt 4pt; }
tr, li { page-break-inside: avoid; }
svg.chart { max-width: 100%; height: auto; }
@media print { a { color: inherit; text-decoration: none; } }
"""

ChartTag = Callable[[int, Chart], str]


@dataclass
class Printable:
    """A document: its title and its content as HTML fragments and charts, in order."""

    title: str
    parts: list[str | Chart] = field(default_factory=list)
    subject: str = ""  # a line under the title (what it covers, when it was made)
    footer: str = ""  # at the foot of every printed page, after "page N of M" (default: the title)

    def add(self, *parts: str | Chart) -> None:
        self.parts.extend(parts)

    @property
    def charts(self) -> list[Chart]:
        return [part for part in self.parts if isinstance(part, Chart)]

    def body(self, chart_tag: ChartTag) -> str:
        """The HTML inside <body>, each chart as `chart_tag(index, chart)` draws it."""
        out = [f"<h1>{escape(self.title)}</h1>"]
        if self.subject:
            out.append(f'<p class="meta">{escape(self.subject)}</p>')
        index = 0
        for part in self.parts:
            if isinstance(part, Chart):
                out.append(f'<p class="chart-title">{escape(part.title)}</p>{chart_tag(index, part)}')
                if part.note:
                    out.append(f'<p class="chart-note">{escape(part.note)}</p>')
                index += 1
            else:
                out.append(part)
        return "\n".join(out)


def standalone_html(document: Printable) -> str:
    """One HTML file with everything inside it: no script, no remote or local resource."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{escape(document.title)}</title><style>{STYLE}{BROWSER_STYLE}</style></head>\n"
        f"<body>\n{document.body(lambda _index, chart: svg_chart(chart))}\n</body></html>\n"
    )


def qt_html(document: Printable, chart_url: Callable[[int], str], chart_width: int) -> str:
    """The HTML Qt's rich text prints (kbridge.ui.printing): charts as images it supplies."""

    def image(index: int, chart: Chart) -> str:
        height = round(chart_width * chart.height / 640)
        return f'<p><img src="{chart_url(index)}" width="{chart_width}" height="{height}"></p>'

    return f"<html><head><style>{STYLE}</style></head><body>{document.body(image)}</body></html>"


def grid(headers: list[str] | None, rows: list[list[str]], widths: list[int] | None = None) -> str:
    """A table of already-escaped cells, with a header row when `headers` are given; `widths` are
    percentages of the text width (Qt reads the attributes, browsers the style)."""
    def width(index: int) -> str:
        return f' width="{widths[index]}%"' if widths else ""

    head = "".join(f"<th{width(i)}>{cell}</th>" for i, cell in enumerate(headers or []))
    first, *rest = rows or [[]]
    body = "<tr>" + "".join(f"<td{'' if headers else width(i)}>{cell}</td>" for i, cell in enumerate(first)) + "</tr>"
    body += "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rest)
    return (f'<table class="grid" width="100%" border="1" cellspacing="0" cellpadding="3">'
            f"{f'<thead><tr>{head}</tr></thead>' if headers else ''}<tbody>{body}</tbody></table>")


def write_inside(folder: Path, name: str, data: bytes) -> Path:
    """Write `data` as `name` in `folder` (made when missing): one file name, through the one
    writer (`kbridge.safe_files`: atomic, never through a symbolic link, never outside)."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        raise ValidationError(f"{name!r} is not a file name")
    try:
        return safe_files.write_file(Path(folder), name, data)
    except safe_files.UnsafePathError as error:
        raise ValidationError(str(error)) from error
