"""`sync --git`: the folder sync inside a git checkout, end to end.

1. Before anything changes: git is there, the checkout is on a branch with no merge or rebase
   under way, git knows who commits, the sync folder has no uncommitted change kbridge did not
   make, the remote answers (and, with --push, would take a push). Any of these failing is an
   error and nothing was changed.
2. Record files changed in the folder and not committed (edited by hand, or written by a sync
   that was killed) are synced first, and committed.
3. The remote's new commits are merged (or the local ones replayed on them, as `pull.rebase`
   says) without touching the working tree: where git cannot merge a record's file, the remote's
   version is taken and the common version kept (saved in the knowledge base first, so a crash
   loses nothing), and the folder sync merges that record field by field against it. The
   checkout then moves to the result.
4. The folder sync (kbridge.formats.sync.engine) runs, and what it wrote, removed or read is
   committed, the message listing the records.
5. With --push, the branch is pushed (setting the upstream the first time); a push refused
   because the remote moved on fetches and merges again."""

from __future__ import annotations

import contextlib
from pathlib import Path

from kbridge import safe_files
from kbridge.core import KnowledgeBase
from kbridge.formats.read.scan import MAX_MARKDOWN_BYTES
from kbridge.formats.sync.apply import parse_bytes
from kbridge.formats.sync.engine import FolderSync
from kbridge.formats.sync.files import is_record_path
from kbridge.formats.sync.git_repo import GitError, PushRejectedError, Repository, Upstream
from kbridge.formats.sync.report import Change, SyncReport, commit_message
from kbridge.formats.sync.state import FolderState, sha, update_summary
from kbridge.model import Cancel, KbridgeError, Progress

PUSH_ATTEMPTS = 3


class GitSync:
    def __init__(self, kb: KnowledgeBase, folder: Path, *, keep: str | None, push: bool,
                 progress: Progress | None, cancel: Cancel | None) -> None:
        self.kb, self.folder, self.keep, self.push = kb, Path(folder), keep, push
        self.progress, self.cancel = progress, cancel
        self.report = SyncReport()
        self.repo = Repository(self.folder)

    def run(self) -> SyncReport:
        upstream = self._preflight()
        self.folder.mkdir(parents=True, exist_ok=True)
        if self._uncommitted_records():
            self._sync_and_commit()  # edits in the folder (or a killed sync's files) first, committed
        for attempt in range(PUSH_ATTEMPTS):
            target = self.repo.commit_of(upstream.tracking) if upstream else None
            head = self.repo.head()
            if upstream is not None and target and (head is None or not self.repo.is_ancestor(target, head)):
                self._integrate(upstream, target)
            self._sync_and_commit()
            if not self.push or upstream is None:
                break
            try:
                self.report.pushed = self.repo.push(upstream, set_upstream=not upstream.configured)
            except PushRejectedError:
                if attempt == PUSH_ATTEMPTS - 1:
                    raise GitError(f"{upstream.remote} kept moving on while kbridge merged it; sync again") from None
                self.repo.fetch(upstream)
                continue
            break
        self._say_what_waits(upstream)
        self.report.git = self.repo.log
        self.report.remote = f"{upstream.remote}/{upstream.branch}" if upstream else ""
        report = self.report
        update_summary(self.kb, FolderState.load(self.kb, self.folder),
                       {"remote": report.remote, "pushed": report.pushed, "git": True, "in": len(report.to_kb),
                        "out": len(report.to_files) + len(report.deleted_files), "conflicts": len(report.conflicts)})
        return self.report

    # --- before anything changes --------------------------------------------------------------

    def _preflight(self) -> Upstream | None:
        repo = self.repo
        busy = repo.operation_in_progress()
        if busy:
            raise GitError(f"{busy} is under way in {repo.top}: finish or abort it, then sync again")
        unknown = repo.identity_missing()
        if unknown:
            raise GitError(f"git does not know who commits ({unknown}): git config user.name NAME and "
                           "git config user.email EMAIL, then sync again")
        unrelated = [path for code, path in repo.status(repo.prefix or ".")
                     if code != "??" and not is_record_path(path[len(repo.prefix):])]
        if unrelated:
            shown = ", ".join(unrelated[:5]) + (f" and {len(unrelated) - 5} more" if len(unrelated) > 5 else "")
            raise GitError(f"the sync folder has uncommitted changes that are not records: {shown}; "
                           "commit or stash them, then sync again (nothing was changed)")
        upstream = repo.upstream()
        if self.push and upstream is None:
            raise GitError("--push: the checkout has no remote (git remote add origin URL); nothing was changed")
        if upstream is not None:
            repo.fetch(upstream)
            if self.push and repo.head() is not None:
                # A remote that refuses this push (no right to write) refuses it before any change;
                # one that only moved on is merged below.
                with contextlib.suppress(PushRejectedError):
                    repo.push(upstream, set_upstream=False, dry_run=True)
        return upstream

    # --- the folder sync and its commit -------------------------------------------------------

    def _sync_and_commit(self) -> None:
        state = FolderState.load(self.kb, self.folder)
        bases = self._bases_of(state)
        report = FolderSync(self.kb, self.folder, keep=self.keep, bases=bases, consume_intent=True,
                            progress=self.progress, cancel=self.cancel).run()
        self.report.absorb(report)
        paths = self._agreed_changes()
        if not paths:
            return
        described = {change.path for change in report.changes}
        changes = [change for change in report.changes if change.path in paths]
        changes += [self._described(path) for path in sorted(paths - described)]
        if self.repo.commit([self.repo.prefix + path for path in sorted(paths)], commit_message(changes)):
            self.report.commits += 1

    def _described(self, path: str) -> Change:
        """A file the folder sync did not write this time (an export wrote it, or a killed sync):
        named by its record."""
        state = FolderState.load(self.kb, self.folder)
        uid = state.by_path().get(path)
        record = self.kb.find(uid) if uid else None
        if record is None:
            return Change("removed", path)
        return Change("added" if self.repo.head() is None else "changed", record.key, record.title, "", path)

    def _uncommitted_records(self) -> bool:
        prefix = self.repo.prefix
        return any(is_record_path(path[len(prefix):]) for _code, path in self.repo.status(prefix or "."))

    def _bases_of(self, state: FolderState) -> dict[str, bytes]:
        """The merge bases an earlier step (maybe of a sync that was killed) kept for this
        checkout's commit; none when the checkout is elsewhere now."""
        wanted, head = state.intent.get("head"), self.repo.head()
        if not wanted or head is None or not (head == wanted or self.repo.is_ancestor(str(wanted), head)):
            return {}
        bases = state.intent.get("bases") or {}
        return {str(uid): self.repo.blob(str(oid)) if oid else b"" for uid, oid in bases.items()}

    def _agreed_changes(self) -> set[str]:
        """Uncommitted record files of the folder that say what the sync state says they say
        (written, removed or read by this sync, or by one that was killed before committing):
        never a file kbridge did not write or read."""
        state = FolderState.load(self.kb, self.folder)
        by_path = {entry.path: entry for entry in state.entries.values()}
        agreed = set()
        for code, path in self.repo.status(self.repo.prefix or "."):
            relative = path[len(self.repo.prefix):]
            if not is_record_path(relative):
                continue
            entry = by_path.get(relative)
            if "D" in code:
                if entry is None:
                    agreed.add(relative)
                continue
            try:
                data = safe_files.read_file(self.folder, relative, max_bytes=MAX_MARKDOWN_BYTES)
            except (OSError, KbridgeError):
                continue
            if entry is not None and sha(data) == entry.file_sha:
                agreed.add(relative)
        return agreed

    # --- the remote's commits -----------------------------------------------------------------

    def _integrate(self, upstream: Upstream, target: str) -> None:
        repo = self.repo
        head = repo.head()
        bases: dict[str, str] = {}
        if head is None or repo.is_ancestor(head, target):
            result = target
        elif repo.rebase_configured() and all(parents == 1 for _, parents in repo.commits_between(target, head)):
            result = self._replay(head, target, bases)
            self._both_sides(head, target, result)
        else:
            tree = self._merged_tree(head, target, ours=2, theirs=3, bases=bases)
            both = self._both_sides(head, target, tree)
            message = commit_message(both).replace("kbridge sync:", f"Merge {upstream.remote}/{upstream.branch} "
                                                                    f"into {repo.branch} (kbridge sync):", 1)
            result = repo.commit_tree(tree, [head, target], message)
        if head is not None:
            dirty = {path for _code, path in repo.status()}
            in_the_way = sorted(repo.changed_between(head, result) & dirty)
            if in_the_way:
                raise GitError(f"{upstream.remote}'s changes touch files with uncommitted changes: "
                               f"{', '.join(in_the_way[:5])}; commit or stash them, then sync again")
        FolderState.load(self.kb, self.folder).save_intent(self.kb, {"head": result, "bases": bases})
        repo.move_to(result)

    def _both_sides(self, head: str, target: str, result: str) -> list[Change]:
        """The records changed on both sides since the histories parted (what the merge merged)."""
        common = self.repo.merge_base(head, target)
        if common is None:
            return []
        prefix = self.repo.prefix
        paths = self.repo.changed_between(common, head) & self.repo.changed_between(common, target)
        changes = []
        for path in sorted(paths):
            if not path.startswith(prefix) or not is_record_path(path[len(prefix):]):
                continue
            try:
                said = parse_bytes(self.repo.raw("cat-file", "blob", f"{result}:{path}"), path)
            except GitError:
                continue  # removed by the merge
            if said is not None:
                changes.append(Change("merged", said.key, said.title, "changed on both sides", path[len(prefix):]))
                if said.key not in self.report.merged:
                    self.report.merged.append(said.key)
        return changes

    def _replay(self, head: str, target: str, bases: dict[str, str]) -> str:
        """`pull --rebase`: this checkout's commits again, one by one, on the remote's."""
        onto = target
        for commit, _parents in self.repo.commits_between(target, head):
            found: dict[str, str] = {}
            tree = self._merged_tree(onto, commit, ours=3, theirs=2, bases=found)
            for uid, oid in found.items():
                bases.setdefault(uid, oid)  # the oldest common version
            if tree == self.repo.tree_of(onto):
                continue
            onto = self.repo.commit_tree(tree, [onto], self.repo.message_of(commit), author_of=commit)
        return onto

    def _merged_tree(self, first: str, second: str, *, ours: int, theirs: int, bases: dict[str, str]) -> str:
        """The merge of two commits' trees. A record's file git cannot merge gets the remote's
        (`theirs`) version, its common version going to `bases` for the field merge; two records
        at one path both stay; an edit beats a deletion."""
        tree, conflicts = self.repo.merge_tree(first, second)
        prefix = self.repo.prefix
        files: dict[str, str | None] = {}
        for path, stages in conflicts.items():
            if not path.startswith(prefix) or not is_record_path(path[len(prefix):]):
                raise GitError(f"git cannot merge {path}, which is not a kbridge record: merge it yourself "
                               "(git pull), then sync again")
            remote, local, common = stages.get(theirs), stages.get(ours), stages.get(1)
            said = {oid: parse_bytes(self.repo.blob(oid), path) for oid in (remote, local) if oid}
            if any(version is None for version in said.values()):  # a README.md, say: its words are not ours to pick
                raise GitError(f"git cannot merge {path}, which does not read as a kbridge record: merge it "
                               "yourself (git pull), then sync again")
            if remote and local:
                remote_version, local_version = said[remote], said[local]
                files[path] = remote
                if (remote_version and local_version and remote_version.uid and local_version.uid
                        and remote_version.uid != local_version.uid):
                    files[path.removesuffix(".md") + f"-{local_version.uid[:8]}.md"] = local
                    continue
                either = local_version or remote_version
                if either is not None and either.uid:
                    bases[either.uid] = common or ""
            else:
                files[path] = remote or local  # deleted on one side, changed on the other: kept
        return self.repo.tree_with(tree, files) if files else tree

    def _say_what_waits(self, upstream: Upstream | None) -> None:
        head = self.repo.head()
        if upstream is None:
            self.report.note("", "the checkout has no remote: the commits stay here (git remote add origin URL)")
        elif not self.report.pushed and head is not None:
            remote = self.repo.commit_of(upstream.tracking)
            if remote is None:
                self.report.note("", f"{upstream.remote} has no branch {upstream.branch} yet: "
                                     "kbridge sync --git --push publishes it")
            elif not self.repo.is_ancestor(head, remote):
                ahead = len(self.repo.commits_between(remote, head))
                self.report.note("", f"{ahead} commit{'s' if ahead != 1 else ''} wait to be pushed: "
                                     "kbridge sync --git --push sends them")


def sync_with_git(kb: KnowledgeBase, folder: Path, *, keep: str | None, push: bool,
                  progress: Progress | None = None, cancel: Cancel | None = None) -> SyncReport:
    return GitSync(kb, folder, keep=keep, push=push, progress=progress, cancel=cancel).run()
