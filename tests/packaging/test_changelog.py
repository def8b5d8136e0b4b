"""CHANGELOG.md keeps the Keep a Changelog form, and knows the package's version."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CHANGELOG = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
KINDS = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def _releases() -> list[str]:
    return re.findall(r"^## \[([^\]]+)\]", CHANGELOG, flags=re.MULTILINE)


def test_unreleased_comes_first_then_releases_newest_first() -> None:
    releases = _releases()
    assert releases[0] == "Unreleased"
    versions = [tuple(int(n) for n in v.split(".")) for v in releases[1:]]
    assert versions == sorted(versions, reverse=True)


def test_the_package_version_has_a_dated_section() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert re.search(rf"^## \[{re.escape(version)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", CHANGELOG, re.M)


def test_every_section_heading_is_a_kind_of_change() -> None:
    kinds = set(re.findall(r"^### (.+)$", CHANGELOG, flags=re.MULTILINE))
    assert kinds <= KINDS, f"not Keep a Changelog kinds: {sorted(kinds - KINDS)}"


def test_every_release_heading_has_a_link_reference() -> None:
    for release in _releases():
        assert re.search(rf"^\[{re.escape(release)}\]: https://", CHANGELOG, re.M), (
            f"add a link reference for [{release}] at the end of CHANGELOG.md"
        )
