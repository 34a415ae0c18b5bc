"""Hostile folders: ten thousand generated files in CI-sized batches, pathological files that once
took seconds each, and symlinks that try to leave the folder. Import never raises, never hangs,
and accounts for every file."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.formats.read.importer import import_folder

BATCHES = 20
FILES_PER_BATCH = 500  # 10,000 files in all
NAMES = ["{n:04d}-x.md", "adr-{n:03d}-x.md", "adr_{n:03d}_x.md", "2021{n:04d}-x.md", "{n}.md",
         "notes-{n}.md", "README-{n}.md", "{n:04d}-dup.md", "x{n}.markdown", "img{n}.png", "{n}.txt"]
FRAGMENTS = [
    "---\n", "status: accepted\n", "status: [\n", "date: 2020-13-45\n", "title: 'x\n",
    "tags: {a: [}\n", "# ", "# 1. Title\n", "## Status\n", "Accepted\n", "Superseded by [A](0001-x.md)\n",
    "* Status: proposed\n", "- Date: Oct 32, 2020\n", "**Status:** ", "```\n", "~~~\n", "<!-- ",
    "-->", "![](", "[x][ref]\n", "[ref]: 0002-x.md\n", "\r\n", "\t", "\ufeff", "é", "🚀", "\u202e",
    "| a | b |\n|---|---|\n", "> quote\n", "    code\n", "\x00", "\n", "Status: Superceded by ",
]


def _yaml_bomb(rng: random.Random) -> bytes:
    levels = rng.randint(5, 9)
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * 9) + "]")
    return ("---\n" + "\n".join(lines) + "\nstatus: accepted\n---\n# Bomb\n").encode()


# Shapes 0-8 and how often each is drawn: the costly ones (enormous lines, deep lists, huge front
# matter) are rarer, so that ten thousand files fit in a CI run of a few minutes.
SHAPE_WEIGHTS = [10, 10, 3, 3, 5, 3, 5, 6, 55]


def _generated(rng: random.Random) -> bytes:
    shape = rng.choices(range(len(SHAPE_WEIGHTS)), weights=SHAPE_WEIGHTS)[0]
    if shape == 0:
        return rng.randbytes(rng.randint(0, 3000))
    if shape == 1:  # broken UTF-8 inside otherwise plausible text
        return b"# Title\n\n## Status\n\nAccepted\n" + b"\xff\xfe\xc3(" * rng.randint(1, 50)
    if shape == 2:  # an enormous line
        return b"# Long\n\n" + b"word " * rng.randint(10_000, 60_000)
    if shape == 3:  # deeply nested lists
        depth = rng.randint(50, 400)
        return ("# Nested\n\n" + "".join("  " * i + "- item\n" for i in range(depth))).encode()
    if shape == 4:
        return _yaml_bomb(rng)
    if shape == 5:  # huge front matter
        keys = "".join(f"key{i}: {'v' * rng.randint(1, 80)}\n" for i in range(rng.randint(100, 5000)))
        return f"---\n{keys}---\n# Big front matter\n".encode()
    if shape == 6:  # deep YAML nesting
        depth = rng.randint(100, 3000)
        return ("---\nx: " + "[" * depth + "]" * depth + "\n---\n# Deep\n").encode()
    if shape == 7:  # emphasis and bracket storms
        return ("# Storm\n\n" + rng.choice(["*a", "[", "`", "<div>", "_a"]) * rng.randint(1000, 20000)).encode()
    text = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 40)))
    return text.encode("utf-8", "surrogatepass")


def _write_batch(folder: Path, rng: random.Random, batch: int) -> set[str]:
    names = set()
    for index in range(FILES_PER_BATCH):
        name = rng.choice(NAMES).format(n=batch * FILES_PER_BATCH + index)
        sub = folder / rng.choice(["", "", "sub", "deep/er"])
        sub.mkdir(parents=True, exist_ok=True)
        (sub / name).write_bytes(_generated(rng))
        names.add((sub / name).relative_to(folder).as_posix())
    return names


def _accounted(kb: KnowledgeBase, report: object) -> set[str]:
    records = {r.source["path"] for r in kb.list_records() if r.source}
    skipped = {item.path for item in report.skipped}  # type: ignore[attr-defined]
    attached = set()
    for record in kb.list_records():
        for kept in kb.files.of(record.uid):
            if kept["role"] == "attachment":
                attached.add(kept["name"])
    return records | skipped | attached


@pytest.mark.slow
def test_ten_thousand_generated_files_in_batches(tmp_path: Path) -> None:
    rng = random.Random(20261126)
    total = 0
    for batch in range(BATCHES):
        folder = tmp_path / f"batch{batch}"
        names = _write_batch(folder, rng, batch)
        kb = KnowledgeBase.init(tmp_path / f"batch{batch}.kbridge")
        report = import_folder(kb, folder)
        accounted = _accounted(kb, report)
        unaccounted = {name for name in names if name not in accounted}
        # An image no record refers to is kept as an attachment of nothing only if some record
        # exists; otherwise it is skipped with a reason. Either way it is accounted for.
        assert not unaccounted, sorted(unaccounted)[:5]
        assert all(item.reason for item in report.skipped)
        assert kb.maintenance.integrity_problems() == []
        total += len(names)
        kb.close()
    assert total == BATCHES * FILES_PER_BATCH


HANG_CHECK = r"""
import sys
from kbridge.core import KnowledgeBase
from kbridge.formats.read.importer import import_folder
kb = KnowledgeBase.init(sys.argv[2])
report = import_folder(kb, sys.argv[1])
print(report.imported, len(report.skipped), len(report.warnings))
"""

PATHOLOGICAL = {
    "0001-emphasis-storm.md": b"# T\n\n" + b"*a" * 200_000,
    "0002-bracket-storm.md": b"# T\n\n" + b"[" * 100_000,
    "0003-link-storm.md": b"# T\n\n" + b"[x](y " * 100_000,
    "0004-yaml-bomb.md": _yaml_bomb(random.Random(1)),
    "0005-deep-yaml.md": b"---\nx: " + b"[" * 20_000 + b"]" * 20_000 + b"\n---\n# T\n",
    "0006-many-lines.md": b"# T\n\n" + b"line\n" * 150_000,
    "0007-nested-quotes.md": b"# T\n\n" + b">" * 50_000 + b" x\n",
    "0008-nested-lists.md": ("# T\n\n" + "".join("  " * i + "- x\n" for i in range(1000))).encode(),
}


def test_pathological_files_finish_quickly(tmp_path: Path) -> None:
    """Each once took seconds to minutes (or forever: the YAML bomb). A subprocess with a timeout
    turns a hang into a failure instead of a stuck CI run."""
    folder = tmp_path / "adr"
    folder.mkdir()
    for name, data in PATHOLOGICAL.items():
        (folder / name).write_bytes(data)
    done = subprocess.run([sys.executable, "-c", HANG_CHECK, str(folder), str(tmp_path / "p.kbridge")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    imported, skipped, warnings = map(int, done.stdout.split())
    assert imported + skipped == len(PATHOLOGICAL)
    assert skipped == 1  # the 150,000-line file, with its reason
    assert warnings >= 3  # the bomb, the deep YAML, the paragraphs too long to scan for links


def test_symlinks_out_of_the_folder_and_loops_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "0009-secret.md").write_text("# Secret decision\n\n## Status\n\nAccepted\n")
    folder = tmp_path / "adr"
    folder.mkdir()
    (folder / "0001-real.md").write_text("# Real\n\n## Status\n\nAccepted\n")
    os.symlink(outside / "0009-secret.md", folder / "0002-link-out.md")
    os.symlink(outside, folder / "linked-dir")
    os.symlink(folder, folder / "loop")
    os.symlink("/etc/passwd", folder / "0003-passwd.md")
    (folder / "inside").mkdir()
    os.symlink(folder / "0001-real.md", folder / "inside" / "0004-alias.md")
    kb = KnowledgeBase.init(tmp_path / "s.kbridge")
    report = import_folder(kb, folder)
    titles = {record.title for record in kb.list_records()}
    assert "Secret decision" not in titles
    assert all("root:" not in record.body for record in kb.list_records())
    assert "Real" in titles
    reasons = {item.path: item.reason for item in report.skipped}
    for name in ("0002-link-out.md", "0003-passwd.md"):
        assert name in reasons and "outside" in reasons[name]
    kb.close()
