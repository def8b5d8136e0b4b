"""The package as an index shows it: license, metadata, and a README whose links work there."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _project() -> dict[str, Any]:
    project: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return project


def _links(markdown: str) -> list[str]:
    outside_code = re.sub(r"^```.*?^```", "", markdown, flags=re.DOTALL | re.MULTILINE)
    return re.findall(r"\]\(([^)\s]+)\)", outside_code)


def test_the_license_file_is_the_mit_license_pyproject_names() -> None:
    project = _project()
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")


def test_the_classifiers_name_typing_the_python_versions_and_a_topic() -> None:
    classifiers = _project()["classifiers"]
    assert "Typing :: Typed" in classifiers
    assert any(c.startswith("Topic :: ") for c in classifiers)
    minimum = _project()["requires-python"].removeprefix(">=")
    assert f"Programming Language :: Python :: {minimum}" in classifiers
    # PEP 639: a license expression and a license classifier may not be given together.
    assert not any(c.startswith("License :: ") for c in classifiers)


def test_the_project_has_keywords_and_addresses() -> None:
    project = _project()
    assert "loyalty" in project["keywords"]
    assert {"Homepage", "Documentation", "Repository", "Issues", "Changelog"} <= set(
        project["urls"]
    )


@pytest.mark.parametrize("link", _links(README))
def test_every_readme_link_is_absolute(link: str) -> None:
    # A package index shows the README away from the repository: relative links break there.
    assert re.match(r"https?://", link), f"README link {link} is relative"


def _target(link: str) -> Path | None:
    """The file of the repository a README link shows, or None for another site."""
    urls = _project()["urls"]
    site, repository = urls["Documentation"], urls["Repository"]
    address = link.partition("#")[0]
    if address.startswith(site):
        page = address.removeprefix(site).strip("/")
        docs = ROOT / "docs"
        candidates = [docs / f"{page}.md", docs / page / "index.md", docs / page / "README.md"]
        return next((c for c in candidates if c.exists()), candidates[0])
    for kind in ("blob", "tree"):
        prefix = f"{repository}/{kind}/main/"
        if address.startswith(prefix):
            return ROOT / address.removeprefix(prefix)
    return None


@pytest.mark.parametrize("link", _links(README))
def test_every_readme_link_to_the_project_leads_to_a_file_of_it(link: str) -> None:
    target = _target(link)
    if target is not None:
        assert target.exists(), f"README link {link} shows {target}, which does not exist"


def test_the_readme_links_to_the_docs_site_and_the_repository() -> None:
    targets = [_target(link) for link in _links(README)]
    assert ROOT / "docs" / "tutorial.md" in targets
    assert ROOT / "CHANGELOG.md" in targets
    assert ROOT / "LICENSE" in targets
