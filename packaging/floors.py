"""Dependency floors, tested for real: every dependency at the lowest version pyproject.toml allows.

    python3 packaging/floors.py [--python PYTHON] [--venv DIR] [--print] [-- PYTEST_ARGS...]
    (or: make check-floors)

Reads `[project] dependencies` from pyproject.toml, pins each one to the version of its `>=` bound
(`tantivy>=0.27,<0.28` -> `tantivy==0.27`), creates a fresh virtual environment with PYTHON (default:
the oldest Python kbridge supports when it is installed, else python3), installs kbridge with its
test tools under those pins, and runs the test suite there. `--print` only prints the pins.

Exit status: pytest's (0 when the floors hold), or 1 with the reason when the environment cannot be
made. A dependency without a `>=` bound is an error: its floor would be untested.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VENV = ROOT / "build" / "floors"
# The suite less its tests marked slow: the pip-install test resolves kbridge's dependencies afresh
# from the index (the newest versions), so it tests nothing about the floors; the 10,000 hostile
# files (90 s of the suite's 9.5 min) test kbridge's bounds, which the quicker hostile-file tests
# check on the same parsers; the huge records shown in part took 36 s with the floors. With them
# the floors job, on one core beside CI's packaging steps, was cut by CI's time limit at 93-95 %
# (without them: 530 s alone on a free core with Python 3.10).
DEFAULT_PYTEST_ARGS = ["-q", "-x", "-p", "no:randomly", "-m", "not slow"]
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*?)\s*(?:;.*)?$")


class FloorError(Exception):
    pass


def project_table(pyproject: Path = ROOT / "pyproject.toml") -> dict:
    text = pyproject.read_text(encoding="utf-8")
    if tomllib is not None:
        return tomllib.loads(text)["project"]
    # Python 3.10 has no TOML reader: the two keys this script needs, read from their arrays.
    project: dict[str, object] = {}
    deps = re.search(r"^dependencies = \[(.*?)^\]", text, re.M | re.S)
    project["dependencies"] = re.findall(r'^\s*"([^"]+)"', deps.group(1), re.M) if deps else []
    python = re.search(r'^requires-python = "([^"]+)"', text, re.M)
    project["requires-python"] = python.group(1) if python else ""
    return project


def floors(requirements: list[str]) -> dict[str, str]:
    """Each requirement's name and the version of its `>=` bound."""
    pins: dict[str, str] = {}
    for requirement in requirements:
        found = _REQUIREMENT.match(requirement)
        if not found:
            raise FloorError(f"cannot read the requirement {requirement!r}")
        name, specifiers = found.groups()
        lower = [spec.strip()[2:].strip() for spec in specifiers.split(",") if spec.strip().startswith(">=")]
        if len(lower) != 1:
            raise FloorError(f"{name} has no single '>=' floor ({requirement!r}), so its floor cannot be tested")
        pins[name] = lower[0]
    return pins


def oldest_python(requires: str) -> str:
    """An interpreter of the oldest Python that `requires` allows (`>=3.X`): `python3.X` on PATH,
    else one that pyenv installed; python3 when there is none (then say so)."""
    found = re.search(r">=\s*3\.(\d+)", requires)
    if not found:
        return "python3"
    name = f"python3.{found.group(1)}"
    candidates = [name, *sorted(str(p) for p in Path.home().glob(f".pyenv/versions/3.{found.group(1)}.*/bin/{name}"))]
    for candidate in candidates:
        # A pyenv shim is on PATH even when that version is not selected: it must run to count.
        if shutil.which(candidate) and subprocess.run([candidate, "-c", ""], capture_output=True).returncode == 0:
            return candidate
    print(f"floors: no {name} here, so the floors are tested on python3", file=sys.stderr)
    return "python3"


def run(command: list[str], **kwargs: object) -> None:
    print("+ " + " ".join(command), flush=True)
    done = subprocess.run(command, **kwargs)  # type: ignore[call-overload]
    if done.returncode != 0:
        raise FloorError(f"`{' '.join(command[:4])} ...` exited {done.returncode}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", help="interpreter for the environment (default: the oldest supported)")
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV, help=f"where (default: {DEFAULT_VENV})")
    parser.add_argument("--print", dest="only_print", action="store_true", help="print the pins and stop")
    parser.add_argument("pytest_args", nargs="*", help="arguments for pytest (after --)")
    args = parser.parse_args()
    try:
        project = project_table()
        pins = floors(project["dependencies"])
        if args.only_print:
            for name, version in pins.items():
                print(f"{name}=={version}")
            return 0
        python = args.python or oldest_python(project.get("requires-python", ""))
        started = time.monotonic()
        shutil.rmtree(args.venv, ignore_errors=True)
        args.venv.parent.mkdir(parents=True, exist_ok=True)
        run([python, "-m", "venv", str(args.venv)])
        constraints = args.venv / "floors.txt"
        constraints.write_text("".join(f"{name}=={version}\n" for name, version in pins.items()), encoding="utf-8")
        pip = [str(args.venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        run([*pip, "-c", str(constraints), "-e", f"{ROOT}[test]"])
        installed = subprocess.run(
            [str(args.venv / "bin" / "python"), "-m", "pip", "list", "--format=freeze"],
            capture_output=True, text=True, check=True,
        ).stdout
        versions = dict(line.split("==", 1) for line in installed.splitlines() if "==" in line)
        lowered = {name.lower().replace("_", "-"): version for name, version in versions.items()}
        print(f"floors: installed in {time.monotonic() - started:.0f} s with "
              f"{subprocess.run([python, '-V'], capture_output=True, text=True).stdout.strip()}:")
        for name, version in pins.items():
            got = lowered.get(name.lower().replace("_", "-"), "missing")
            print(f"  {name:<20} floor {version:<8} installed {got}")
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        pytest_args = args.pytest_args or DEFAULT_PYTEST_ARGS
        done = subprocess.run([str(args.venv / "bin" / "python"), "-m", "pytest", *pytest_args], cwd=ROOT, env=env)
        print(f"floors: pytest exited {done.returncode} after {time.monotonic() - started:.0f} s in all")
        return done.returncode
    except FloorError as error:
        print(f"floors: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
