"""Fixtures of the formats tests: the corpus of real ADR folders in tests/fixtures/corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Each corpus folder and the ADR folder inside it (tests/fixtures/corpus/README.md).
CORPUS_FOLDERS = {
    "thomvaill__log4brains": "docs/adr",
    "hyperledger__identus-cloud-agent": "docs/decisions",
    "adr__madr": "docs/decisions",
    "DFE-Digital__find-a-tuition-partner": "docs/decisions",
    "s3gw-tech__s3gw": "docs/decisions",
    "mozilla__remote-settings": "docs/adr",
    "elastisys__compliantkubernetes": "docs/adr",
    "island-is__handbook": "docs/adr",
    "alphagov__govuk-aws": "docs/architecture/decisions",
    "MTES-MCT__zero-logement-vacant": "docs/decisions",
    "scieloorg__kernel": "docs/adr",
    "smart-village-solutions__sva-studio": "docs/adr",
    "cardano-scaling__hydra": "docs/adr",
    "opendatahub-io__architecture-decision-records": "architecture-decision-records",
    "eclipse-tractusx__tractusx-edc": "docs/development/decision-records",
    "cometbft__cometbft": "docs/references/architecture",
    "zooniverse__front-end-monorepo": "docs/arch",
}


def corpus_root() -> Path:
    """The corpus copied into the repository (tests need nothing outside it); `$KBRIDGE_CORPUS`
    points the tests at another copy."""
    override = os.environ.get("KBRIDGE_CORPUS")
    default = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
    return Path(override) if override else default


@pytest.fixture(scope="session")
def corpus() -> Path:
    root = corpus_root().resolve()
    if not (root / "README.md").is_file():
        pytest.fail(f"the ADR corpus is missing at {root} (tests/fixtures/corpus, or $KBRIDGE_CORPUS)")
    return root


def adr_folder(corpus: Path, name: str) -> Path:
    return corpus / name / CORPUS_FOLDERS[name]


def all_files(folder: Path) -> set[str]:
    """Every file under the folder (hidden folders aside), relative with "/"."""
    found: set[str] = set()
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts[:-1]):
            found.add(rel.as_posix())
    return found


def superseded_in_folder(folder: Path) -> set[str]:
    """The files of `folder` whose decision another file supersedes (not in part, not a rejected
    one): an import marks them superseded whatever their own status line says, as `kbridge
    supersede` would (kbridge.core.lifecycle), so an export writes that status line anew."""
    from kbridge.core.lifecycle import NOT_IN_FORCE, kept_link
    from kbridge.formats.read.resolve import resolve_links
    from kbridge.formats.read.scan import scan_folder
    from kbridge.model import LinkType

    records = scan_folder(folder).records
    status = {record.path: record.status for record in records}
    return {
        link.target for link in resolve_links(records)
        if link.target and kept_link(link.type, link.note)[0] is LinkType.SUPERSEDES
        and status.get(link.source) not in NOT_IN_FORCE
    }
