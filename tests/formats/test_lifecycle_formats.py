"""The lifecycle in the formats: an import's supersede links go through the one supersede
operation (and an export then writes both files), a partial supersede stays as written, and the
static site draws each record's links."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from kbridge.core import KnowledgeBase
from kbridge.formats.read.importer import import_folder
from kbridge.formats.read.plan import plan_import
from kbridge.formats.site import export_site
from kbridge.formats.write.export import export_kb
from kbridge.model import LinkType

FIRST = "# 1. Use RabbitMQ\n\nDate: 2020-01-01\n\n## Status\n\nAccepted\n\n## Context\n\nQueues.\n"
SECOND = ("# 2. Use Kafka\n\nDate: 2021-01-01\n\n## Status\n\nAccepted\n\nSupersedes [1. Use RabbitMQ]"
          "(0001-use-rabbitmq.md)\n\n## Context\n\nStreams.\n")


def _folder(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "adr"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_an_imported_supersede_marks_the_old_record_and_export_writes_both_files(kb: KnowledgeBase,
                                                                                 tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"0001-use-rabbitmq.md": FIRST, "0002-use-kafka.md": SECOND})
    lines = {row.path: row for row in import_folder(kb, folder).records}
    # The line printed says what the record holds and why, not only what its file says.
    assert (lines["0001-use-rabbitmq.md"].status, lines["0001-use-rabbitmq.md"].status_note) == (
        "superseded", "its file says accepted; ADR-0002 supersedes it")
    assert (lines["0002-use-kafka.md"].status, lines["0002-use-kafka.md"].status_note) == ("accepted", "")
    old = kb.get("ADR-0001")
    assert old.status == "superseded" and "superseded by ADR-0002" in kb.history.revisions(old.key)[-1].reason
    assert kb.maintenance.check().ok
    out = tmp_path / "out"
    report = export_kb(kb, out, "native")
    assert (report.unchanged, report.patched) == (1, 1)
    assert (out / "0002-use-kafka.md").read_text() == SECOND  # as it was
    assert (out / "0001-use-rabbitmq.md").read_text() == FIRST.replace(
        "Accepted", "Superseded by [2. Use Kafka](0002-use-kafka.md)")
    again = import_folder(kb, folder)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 2)


def test_the_preview_shows_the_status_the_import_will_keep_for_a_superseded_file(kb: KnowledgeBase,
                                                                              tmp_path: Path) -> None:
    """The preview (`import --dry-run`, the import dialog) says what the record will hold, as the
    import's own lines do, for each way a file names an older one: a full supersede, a partial
    one, one by a rejected proposal, and a file that says superseded itself."""
    rejected = SECOND.replace("Accepted\n\nSupersedes [1. Use RabbitMQ](0001-use-rabbitmq.md)",
                              "Rejected\n\nSupersedes [3. Use SQS](0003-use-sqs.md)")
    third = FIRST.replace("1. Use RabbitMQ", "3. Use SQS")
    fourth = FIRST.replace("1. Use RabbitMQ", "4. Use NATS").replace("Accepted", "Superseded")
    fifth = SECOND.replace("2. Use Kafka", "5. Use Pulsar").replace(
        "Supersedes [1. Use RabbitMQ](0001-use-rabbitmq.md)", "Supersedes [4. Use NATS](0004-use-nats.md)")
    files = {"0001-use-rabbitmq.md": FIRST, "0002-use-kafka.md": rejected, "0003-use-sqs.md": third,
             "0004-use-nats.md": fourth, "0005-use-pulsar.md": fifth,
             "0006-use-grpc.md": FIRST.replace("1. Use RabbitMQ", "6. Use gRPC").replace(
                 "Accepted\n", "Accepted\n\nIn part supersedes [1. Use RabbitMQ](0001-use-rabbitmq.md)\n")}
    folder = _folder(tmp_path, files)

    def lines(rows: object) -> dict[str, tuple[str, str]]:
        return {row.path: (row.status, row.status_note) for row in rows}  # type: ignore[attr-defined]

    foreseen = lines(plan_import(kb, folder).rows)
    assert foreseen["0003-use-sqs.md"] == ("accepted", "")  # a rejected proposal replaces nothing
    assert foreseen["0004-use-nats.md"] == ("superseded", "")  # as its file says: nothing to explain
    assert foreseen["0001-use-rabbitmq.md"] == ("accepted", "")  # in part: an amends link
    done = lines(import_folder(kb, folder).records)
    assert foreseen == done
    assert kb.get("ADR-0004").status == "superseded" and kb.get("ADR-0003").status == "accepted"

    # A full supersede of a file that says accepted: shown superseded, and why, before and after.
    (tmp_path / "again").mkdir()
    again = _folder(tmp_path / "again", {"0001-use-rabbitmq.md": FIRST, "0002-use-kafka.md": SECOND})
    other = KnowledgeBase.init(tmp_path / "other.kbridge")
    try:
        preview = lines(plan_import(other, again).rows)
        assert preview["0001-use-rabbitmq.md"] == ("superseded", "its file says accepted; ADR-0002 supersedes it")
        assert preview == lines(import_folder(other, again).records)
        # Imported again: both files unchanged, the old record still shown as it is kept.
        assert lines(plan_import(other, again).rows)["0001-use-rabbitmq.md"][0] == "superseded"
    finally:
        other.close()


def test_a_partial_supersede_is_kept_as_amends_and_written_back_unchanged(kb: KnowledgeBase, tmp_path: Path) -> None:
    partly = SECOND.replace("Supersedes [1.", "In part supersedes [1.")
    folder = _folder(tmp_path, {"0001-use-rabbitmq.md": FIRST, "0002-use-kafka.md": partly})
    lines = {row.path: row for row in import_folder(kb, folder).records}
    assert kb.get("ADR-0001").status == lines["0001-use-rabbitmq.md"].status == "accepted"
    (link,) = kb.links.of("ADR-0002")
    assert (link.type, link.direction, link.key) == (LinkType.AMENDS, "out", "ADR-0001")
    assert "supersedes" in link.note
    report = export_kb(kb, tmp_path / "out", "native")
    assert (report.unchanged, report.patched) == (2, 0)
    assert import_folder(kb, folder).unchanged == 2


def test_a_supersede_cycle_in_files_keeps_one_link_and_warns(kb: KnowledgeBase, tmp_path: Path) -> None:
    back = FIRST.replace("Accepted\n", "Accepted\n\nSupersedes [2. Use Kafka](0002-use-kafka.md)\n")
    folder = _folder(tmp_path, {"0001-use-rabbitmq.md": back, "0002-use-kafka.md": SECOND})
    # The preview shows each file's own status and says that the import keeps one link of the
    # cycle (which one is its order's); the import's lines then say which it marked superseded.
    foreseen = plan_import(kb, folder).rows
    assert [row.status for row in foreseen] == ["accepted", "accepted"]
    assert all("in a cycle of supersede links" in row.status_note for row in foreseen)
    report = import_folder(kb, folder)
    assert sorted(row.status for row in report.records) == ["accepted", "superseded"]
    assert [w.message for w in report.warnings if "cycle" in w.message]
    supersedes = [link for link in kb.links.all() if link.type is LinkType.SUPERSEDES]
    assert len(supersedes) == 1
    assert not [f for f in kb.maintenance.check().findings if f.category == "supersede-cycle"]


def test_the_site_draws_each_records_links_as_inline_svg(sample_kb: KnowledgeBase, tmp_path: Path) -> None:
    old = next(r for r in sample_kb.list_records(kind="decision", status="superseded"))
    newer = [link.key for link in sample_kb.links.of(old.key) if link.label == "superseded by"]
    sample_kb.update(old.key, title='Old <script>alert("x")</script> & co')
    export_site(sample_kb, tmp_path / "site")
    page = (tmp_path / "site" / "records" / f"{old.key}.html").read_text(encoding="utf-8")
    start, end = page.index("<svg "), page.index("</svg>") + len("</svg>")
    svg = ET.fromstring(page[start:end])  # well-formed, every title escaped
    links = {element.get("href") for element in svg.iter() if element.tag.endswith("}a")}
    assert {f"{key}.html" for key in newer} <= links
    assert all(href and not href.startswith(("http", "//", "javascript")) for href in links)
    assert not [e for e in svg.iter() if e.tag.endswith(("script", "foreignObject", "image", "use"))]
    assert "<script>alert" not in page and 'id="graph"' in page
    lonely = next(r for r in sample_kb.list_records() if not sample_kb.links.of(r.key))
    assert "<svg " not in (tmp_path / "site" / "records" / f"{lonely.key}.html").read_text(encoding="utf-8")


def test_templates_travel_through_the_sync_folders_templates(kb: KnowledgeBase, tmp_path: Path) -> None:
    from kbridge.formats.sync.folder import sync_folder

    kb.create("template", "Security decision", body="## Context\n\n## Threat model\n", fields={"for_kind": "decision"})
    folder = tmp_path / "shared"
    sync_folder(kb, folder)
    assert (folder / "templates" / "TPL-001.md").is_file()
    (folder / "templates" / "TPL-009.md").write_text(
        "---\nkey: TPL-009\nkind: template\ntitle: Incident review\nfields:\n  for_kind: incident\n---\n"
        "## Timeline\n\n## What we change\n", encoding="utf-8")
    sync_folder(kb, folder)
    made = kb.create("incident", "Outage of 3 May", template="Incident review")
    assert kb.get(made.uid).body == "## Timeline\n\n## What we change\n"
