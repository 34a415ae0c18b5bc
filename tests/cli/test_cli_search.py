"""`kbridge search` and `kbridge reindex` through the real click entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kbridge import paths
from tests.cli.conftest import Run, as_json


@pytest.fixture
def filled(run: Run, tmp_path: Path) -> Run:
    body = tmp_path / "body.md"
    body.write_text("We store every secret in **HashiCorp Vault**; keys rotate nightly.\n")
    assert run("new", "person", "--title", "Alice Martin").exit_code == 0
    assert (
        run(
            "new",
            "decision",
            "--title",
            "Use Vault for secrets",
            "--body-file",
            str(body),
            "--tag",
            "pci",
            "--owner",
            "PER-001",
            "--date",
            "2021-03-01",
        ).exit_code
        == 0
    )
    assert run("new", "system", "--title", "Payments platform", "--key", "SYS-payments").exit_code == 0
    assert run("new", "control", "--title", "Vault audit logging", "--rationale", "Keep a trail").exit_code == 0
    return run


def test_search_prints_ranked_hits_with_snippets(filled: Run) -> None:
    result = filled("search", "vault")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ADR-0001  Use Vault for secrets")
    assert "[decision  proposed]" in lines[0]
    assert "HashiCorp Vault" in lines[1]
    assert lines[2].startswith("CTL-001  Vault audit logging")
    assert "2 of 2 matches" in result.stderr


def test_search_json_has_the_contract_shape(filled: Run) -> None:
    data = as_json(filled("search", "--json", "vault"))
    assert set(data) >= {"total", "hits", "suggestion", "facets"}
    assert data["total"] == 2
    assert data["suggestion"] is None
    assert data["facets"] == {
        "kind": {"decision": 1, "control": 1},
        "status": {"proposed": 1, "planned": 1},
    }
    first = data["hits"][0]
    assert set(first) == {"key", "kind", "title", "status", "score", "snippet"}
    assert first["key"] == "ADR-0001" and first["kind"] == "decision"
    assert first["snippet"] == ("We store every secret in HashiCorp <b>Vault</b>; keys rotate nightly.")
    assert isinstance(first["score"], float) and first["score"] > data["hits"][1]["score"]


def test_search_words_may_be_given_as_separate_arguments(filled: Run) -> None:
    data = as_json(filled("search", "--json", "adr", "1"))
    assert data["hits"][0]["key"] == "ADR-0001"
    data = as_json(filled("search", "--json", "tag:pci", "owner:alice", "date:2021..2022"))
    assert [hit["key"] for hit in data["hits"]] == ["ADR-0001"]


@pytest.mark.parametrize("engine", ["tantivy", "whoosh"])
def test_search_limit_and_engine(filled: Run, engine: str) -> None:
    data = as_json(filled("search", "--json", "--engine", engine, "--limit", "1", "vault"))
    assert data["total"] == 2 and len(data["hits"]) == 1


def test_search_suggests_a_spelling(filled: Run) -> None:
    result = filled("search", "vualt")
    assert result.exit_code == 0
    assert "no matches" in result.stderr
    assert "did you mean: vault" in result.stderr
    assert as_json(filled("search", "--json", "vualt"))["suggestion"] == "vault"


def test_malformed_query_is_a_warning_not_an_error(filled: Run) -> None:
    result = filled("search", '"vault secrets')
    assert result.exit_code == 0
    assert "unbalanced quote" in result.stderr
    assert "Traceback" not in result.output
    result = filled("search", "colour:blue")
    assert result.exit_code == 0 and "unknown field 'colour:'" in result.stderr


def test_unknown_engine_is_a_usage_error(filled: Run) -> None:
    result = filled("search", "--engine", "lucene", "vault")
    assert result.exit_code == 2


def test_search_follows_changes_made_by_other_commands(filled: Run) -> None:
    assert as_json(filled("search", "--json", "vault"))["total"] == 2
    assert filled("set", "CTL-001", "--title", "Audit logging").exit_code == 0
    assert as_json(filled("search", "--json", "vault"))["total"] == 1
    assert filled("delete", "ADR-0001").exit_code == 0
    assert as_json(filled("search", "--json", "vault"))["total"] == 0


@pytest.mark.parametrize("engine", ["tantivy", "whoosh"])
def test_reindex(filled: Run, engine: str) -> None:
    result = filled("reindex", "--engine", engine)
    assert result.exit_code == 0, result.stderr
    assert f"indexed 4 records with {engine}" in result.stderr
    data = as_json(filled("reindex", "--engine", engine, "--json"))
    assert data["engine"] == engine and data["records"] == 4


def test_search_rebuilds_an_index_of_another_version(filled: Run) -> None:
    assert as_json(filled("search", "--json", "vault"))["total"] == 2
    index = paths.cache_dir() / "index"
    for meta in index.rglob("meta.json"):
        meta.write_text(json.dumps({"schema_version": -1}))
    assert as_json(filled("search", "--json", "vault"))["total"] == 2
