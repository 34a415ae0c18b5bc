"""Export: each corpus written back in its own format byte for byte; edits change only the lines
a person would change; kbridge Markdown reproduces every record, field and link."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import pytest

from kbridge.core import KnowledgeBase
from kbridge.formats.read.importer import import_folder
from kbridge.formats.write.export import export_kb
from tests.formats.conftest import CORPUS_FOLDERS, adr_folder, superseded_in_folder


def _import(tmp_path: Path, folder: Path) -> KnowledgeBase:
    kb = KnowledgeBase.init(tmp_path / "corpus.kbridge")
    report = import_folder(kb, folder)
    assert report.imported > 0
    return kb


def _diff(before: bytes, after: bytes) -> list[str]:
    lines = difflib.unified_diff(before.decode().splitlines(), after.decode().splitlines(),
                                 lineterm="", n=0)
    return [line for line in lines if line[:1] in "+-" and line[:3] not in ("+++", "---")]


# Folders whose files are written in more than one format (sva-studio: two ADRs use MADR lists
# among bold-key ones): exported in each file's own format by "native" only.
MIXED_FORMATS = {"smart-village-solutions__sva-studio"}
CASES_BY_FORMAT = [("native", name) for name in sorted(CORPUS_FOLDERS)] + [
    ("own", name) for name in sorted(CORPUS_FOLDERS) if name not in MIXED_FORMATS]


@pytest.mark.parametrize(("fmt", "name"), CASES_BY_FORMAT)
def test_unchanged_corpus_is_written_back_byte_for_byte(
    corpus: Path, tmp_path: Path, name: str, fmt: str
) -> None:
    folder = adr_folder(corpus, name)
    kb = _import(tmp_path, folder)
    own = {(r.source or {}).get("format") for r in kb.list_records()}
    assert len(own) == (1 if name not in MIXED_FORMATS else 2)
    out = tmp_path / "out"
    report = export_kb(kb, out, "native" if fmt == "native" else own.pop())
    # A decision another file supersedes was marked superseded by the import: only its status
    # line is written anew (kbridge.core.lifecycle); every other file comes back as it was.
    superseded = {r.source["path"] for r in kb.list_records() if r.status != r.source["baseline"]["status"]}
    assert superseded <= superseded_in_folder(folder)
    assert {kb.find_by_source(path).status for path in superseded} <= {"superseded"}
    assert len(report.written) == len(kb.list_records())
    assert (report.unchanged, report.patched) == (len(report.written) - len(superseded), len(superseded))
    exported = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    for rel in exported:
        if rel in superseded:
            changed = _diff((folder / rel).read_bytes(), (out / rel).read_bytes())
            assert len(changed) == 2 and changed[1].lower().startswith("+superseded by"), (rel, changed)
        else:
            assert (out / rel).read_bytes() == (folder / rel).read_bytes(), rel
    # every image that a decision shows is written too
    kept = {f["name"] for r in kb.list_records() for f in kb.files.of(r.uid) if f["role"] == "attachment"}
    assert kept <= set(exported)
    kb.close()


CASES = [
    # (corpus, file, new status, the only line expected before and after)
    ("alphagov__govuk-aws", "0005-terraform-module-location.md", "deprecated",
     ("Accepted", "Deprecated")),
    ("mozilla__remote-settings", "adr_004_server_side_filtering.md", "rejected",
     ("* Status: accepted", "* Status: rejected")),
    ("DFE-Digital__find-a-tuition-partner", "0002-end-2-end-testing-framework.md", "deprecated",
     ("status: accepted", "status: deprecated")),
    ("thomvaill__log4brains", "20201103-use-lunr-for-search.md", "deprecated",
     ("- Status: accepted", "- Status: deprecated")),
    ("island-is__handbook", "0011-open-source-license.md", "accepted",  # CRLF file
     ("* Status: proposed", "* Status: accepted")),
    ("elastisys__compliantkubernetes", "0043-rclone-and-encryption-adhere-cryptography-policy.md",
     "rejected", ("- Status: Accepted", "- Status: Rejected")),
]


@pytest.mark.parametrize(("name", "path", "status", "change"), CASES)
def test_status_change_touches_only_the_status_line(
    corpus: Path, tmp_path: Path, name: str, path: str, status: str, change: tuple[str, str]
) -> None:
    folder = adr_folder(corpus, name)
    kb = _import(tmp_path, folder)
    record = kb.find_by_source(path)
    assert record is not None
    kb.set_status(record.key, status)
    report = export_kb(kb, tmp_path / "out", "native")
    assert report.patched == 1
    before, after = (folder / path).read_bytes(), (tmp_path / "out" / path).read_bytes()
    assert _diff(before, after) == [f"-{change[0]}", f"+{change[1]}"]
    assert before.count(b"\r\n") == after.count(b"\r\n")  # line ends kept as they were
    kb.close()


def test_a_file_without_status_gets_one_status_line(corpus: Path, tmp_path: Path) -> None:
    folder = adr_folder(corpus, "adr__madr")
    kb = _import(tmp_path, folder)
    kb.set_status(kb.find_by_source("0005-use-dashes-in-filenames.md").key, "deprecated")
    export_kb(kb, tmp_path / "out", "native")
    name = "0005-use-dashes-in-filenames.md"
    after = (tmp_path / "out" / name).read_bytes()
    assert _diff((folder / name).read_bytes(), after) == ["+status: deprecated"]
    assert after.startswith(b"---\nstatus: deprecated\nparent: Decisions\n")


def test_supersede_in_adr_tools_writes_both_link_paragraphs(corpus: Path, tmp_path: Path) -> None:
    folder = adr_folder(corpus, "alphagov__govuk-aws")
    kb = _import(tmp_path, folder)
    old = kb.find_by_source("0024-ami-lookups.md")
    new = kb.find_by_source("0037-alb-health-checks.md")
    kb.lifecycle.supersede(old.key, new.key)
    export_kb(kb, tmp_path / "out", "native")
    old_diff = _diff((folder / "0024-ami-lookups.md").read_bytes(),
                     (tmp_path / "out" / "0024-ami-lookups.md").read_bytes())
    assert old_diff == ["-Accepted", "+Superseded by [37. ALB Health Checks](0037-alb-health-checks.md)"]
    new_diff = _diff((folder / "0037-alb-health-checks.md").read_bytes(),
                     (tmp_path / "out" / "0037-alb-health-checks.md").read_bytes())
    assert new_diff == ["+", "+Supersedes [24. AMI Lookups](0024-ami-lookups.md)"]
    # and the result reads back as the same link
    kb2 = KnowledgeBase.init(tmp_path / "again.kbridge")
    import_folder(kb2, tmp_path / "out")
    again_old = kb2.find_by_source("0024-ami-lookups.md")
    assert again_old.status == "superseded"
    assert [(link.label, link.title) for link in kb2.links.of(again_old.key)] == [
        ("superseded by", "ALB Health Checks")]


def test_body_edit_changes_only_the_edited_line(corpus: Path, tmp_path: Path) -> None:
    folder = adr_folder(corpus, "elastisys__compliantkubernetes")
    kb = _import(tmp_path, folder)
    name = "0037-enforce-ttl-on-jobs.md"
    record = kb.find_by_source(name)
    line = "Lingering finished Jobs are annoying"
    assert line in record.body
    kb.update(record.key, body=record.body.replace(line, "Finished Jobs left behind are annoying"))
    export_kb(kb, tmp_path / "out", "native")
    diff = _diff((folder / name).read_bytes(), (tmp_path / "out" / name).read_bytes())
    assert len(diff) == 2 and diff[0].startswith("-Lingering") and diff[1].startswith("+Finished")


def _content(kb: KnowledgeBase) -> dict[str, Any]:
    records = {}
    for record in kb.iter_records():
        links = sorted((link.type.value, link.direction, link.key, link.note, link.dangling)
                       for link in kb.links.of(record.uid))
        records[record.key] = (
            record.uid, record.kind, record.title, record.status, record.body, record.tags,
            record.date, record.review_by, record.owner_key, record.fields, links,
        )
    return records


@pytest.mark.parametrize("name", [*sorted(CORPUS_FOLDERS), "sample"])
def test_kbridge_export_then_import_reproduces_everything(
    corpus: Path, tmp_path: Path, sample_path: Path, name: str
) -> None:
    # A copy of the sample: a kbridge export records its sync baseline in the knowledge base.
    kb = (KnowledgeBase.open(sample_path) if name == "sample"
          else _import(tmp_path, adr_folder(corpus, name)))
    export_kb(kb, tmp_path / "kb-md", "kbridge")
    copy = KnowledgeBase.init(tmp_path / "copy.kbridge")
    report = import_folder(copy, tmp_path / "kb-md")
    assert report.skipped == [] and report.imported == len(kb.list_records())
    assert _content(copy) == _content(kb)
    kb.close()
    copy.close()


def test_a_kbridge_export_writes_the_images_and_plans_no_file_export_without_any(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kbridge.formats.write import export as export_module

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    with KnowledgeBase.init(tmp_path / "pictures.kbridge") as kb:
        pictured = kb.create("decision", "With a diagram", body="See ![the flow](flow.png).")
        kb.create("decision", "Without one")
        kb.files.put(pictured.key, "flow.png", png)
        trashed = kb.create("decision", "Trashed, with one", body="![gone](gone.png)")
        kb.files.put(trashed.key, "gone.png", png)
        kb.delete(trashed.key)
        export_kb(kb, tmp_path / "out", "kbridge")
        images = [path for path in (tmp_path / "out").rglob("flow.png")]
        assert [image.read_bytes() for image in images] == [png]
        assert not list((tmp_path / "out").rglob("gone.png"))  # the trash is not exported

    def planned(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the file export's plan (every record in memory) was made")

    monkeypatch.setattr(export_module._FileExport, "__init__", planned)
    with KnowledgeBase.init(tmp_path / "plain.kbridge") as kb:
        kb.create("decision", "Nothing to show")
        export_kb(kb, tmp_path / "plain", "kbridge")
        assert len(list((tmp_path / "plain").rglob("*.md"))) == 1
