"""Is this checkout ready for the package index? Builds the sdist and the wheel, checks both, and
tries the wheel as a user would.

    .venv/bin/python packaging/release_check.py [OUT_DIR]      (or: make release-check)

1. `python -m build` writes the sdist and the wheel to OUT_DIR (default build/release);
   `twine check --strict` must pass (the README renders on the index, the metadata is complete).
2. The sdist holds the licence, the README, the tests and the corpus they read, and not the matrix
   of screens (docs/screenshots/screens); the wheel holds the licence, the metadata the index
   shows (licence expression, project URLs, Python versions) and everything it installs under
   share/ (desktop entry, metainfo, icons, the .kbridge file type, man page, completions).
3. The wheel is installed in a fresh virtual environment (its dependencies from the index, as
   pip does for a user), and packaging/smoke_test.py runs what it installed: `kbridge --version`,
   an import of a corpus folder, a search with each engine, and the main window offscreen.
Exits 1 at the first failure, with the reason. Needs `build` and `twine` (make release-check
installs them into .venv).
"""

from __future__ import annotations

import email
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import venv
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import smoke_test  # noqa: E402

APP_ID = "org.kbridge.KBridge"
IN_SHARE = (
    f"applications/{APP_ID}.desktop", f"metainfo/{APP_ID}.metainfo.xml", f"mime/packages/{APP_ID}.xml",
    f"icons/hicolor/scalable/apps/{APP_ID}.svg", f"icons/hicolor/256x256/apps/{APP_ID}.png",
    "man/man1/kbridge.1", "bash-completion/completions/kbridge", "zsh/site-functions/_kbridge",
    "fish/vendor_completions.d/kbridge.fish",
)
IN_SDIST = ("LICENSE", "README.md", "pyproject.toml", "docs/design.md", "packaging/man/kbridge.1",
            "tests/fixtures/corpus/README.md")
KEPT_OUT_OF_SDIST = "docs/screenshots/screens/"
# Starts the real kbridge-gui of the environment with the smoke hook, which closes the window once
# it is shown and says so (what the bundle's entry script does when KBRIDGE_SMOKE_TEST is set).
GUI_LAUNCHER = """#!/bin/sh
exec "{python}" -c "import sys; sys.path.insert(0, '{packaging}'); import smoke_hook; smoke_hook.arm(); \
sys.argv[0] = 'kbridge-gui'; from kbridge.ui.app import main; main()" "$@"
"""


class ReleaseError(Exception):
    pass


def step(label: str, text: str) -> None:
    smoke_test.report(label, text)


def run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, **kwargs)  # type: ignore[call-overload]
    if done.returncode != 0:
        output = done.stdout[-3000:] + done.stderr[-3000:]
        raise ReleaseError(f"`{' '.join(command)}` exited {done.returncode}:\n{output}")
    return done


def build(out: Path) -> tuple[Path, Path]:
    shutil.rmtree(out, ignore_errors=True)
    started = time.monotonic()
    run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)])
    sdists, wheels = sorted(out.glob("*.tar.gz")), sorted(out.glob("*.whl"))
    if len(sdists) != 1 or len(wheels) != 1:
        raise ReleaseError(f"expected one sdist and one wheel in {out}, found {[p.name for p in out.iterdir()]}")
    step("built", f"{sdists[0].name} {sdists[0].stat().st_size / 1e6:.1f} MB, {wheels[0].name} "
         f"{wheels[0].stat().st_size / 1e6:.1f} MB in {time.monotonic() - started:.0f} s")
    done = run([sys.executable, "-m", "twine", "--no-color", "check", "--strict", str(sdists[0]), str(wheels[0])])
    step("twine check", " ".join(line.split()[-1] for line in done.stdout.splitlines() if line.strip()))
    return sdists[0], wheels[0]


def check_sdist(sdist: Path) -> None:
    with tarfile.open(sdist) as archive:
        top = archive.getnames()[0].split("/", 1)[0]
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    missing = [name for name in IN_SDIST if name not in names]
    if missing:
        raise ReleaseError(f"the sdist lacks {', '.join(missing)}")
    leaked = sorted(name for name in names if name.startswith(KEPT_OUT_OF_SDIST) or "/.venv/" in f"/{name}")
    if leaked:
        raise ReleaseError(f"the sdist carries what it should not: {', '.join(leaked[:5])}")
    step("sdist", f"{len(names)} files in {top}/, with the licence, tests and corpus; no {KEPT_OUT_OF_SDIST}")


def check_wheel(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        dist_info = next(name.split("/", 1)[0] for name in names if name.endswith(".dist-info/METADATA"))
        meta = email.message_from_bytes(archive.read(f"{dist_info}/METADATA"))
    data = f"{dist_info.removesuffix('.dist-info')}.data/data/share/"
    missing = [path for path in IN_SHARE if data + path not in names]
    if f"{dist_info}/licenses/LICENSE" not in names:
        missing.append("the LICENSE file")
    if missing:
        raise ReleaseError(f"the wheel lacks {', '.join(missing)}")
    urls = dict(entry.split(", ", 1) for entry in meta.get_all("Project-URL") or [])
    pythons = [c.rsplit(" :: ", 1)[1] for c in meta.get_all("Classifier") or [] if re.search(r"Python :: 3\.\d+$", c)]
    problems = [
        what for what, ok in (
            ("License-Expression: MIT", meta["License-Expression"] == "MIT"),
            ("License-File: LICENSE", "LICENSE" in (meta.get_all("License-File") or [])),
            ("a Repository URL", "Repository" in urls),
            ("Python version classifiers", bool(pythons)),
            ("Requires-Python", bool(meta["Requires-Python"])),
            ("a Markdown description", meta["Description-Content-Type"] == "text/markdown"),
        ) if not ok
    ]
    if problems:
        raise ReleaseError(f"the wheel's metadata lacks {', '.join(problems)}")
    # Code (fenced blocks, indented examples, inline spans) shows a link's syntax without being one.
    prose = re.sub(r"^```.*?^```|^(?:    |\t).*$|`[^`\n]*`", "", meta.get_payload(), flags=re.M | re.S)
    relative = re.findall(r"\]\((?!https?://|#)([^)]+)\)", prose)
    if relative:
        raise ReleaseError(f"the description links to paths the index cannot show: {', '.join(relative[:5])}")
    step("wheel", f"licence, {len(urls)} project URLs, Python {', '.join(pythons)}, {len(IN_SHARE)} files in share/")


def try_wheel(wheel: Path, work: Path) -> None:
    env_dir = work / "venv"
    started = time.monotonic()
    venv.EnvBuilder(with_pip=True).create(env_dir)
    run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         str(wheel)], cwd=work)
    step("installed", f"into a fresh venv with its dependencies in {time.monotonic() - started:.0f} s")
    share = env_dir / "share"
    missing = [path for path in IN_SHARE if not (share / path).is_file()]
    if missing:
        raise ReleaseError(f"pip did not install {', '.join(missing)} under {share}")
    launchers = work / "launchers"
    launchers.mkdir()
    (launchers / "kbridge").symlink_to(env_dir / "bin" / "kbridge")
    gui = launchers / "kbridge-gui"
    gui.write_text(GUI_LAUNCHER.format(python=env_dir / "bin" / "python", packaging=HERE), encoding="utf-8")
    gui.chmod(0o755)
    skipped = smoke_test.smoke(env_dir, launchers / "kbridge", smoke_test.DEFAULT_CORPUS, smoke_test.DEFAULT_QUERY,
                               "offscreen", None)
    if skipped:
        raise ReleaseError("; ".join(skipped))


def main() -> int:
    out = (Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "release").resolve()
    print(f"kbridge release check: {out}", flush=True)
    try:
        sdist, wheel = build(out)
        check_sdist(sdist)
        check_wheel(wheel)
        with tempfile.TemporaryDirectory(prefix="kbridge-release-") as work:
            try_wheel(wheel, Path(work))
    except (ReleaseError, smoke_test.SmokeError) as failure:
        print(f"FAIL: {failure}", file=sys.stderr, flush=True)
        return 1
    print("PASS", flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main())
