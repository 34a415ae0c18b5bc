"""Hand-checked facts about each corpus folder as a whole, read from the files themselves: how
many records it holds, the files that are not decisions (with a word their skip reason must
contain) and the images kept as attachments. The facts of single records (title, status, date,
number, links) are labelled in tests/fixtures/corpus_labels.yaml."""

from __future__ import annotations

from typing import Any

EXPECTED: dict[str, dict[str, Any]] = {
    "thomvaill__log4brains": {
        "records": 9,
        "skipped": {"README.md": "README", "index.md": "index", "template.md": "template"},
        "attachments": {},
    },
    "hyperledger__identus-cloud-agent": {
        "records": 22,
        "skipped": {"README.md": "README", "index.md": "index", "template.md": "template"},
        "attachments": {},
    },
    "adr__madr": {
        "records": 19,
        "skipped": {"adr-template.md": "template", "index.md": "index"},
        "attachments": {
            "0008-example-badge.png": ["0008-add-status-field.md"],
            "0008-example-separate-heading.png": ["0008-add-status-field.md"],
            "0008-example-table.png": ["0008-add-status-field.md"],
            "0013-example.png": ["0013-use-yaml-front-matter-for-meta-data.md"],
        },
    },
    "DFE-Digital__find-a-tuition-partner": {
        "records": 10,
        "skipped": {"README.md": "README", "adr-template.md": "template"},
        "attachments": {},
    },
    "s3gw-tech__s3gw": {
        "records": 20,
        "skipped": {"README.md": "README", "adr-template.md": "template"},
        "attachments": {},
    },
    "mozilla__remote-settings": {
        "records": 9,
        "skipped": {},
        "attachments": {
            "adr_004_diagram.jpeg": ["adr_004_server_side_filtering.md"],
            "adr_005_chart.png": ["adr_005_database_objects.md"],
            "adr_008_image1.png": ["adr_008_git-readers.md"],
            "adr_008_image2.png": ["adr_008_git-readers.md"],
            "adr_009_image1.png": ["adr_009_attachments_binary_diffs.md"],
        },
    },
    "elastisys__compliantkubernetes": {
        "records": 57,
        "skipped": {"index.md": "index", "template.md": "template"},
        "attachments": {
            "img/0050-use-cluster-isolation.drawio.svg": ["0050-use-cluster-isolation.md"],
        },
    },
    "island-is__handbook": {
        "records": 12,
        "skipped": {"index.md": "index", "template.md": "template"},
        "attachments": {},
    },
    "alphagov__govuk-aws": {
        "records": 38,
        "skipped": {},
        "attachments": {
            "0015-govuk-aws-dns.jpg": ["0015-dns-infrastructure.md"],
            "0027-move-publicapi-away-from-frontend-lb-img01.jpg": [
                "0027-move-publicapi-away-from-frontend-lb.md"],
            "0032-transfer-artefact-binary-img01.png": ["0032-transfer-artefact-binary.md"],
            "0036-performance-platform-and-backdrop-architecture-img01.png": [
                "0036-performance-platform-and-backdrop-architecture.md"],
        },
    },
    "MTES-MCT__zero-logement-vacant": {
        "records": 4,
        "skipped": {"README.md": "README", "TEMPLATE.md": "template"},
        "attachments": {},
    },
    "scieloorg__kernel": {"records": 7, "skipped": {}, "attachments": {}},
    "smart-village-solutions__sva-studio": {
        "records": 44,
        "skipped": {"README.md": "README", "ADR-000-template.md": "template"},
        "attachments": {},
    },
    "cardano-scaling__hydra": {
        "records": 34,
        "skipped": {},
        "attachments": {
            "2023-04-26-023-race-condition.jpg": ["2023-04-26_023-local-chain-state.md"],
            "img/020-timing-fanout.jpg": ["2022-08-02_020-handling-time.md"],
        },
    },
    "opendatahub-io__architecture-decision-records": {
        "records": 44,
        "skipped": {
            "README.md": "README",
            "ODH-ADR-0000-template.md": "template",
            "operator/design/module-onboarding-guide.md": "does not read as a decision",
            "data-connect-hub/diagrams/Connections.drawio": "not shown by any decision",
        },
        "attachments": {
            "eval-hub/images/eh-deployment.drawio.png": ["eval-hub/ODH-ADR-EH-0001-eval-hub-service.md"],
            "eval-hub/images/eh-multi-tenancy.drawio.png": [
                "eval-hub/ODH-ADR-EH-0002-multi-tenancy-and-authz.md"],
            "eval-hub/images/eh-service.drawio.png": ["eval-hub/ODH-ADR-EH-0001-eval-hub-service.md"],
            "operator/assets/ODH-ADR-Operator-0006/odh-operator-current.png": [
                "operator/ODH-ADR-Operator-0006-internal-api.md"],
        },
    },
    # One README.md per dated folder: every one is a decision.
    "eclipse-tractusx__tractusx-edc": {"records": 42, "skipped": {}, "attachments": {}},
    "cometbft__cometbft": {
        "records": 93,
        "skipped": {
            "README.md": "README",
            "tendermint-core/README.md": "README",
            "adr-template.md": "template",
            "tendermint-core/img/pbts-message.png": "not shown by any decision",
        },
        "attachments": {
            "tendermint-core/img/adr-046-fig1.png": ["tendermint-core/adr-046-light-client-implementation.md"],
            "tendermint-core/img/adr-075-log-after.png": ["tendermint-core/adr-075-rpc-subscription.md"],
            "tendermint-core/img/adr-075-log-before.png": ["tendermint-core/adr-075-rpc-subscription.md"],
            "tendermint-core/img/bc-reactor-refactor.png": [
                "tendermint-core/adr-040-blockchain-reactor-refactor.md"],
            "tendermint-core/img/bc-reactor.png": ["tendermint-core/adr-040-blockchain-reactor-refactor.md"],
            "tendermint-core/img/bifurcation-point.png": [
                "tendermint-core/adr-047-handling-evidence-from-light-client.md"],
            "tendermint-core/img/formula1.png": ["tendermint-core/adr-006-trust-metric.md"],
            "tendermint-core/img/formula2.png": ["tendermint-core/adr-006-trust-metric.md"],
            "tendermint-core/img/light-client-detector.png": [
                "tendermint-core/adr-047-handling-evidence-from-light-client.md"],
            "tendermint-core/img/tags1.png": ["tendermint-core/adr-002-event-subscription.md"],
            "tendermint-core/img/tm-amnesia-attack.png": [
                "tendermint-core/adr-056-light-client-amnesia-attacks.md"],
        },
    },
    "zooniverse__front-end-monorepo": {
        "records": 64,
        "skipped": {"README.md": "README"},
        "attachments": {},
    },
}
