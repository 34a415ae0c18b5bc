"""Synthetic but realistic records for the search benchmark: a few thousand technical words,
Zipf-distributed, 300-800 words per record, real kinds, statuses, tags and dates."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass

from kbridge.model import KIND_STATUSES, Kind, format_key


def _words(text: str) -> list[str]:
    return text.split()


FUNCTION_WORDS = _words(
    "the of and to a in is for that on with as be by this are we it from or an at will not which "
    "can all has have its should must when our if use was but more than into only new each been "
    "also so they any there these other no may after before would about over "
)

TECH_ROOTS = _words(
    "access account adapter admin agent alert algorithm analytics api application approval archive "
    "artifact audit authentication authorization availability backup balancer bandwidth baseline "
    "batch benchmark binary boundary bucket budget buffer build bundle cache capacity certificate "
    "change channel checksum cipher classification client cloud cluster cluster code commit "
    "compliance component compression compute config connection consensus consumer container "
    "contract control cookie coordinator cost credential cron crypto dashboard data database "
    "deadline decision decommission default delegation dependency deployment design detection "
    "device diagram digest directory disaster discovery disk dns document domain driver encryption "
    "endpoint engine entitlement environment error escalation event evidence exception exporter "
    "failover feature federation file filter firewall firmware flag format framework gateway "
    "governance grant graph handler hardware hash header health heartbeat host hotfix identity "
    "image incident index ingestion inventory isolation issuer job journal kafka kernel key "
    "kubernetes label latency layer lease ledger library license lifecycle limit link listener load "
    "lock log logging mainframe maintenance manifest mapping memory merge message metadata metric "
    "migration mirror model module monitor mount namespace network node notification oauth object "
    "observability offset onboarding operator orchestration outage owner package pager parser "
    "partition password patch payload payment peer performance permission pipeline platform plugin "
    "policy pool port postgres principal priority privilege probe process procurement protocol "
    "provider proxy publisher queue quota rack rate record recovery redis redundancy region "
    "registry regulation release replica replication report repository request requirement "
    "resilience resolver resource retention retry review revocation risk role rollback rollout "
    "rotation route router rule runbook runtime sandbox scaling scanner schedule schema scope "
    "script secret segment sensor server service session shard signature snapshot socket software "
    "source spec stack standard storage stream subnet supplier switch syslog system table tenant "
    "terraform test threat threshold throttle ticket timeout token topic trace traffic transaction "
    "transfer trust tunnel upgrade upstream user validation vault vendor version virtual volume vpn "
    "vulnerability warehouse webhook workflow workload zone "
)

SUFFIXES = ("s", "ing", "ed", "er", "ation", "al", "less", "ability")
TAGS = (
    "pci",
    "gdpr",
    "iam",
    "network",
    "crypto",
    "cloud",
    "payments",
    "platform",
    "data",
    "observability",
    "resilience",
    "supply-chain",
    "privacy",
    "sox",
    "hipaa",
    "iso27001",
)
OWNERS = 40


@dataclass(frozen=True)
class BenchRecord:
    key: str
    kind: Kind
    title: str
    status: str
    body: str
    tags: tuple[str, ...]
    date: str | None
    owner: str | None


def vocabulary(size: int, rng: random.Random) -> list[str]:
    """Function words first (the most frequent), then technical words and their derivatives,
    then made-up product and component names, in a shuffled Zipf rank order."""
    words: list[str] = list(dict.fromkeys(TECH_ROOTS))
    words += [root + suffix for root in TECH_ROOTS for suffix in SUFFIXES[:3]]
    syllables = ["ka", "ro", "vin", "tel", "mar", "zu", "dex", "lon", "pra", "qui", "sen", "tor"]
    for first, second, third in itertools.product(syllables, repeat=3):
        if len(words) >= size - len(FUNCTION_WORDS):
            break
        words.append(first + second + third)
    technical = list(dict.fromkeys(words))[: size - len(FUNCTION_WORDS)]
    rng.shuffle(technical)
    return FUNCTION_WORDS + technical


def zipf_weights(count: int, exponent: float = 1.07) -> list[float]:
    weights = [1.0 / (rank**exponent) for rank in range(1, count + 1)]
    return list(itertools.accumulate(weights))


def generate(count: int, seed: int = 7, vocabulary_size: int = 4000) -> list[BenchRecord]:
    rng = random.Random(seed)
    words = vocabulary(vocabulary_size, rng)
    cumulative = zipf_weights(len(words))
    kinds = [Kind.DECISION] * 5 + [Kind.CONTROL] * 3 + [Kind.SYSTEM, Kind.RISK, Kind.INCIDENT]
    kinds += [Kind.REQUIREMENT, Kind.NOTE]
    numbers: dict[Kind, int] = {}
    records: list[BenchRecord] = []
    for _ in range(count):
        kind = rng.choice(kinds)
        numbers[kind] = numbers.get(kind, 0) + 1
        number = numbers[kind]
        key = format_key(kind, number)
        length = rng.randint(300, 800)
        text = rng.choices(words, cum_weights=cumulative, k=length)
        title_words = rng.choices(words[len(FUNCTION_WORDS) :], k=rng.randint(3, 7))
        statuses = KIND_STATUSES[kind]
        year = rng.randint(2015, 2025)
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        records.append(
            BenchRecord(
                key=key,
                kind=kind,
                title=" ".join(title_words).capitalize(),
                status=rng.choice(statuses) if statuses else "",
                body=_markdown(text, rng),
                tags=tuple(sorted(set(rng.sample(TAGS, rng.randint(0, 3))))),
                date=None if kind is Kind.NOTE else date,
                owner=f"PER-{rng.randint(1, OWNERS):03d}" if rng.random() < 0.5 else None,
            )
        )
    return records


def _markdown(text: list[str], rng: random.Random) -> str:
    """Words laid out as an ADR: headed sections, sentences, a list, some emphasis."""
    sections = ["## Context", "## Decision", "## Consequences"]
    out: list[str] = []
    chunk = max(1, len(text) // len(sections))
    for index, heading in enumerate(sections):
        part = text[index * chunk : (index + 1) * chunk if index < len(sections) - 1 else None]
        out.append(heading)
        sentences = []
        for start in range(0, len(part), 12):
            sentence = part[start : start + 12]
            if rng.random() < 0.1:
                sentence[0] = f"**{sentence[0]}**"
            sentences.append(" ".join(sentence).capitalize() + ".")
        if index == 1 and len(sentences) > 4:
            out.append(" ".join(sentences[:-3]))
            out.append("\n".join(f"* {item}" for item in sentences[-3:]))
        else:
            out.append(" ".join(sentences))
    return "\n\n".join(out) + "\n"


def people(seed: int = 7) -> list[tuple[str, str]]:
    """The owners: (key, name)."""
    rng = random.Random(seed)
    first = ["Alice", "Bruno", "Chloé", "Dmitri", "Esther", "Farid", "Grace", "Hiro"]
    last = ["Martin", "Díaz", "Müller", "Okafor", "Nguyen", "Larsen", "Rossi", "Kim"]
    return [(f"PER-{number:03d}", f"{rng.choice(first)} {rng.choice(last)}") for number in range(1, OWNERS + 1)]


def bench_date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None
