"""Hand-checked facts about the shared corpus, read from the files themselves.

For each folder: the files that are not decisions (with a word their skip reason must contain),
the images kept as attachments, and at least five records with title, status, date, number and
links. Links are (type, "out" | "in", other file): "in" means the other file is the source
(`Superseded by X` in file F is the link X supersedes F).
"""

from __future__ import annotations

from typing import Any

S, A = "supersedes", "amends"

EXPECTED: dict[str, dict[str, Any]] = {
    "thomvaill__log4brains": {
        "records": 9,
        "skipped": {"README.md": "README", "index.md": "index", "template.md": "template"},
        "attachments": {},
        "checked": {
            "20200924-use-markdown-architectural-decision-records.md": (
                "Use Markdown Architectural Decision Records", "accepted", "2020-09-24", None,
                set()),
            "20200925-use-prettier-eslint-airbnb-for-the-code-style.md": (
                "Use Prettier-ESLint Airbnb for the code style", "accepted", "2020-09-25", None,
                set()),
            "20200926-use-the-adr-number-as-its-unique-id.md": (
                "Use the ADR number as its unique ID", "superseded", "2020-09-26", None,
                {(S, "in", "20201016-use-the-adr-slug-as-its-unique-id.md")}),
            "20200927-avoid-default-exports.md": (
                "Avoid default exports", "accepted", "2020-09-27", None, set()),
            "20201016-use-the-adr-slug-as-its-unique-id.md": (
                "Use the ADR slug as its unique ID", "accepted", "2020-10-16", None,
                {(S, "out", "20200926-use-the-adr-number-as-its-unique-id.md")}),
            "20210113-distribute-log4brains-as-a-global-npm-package.md": (
                "Distribute Log4brains as a global NPM package", "accepted", "2021-01-13", None,
                set()),
        },
    },
    "hyperledger__identus-cloud-agent": {
        "records": 22,
        "skipped": {"README.md": "README", "index.md": "index", "template.md": "template"},
        "attachments": {},
        "checked": {
            "20221005-using-tapir-library-as-a-dsl-for-openapi-specification.md": (
                "Using tapir library as a DSL for OpenAPI specification", "accepted",
                "2022-10-05", None, set()),
            # Title filled in, the rest left as the template: kept as a draft, with warnings.
            "20230206-use-flyway-to-manage-migrations-for-application-services.md": (
                "Use flyway to manage migrations for application services", "draft",
                "2023-02-06", None, set()),
            "20230405-did-linked-resources.md": (
                "DID-linked-resources", "draft", "2023-04-05", None, set()),
            # "Date: [2023-01-17]" in brackets, a day before the file name's date.
            "20230118-quill-library-for-sql-statement-generation.md": (
                "Quill library for SQL statement generation and validation", "accepted",
                "2023-01-17", None, set()),
            "20230509-message-routing-for-multi-tenant.md": (
                "Routing Requests to the Correct Tenant", "accepted", "2023-05-09", None, set()),
            # "- Date 2023-09-26" has no colon.
            "20230926-use-keycloak-authorisation-service-for-managing-wallet-permissions.md": (
                "Use keycloak authorisation service for managing wallet permissions", "accepted",
                "2023-09-26", None, set()),
            # The Date line (2024-03-29) wins over the file name's date.
            "20240116-use-zio-failures-and-defects-effectively.md": (
                "Use ZIO Failures and Defects Effectively", "accepted", "2024-03-29", None, set()),
            "20240520-use-did-urls-to-reference-resources.md": (
                "Storage for SSI related resources", "accepted", "2024-05-20", None, set()),
        },
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
        "checked": {
            "0000-use-markdown-architectural-decision-records.md": (
                "Use Markdown Architectural Decision Records", "accepted", None, 0, set()),
            "0001-use-CC0-or-MIT-as-license.md": (
                "Dual License the Work", "accepted", None, 1, set()),
            "0003-provide-own-madr-tools.md": (
                "Write Own MADR Tooling", "proposed", None, 3, set()),  # status: on hold
            # `status: on hold` and `status: accepted` inside code fences are examples.
            "0008-add-status-field.md": ("Add Status Field", "accepted", None, 8, set()),
            "0013-use-yaml-front-matter-for-meta-data.md": (
                "Use YAML front matter for metadata", "accepted", None, 13, set()),
            "0018-use-confirmation-as-heading.md": (
                'Use "Confirmation" as Heading', "accepted", None, 18, set()),
        },
    },
    "DFE-Digital__find-a-tuition-partner": {
        "records": 10,
        "skipped": {"README.md": "README", "adr-template.md": "template"},
        "attachments": {},
        "checked": {
            "0000-use-markdown-any-decision-records.md": (
                "Use Markdown Any Decision Records", "accepted", None, 0, set()),
            "0001-use-gpaas-hosting-environment.md": (
                "Service Hosting Environment", "proposed", "2022-05-27", 1, set()),
            "0002-end-2-end-testing-framework.md": (
                "End to End Testing Framework", "accepted", "2022-06-17", 2, set()),
            "0003-vertical-slice-architecture.md": (
                "Organise code in vertical slices", "rejected", "2022-06-22", 3, set()),
            "0008-azure-tp-data-storage.md": (
                "Where to store and import TP spreadsheets from once Google Drive is no longer "
                "available", "accepted", "2023-04-18", 8, set()),
            "0009-azure-anonymised-enquiry-data-storage.md": (
                "Where to Store anonymised Enquiry Data After Migrating to Azure from GOV.UK PaaS",
                "accepted", "2023-08-09", 9, set()),
        },
    },
    "s3gw-tech__s3gw": {
        "records": 20,
        "skipped": {"README.md": "README", "adr-template.md": "template"},
        "attachments": {},
        "checked": {
            # The H1 is a section name: the title comes from the file name.
            "0004-release-captain.md": ("Release captain", "accepted", None, 4, set()),
            "0006-git-branches-tags.md": ("Git branches and tags", "accepted", None, 6, set()),
            "0007-release-process.md": (
                "Release Process", "superseded", None, 7,
                {(S, "in", "0015-release-methodology.md"), (S, "in", "0016-release-steps.md"),
                 (S, "in", "0017-release-testing.md")}),
            "0010-sfs-versioning.md": (
                "SFS Versioning", "accepted", None, 10, {(A, "out", "0003-sfs.md")}),
            "0015-release-methodology.md": (
                "Release Methodology for the s3gw project", "accepted", None, 15,
                {(S, "out", "0007-release-process.md")}),
            "0017-release-testing.md": (
                "Testing a release", "accepted", None, 17, {(S, "out", "0007-release-process.md")}),
        },
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
        "checked": {
            "adr_001_replace_304_by_200.md": (
                "Server: Do not serve `304 Not Modified` responses to old clients", "accepted",
                "2022-10-21", 1, set()),
            # The status is written as a link to the pull request.
            "adr_002_packaging_releasing_admin_UI.md": (
                "Packaging: Upgrading Admin UI", "accepted", "2024-01-09", 2, set()),
            # "planned" with a chosen option; "July 8 2024" has no comma.
            "adr_003_bundling_collection_data.md": (
                "Bundling Collection Data for Download", "accepted", "2024-07-08", 3, set()),
            "adr_005_database_objects.md": (
                "Handle Growing Objects Table", "accepted", "2025-04-03", 5, set()),
            "adr_009_attachments_binary_diffs.md": (
                "Attachments Binary Diffs", "accepted", "2026-07-08", 9, set()),
        },
    },
    "elastisys__compliantkubernetes": {
        "records": 57,
        "skipped": {"index.md": "index", "template.md": "template"},
        "attachments": {
            "img/0050-use-cluster-isolation.drawio.svg": ["0050-use-cluster-isolation.md"],
        },
        "checked": {
            "0000-use-markdown-architectural-decision-records.md": (
                "Use Markdown Architectural Decision Records", "accepted", None, 0, set()),
            # The supersede link is also inside the H1.
            "0003-push-metrics-via-influxdb.md": (
                "Push Metrics via InfluxDB", "superseded", "2020-11-19", 3,
                {(S, "in", "0019-push-metrics-via-thanos.md")}),
            "0010-run-managed-services-in-workload-cluster.md": (
                "Run managed services in Workload Cluster", "proposed", "2021-04-29", 10, set()),
            "0011-let-upstream-projects-handle-crds.md": (
                "Let upstream projects handle CRDs", "superseded", "2021-04-29", 11,
                {(S, "in", "0046-handle-crds.md")}),
            "0023-allow-snippets-annotations.md": (
                "Only allow Ingress Configuration Snippet Annotations after Proper Risk Acceptance",
                "superseded", "2022-08-11", 23,
                {(S, "in", "0056-allow-snippets-annotations-after-risk-acceptance.md")}),
            "0043-rclone-and-encryption-adhere-cryptography-policy.md": (
                "Rclone and Encryption adheres Cryptography Policy", "accepted", "2023-05-04", 43,
                set()),
            "0046-handle-crds.md": (
                "Handle all CRDs with the standard Helm CRD management", "accepted", "2024-02-22",
                46, {(S, "out", "0011-let-upstream-projects-handle-crds.md")}),
        },
    },
    "island-is__handbook": {
        "records": 12,
        "skipped": {"index.md": "index", "template.md": "template"},
        "attachments": {},
        "checked": {
            "0000-use-markdown-architectural-decision-records.md": (
                "Use Markdown Architectural Decision Records", "accepted", "2020-06-01", 0, set()),
            "0001-use-nx.md": ("Use NX", "accepted", "2020-05-03", 1, set()),
            "0004-branching-and-release-strategy.md": (
                "Branching and release strategy", "accepted", "2020-05-24", 4, set()),
            "0005-error-tracking-and-monitoring.md": (
                "Error tracking and monitoring", "accepted", "2020-06-12", 5, set()),
            "0008-use-oauth-and-openid-connect.md": (
                "Use OAuth 2.0 and OpenID Connect as protocols for Authentication and "
                "Authorization", "accepted", "2020-06-02", 8, set()),
            # CRLF line ends.
            "0011-open-source-license.md": (
                "Open Source License", "proposed", "2020-06-07", 11, set()),
        },
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
        "checked": {
            # "Partly superseded": still in force where 0033 did not replace it.
            "0003-aws-networking-outline.md": (
                "Networking Outline", "accepted", "2017-06-30", 3,
                {(S, "in", "0033-ip-ranges.md")}),
            "0004-dns-definitions-for-hosts-and-services.md": (
                "DNS definitions for hosts and services", "superseded", "2017-07-14", 4,
                {(S, "in", "0015-dns-infrastructure.md")}),
            "0006-puppet-architecture.md": (
                "Puppet architecture", "proposed", "2017-07-04", 6, set()),  # Pending
            "0010-terraform-directory-structure.md": (
                "Terraform directory structure", "accepted", "2017-07-04", 10,
                {(A, "in", "0017-terraform-data-structure.md")}),
            "0017-terraform-data-structure.md": (
                "Terraform Data Structure", "accepted", "2017-07-14", 17,
                {(A, "out", "0010-terraform-directory-structure.md")}),
            # Its H1 repeats "3. Networking Outline": the number comes from the file name.
            "0033-ip-ranges.md": (
                "Networking Outline", "proposed", "2018-09-26", 33,
                {(S, "out", "0003-aws-networking-outline.md")}),
            "0038-mongo_replacement_by_documentdb.md": (
                "Mongo Replacement by DocumentDB", "accepted", "2019-10-17", 38, set()),  # Approved
        },
    },
}
