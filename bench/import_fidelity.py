"""How many hand-labelled facts of the corpus the importer gets right, per corpus folder and per
field (is it a decision, title, status, date, number, relations), and overall.

The labels are in tests/fixtures/corpus_labels.yaml, read from each file's own text.
Run: .venv/bin/python bench/import_fidelity.py [--misses] [--corpus PATH]
Not a test: numbers, not verdicts (tests/formats/test_corpus_read.py holds the verdicts).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fixtures.corpus_labels import FIELDS, Score, load_labels, score_folder  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO / "tests" / "fixtures" / "corpus")
    parser.add_argument("--misses", action="store_true", help="list every fact that is wrong")
    args = parser.parse_args()
    totals = {name: Score() for name in FIELDS}
    width = 46
    print(f"{'corpus folder':{width}} " + " ".join(f"{name:>10}" for name in FIELDS) + f" {'all':>10}")
    misses: list[str] = []
    for folder_name, (folder, labels) in load_labels().items():
        scores = score_folder(args.corpus / folder_name / folder, labels)
        right = sum(score.right for score in scores.values())
        total = sum(score.total for score in scores.values())
        cells = []
        for name in FIELDS:
            score = scores[name]
            totals[name].right += score.right
            totals[name].total += score.total
            cells.append(f"{score.right:>4}/{score.total:<5}")
            misses.extend(f"{folder_name}: {miss}" for miss in score.misses)
        print(f"{folder_name[:width]:{width}} " + " ".join(cells) + f" {right:>4}/{total:<5}")
    right = sum(score.right for score in totals.values())
    total = sum(score.total for score in totals.values())
    print(f"{'all':{width}} " + " ".join(f"{totals[n].right:>4}/{totals[n].total:<5}" for n in FIELDS)
          + f" {right:>4}/{total:<5}")
    print(f"{'%':{width}} " + " ".join(f"{100 * totals[n].right / max(totals[n].total, 1):>9.1f}%"
                                      for n in FIELDS) + f" {100 * right / max(total, 1):>9.1f}%")
    if args.misses:
        for miss in misses:
            print("  miss:", miss)


if __name__ == "__main__":
    main()
