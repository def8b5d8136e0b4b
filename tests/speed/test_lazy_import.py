"""``import loyalrules`` leaves the loader and PyYAML for the first use of a loader name."""

from __future__ import annotations

import subprocess
import sys

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


@pytest.mark.parametrize("name", sorted(loyalrules._FROM_LOADER))
def test_lazy_names_are_the_loaders_own(name: str) -> None:
    from loyalrules import loader

    assert getattr(loyalrules, name) is getattr(loader, name)
    assert name in loyalrules.__all__


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'load_programme'"):
        loyalrules.load_programme  # noqa: B018
