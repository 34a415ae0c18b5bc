"""The Flatpak manifest (written for Flathub, not built here: no Flathub runtime can be downloaded on
this project's machines): it names this app, starts its GUI command, asks for no network, and lists
every Python package kbridge needs as a wheel of the package index with its sha256."""

from __future__ import annotations

import re
from importlib import metadata

import yaml

from kbridge import APP_ID
from tests.packaging.conftest import PACKAGING, REPO

MANIFEST = PACKAGING / "flatpak" / f"{APP_ID}.yml"


def load() -> dict:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_manifest_names_this_app_and_its_gui_command() -> None:
    manifest = load()
    assert manifest["app-id"] == APP_ID
    gui_scripts = {ep.name for ep in metadata.entry_points(group="gui_scripts") if ep.value.startswith("kbridge.")}
    assert manifest["command"] in gui_scripts
    assert manifest["runtime"] == "org.freedesktop.Platform" and manifest["sdk"] == "org.freedesktop.Sdk"


def test_the_sandbox_has_a_window_and_no_network() -> None:
    args = load()["finish-args"]
    assert "--socket=wayland" in args and "--socket=fallback-x11" in args
    assert not [arg for arg in args if "network" in arg]


def test_every_dependency_comes_as_a_pinned_wheel_of_the_index() -> None:
    wheels_module, kbridge_module = load()["modules"]
    sources = wheels_module["sources"]
    for source in sources:
        assert source["type"] == "file"
        assert source["url"].startswith("https://files.pythonhosted.org/packages/") and source["url"].endswith(".whl")
        assert re.fullmatch(r"[0-9a-f]{64}", source["sha256"])
    names = {normalized(source["url"].rsplit("/", 1)[1].split("-")[0]) for source in sources}
    needed = {normalized(re.split(r"[<>=!~ ;\[]", requirement, maxsplit=1)[0])
              for requirement in metadata.requires("kbridge") or [] if "extra ==" not in requirement}
    assert needed - names == set(), "make flatpak-manifest: the manifest lacks new dependencies"
    assert "hatchling" in names  # kbridge itself is built from source inside the sandbox
    assert kbridge_module["sources"][0] == {**kbridge_module["sources"][0], "type": "dir", "path": "../.."}
    assert (MANIFEST.parent / "../.." / "pyproject.toml").resolve() == REPO / "pyproject.toml"
