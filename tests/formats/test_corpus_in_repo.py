"""The suite needs nothing outside the repository: the corpus, its licences and its labels are in
tests/fixtures, nothing refers to a `../shared` folder, and the corpus tests pass from a copy of
the tests made where no `shared` folder is beside it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.formats.conftest import CORPUS_FOLDERS, corpus_root


def test_the_corpus_and_its_licences_are_in_the_repository() -> None:
    root = corpus_root().resolve()
    assert root.is_relative_to(REPO)
    for name, folder in CORPUS_FOLDERS.items():
        assert (root / name / folder).is_dir(), name
        assert any((root / name / "_license").iterdir()), name
        assert f"`{name}`" in (root / "README.md").read_text(encoding="utf-8")


OUTSIDE = re.compile(r"\.\./shared|\"\.\.\"\s*/\s*\"shared\"|\"shared\"\s*/\s*\"corpus\"")


def test_nothing_refers_to_a_shared_folder_outside() -> None:
    offenders = []
    for folder in ("tests", "bench", "packaging", "kbridge"):
        for path in (REPO / folder).rglob("*.py"):
            if path != Path(__file__) and OUTSIDE.search(path.read_text(encoding="utf-8", errors="replace")):
                offenders.append(path.relative_to(REPO).as_posix())
    assert offenders == []
    assert OUTSIDE.search('corpus = root / ".." / "shared" / "corpus"')  # what it looks for


def test_the_corpus_tests_pass_from_a_copy_with_nothing_beside_it(tmp_path: Path) -> None:
    copy = tmp_path / "alone" / "kbridge-checkout"
    shutil.copytree(REPO / "tests", copy / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    assert not (copy.parent / "shared").exists()
    env = {key: value for key, value in os.environ.items() if key != "KBRIDGE_CORPUS"}
    env["PYTHONPATH"] = str(copy)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         "tests/formats/test_corpus_read.py", "-k", "labelled or accounts"],
        cwd=copy, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
