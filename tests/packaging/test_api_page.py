"""The API page of the docs site documents every public name, through the package root."""

from __future__ import annotations

import re
from pathlib import Path

import loyalrules

ROOT = Path(__file__).resolve().parent.parent.parent
API = ROOT / "docs" / "api.md"
MKDOCS = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def _documented() -> list[str]:
    return re.findall(r"^::: loyalrules\.(\w+)$", API.read_text(encoding="utf-8"), re.MULTILINE)


def test_every_public_name_has_an_entry_on_the_api_page() -> None:
    missing = sorted(set(loyalrules.__all__) - set(_documented()))
    assert not missing, f"add `::: loyalrules.NAME` to docs/api.md for {missing}"


def test_the_api_page_documents_only_public_names_once_each() -> None:
    documented = _documented()
    assert len(documented) == len(set(documented))
    assert set(documented) <= set(loyalrules.__all__)


def test_the_api_page_and_every_docs_page_are_in_the_navigation() -> None:
    pages = {
        str(page.relative_to(ROOT / "docs"))
        for page in (ROOT / "docs").rglob("*.md")
        if page.parent.name != "decisions" or page.name == "README.md"
    }
    missing = sorted(page for page in pages if f": {page}\n" not in MKDOCS)
    assert not missing, f"add {missing} to the nav in mkdocs.yml"


def test_the_readme_reaches_program_process_in_one_click() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "https://loyalrules.github.io/loyalrules/api/#loyalrules.Program.process)" in readme
