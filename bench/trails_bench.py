"""Knowledge trails on a generated knowledge base: how long why, impact, the graph neighbourhood,
the restore order and the static site take as the base grows.

    python bench/trails_bench.py [--records 5000] [--site]

Builds decisions, controls, risks, requirements and systems linked like a real base (controls
mitigate risks and implement requirements, decisions are motivated by risks and supersede older
decisions, systems depend on systems), plus one risk that hundreds of controls mitigate. Prints a
table of timings in milliseconds."""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kbridge.core import KnowledgeBase
from kbridge.model import LinkType


def build(kb: KnowledgeBase, records: int, rng: random.Random) -> None:
    share = max(1, records // 5)
    with kb.transaction():
        for kind in ("risk", "requirement", "decision", "control"):
            for number in range(share):
                kb.create(kind, f"{kind} {number}", body=f"generated {kind} {number} " * 20)
        for number in range(max(10, share // 20)):
            kb.create("system", f"system {number}", fields={"criticality": rng.choice(["critical", "high", "low"]),
                                                            "rto": f"{rng.randint(1, 24)}h"})
        for number in range(1, share + 1):
            control, decision = f"CTL-{number:03d}", f"ADR-{number:04d}"
            kb.links.add(control, LinkType.MITIGATES, f"RSK-{rng.randint(1, share):03d}")
            kb.links.add(control, LinkType.IMPLEMENTS, f"REQ-{rng.randint(1, share):03d}")
            kb.links.add(control, LinkType.MOTIVATED_BY, decision)
            kb.links.add(decision, LinkType.MOTIVATED_BY, f"RSK-{rng.randint(1, share):03d}")
            if number > 1:
                kb.links.add(decision, LinkType.SUPERSEDES, f"ADR-{number - 1:04d}")
        systems = max(10, share // 20)
        for number in range(2, systems + 1):
            for other in sorted({rng.randint(1, number - 1) for _ in range(2)}):
                kb.links.add(f"SYS-{number:03d}", LinkType.DEPENDS_ON, f"SYS-{other:03d}")
        already = {
            link.key for link in kb.links.of("RSK-001") if link.direction == "in"
        }
        for number in range(1, min(share, 400) + 1):
            if f"CTL-{number:03d}" not in already:
                kb.links.add(f"CTL-{number:03d}", LinkType.MITIGATES, "RSK-001")


def timed(label: str, action: Callable[[], object], rows: list[tuple[str, float]]) -> None:
    start = time.perf_counter()
    action()
    rows.append((label, (time.perf_counter() - start) * 1000))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--site", action="store_true", help="also time the static site export")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kbridge-trails-bench-"))
    kb = KnowledgeBase.init(work / "bench.kbridge")
    rows: list[tuple[str, float]] = []
    timed(f"build {args.records} records", lambda: build(kb, args.records, random.Random(1)), rows)
    middle = f"CTL-{args.records // 10:03d}"
    timed(f"why {middle} (depth 5)", lambda: kb.trails.why(middle), rows)
    timed("impact RSK-001 (hundreds of dependents)", lambda: kb.trails.impact("RSK-001", 2), rows)
    timed("neighbourhood RSK-001 depth 2 (capped)", lambda: kb.trails.neighbourhood("RSK-001", 2), rows)
    timed("restore-order (all systems)", kb.trails.restore_order, rows)
    timed("check", kb.maintenance.check, rows)
    if args.site:
        from kbridge.formats.site import export_site

        timed("static site export", lambda: export_site(kb, work / "site"), rows)
    kb.close()
    width = max(len(label) for label, _ in rows)
    print(f"{'step':<{width}}  {'ms':>10}")
    for label, ms in rows:
        print(f"{label:<{width}}  {ms:>10.1f}")


if __name__ == "__main__":
    main()
