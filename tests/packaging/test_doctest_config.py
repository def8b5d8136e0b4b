"""The README's `pytest` runs the docstring examples of the library, none skipped."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_pytest_collects_the_docstring_examples_of_src() -> None:
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    assert "src/loyalrules" in options["ini_options"]["testpaths"]
    assert "--doctest-modules" in options["ini_options"]["addopts"].split()


def test_no_docstring_example_is_skipped() -> None:
    skipped = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "src").rglob("*.py")
        if "doctest: +SKIP" in path.read_text(encoding="utf-8")
    ]
    assert not skipped, f"make the examples of {skipped} run instead of skipping them"
