"""The search index through the `KnowledgeBase`: kept in step with every change, in the same
call; a cache in the user cache folder, rebuilt when missing, stale, of another version or
damaged. Run against both engines."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kbridge import paths
from kbridge.core import KnowledgeBase, Settings
from kbridge.core.search_documents import record_document, row_document
from kbridge.core.search_index import SCHEMA_VERSION, SearchIndex
from kbridge.model import Changes, ValidationError
from kbridge.search import ENGINES, BuildCancelledError, IndexUnusableError, SearchResults
from kbridge.storage import Store


def keys(results: SearchResults) -> list[str]:
    return [hit.key for hit in results.hits]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "search.kbridge"


@pytest.fixture
def kb(path: Path, engine: str) -> Iterator[KnowledgeBase]:
    base = KnowledgeBase.init(path, settings=Settings(search_engine=engine))
    base.create("person", "Alice Martin", key="PER-001")
    base.create(
        "decision",
        "Use HashiCorp Vault for secrets",
        body="We **rotate** secrets nightly with [Vault](https://www.vaultproject.io).",
        tags=["pci", "secrets"],
        owner="PER-001",
        date="2021-03-01",
        fields={"deciders": ["security guild"]},
    )
    base.create("system", "Payments platform", key="SYS-payments", body="Runs on kubernetes.")
    base.create("control", "MFA for administrators", status="implemented", body="Hardware tokens.")
    yield base
    base.close()


def reopen(path: Path, engine: str) -> KnowledgeBase:
    return KnowledgeBase.open(path, settings=Settings(search_engine=engine))


def test_search_finds_records_with_their_structure(kb: KnowledgeBase, engine: str) -> None:
    results = kb.search("vault")
    assert results.engine == engine
    assert keys(results) == ["ADR-0001"]
    hit = results.hits[0]
    assert (hit.kind, hit.status, hit.title) == ("decision", "proposed", "Use HashiCorp Vault for secrets")
    # The Markdown is indexed as text: no link target, no emphasis marks in the snippet.
    assert hit.snippet.to_html() == "We rotate secrets nightly with <b>Vault</b>."
    assert keys(kb.search("owner:alice")) == ["ADR-0001"]
    assert keys(kb.search("owner:PER-001")) == ["ADR-0001"]
    assert keys(kb.search("guild")) == ["ADR-0001"]  # a kind-specific field
    assert keys(kb.search("tag:pci date:2021")) == ["ADR-0001"]
    assert keys(kb.search("adr 1")) == ["ADR-0001"]


def test_every_change_updates_the_index_in_the_same_call(kb: KnowledgeBase) -> None:
    kb.search("anything")  # the index exists from here on
    kb.create("risk", "Leaked database credentials", key="RSK-001")
    assert keys(kb.search("leaked")) == ["RSK-001"]

    kb.update("ADR-0001", title="Use an HSM for secrets", body="Keys stay in the HSM.")
    assert keys(kb.search("hsm")) == ["ADR-0001"]
    assert keys(kb.search("vault")) == []

    kb.set_status("ADR-0001", "accepted")
    assert keys(kb.search("status:accepted")) == ["ADR-0001"]
    assert keys(kb.search("status:proposed")) == []

    kb.links.add("CTL-001", "mitigates", "RSK-001")
    assert keys(kb.search("mfa")) == ["CTL-001"]

    kb.delete("RSK-001")
    assert keys(kb.search("leaked")) == []
    kb.undelete("RSK-001")
    assert keys(kb.search("leaked")) == ["RSK-001"]

    kb.history.restore("ADR-0001", 1)  # the first revision: Vault again
    assert keys(kb.search("vault")) == ["ADR-0001"]
    assert keys(kb.search("hsm")) == []


def test_renaming_a_person_updates_what_they_own(kb: KnowledgeBase) -> None:
    kb.search("anything")
    kb.update("PER-001", title="Alice Dupont")
    assert keys(kb.search("owner:dupont")) == ["ADR-0001"]
    assert keys(kb.search("owner:martin")) == []


def test_a_grouped_import_is_indexed_at_once(kb: KnowledgeBase) -> None:
    kb.search("anything")
    with kb.transaction():
        for number in range(1, 31):
            kb.create("note", f"Imported note {number}", body=f"bulk import batch item{number}")
    assert kb.search("bulk import", limit=5).total == 30
    assert keys(kb.search("item17")) == ["NOTE-017"]


def test_index_lives_in_the_cache_keyed_by_the_knowledge_base(kb: KnowledgeBase, engine: str) -> None:
    kb.search("vault")
    folder = paths.cache_dir() / "index" / kb.uid / engine
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["schema_version"] == SCHEMA_VERSION
    assert meta["engine"] == engine and meta["kb_uid"] == kb.uid
    assert meta["records"] == 4
    assert meta["data"].startswith("data-") and (folder / meta["data"]).is_dir()


def test_deleting_the_index_loses_nothing(kb: KnowledgeBase, path: Path, engine: str) -> None:
    kb.search("vault")
    folder = kb.search_index.directory(engine)
    kb.close()
    import shutil

    shutil.rmtree(paths.cache_dir() / "index")
    again = reopen(path, engine)
    assert keys(again.search("vault")) == ["ADR-0001"]
    assert folder.is_dir()
    again.close()


def test_garbage_in_the_index_is_rebuilt_at_the_next_search(kb: KnowledgeBase, path: Path, engine: str) -> None:
    kb.search("vault")
    folder = kb.search_index.directory(engine)
    data = folder / json.loads((folder / "meta.json").read_text())["data"]
    kb.close()
    for file in data.iterdir():
        if file.is_file() and "lock" not in file.name.lower():
            file.write_bytes(b"\xffnot an index\x00" * 100)
    again = reopen(path, engine)
    assert again.search_index.status() == "unusable"
    assert keys(again.search("vault")) == ["ADR-0001"]
    assert again.search_index.status() == "fresh"
    again.close()


def test_an_index_failing_while_open_is_rebuilt_too(
    kb: KnowledgeBase, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb.search("vault")
    opened = kb.search_index._open[engine].engine  # what a damaged file does to a search

    def fail(*_args: object, **_kwargs: object) -> None:
        raise IndexUnusableError("damaged")

    monkeypatch.setattr(opened, "search", fail)
    assert keys(kb.search("kubernetes")) == ["SYS-payments"]
    assert kb.search_index._open[engine].engine is not opened


def test_index_of_another_schema_version_is_rebuilt(kb: KnowledgeBase, path: Path, engine: str) -> None:
    kb.search("vault")
    meta_path = kb.search_index.directory(engine) / "meta.json"
    kb.close()
    meta = json.loads(meta_path.read_text())
    meta["schema_version"] = SCHEMA_VERSION - 1
    meta_path.write_text(json.dumps(meta))
    again = reopen(path, engine)
    assert again.search_index.status() == "other-version"
    assert keys(again.search("vault")) == ["ADR-0001"]
    assert json.loads(meta_path.read_text())["schema_version"] == SCHEMA_VERSION
    again.close()


def test_index_stale_after_a_change_it_missed_is_rebuilt(path: Path, kb: KnowledgeBase, engine: str) -> None:
    kb.search("vault")
    other_engine = next(name for name in ENGINES if name != engine)
    # Another process, using the other engine, changes the database: this index misses it.
    other = reopen(path, other_engine)
    other.create("incident", "Phishing of an administrator", key="INC-001")
    other.close()
    assert kb.search_index.status() == "stale"
    assert keys(kb.search("phishing")) == ["INC-001"]  # the long-open base notices
    fresh = reopen(path, engine)
    assert keys(fresh.search("phishing")) == ["INC-001"]
    fresh.close()


def test_a_change_in_one_session_keeps_the_index_fresh_for_the_next(
    path: Path, kb: KnowledgeBase, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb.search("vault")
    kb.close()
    # A command-line session that only changes something (no search).
    session = reopen(path, engine)
    session.update("SYS-payments", body="Runs on nomad now.")
    session.close()
    rebuilds: list[str] = []
    monkeypatch.setattr(SearchIndex, "rebuild", lambda self, **kw: rebuilds.append("!"))
    later = reopen(path, engine)
    assert later.search_index.status() == "fresh"
    assert keys(later.search("nomad")) == ["SYS-payments"]
    assert rebuilds == []
    later.close()


def test_reindex_reports_progress_and_can_be_cancelled(kb: KnowledgeBase, engine: str) -> None:
    seen: list[tuple[int, int]] = []
    assert kb.reindex(progress=lambda done, total, _message: seen.append((done, total))) == 4
    assert seen[0] == (0, 4) and seen[-1] == (4, 4)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(BuildCancelledError):
        kb.reindex(cancel=cancel.is_set)
    assert keys(kb.search("vault")) == ["ADR-0001"]  # the old index is still there
    folder = kb.search_index.directory(engine)
    leftovers = [p.name for p in folder.iterdir()]
    assert sorted(leftovers) == sorted([json.loads((folder / "meta.json").read_text())["data"], "meta.json"])


def test_engine_can_be_chosen_per_search(kb: KnowledgeBase) -> None:
    for name in ENGINES:
        assert kb.search("vault", engine=name).engine == name
    with pytest.raises(ValidationError):
        kb.search("vault", engine="lucene")


def test_check_repair_rebuilds_an_index_that_is_not_fresh(path: Path, kb: KnowledgeBase, engine: str) -> None:
    kb.search("vault")
    assert kb.maintenance.repair().fixed == []
    other = reopen(path, next(name for name in ENGINES if name != engine))
    other.create("incident", "Phishing of an administrator", key="INC-001")
    other.close()
    fixed = kb.maintenance.repair().fixed
    assert fixed == [f"rebuilt the {engine} search index (stale) with 5 records"]
    assert kb.search_index.status() == "fresh"


@pytest.mark.parametrize("rebuild_above", [5000, 2])
def test_restoring_a_backup_brings_the_index_back_too(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rebuild_above: int
) -> None:
    monkeypatch.setattr("kbridge.core.search_index._REBUILD_ABOVE", rebuild_above)
    kb.search("vault")
    backup = kb.maintenance.backup(tmp_path / "before.kbridge")
    kb.create("risk", "Leaked database credentials", key="RSK-001")
    kb.update("ADR-0001", title="Use an HSM for secrets")
    assert keys(kb.search("leaked")) == ["RSK-001"]
    kb.maintenance.replace_content_from(backup)
    assert keys(kb.search("leaked")) == []
    assert keys(kb.search("title:vault")) == ["ADR-0001"]
    assert keys(kb.search("hsm")) == []


def test_a_change_made_by_another_session_is_seen_without_a_rebuild(
    path: Path, kb: KnowledgeBase, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb.search("vault")
    other = reopen(path, engine)
    other.search("vault")
    other.create("incident", "Phishing of an administrator", key="INC-001")
    rebuilds: list[str] = []
    monkeypatch.setattr(SearchIndex, "rebuild", lambda self, **kw: rebuilds.append("!"))
    assert keys(kb.search("phishing")) == ["INC-001"]
    assert rebuilds == []
    other.close()


def test_a_jobs_changes_handed_over_are_not_indexed_twice(
    path: Path, kb: KnowledgeBase, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A job (an import) commits through its own connection and keeps the index in step; the
    window then announces the job's changes on its own: the index is only refreshed, the records
    are not read again (that was 133 ms on the GUI thread for 1,000 imported records). A change of
    the window's own is still indexed."""
    kb.search("vault")
    job = reopen(path, engine)
    created = [job.create("incident", f"Phishing wave {n}", key=f"INC-{n:03d}") for n in range(1, 4)]
    job.close()
    handed_over = Changes.union(result.changes for result in created)
    read_again: list[object] = []
    monkeypatch.setattr(SearchIndex, "_documents_for", lambda self, changes: read_again.append(changes))
    monkeypatch.setattr(SearchIndex, "rebuild", lambda self, **kw: read_again.append("rebuild"))
    kb.announce(handed_over)
    assert read_again == []
    assert sorted(keys(kb.search("phishing"))) == ["INC-001", "INC-002", "INC-003"]
    monkeypatch.undo()
    kb.create("incident", "Phishing by text message", key="INC-004")  # the window's own change
    assert sorted(keys(kb.search("phishing"))) == ["INC-001", "INC-002", "INC-003", "INC-004"]


def test_a_rebuild_indexes_each_record_as_a_change_does(sample_kb: KnowledgeBase) -> None:
    """A rebuild reads plain rows (`row_document`), a change reads records (`record_document`):
    both must give the same documents, owners' names, tags, fields and dates included."""
    sample_kb.create("note", "Résumé of the Zürich offsite", body="Straße, café", tags=["Offsite"])
    deleted = sample_kb.list_records(kind="decision")[0]
    sample_kb.delete(deleted.key)
    store = Store.open(sample_kb.path)
    try:
        from_rows = sorted(map(row_document, store.scan_search_rows()), key=lambda d: d.uid)
        live = store.count_live_records()
    finally:
        store.close()
    from_records = sorted(map(record_document, sample_kb.iter_records()), key=lambda d: d.uid)
    assert from_rows == from_records
    assert live == len(from_rows) == sample_kb.maintenance.stats()["records"]
    assert deleted.uid not in {document.uid for document in from_rows}
    assert any(document.owner and document.extra and document.date for document in from_rows)


def test_a_rebuild_in_another_process_never_leaves_a_moment_without_an_index(
    kb: KnowledgeBase, path: Path, engine: str
) -> None:
    """A search in one process while another rebuilds: the searcher reads the index meta.json
    names until it is pointed elsewhere, and the old folder stays until nobody can be reading it."""
    kb.search("vault")
    folder = kb.search_index.directory(engine)
    first = json.loads((folder / "meta.json").read_text())["data"]
    other = reopen(path, engine)
    other.reindex()
    second = json.loads((folder / "meta.json").read_text())["data"]
    assert second != first and (folder / first).is_dir()  # kept: kb may still be reading it
    assert keys(kb.search("vault")) == ["ADR-0001"]
    kb.create("note", "Written while the other index was current", body="vault rotation note")
    assert "NOTE-001" in keys(other.search("vault"))
    other.close()


def test_open_if_fresh_opens_a_fresh_index_once_and_builds_nothing(
    path: Path, kb: KnowledgeBase, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb.search("vault")  # built
    later = reopen(path, engine)
    stamps: list[int] = []
    real_stamp = later.search_index._stamp
    monkeypatch.setattr(later.search_index, "_stamp", lambda: stamps.append(1) or real_stamp())
    assert later.search_index.open_if_fresh()
    assert keys(later.search("vault")) == ["ADR-0001"]
    assert len(stamps) == 1  # the first search did not count the revisions again
    later.close()
    other_engine = next(name for name in ENGINES if name != engine)
    other = reopen(path, other_engine)  # another process changes what this index holds
    other.create("incident", "Phishing of an administrator", key="INC-001")
    other.close()
    rebuilds: list[str] = []
    monkeypatch.setattr(SearchIndex, "rebuild", lambda self, **kw: rebuilds.append("!"))
    stale = reopen(path, engine)
    assert not stale.search_index.open_if_fresh()
    assert rebuilds == [] and stale.search_index.status() == "stale"
    stale.close()
