"""Round trips through every export format, on every corpus folder and the sample: per format,
records compared / identical / differing (with the fields that differ), records the format has
no form for, records lost or invented, relative links broken, and what importing the export
into the same knowledge base did (it must find everything unchanged).

Run: .venv/bin/python bench/roundtrip.py [--formats madr,json] [--only FOLDER] [--misses N]
Not a test: numbers, not verdicts (tests/formats/test_roundtrip_matrix.py holds the verdicts).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kbridge.core import KnowledgeBase  # noqa: E402
from kbridge.formats.read.importer import import_folder  # noqa: E402
from kbridge.formats.sample import build_sample  # noqa: E402
from tests.fixtures.roundtrip import MATRIX_FORMATS, FormatResult, run_format  # noqa: E402
from tests.formats.conftest import CORPUS_FOLDERS  # noqa: E402


def _source(name: str, corpus: Path, work: Path) -> Path:
    path = work / f"{name}.kbridge"
    if name == "sample":
        return build_sample(path)
    with KnowledgeBase.init(path) as kb:
        import_folder(kb, corpus / name / CORPUS_FOLDERS[name], force=False)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO / "tests" / "fixtures" / "corpus")
    parser.add_argument("--formats", default=",".join(MATRIX_FORMATS))
    parser.add_argument("--only", default="", help="one corpus folder (or 'sample')")
    parser.add_argument("--misses", type=int, default=0, help="print up to N differences per format")
    args = parser.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    names = [args.only] if args.only else [*sorted(CORPUS_FOLDERS), "sample"]
    totals: dict[str, list[FormatResult]] = {fmt: [] for fmt in formats}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for name in names:
            base = _source(name, args.corpus, work)
            for fmt in formats:
                folder = work / name / fmt
                folder.mkdir(parents=True)
                copy = folder / "same.kbridge"
                shutil.copyfile(base, copy)
                with KnowledgeBase.open(base) as kb:
                    try:
                        totals[fmt].append(run_format(kb, name, fmt, folder, reimport_into=copy))
                    except Exception as error:  # a format that cannot round-trip at all says so
                        failed = FormatResult(name, fmt)
                        failed.missing = [f"(failed: {error})"]
                        totals[fmt].append(failed)
    header = (f"{'format':<11}{'compared':>9}{'identical':>10}{'differing':>10}{'no form':>8}"
              f"{'lost':>6}{'extra':>6}{'links broken':>13}{'re-import new/upd':>18}  differing fields")
    print(header)
    for fmt, results in totals.items():
        fields: Counter[str] = Counter()
        for result in results:
            fields.update(result.by_field())
        row = [sum(r.compared for r in results), sum(r.identical for r in results),
               sum(r.differing for r in results), sum(r.not_carried for r in results),
               sum(len(r.missing) for r in results), sum(len(r.extra) for r in results),
               sum(r.links_broken for r in results)]
        again = (f"{sum(r.reimport.get('imported', 0) for r in results)}/"
                 f"{sum(r.reimport.get('updated', 0) for r in results)}")
        detail = ", ".join(f"{name} {count}" for name, count in fields.most_common()) or "-"
        print(f"{fmt:<11}{row[0]:>9}{row[1]:>10}{row[2]:>10}{row[3]:>8}{row[4]:>6}{row[5]:>6}"
              f"{row[6]:>13}{again:>18}  {detail}")
    print(f"({len(names)} sources, {time.perf_counter() - started:.0f} s)")
    if args.misses:
        for results in totals.values():
            lines = [line for result in results for line in result.failures()]
            for line in lines[: args.misses]:
                print("  ", line[:300])


if __name__ == "__main__":
    main()
