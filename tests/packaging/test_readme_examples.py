"""Every command the README shows runs as shown: typed into bash, in the README's order, against a
scratch copy of the sample knowledge base, inside a git checkout of a team repository (the README's
sync example needs one). Output the README shows after a `$ ` line must be what the command printed;
the queries of the search syntax table work in `kbridge search` as the README says."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.packaging.conftest import BIN
from tests.packaging.readme import Example, command_examples, readme_text

EXAMPLES = command_examples(readme_text())
GIT_IDENTITY = {"GIT_AUTHOR_NAME": "README", "GIT_AUTHOR_EMAIL": "readme@example.org",
                "GIT_COMMITTER_NAME": "README", "GIT_COMMITTER_EMAIL": "readme@example.org"}


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_IDENTITY})


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory, sample_file: Path) -> tuple[Path, dict[str, str]]:
    """A clone of a team repository (one commit, on a remote), and the environment a person's shell
    would have: kbridge on PATH and $KBRIDGE_KB naming a scratch copy of the sample."""
    root = tmp_path_factory.mktemp("readme")
    git("init", "-q", "--bare", "-b", "main", str(root / "team.git"), cwd=root)
    git("clone", "-q", str(root / "team.git"), "seed", cwd=root)
    (root / "seed" / "README.md").write_text("Our decisions\n", encoding="utf-8")
    git("add", "README.md", cwd=root / "seed")
    git("commit", "-q", "-m", "start", cwd=root / "seed")
    git("push", "-q", "origin", "HEAD:main", cwd=root / "seed")
    git("clone", "-q", str(root / "team.git"), "work", cwd=root)
    kb = root / "scratch.kbridge"
    shutil.copyfile(sample_file, kb)
    env = {**os.environ, **GIT_IDENTITY, "KBRIDGE_KB": str(kb), "NO_COLOR": "1",
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return root / "work", env


def bash(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    assert shutil.which("bash"), "bash is needed to run the README's commands as typed"
    return subprocess.run(["bash", "--norc", "--noprofile", "-c", command], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_readme_shows_command_examples() -> None:
    commands = [example.command for example in EXAMPLES]
    assert any(command.startswith("kbridge new ") for command in commands)
    assert "kbridge search vault -k8s" in commands  # the example of the search syntax
    assert any(example.expected_output for example in EXAMPLES)


def test_every_command_example_runs_as_shown(checkout: tuple[Path, dict[str, str]]) -> None:
    cwd, env = checkout
    failures = []
    for example in EXAMPLES:
        done = bash(example.command, cwd, env)
        if done.returncode != 0 or "Traceback" in done.stderr or done.stderr.startswith("kbridge: "):
            failures.append(f"`{example.command}` exited {done.returncode}: {done.stderr.strip()[-500:]}")
        elif example.expected_output and done.stdout.splitlines() != example.expected_output:
            failures.append(f"`{example.command}` printed {done.stdout!r}, the README shows {example.expected_output}")
    assert failures == []


def test_a_wrong_example_is_caught(checkout: tuple[Path, dict[str, str]]) -> None:
    cwd, env = checkout
    assert bash("kbridge search vault --no-such-option", cwd, env).returncode == 2
    shown = Example("kbridge show ADR-0001", ["not what it prints"])
    assert bash(shown.command, cwd, env).stdout.splitlines() != shown.expected_output


def search_table_queries() -> list[str]:
    text = readme_text().split("| you type | finds records |", 1)[1].split("\n\n", 1)[0]
    queries = []
    for row in text.splitlines()[2:]:
        cell = row.split(" | ", 1)[0]
        queries += [query for query in cell.strip("| ").replace("`, `", "`\0`").split("\0")]
    return [query.strip("`") for query in queries if query.strip("`") != "( … )"]


@pytest.mark.parametrize("query", search_table_queries())
def test_each_query_of_the_search_table_works_on_the_command_line(query: str,
                                                                  checkout: tuple[Path, dict[str, str]]) -> None:
    cwd, env = checkout
    # Quoted as the README tells for a query with characters the shell reads, else typed bare.
    typed = f"kbridge search {shlex.quote(query)}" if set(query) & set("\"'>()*~") else f"kbridge search {query}"
    done = bash(typed, cwd, env)
    assert done.returncode == 0, f"`{typed}`: {done.stderr}"
    assert "Traceback" not in done.stderr and "kbridge: " not in done.stderr, done.stderr
