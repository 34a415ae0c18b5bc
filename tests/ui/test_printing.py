"""The incident pack and the brief as PDFs from Qt's own writer, read back by poppler (pages, text,
page size, margins and type size), made through the command line as a person would."""

from __future__ import annotations

import statistics
import subprocess
from pathlib import Path

from click.testing import CliRunner
from PySide6.QtGui import QColor

from kbridge.cli.main import cli
from kbridge.core import KnowledgeBase
from kbridge.formats.printable import Chart
from kbridge.formats.printable.charts import Bar
from kbridge.formats.printable.pack import build_pack
from kbridge.ui.printing import pdf_bytes
from kbridge.ui.widgets.charts import chart_image
from tests.fixtures.pdf import A4, LETTER, page_count, page_size, pdf_text, pdf_words

MIN_MARGIN = 36.0  # points (half an inch): inside what printers leave blank on either paper


def kbridge(kb: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--kb", str(kb), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_pack_pdf_prints_on_a4_and_letter(sample_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "pack"
    printed = kbridge(sample_path, "export", "--format", "pack", str(out)).split()
    pdf = out / "incident-pack.pdf"
    assert printed == [str(out / "incident-pack.html"), str(pdf)]
    width, height = page_size(pdf)
    assert width <= A4[0] + 0.5 and height <= LETTER[1] + 0.5  # the page fits inside both papers
    assert (round(width), round(height)) == (595, 792)
    words = pdf_words(pdf)
    assert min(w.left for w in words) >= MIN_MARGIN and max(w.right for w in words) <= width - MIN_MARGIN
    assert min(w.top for w in words) >= MIN_MARGIN and max(w.bottom for w in words) <= height - MIN_MARGIN / 2
    heights = [w.height for w in words]
    assert min(heights) >= 9.5  # no type smaller than about 8 pt
    assert statistics.median(heights) >= 10.4  # body text about 9-10 pt
    text = pdf_text(pdf)
    for expected in ("Restore order", "Who decides it is safe to bring a system back", "Priya Raman (PER-003)",
                     "+44 20 7946 0103", "Decide which Raft snapshot to trust", "Why each control exists",
                     "Daniel Achterberg (PER-004) — has left", "Approved to bring back online"):
        assert expected in text, expected
    # Each system starts a page of its own, in restore order, after the contents, the order and the
    # approvers; the reasons behind the controls follow.
    pages = page_count(pdf)
    tops: dict[int, float] = {}
    for word in words:
        tops[word.page] = min(tops.get(word.page, word.top), word.top)
    first_lines: dict[int, str] = {}
    for word in words:
        if abs(word.top - tops[word.page]) < 2:
            first_lines[word.page] = f"{first_lines.get(word.page, '')} {word.text}".strip()
    plan = [line.split()[:1] + line.split()[-1:] for line in first_lines.values()]
    keys = ["SYS-003", "SYS-006", "SYS-002", "SYS-005", "SYS-004", "SYS-001", "SYS-008", "SYS-007"]
    starts = [page for page, line in first_lines.items() if line.split()[-1].strip("()") in keys]
    assert [first_lines[page].split()[-1].strip("()") for page in sorted(starts)] == keys, plan
    assert sorted(starts)[0] > 2 and pages > sorted(starts)[-1]
    assert f"page 1 of {pages}" in text and f"page {pages} of {pages}" in text


def test_brief_pdf_of_the_estate_and_of_one_system(sample_path: Path, tmp_path: Path) -> None:
    estate = Path(kbridge(sample_path, "brief", "--format", "pdf", str(tmp_path)).strip())
    assert estate == tmp_path / "brief.pdf"
    vault = Path(kbridge(sample_path, "brief", "--system", "SYS-006", "--format", "pdf",
                         str(tmp_path / "vault.pdf")).strip())
    for pdf, title in ((estate, "Resilience brief: sample"), (vault, "Resilience brief: HashiCorp Vault")):
        text = pdf_text(pdf)
        assert text.startswith(title) and 2 <= page_count(pdf) <= 6
        for section in ("Risks still open, and what protects against them", "How ready we are to recover"):
            assert section in text
        images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True)
        assert len(images.stdout.splitlines()) - 2 == 4  # one chart per section
        assert " jpeg " not in images.stdout  # charts kept lossless
    assert "It was last rehearsed on 2026-03-10 (test, partial) and took 95 minutes." in pdf_text(vault)
    html = Path(kbridge(sample_path, "brief", "--format", "html", str(tmp_path / "brief.html")).strip())
    assert html.read_text(encoding="utf-8").count("<svg") == 4


def test_pdf_of_a_document_built_here(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.create("system", "Only system")
    data = pdf_bytes(build_pack(kb))
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    pdf = tmp_path / "one.pdf"
    pdf.write_bytes(data)
    text = pdf_text(pdf)
    assert "Only system (SYS-001)" in text and "nobody named" in text


def test_chart_image_draws_each_bar_in_its_tone() -> None:
    chart = Chart("Hours", [Bar("long", 4, "4 hours", "critical"), Bar("short", 1, "1 hour", "good")])
    image = chart_image(chart, scale=1)
    from kbridge.formats.printable import charts as spec

    def colour_at(bar: int, share: float) -> str:
        y = spec.TOP + bar * (spec.BAR_HEIGHT + spec.GAP) + spec.BAR_HEIGHT // 2
        x = spec.LABEL_WIDTH + int(share * (spec.WIDTH - spec.LABEL_WIDTH - spec.VALUE_WIDTH))
        return QColor(image.pixel(x, y)).name()

    assert colour_at(0, 0.9) == spec.TONES["critical"]  # the long bar reaches 90% of the room
    assert colour_at(1, 0.2) == spec.TONES["good"] and colour_at(1, 0.7) == "#ffffff"  # the short one a quarter
