"""Smoke test of the one-folder bundle, headless: does the copied folder work on its own?

    python3 packaging/smoke_test.py [BUNDLE] [--corpus DIR] [--query WORD] [--platform offscreen|xcb]

BUNDLE is the folder `make dist` builds (default: dist/kbridge) or the executable in it. The test
runs the bundle's own executable, never this checkout's Python code, in a throw-away home folder:
`--version`, `import` of a corpus folder, `search` with both engines, then the main window on the
knowledge base it just filled (offscreen unless --platform says otherwise), which must close
cleanly. It prints the bundle's size and start times, and exits 1 on the first failure with the
reason. A command it needs that the bundle lacks is a failure, unless the checkout the script sits
in has no such command yet (then that step is reported NOT TESTED). Needs only Python 3's standard
library.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BUNDLE = ROOT / "dist" / "kbridge"
# The corpus of real ADR folders kept with the tests ($KBRIDGE_CORPUS points elsewhere).
CORPUS = Path(os.environ.get("KBRIDGE_CORPUS") or ROOT / "tests" / "fixtures" / "corpus")
DEFAULT_CORPUS = CORPUS / "alphagov__govuk-aws" / "docs" / "architecture" / "decisions"
DEFAULT_QUERY = "terraform"
ENGINES = ("tantivy", "whoosh")
NEEDED_COMMANDS = {
    "import": "kbridge import DIR (the formats work)",
    "search": "kbridge search QUERY (the search work)",
    "gui": "kbridge gui",
}
TIMEOUT = 120  # seconds for any one command; a hang is a failure, not a stuck CI
# The newest glibc the bundle may need: the oldest distributions docs/install.md names for the
# bundle (Ubuntu 22.04: 2.35) must run it. Measured over every binary with objdump (binutils).
GLIBC_FLOOR = "2.35"


class SmokeError(Exception):
    pass


class Bundle:
    def __init__(self, executable: Path, home: Path, platform: str) -> None:
        self.executable = executable
        self.kb = home / "smoke.kbridge"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("KBRIDGE_", "XDG_", "PYTHON", "QT_")) and key not in ("LD_LIBRARY_PATH",)
        }
        self.env.update(
            HOME=str(home),
            XDG_DATA_HOME=str(home / "data"),
            XDG_CACHE_HOME=str(home / "cache"),
            XDG_CONFIG_HOME=str(home / "config"),
            XDG_RUNTIME_DIR=str(home / "runtime"),
            KBRIDGE_DATA_DIR=str(home / "kbridge-data"),
            KBRIDGE_CACHE_DIR=str(home / "kbridge-cache"),
            KBRIDGE_CONFIG_DIR=str(home / "kbridge-config"),
            KBRIDGE_STATE_DIR=str(home / "kbridge-state"),
            QT_QPA_PLATFORM=platform,
        )
        (home / "runtime").mkdir(mode=0o700)

    def run(self, *args: str, program: Path | None = None,
            env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess[str], float]:
        """Run the bundle; any exit status but 0, or a Python traceback, fails the test."""
        command = [str(program or self.executable), *args]
        started = time.perf_counter()
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT, env={**self.env, **(env or {})}
            )
        except subprocess.TimeoutExpired as error:
            raise SmokeError(f"`{' '.join(command[1:])}` did not finish within {TIMEOUT} s") from error
        seconds = time.perf_counter() - started
        if done.returncode != 0 or "Traceback (most recent call last)" in done.stderr:
            raise SmokeError(
                f"`{Path(command[0]).name} {' '.join(args)}` exited {done.returncode}\n"
                f"--- stdout\n{done.stdout[-3000:]}\n--- stderr\n{done.stderr[-3000:]}"
            )
        return done, seconds

    def json(self, *args: str) -> tuple[object, float]:
        done, seconds = self.run(*args)
        try:
            return json.loads(done.stdout), seconds
        except json.JSONDecodeError as error:
            raise SmokeError(f"`kbridge {' '.join(args)}` printed no JSON:\n{done.stdout[-2000:]}") from error


def folder_size(folder: Path) -> tuple[int, int]:
    total = files = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
            files += 1
    return total, files


def expected_version() -> str | None:
    init = ROOT / "kbridge" / "__init__.py"
    if not init.is_file():
        return None
    found = re.search(r'^__version__ = "([^"]+)"', init.read_text(encoding="utf-8"), re.M)
    return found.group(1) if found else None


def checkout_commands() -> set[str] | None:
    """The commands of the checkout this script sits in (None when it runs without one). A command
    the bundle lacks fails the test, unless the checkout it was built from does not have it yet."""
    cli_dir = ROOT / "kbridge" / "cli"
    if not cli_dir.is_dir():
        return None
    source = "\n".join(path.read_text(encoding="utf-8") for path in sorted(cli_dir.glob("*.py")))
    return set(re.findall(r"""@click\.command\(\s*["']([\w-]+)["']""", source))


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def glibc_needed(bundle_dir: Path) -> tuple[str, list[str]]:
    """The newest GLIBC_x.y symbol version any binary of the bundle needs, and the binaries that
    need it (`objdump -T`: the dynamic symbols each one imports, with their versions)."""
    objdump = shutil.which("objdump")
    if objdump is None:
        raise SmokeError("objdump is missing, so the glibc the bundle needs cannot be measured "
                         "(Debian: apt-get install binutils)")
    needs: dict[str, set[str]] = {}
    for path in sorted(bundle_dir.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        with path.open("rb") as handle:
            if handle.read(4) != b"\x7fELF":
                continue
        symbols = subprocess.run([objdump, "-T", str(path)], capture_output=True, text=True).stdout
        for version in set(re.findall(r"\bGLIBC_(\d+(?:\.\d+)+)\b", symbols)):
            needs.setdefault(version, set()).add(path.relative_to(bundle_dir).as_posix())
    if not needs:
        raise SmokeError(f"no binary in {bundle_dir} names a glibc version: is it a bundle?")
    newest = max(needs, key=_version)
    return newest, sorted(needs[newest])


def report(label: str, text: str) -> None:
    print(f"  {label:<16} {text}", flush=True)


def smoke(bundle_dir: Path, executable: Path, corpus: Path, query: str, platform: str,
          screenshot: Path | None) -> list[str]:
    """Runs every step, raising SmokeError at the first failure; returns the steps it skipped."""
    skipped: list[str] = []
    size, files = folder_size(bundle_dir)
    report("bundle", f"{bundle_dir}")
    report("bundle size", f"{size / 1e6:.1f} MB in {files} files")
    glibc, needing = glibc_needed(bundle_dir)
    if _version(glibc) > _version(GLIBC_FLOOR):
        raise SmokeError(f"the bundle needs glibc {glibc} ({', '.join(needing)}), above the {GLIBC_FLOOR} "
                         "docs/install.md promises")
    report("glibc needed", f"{glibc} (by {', '.join(needing[:3])}{' ...' if len(needing) > 3 else ''}); "
           f"floor {GLIBC_FLOOR}")

    with tempfile.TemporaryDirectory(prefix="kbridge-smoke-") as home_name:
        kb = Bundle(executable, Path(home_name), platform)

        done, seconds = kb.run("--version")
        version = done.stdout.strip()
        wanted = expected_version()
        if not re.fullmatch(r"kbridge, version \S+", version) or (wanted and not version.endswith(f" {wanted}")):
            raise SmokeError(f"--version printed {version!r}, expected 'kbridge, version {wanted or '...'}'")
        report("--version", f"{version}  ({seconds:.2f} s from start to exit)")

        done, _ = kb.run("--help")
        present = {name for name in NEEDED_COMMANDS if re.search(rf"^\s+{name}\s", done.stdout, re.M)}
        in_checkout = checkout_commands()
        absent = [name for name in NEEDED_COMMANDS if name not in present]
        not_yet = [name for name in absent if in_checkout is not None and name not in in_checkout]
        if set(absent) - set(not_yet):
            raise SmokeError(
                "the bundle lacks commands the smoke test needs: "
                + "; ".join(f"`{name}` ({NEEDED_COMMANDS[name]})" for name in absent if name not in not_yet)
                + " - is the bundle stale? (make dist)"
            )
        report("commands", "present: " + ", ".join(sorted(present)))
        for name in not_yet:
            skipped.append(f"`{name}` is not in this checkout yet ({NEEDED_COMMANDS[name]}), so it was not tested")

        kb.run("init", str(kb.kb))
        if "import" in present:
            imported, seconds = kb.json("--kb", str(kb.kb), "import", str(corpus), "--json")
            if not isinstance(imported, dict) or not (imported.get("imported") or imported.get("updated")):
                raise SmokeError(f"import of {corpus} imported nothing: {json.dumps(imported)[:2000]}")
            report(
                "import",
                f"{corpus.name}: {imported.get('imported')} imported, {len(imported.get('skipped') or [])} "
                f"skipped, {len(imported.get('warnings') or [])} warnings ({seconds:.2f} s)",
            )

        for engine in ENGINES if "search" in present else ():
            found, seconds = kb.json("--kb", str(kb.kb), "search", query, "--engine", engine, "--json")
            hits = found.get("hits") if isinstance(found, dict) else None
            if not hits:
                raise SmokeError(f"search {query!r} with {engine} found nothing: {json.dumps(found)[:2000]}")
            first = hits[0]
            report(f"search {engine}", f"{query!r}: {found.get('total')} hits, first {first.get('key')} "
                   f"{first.get('title')!r} ({seconds:.2f} s)")

        gui_launcher = executable.with_name("kbridge-gui")
        env = {"KBRIDGE_SMOKE_TEST": "1", "KBRIDGE_SMOKE_DELAY_MS": "0"}
        if screenshot:
            env["KBRIDGE_SMOKE_SCREENSHOT"] = str(screenshot.resolve())
        launched = time.monotonic()
        if gui_launcher.exists():
            how = "kbridge-gui KB"
            done, seconds = kb.run(str(kb.kb), program=gui_launcher, env=env)
        else:
            how = "kbridge --kb KB gui"
            done, seconds = kb.run("--kb", str(kb.kb), "gui", env=env)
        shown = re.search(r"^kbridge-smoke: main window shown: (.*)$", done.stdout, re.M)
        at = re.search(r"^kbridge-smoke: monotonic ([0-9.]+)$", done.stdout, re.M)
        if not shown or not at:
            raise SmokeError(f"`{how}` exited 0 without showing its main window:\n{done.stdout}\n{done.stderr}")
        report("main window", f"{shown.group(1)} via `{how}`, closed cleanly (exit 0)")
        report("start time", f"{float(at.group(1)) - launched:.2f} s from launch to main window shown; "
               f"{seconds:.2f} s to exit")
        if screenshot:
            report("screenshot", str(screenshot))
    return skipped


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", nargs="?", type=Path, default=DEFAULT_BUNDLE, help="bundle folder or executable")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="a folder of ADRs to import")
    parser.add_argument("--query", default=DEFAULT_QUERY, help="a word the corpus contains")
    parser.add_argument("--platform", default="offscreen", help="Qt platform for the window (offscreen, xcb)")
    parser.add_argument("--screenshot", type=Path, help="save a picture of the main window here")
    args = parser.parse_args()

    executable = args.bundle / "kbridge" if args.bundle.is_dir() else args.bundle
    print(f"kbridge bundle smoke test ({args.platform})", flush=True)
    try:
        if not executable.is_file() or not os.access(executable, os.X_OK):
            raise SmokeError(f"no bundle executable at {executable}: build the bundle with `make dist`")
        if not args.corpus.is_dir():
            raise SmokeError(f"corpus folder {args.corpus} not found: pass --corpus DIR (a folder of ADRs)")
        skipped = smoke(executable.parent, executable, args.corpus, args.query, args.platform, args.screenshot)
    except SmokeError as failure:
        print(f"FAIL: {failure}", file=sys.stderr, flush=True)
        return 1
    for step in skipped:
        print(f"  NOT TESTED: {step}", flush=True)
    print("PASS" if not skipped else f"PASS, with {len(skipped)} step(s) not tested", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
