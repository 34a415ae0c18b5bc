"""Decisions written in reStructuredText (Open edX's OEP-19 style, `docs/decisions/0003-x.rst`): read
as a Markdown file's blocks are, imported with their titles, statuses, dates and links, written
back byte for byte, and never patched with Markdown once changed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kbridge.core import KnowledgeBase
from kbridge.formats.read.importer import import_folder
from kbridge.formats.rst_doc import parse
from kbridge.formats.write.export import export_kb

PURPOSE = """\
1. Purpose of this Repo
#######################

Status
******

Accepted

Context
*******

We need an event bus (see :doc:`0002-kafka-based-event-bus`). `OEP-52`_ says why::

    Status: Rejected
    this literal block is a sample, not the decision's status

.. _OEP-52: https://open-edx-proposals.readthedocs.io/oep-0052.html

Decision
********

* Keep the Kafka code here, wrapped
  over two lines.
* Keep `the consumer <https://example.com/consumer>`_ beside it.

  #. nested first
  #. nested second

.. note:: Read the OEP first.

   It explains the bus.

.. code-block:: python

    status = "Deprecated"
"""

BUS = """\
==========================
 Kafka-Based Event Bus
==========================

:Status: Superseded by :doc:`0003-managed-kafka`
:Date: 2022-03-04

Context
-------

Kafka, as `Confluent`_ hosts it.

.. _Confluent: https://www.confluent.io/
"""

MANAGED = """\
Managed Kafka
=============

Status
------

Accepted

Context
-------

Supersedes `the bus <0002-kafka-based-event-bus.rst>`_.

.. image:: diagram.png
"""


def folder_of(tmp_path: Path) -> Path:
    folder = tmp_path / "docs" / "decisions"
    folder.mkdir(parents=True)
    (folder / "0001-purpose-of-this-repo.rst").write_text(PURPOSE, encoding="utf-8")
    (folder / "0002-kafka-based-event-bus.rst").write_text(BUS, encoding="utf-8")
    (folder / "0003-managed-kafka.rst").write_text(MANAGED, encoding="utf-8")
    (folder / "diagram.png").write_bytes(b"\x89PNG diagram")
    (folder / "index.rst").write_text("Decisions\n=========\n\n.. toctree::\n   :glob:\n\n   *\n", encoding="utf-8")
    return folder


def test_the_blocks_a_reader_needs() -> None:
    doc = parse(PURPOSE)
    headings = [(b.text, b.level) for b in doc.headings()]
    assert headings == [("1. Purpose of this Repo", 1), ("Status", 2), ("Context", 2), ("Decision", 2)]
    kinds = [b.kind for b in doc.blocks]
    assert kinds.count("fence") == 2  # the literal block after `::` and the code directive
    fences = [b for b in doc.blocks if b.kind == "fence"]
    assert "Status: Rejected" in fences[0].text
    assert fences[0].start == PURPOSE.splitlines().index("    Status: Rejected")
    context = next(b for b in doc.blocks if b.text.startswith("We need"))
    assert context.text.endswith("says why:")  # `::` reads as a colon
    assert ("0002-kafka-based-event-bus", "0002-kafka-based-event-bus.rst") in context.links
    assert ("OEP-52", "https://open-edx-proposals.readthedocs.io/oep-0052.html") in context.links
    assert "[OEP-52](https://open-edx-proposals.readthedocs.io/oep-0052.html)" in context.text
    items = [b for b in doc.blocks if b.kind == "item"]
    assert [(b.text, b.depth) for b in items] == [
        ("Keep the Kafka code here, wrapped\nover two lines.", 1),
        ("Keep [the consumer](https://example.com/consumer) beside it.", 1),
        ("nested first", 2), ("nested second", 2)]
    notes = [b.text for b in doc.blocks if b.quoted]
    assert notes == ["Read the OEP first.", "It explains the bus."]
    # Line ranges are the file's: the first heading is its first two lines.
    assert (doc.blocks[0].start, doc.blocks[0].end) == (0, 2)
    overlined = parse(BUS)
    assert [(b.text, b.level) for b in overlined.headings()] == [("Kafka-Based Event Bus", 1), ("Context", 2)]
    fields = overlined.blocks[1]
    assert fields.kind == "paragraph" and fields.text.startswith("Status: Superseded by [0003-managed-kafka]")
    assert fields.text.endswith("\nDate: 2022-03-04")


def test_a_folder_of_them_imports_with_titles_statuses_dates_links_and_images(tmp_path: Path) -> None:
    folder = folder_of(tmp_path)
    with KnowledgeBase.init(tmp_path / "kb.kbridge") as kb:
        report = import_folder(kb, folder)
        assert (report.imported, report.formats) == (3, {"rst": 3})
        assert {s.path: s.reason for s in report.skipped}["index.rst"].startswith("index")
        purpose, bus, managed = (kb.get(f"ADR-000{n}") for n in (1, 2, 3))
        assert (purpose.title, purpose.status, purpose.date) == ("Purpose of this Repo", "accepted", None)
        assert "Status: Rejected" in purpose.body  # a literal block's text is content, kept
        assert (bus.title, bus.status, bus.date) == ("Kafka-Based Event Bus", "superseded", "2022-03-04")
        assert managed.status == "accepted" and "image" not in managed.fields
        superseded_by = [link for link in kb.links.of(bus.uid) if link.type.value == "supersedes"]
        assert [(link.direction, link.key) for link in superseded_by] == [("in", "ADR-0003")]
        assert kb.files.of(managed.uid) and any(f["name"].endswith("diagram.png") for f in kb.files.of(managed.uid))
        assert kb.maintenance.integrity_problems() == []


def test_written_back_as_they_were_and_never_patched_with_markdown(tmp_path: Path) -> None:
    folder = folder_of(tmp_path)
    with KnowledgeBase.init(tmp_path / "kb.kbridge") as kb:
        import_folder(kb, folder)
        same = export_kb(kb, tmp_path / "same", "native")
        for name in ("0001-purpose-of-this-repo.rst", "0002-kafka-based-event-bus.rst", "0003-managed-kafka.rst"):
            assert (tmp_path / "same" / name).read_bytes() == (folder / name).read_bytes()
        assert not same.skipped
        kb.update("ADR-0001", status="deprecated")
        changed = export_kb(kb, tmp_path / "changed", "native")
        reasons = {s.path: s.reason for s in changed.skipped}
        assert "does not write" in reasons["0001-purpose-of-this-repo.rst"] and "export as MADR" in reasons[
            "0001-purpose-of-this-repo.rst"]
        assert not (tmp_path / "changed" / "0001-purpose-of-this-repo.rst").exists()
        madr = export_kb(kb, tmp_path / "madr", "madr")
        written = (tmp_path / "madr" / "0001-purpose-of-this-repo.md").read_text(encoding="utf-8")
        assert "status: deprecated" in written and madr.written


HOSTILE = r"""
import sys
from kbridge.formats.rst_doc import parse
units = ["a.", "`", ":a:`", "`x <", "a_ ", "`a`_ :doc:`b <c>` ``d`` "]
for unit in units:
    parse("\n\n".join([unit * (19_000 // len(unit))] * 100))
parse("".join("  " * i + "- x\n" for i in range(1000)))
parse("".join("    " * i + "x\n\n" for i in range(1000)))
parse("T\n=\n\n" * 100_000)
parse(".. note::\n\n   x\n" * 50_000)
print("done")
"""


def test_hostile_files_finish_quickly_and_deep_nesting_is_bounded() -> None:
    """Inline patterns are linear (a reference word is short; `a.a.a...` was tried to the end of
    its line from every part) and nesting past MAX_DEPTH is one paragraph, not a call per level."""
    done = subprocess.run([sys.executable, "-c", HOSTILE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "done", done.stderr


def test_shown_as_markdown_in_the_reader_and_the_site_while_kept_as_written(tmp_path: Path) -> None:
    from kbridge.formats.rst_doc import body_markup, to_markdown
    from kbridge.render import record_page_html

    shown = to_markdown(PURPOSE)
    assert shown.startswith("## 1. Purpose of this Repo\n\n### Status\n\nAccepted\n")
    assert "```\nStatus: Rejected\nthis literal block" in shown  # a literal block as code, its margin gone
    assert "- Keep the Kafka code here, wrapped\n  over two lines." in shown and "  - nested first" in shown
    assert "> Read the OEP first." in shown and ".. _OEP-52" not in shown and ".. note" not in shown
    folder = folder_of(tmp_path)
    with KnowledgeBase.init(tmp_path / "kb.kbridge") as kb:
        import_folder(kb, folder)
        record = kb.get("ADR-0001")
        assert "*******" in record.body  # the record keeps its text as the file has it
        page = record_page_html(record, [], status_hex=lambda status: "#123456", to_markdown=body_markup(record))
        assert '<h2 id="context">Context</h2>' in page and "*******" not in page and "code-block" not in page
        markdown = kb.create("decision", "Written here", body="## Context\n\n*******\n")
        assert body_markup(kb.get(markdown.key)) is None  # a Markdown body is shown as it is
