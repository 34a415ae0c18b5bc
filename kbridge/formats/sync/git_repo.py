"""The git commands sync runs, and nothing else: never an interactive prompt (no terminal, no
editor, no password question), paths always literal and given on stdin, never as options.

Merging the remote's commits is done without touching the working tree (`git merge-tree`, then a
tree and a commit written from it), so that a merge that cannot be finished changes nothing; the
checkout then moves to the result in one step (`git reset --keep`, which refuses to overwrite a
local change)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kbridge.model import KbridgeError

GIT_TIMEOUT = 300
_SHOWN = {"fetch", "add", "commit", "commit-tree", "merge", "reset", "push"}
EMPTY = "0" * 40


class GitError(KbridgeError):
    """A git command failed; nothing more was done."""


class PushRejectedError(GitError):
    """The remote has commits this checkout does not: fetch, merge and push again."""


@dataclass(frozen=True)
class Upstream:
    remote: str
    branch: str  # the remote's branch name
    tracking: str  # refs/remotes/<remote>/<branch>
    configured: bool  # the local branch tracks it (else it is only the branch of the same name)


def _environment() -> dict[str, str]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_EDITOR": "true", "GIT_SEQUENCE_EDITOR": "true",
           "GIT_MERGE_AUTOEDIT": "no", "LC_ALL": "C", "LANGUAGE": "C"}
    if "GIT_SSH_COMMAND" not in os.environ and "GIT_SSH" not in os.environ:
        env["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"  # a host key or passphrase question fails, never waits
    return env


def in_git_checkout(folder: Path) -> bool:
    """Whether `folder` (or the nearest folder above it that exists) is in a git checkout; False
    when git is not installed."""
    existing = Path(folder).absolute()
    while not existing.is_dir() and existing != existing.parent:
        existing = existing.parent
    if shutil.which("git") is None:
        return False
    try:
        done = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=existing, capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, timeout=GIT_TIMEOUT, check=False,
                              env=_environment())
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and done.stdout.strip() == "true"


class Repository:
    def __init__(self, folder: Path) -> None:
        if shutil.which("git") is None:
            raise GitError("git is not installed (or not on PATH): sync --git needs it; "
                           "kbridge sync FOLDER without --git syncs the folder alone")
        self.log: list[str] = []
        self.folder = Path(folder).absolute()
        existing = self.folder
        while not existing.is_dir() and existing != existing.parent:
            existing = existing.parent
        self.top = Path(self._output(existing, "rev-parse", "--show-toplevel",
                                     error=f"{folder} is not in a git checkout (git clone URL, or git init, first)"))
        self.git_dir = Path(self._output(self.top, "rev-parse", "--absolute-git-dir", error="no .git folder"))
        relative = os.path.relpath(self.folder.resolve(), self.top.resolve())
        if relative.startswith(".."):
            raise GitError(f"{folder} is not inside the checkout at {self.top}")
        self.prefix = "" if relative == "." else Path(relative).as_posix() + "/"
        branch = self.run("symbolic-ref", "--quiet", "--short", "HEAD", check=False)
        if branch.returncode != 0:
            raise GitError(f"the checkout at {self.top} is not on a branch (detached HEAD): "
                           "git switch BRANCH, then sync again")
        self.branch = branch.stdout.strip()

    # --- running git --------------------------------------------------------------------------

    def run(self, *args: str, stdin: str | bytes | None = None, check: bool = True,
            env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        command = ["git", "--literal-pathspecs", "-c", "core.quotepath=off", *args]
        data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
        try:
            done = subprocess.run(command, cwd=cwd or self.top, capture_output=True, input=data,
                                  stdin=None if data is not None else subprocess.DEVNULL,
                                  timeout=GIT_TIMEOUT, check=False, env={**_environment(), **(env or {})})
        except (OSError, subprocess.TimeoutExpired) as error:
            raise GitError(f"git {args[0]} failed: {error}") from error
        if args[0] in _SHOWN:  # what a person would have typed; not the plumbing around it
            self.log.append("git " + " ".join(args) + (f" ({data.count(0)} paths)" if data and b"\0" in data else ""))
        result = subprocess.CompletedProcess(command, done.returncode, done.stdout.decode("utf-8", "replace"),
                                             done.stderr.decode("utf-8", "replace"))
        if check and result.returncode != 0:
            raise GitError(f"git {args[0]} failed: {_message(result)}")
        return result

    def raw(self, *args: str) -> bytes:
        """A command's stdout as bytes (a blob's content)."""
        try:
            done = subprocess.run(["git", *args], cwd=self.top, capture_output=True, stdin=subprocess.DEVNULL,
                                  timeout=GIT_TIMEOUT, check=False, env=_environment())
        except (OSError, subprocess.TimeoutExpired) as error:
            raise GitError(f"git {args[0]} failed: {error}") from error
        if done.returncode != 0:
            raise GitError(f"git {args[0]} failed: {done.stderr.decode('utf-8', 'replace').strip()}")
        return done.stdout

    def _output(self, cwd: Path, *args: str, error: str) -> str:
        done = self.run(*args, check=False, cwd=cwd)
        if done.returncode != 0:
            raise GitError(error)
        return done.stdout.strip()

    # --- the checkout -------------------------------------------------------------------------

    def head(self) -> str | None:
        done = self.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False)
        return done.stdout.strip() or None

    def operation_in_progress(self) -> str | None:
        for name, what in (("MERGE_HEAD", "a merge"), ("rebase-merge", "a rebase"), ("rebase-apply", "a rebase"),
                           ("CHERRY_PICK_HEAD", "a cherry-pick"), ("REVERT_HEAD", "a revert")):
            if (self.git_dir / name).exists():
                return what
        return None

    def identity_missing(self) -> str | None:
        done = self.run("var", "GIT_COMMITTER_IDENT", check=False)
        return None if done.returncode == 0 else _message(done)

    def status(self, pathspec: str = "") -> list[tuple[str, str]]:
        """(XY, path from the top) of every changed or untracked file (below `pathspec`)."""
        args = ["status", "--porcelain=v1", "-z", "--untracked-files=all"]
        if pathspec:
            args += ["--", pathspec]
        items = self.run(*args).stdout.split("\0")
        found = []
        index = 0
        while index < len(items):
            item = items[index]
            index += 1
            if len(item) < 4:
                continue
            code, path = item[:2], item[3:]
            if code[0] in "RC":
                index += 1  # the name it had
            found.append((code, path))
        return found

    def upstream(self) -> Upstream | None:
        """The branch the checkout pulls from: its configured upstream, else the remote's branch
        of the same name (origin's, or the only remote's); None without a remote."""
        remote = self.run("config", "--get", f"branch.{self.branch}.remote", check=False).stdout.strip()
        merge = self.run("config", "--get", f"branch.{self.branch}.merge", check=False).stdout.strip()
        if remote and remote != "." and merge.startswith("refs/heads/"):
            name = merge.removeprefix("refs/heads/")
            return Upstream(remote, name, f"refs/remotes/{remote}/{name}", True)
        remotes = self.run("remote").stdout.split()
        if not remotes:
            return None
        chosen = "origin" if "origin" in remotes else remotes[0]
        return Upstream(chosen, self.branch, f"refs/remotes/{chosen}/{self.branch}", False)

    def fetch(self, upstream: Upstream) -> None:
        refspec = f"+refs/heads/{upstream.branch}:{upstream.tracking}"
        done = self.run("fetch", "--quiet", "--no-tags", upstream.remote, refspec, check=False)
        if done.returncode != 0 and "couldn't find remote ref" not in done.stderr.lower():
            raise GitError(f"git fetch from {upstream.remote} failed: {_message(done)}")

    def commit_of(self, ref: str) -> str | None:
        done = self.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        return done.stdout.strip() or None

    def merge_base(self, first: str, second: str) -> str | None:
        return self.run("merge-base", first, second, check=False).stdout.strip() or None

    def is_ancestor(self, older: str, newer: str) -> bool:
        return self.run("merge-base", "--is-ancestor", older, newer, check=False).returncode == 0

    def rebase_configured(self) -> bool:
        for name in (f"branch.{self.branch}.rebase", "pull.rebase"):
            value = self.run("config", "--get", name, check=False).stdout.strip().lower()
            if value:
                return value not in ("false", "no", "off", "0")
        return False

    def commit(self, paths: list[str], message: str) -> str | None:
        """Commit exactly `paths` (from the top; additions, changes and removals); the new commit."""
        if not paths:
            return None
        listed = "\0".join(sorted(set(paths))) + "\0"
        spec = ("--pathspec-from-file=-", "--pathspec-file-nul")
        self.run("add", "--all", *spec, stdin=listed)
        staged = set(self.run("diff", "--cached", "--name-only", "--no-renames", "-z").stdout.split("\0"))
        if not staged & set(paths):
            return None
        self.run("commit", "--quiet", "-m", message, *spec, stdin=listed)
        return self.head()

    def changed_between(self, old: str, new: str) -> set[str]:
        return set(filter(None, self.run("diff", "--name-only", "--no-renames", "-z", old, new).stdout.split("\0")))

    def move_to(self, commit: str) -> None:
        """Make the branch `commit` and the working tree follow, keeping every local change (git
        refuses, and nothing moves, when one is in the way)."""
        if self.head() is None:
            self.run("merge", "--ff-only", "--quiet", commit)
        else:
            self.run("reset", "--keep", "--quiet", commit)

    def push(self, upstream: Upstream, *, set_upstream: bool, dry_run: bool = False) -> bool:
        """Push HEAD to the upstream; whether anything was sent (False: it was up to date)."""
        args = ["push", "--porcelain"]
        if dry_run:
            args.append("--dry-run")
        if set_upstream and not dry_run:
            args.append("--set-upstream")
        args += [upstream.remote, f"HEAD:refs/heads/{upstream.branch}"]
        done = self.run(*args, check=False)
        if done.returncode == 0:
            flags = [line.split("\t", 1)[0] for line in done.stdout.splitlines() if "\t" in line]
            return any(flag != "=" for flag in flags)
        text = done.stdout + done.stderr
        if "[rejected]" in text and "[remote rejected]" not in text:
            raise PushRejectedError(f"{upstream.remote} has commits this checkout has not fetched yet")
        raise GitError(f"{upstream.remote} refused the push: {_message(done)}")

    # --- objects ------------------------------------------------------------------------------

    def blob(self, oid: str) -> bytes:
        return self.raw("cat-file", "blob", oid)

    def merge_tree(self, ours: str, theirs: str) -> tuple[str, dict[str, dict[int, str]]]:
        """The merged tree of two commits and, for each path git could not merge, its versions
        by stage (1 the common one, 2 `ours`, 3 `theirs`; a missing stage: deleted there)."""
        done = self.run("merge-tree", "--write-tree", "--allow-unrelated-histories", "--no-messages", "-z",
                        ours, theirs, check=False)
        if done.returncode not in (0, 1):
            raise GitError(f"git merge-tree failed: {_message(done)}")
        parts = done.stdout.split("\0")
        conflicts: dict[str, dict[int, str]] = {}
        for item in parts[1:]:
            if not item:
                break
            info, _, path = item.partition("\t")
            _mode, oid, stage = info.split(" ")
            conflicts.setdefault(path, {})[int(stage)] = oid
        return parts[0], conflicts

    def tree_with(self, tree: str, files: dict[str, str | None]) -> str:
        """`tree` with these paths set to these blobs (None: removed)."""
        handle, index = tempfile.mkstemp(prefix="kbridge-index-", dir=self.git_dir)
        os.close(handle)
        os.unlink(index)  # git writes the index itself; only the name is wanted
        env = {"GIT_INDEX_FILE": index}
        try:
            self.run("read-tree", tree, env=env)
            lines = "".join(f"100644 {oid}\t{path}\0" if oid else f"0 {EMPTY}\t{path}\0" for path, oid in files.items())
            self.run("update-index", "-z", "--index-info", stdin=lines, env=env)
            return self.run("write-tree", env=env).stdout.strip()
        finally:
            if os.path.exists(index):
                os.unlink(index)

    def commit_tree(self, tree: str, parents: list[str], message: str, author_of: str | None = None) -> str:
        env = {}
        if author_of:
            said = self.run("log", "-1", "--format=%an%x00%ae%x00%ad", author_of).stdout
            name, email, date = said.strip().split("\0")
            env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": date}
        args = ["commit-tree", tree]
        for parent in parents:
            args += ["-p", parent]
        return self.run(*args, "-F", "-", stdin=message, env=env).stdout.strip()

    def tree_of(self, commit: str) -> str:
        return self.run("rev-parse", f"{commit}^{{tree}}").stdout.strip()

    def commits_between(self, base: str, tip: str) -> list[tuple[str, int]]:
        """(commit, number of parents) of `tip`'s commits not in `base`, oldest first."""
        lines = self.run("rev-list", "--reverse", "--parents", f"{base}..{tip}").stdout.split("\n")
        return [(parts[0], len(parts) - 1) for line in lines if (parts := line.split())]

    def message_of(self, commit: str) -> str:
        return self.run("log", "-1", "--format=%B", commit).stdout


def _message(done: subprocess.CompletedProcess[str]) -> str:
    lines = [line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip()]
    useful = [line for line in lines if not line.startswith(("hint:", "To ", "Done"))]
    return "; ".join(useful[:3]) or f"exit status {done.returncode}"
