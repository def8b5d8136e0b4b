"""``import loyalrules`` imports each public name on its first use, the loader and PyYAML
included, and the lazy table names exactly what type checkers see."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import loyalrules


def _modules_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def test_import_leaves_the_loader_and_yaml_out() -> None:
    modules = _modules_after("import loyalrules")
    assert "loyalrules.loader" not in modules
    assert "yaml" not in modules
    assert "dateutil.tz" not in modules


def test_a_loader_name_imports_the_loader() -> None:
    modules = _modules_after("from loyalrules import loads_program")
    assert {"loyalrules.loader", "yaml"} <= modules


def test_a_bare_import_imports_no_public_module() -> None:
    modules = _modules_after("import loyalrules")
    assert not {"loyalrules.program", "loyalrules.errors", "importlib.metadata"} & modules


def test_an_evaluating_host_leaves_the_operations_it_does_not_touch() -> None:
    modules = _modules_after("from loyalrules import Member, Money, Purchase")
    assert "loyalrules.values.cart" in modules
    assert "loyalrules.program" not in modules
    assert "loyalrules.operations.redemption" not in modules


def _type_checking_names() -> dict[str, str]:
    """The names ``loyalrules/__init__.py`` imports for type checkers, with their module."""
    tree = ast.parse(Path(loyalrules.__file__).read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If))
    return {
        alias.name: statement.module
        for statement in block.body
        if isinstance(statement, ast.ImportFrom) and statement.module is not None
        for alias in statement.names
    }


def test_the_lazy_table_is_what_type_checkers_see() -> None:
    assert _type_checking_names() == loyalrules._WHERE
    assert set(loyalrules._WHERE) == set(loyalrules.__all__)


@pytest.mark.parametrize("name", sorted(loyalrules.__all__))
def test_each_public_name_is_its_modules_own(name: str) -> None:
    module = importlib.import_module(loyalrules._WHERE[name])
    assert getattr(loyalrules, name) == getattr(module, name)  # a re-imported module: equal
    assert name in dir(loyalrules)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'load_programme'"):
        loyalrules.load_programme  # noqa: B018
