"""The README as the package index shows it, and as true as the code: pictures and links are
absolute addresses of files in this repository, nothing points outside it, the table of commands
matches the command line, and `make screenshots` redraws every picture it shows."""

from __future__ import annotations

import re
import sys

import click
import pytest

from kbridge.cli.main import cli
from tests.packaging.conftest import REPO
from tests.packaging.readme import command_table, links, readme_text, repository_url

DOCUMENTS = [REPO / "README.md", REPO / "CONTRIBUTING.md", *sorted((REPO / "docs").glob("*.md"))]


def test_pictures_and_links_are_absolute_addresses_of_files_in_this_repository() -> None:
    base = repository_url()
    found = links(readme_text())
    assert len([target for picture, target in found if picture]) >= 9
    for picture, target in found:
        if target.startswith("#"):
            continue
        kind = "raw" if picture else "blob"
        assert target.startswith(f"{base}/{kind}/main/"), f"{target}: not under {base}/{kind}/main/"
        path = target.removeprefix(f"{base}/{kind}/main/").split("#", 1)[0]
        assert (REPO / path).is_file(), f"{target} names {path}, which this checkout does not have"


def test_the_link_check_catches_a_relative_picture(monkeypatch) -> None:
    text = readme_text() + "\n![broken](docs/screenshots/main-window.png)\n"
    monkeypatch.setattr("tests.packaging.test_readme.readme_text", lambda: text)
    with pytest.raises(AssertionError, match="not under"):
        test_pictures_and_links_are_absolute_addresses_of_files_in_this_repository()


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.relative_to(REPO).as_posix())
def test_no_document_points_outside_the_repository(document) -> None:
    text = document.read_text(encoding="utf-8")
    assert not re.search(r"\.\./shared|/work/", text)


def test_the_design_card_is_in_the_repository() -> None:
    design = REPO / "docs" / "design.md"
    assert design.is_file() and "## Layers" in design.read_text(encoding="utf-8")
    assert "docs/design.md" in (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")


def options_named(synopsis: str) -> dict[str, list[str]]:
    """`--format auto|madr` -> {"--format": ["auto", "madr"]}; a bare flag -> {"--dry-run": []}."""
    found: dict[str, list[str]] = {}
    for name, value in re.findall(r"(--[a-z-]+)(?:\s+([a-z][a-z0-9|-]*\|[a-z0-9|-]+))?", synopsis):
        found[name] = value.split("|") if value else []
    return found


def test_the_table_of_commands_lists_every_command_with_its_real_options() -> None:
    rows = command_table(readme_text())
    assert {name for name, _synopsis in rows} == set(cli.commands) - {"completion"}
    for name, synopsis in rows:
        command = cli.commands[name]
        params = {opt: param for param in command.params for opt in param.opts}
        for option, choices in options_named(synopsis).items():
            assert option in params, f"README: `{synopsis}` - kbridge {name} has no {option}"
            if choices:
                real = params[option].type
                assert isinstance(real, click.Choice), f"kbridge {name} {option} takes no choice"
                assert set(choices) == {str(choice) for choice in real.choices}, f"{name} {option}"


def test_make_screenshots_redraws_every_picture_the_readme_shows() -> None:
    recipe = re.search(r"^screenshots:.*\n((?:\t.*\n)+)", (REPO / "Makefile").read_text(encoding="utf-8"), re.M)
    assert recipe, "the Makefile has no screenshots target"
    scripts = re.findall(r"\s(\S+\.py)\b", recipe.group(1))
    sources = "\n".join((REPO / script).read_text(encoding="utf-8") for script in scripts)
    # and the packaging modules they import (screenshots.py draws with resilience_screens.py)
    helpers = {REPO / "packaging" / f"{name}.py" for name in re.findall(r"^\s*(?:from|import) (\w+)", sources, re.M)}
    sources += "\n".join(path.read_text(encoding="utf-8") for path in helpers if path.is_file())
    pictures = [target.rsplit("/", 1)[1] for picture, target in links(readme_text()) if picture]
    assert pictures
    not_drawn = [name for name in pictures if f'"{name}"' not in sources]
    assert not_drawn == [], f"make screenshots ({', '.join(scripts)}) does not draw {not_drawn}"


def test_install_guide_states_the_glibc_floor_the_smoke_test_enforces() -> None:
    sys.path.insert(0, str(REPO / "packaging"))
    try:
        import smoke_test
    finally:
        sys.path.remove(str(REPO / "packaging"))
    guide = (REPO / "docs" / "install.md").read_text(encoding="utf-8")
    assert f"**The bundle and the Debian package: glibc {smoke_test.GLIBC_FLOOR}.**" in guide
    bundle_row = next(line for line in guide.splitlines() if line.startswith("| [the bundle]"))
    assert f"| {smoke_test.GLIBC_FLOOR} |" in bundle_row
