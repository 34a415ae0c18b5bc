"""A small knowledge base in search documents, indexed by each engine in turn."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from kbridge.search import ENGINES, SearchDocument, SearchEngine, create_engine

FILLER = (
    "The platform team reviewed capacity, cost and the operational burden of each option. "
    "Teams raised questions about on-call load, dashboards and the migration plan. "
)

DOCUMENTS = (
    SearchDocument(
        uid="u-adr7",
        key="ADR-0007",
        kind="decision",
        title="Use HashiCorp Vault for secrets",
        status="accepted",
        body="We store every secret in HashiCorp Vault. Key rotation happens nightly and the "
        "vault agent renews leases. " + FILLER * 3,
        tags=("secrets", "pci"),
        owner="PER-001 Alice Martin",
        date=dt.date(2021, 3, 1),
        extra="deciders: security guild",
    ),
    SearchDocument(
        uid="u-adr8",
        key="ADR-0008",
        kind="decision",
        title="Adopt a key rotation policy",
        status="proposed",
        body="Signing keys rotate every ninety days. " + FILLER,
        tags=("crypto",),
        owner="PER-002 Bruno Díaz",
        date=dt.date(2022, 6, 15),
    ),
    SearchDocument(
        uid="u-adr9",
        key="ADR-0009",
        kind="decision",
        title="Kubernetes for stateless services",
        status="superseded",
        body="Stateless services move to kubernetes. The key is that rotation of nodes is "
        "automatic. Records such as ADR 7 and adr decisions are cross-referenced here: adr adr.",
        tags=("platform",),
        date=dt.date(2020, 1, 20),
    ),
    SearchDocument(
        uid="u-sys",
        key="SYS-payments",
        kind="system",
        title="Payments platform",
        status="active",
        body="Payments run on kubernetes; secrets live in the vault. " + FILLER,
        tags=("pci",),
        owner="PER-001 Alice Martin",
        date=dt.date(2023, 5, 2),
    ),
    SearchDocument(
        uid="u-ctl",
        key="CTL-001",
        kind="control",
        title="Multi-factor authentication for administrators",
        status="implemented",
        body="All administrators use hardware tokens. Motivated by the phishing incident.",
        tags=("iam", "pci"),
        owner="PER-003 Chloé Müller",
    ),
    SearchDocument(
        uid="u-inc",
        key="INC-004",
        kind="incident",
        title="Phishing of an administrator account",
        status="resolved",
        body="An administrator entered credentials on a phishing page; tokens were revoked.",
        tags=("iam",),
        date=dt.date(2022, 11, 30),
    ),
    SearchDocument(
        uid="u-risk",
        key="RSK-002",
        kind="risk",
        title="Leaked database credentials",
        status="mitigated",
        body="Static database passwords could leak from configuration files.",
        tags=("secrets",),
        date=dt.date(2021, 12, 31),
    ),
    SearchDocument(
        uid="u-per",
        key="PER-003",
        kind="person",
        title="Chloé Müller",
        status="active",
        body="Security engineer, owns identity controls.",
    ),
)


@pytest.fixture
def documents() -> tuple[SearchDocument, ...]:
    return DOCUMENTS


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def engine(engine_name: str, tmp_path: Path) -> Iterator[SearchEngine]:
    built = create_engine(engine_name, tmp_path / engine_name)
    built.add_all(DOCUMENTS, len(DOCUMENTS))
    yield built
    built.close()
