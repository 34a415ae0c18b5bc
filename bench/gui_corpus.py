"""Synthetic knowledge bases for the GUI benchmark, built once through the facade and cached.

python bench/gui_corpus.py 100000          # builds /tmp/kbridge-gui-bench-100000.kbridge
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from kbridge.core import KnowledgeBase
from kbridge.model import Kind, format_key

CACHE_DIR = Path("/tmp")
_WORDS = (
    "vault", "key", "rotation", "payments", "ledger", "gateway", "kafka", "queue", "retry", "idempotent",
    "token", "tokenise", "pci", "audit", "logging", "retention", "backup", "restore", "region", "failover",
    "latency", "budget", "postgres", "mysql", "replica", "schema", "migration", "terraform", "ansible",
    "kubernetes", "cluster", "node", "pool", "ingress", "tls", "certificate", "mutual", "authentication",
    "oauth", "session", "cookie", "csrf", "firewall", "segmentation", "vpc", "subnet", "bastion", "ssh",
    "access", "review", "quarterly", "least", "privilege", "role", "binding", "secret", "manager",
    "encryption", "at", "rest", "transit", "hsm", "envelope", "cipher", "hash", "signing", "webhook",
    "carrier", "invoice", "settlement", "reconciliation", "batch", "nightly", "report", "dashboard", "alert",
    "pager", "incident", "postmortem", "runbook", "capacity", "scaling", "autoscaler", "cost", "saving",
    "vendor", "contract", "sla", "rto", "rpo", "criticality", "dependency", "outage", "degraded", "mode",
    "cache", "redis", "eviction", "ttl", "consistency", "eventual", "strong", "cross", "team", "ownership",
    "decision", "option", "consequence", "driver", "context", "tradeoff", "risk", "accepted",
)
_KIND_MIX = (
    (Kind.DECISION, 40),
    (Kind.SYSTEM, 8),
    (Kind.CONTROL, 14),
    (Kind.RISK, 10),
    (Kind.INCIDENT, 8),
    (Kind.REQUIREMENT, 8),
    (Kind.NOTE, 10),
    (Kind.PERSON, 2),
)


def corpus_path(count: int) -> Path:
    return CACHE_DIR / f"kbridge-gui-bench-{count}.kbridge"


def _sentence(rng: random.Random, words: int) -> str:
    chosen = rng.choices(_WORDS, k=words)
    return " ".join(chosen).capitalize() + "."


def _body(rng: random.Random) -> str:
    words = rng.randint(300, 800)
    paragraphs = []
    while words > 0:
        size = min(words, rng.randint(40, 90))
        paragraphs.append(" ".join(_sentence(rng, 10) for _ in range(max(1, size // 10))))
        words -= size
    return "## Context\n\n" + paragraphs[0] + "\n\n## Decision\n\n" + "\n\n".join(paragraphs[1:]) + "\n"


def build(count: int, path: Path | None = None) -> Path:
    """A knowledge base of `count` synthetic records (one transaction), cached under /tmp."""
    path = path or corpus_path(count)
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    rng = random.Random(count)
    kinds = [kind for kind, weight in _KIND_MIX for _ in range(weight)]
    started = time.monotonic()
    kb = KnowledgeBase.init(partial)
    try:
        with kb.transaction():
            people_keys = [format_key(Kind.PERSON, n + 1) for n in range(max(2, count // 500))]
            for n, key in enumerate(people_keys):
                kb.create(Kind.PERSON, f"Engineer {n + 1}", key=key)
            numbers = {kind: 0 for kind in Kind}
            numbers[Kind.PERSON] = len(people_keys)
            for n in range(count - len(people_keys)):
                kind = rng.choice(kinds)
                statuses = kind.statuses
                numbers[kind] += 1
                # An explicit key: letting the facade allocate one scans every key of the kind.
                kb.create(
                    kind,
                    _sentence(rng, rng.randint(4, 9)).rstrip("."),
                    key=format_key(kind, numbers[kind]),
                    status=rng.choice(statuses) if statuses else None,
                    body=_body(rng),
                    tags=rng.sample(_WORDS[:30], k=rng.randint(0, 3)),
                    owner=rng.choice(people_keys) if rng.random() < 0.6 else None,
                    date=f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                )
                if n % 10000 == 0:
                    print(f"  {n} records, {time.monotonic() - started:.0f} s", file=sys.stderr)
    finally:
        kb.close()
    partial.rename(path)
    return path


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["10000", "100000"]:
        print(build(int(arg)))
