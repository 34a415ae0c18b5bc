"""Property tests: malformed Markdown and front matter never make import raise, and every file
is imported or skipped with a reason."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kbridge.core import KnowledgeBase
from kbridge.formats.read.importer import import_folder
from kbridge.formats.write.export import export_kb

FRAGMENTS = [
    "---\n", "---", "...\n", "status: accepted\n", "status: [\n", "date: 2020-13-45\n",
    "date: 99999-01-01\n", "tags: {a: [}\n", "key: ADR-1\nkind: decision\ntitle: T\n",
    "kind: nothing\n", "links:\n- type: nope\n", "# ", "# 1. Title\n", "# [Superseded by [x](",
    "## Status\n", "Accepted\n", "Superseded by [A](0001-a.md)\n", "Superceded by ", "* Status: ",
    "- Date: Oct 32, 2020\n", "**Status:** ", "```\n", "~~~\n", "<!-- ", "-->", "![](",
    "https://img.shields.io/badge/status-", "\r\n", "\r", "\t", "\ufeff", "\u2028", "é", "🚀",
    "| a | b |\n|---|---|\n", "> quote\n", "    code\n", "[ref]: 0002-b.md\n", "\x00", "\n",
]

documents = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=25
).map("".join)
raw_bytes = st.binary(max_size=200)
names = st.sampled_from(["0001-a.md", "0002-b.md", "adr_003_c.md", "20210308-d.md", "README.md",
                         "x.markdown", "0001-dup.md", "notes.md", "template.md", "img.png"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(names, st.one_of(documents, raw_bytes)), min_size=1, max_size=6,
                unique_by=lambda item: item[0]))
# Found by this test: a file that says it is superseded, under a status the import cannot read.
@example([("0001-a.md", "---\n"), ("0002-b.md", "Superseded by [A](0001-a.md)\n## Status\n...\n")])
def test_import_never_raises_and_accounts_for_every_file(files: list[tuple[str, object]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "adr"
        folder.mkdir()
        for name, content in files:
            data = content if isinstance(content, bytes) else str(content).encode("utf-8",
                                                                                 "surrogatepass")
            (folder / name).write_bytes(data)
        kb = KnowledgeBase.init(Path(tmp) / "fuzz.kbridge")
        # Junk that reads as no decision at all is refused without `force`: import it anyway.
        report = import_folder(kb, folder, force=True)
        records = {r.source["path"] for r in kb.list_records() if r.source}
        skipped = {item.path for item in report.skipped}
        attached = {f["name"] for r in kb.list_records() for f in kb.files.of(r.uid)
                    if f["role"] == "attachment"}
        assert records | skipped | attached == {name for name, _ in files}
        assert all(item.reason for item in report.skipped)
        assert report.imported == len(records)
        # and what was imported writes back unchanged, but for a record the import marked
        # superseded (a link says so; its file's status did not): an export writes that status
        # into its file, as `kbridge supersede` would (test_lifecycle_formats)
        export_kb(kb, Path(tmp) / "out", "native")
        for record in kb.list_records():
            written = (Path(tmp) / "out" / record.source["path"]).read_bytes()
            original = (folder / record.source["path"]).read_bytes()
            if record.status == "superseded" and record.source["baseline"]["status"] != "superseded":
                assert b"uperseded by" in written and written.count(b"\n") <= original.count(b"\n") + 2
            else:
                assert written == original
        again = import_folder(kb, folder, force=True)
        assert again.imported == 0 and again.unchanged == len(records)
        kb.close()
