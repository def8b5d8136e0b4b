"""Every example under examples/ is executed here, so none can rot."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from loyalrules import load_program

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_example_program_loads(path: Path) -> None:
    program = load_program(path)
    assert program.rules, f"{path.name} defines no rules"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.py")), ids=lambda p: p.name)
def test_example_script_runs(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(path), run_name="__main__")
    assert capsys.readouterr().out.strip(), f"{path.name} printed nothing"


def test_quickstart_prints_the_worked_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(EXAMPLES / "quickstart.py"), run_name="__main__")
    out = capsys.readouterr().out
    # o-1001: $9.40 at 2 stars/$ pro rata = 18.8, reserve 1.5x adds 9.4: 28.2 -> floor 28,
    # apportioned 19 + 9 (largest remainder); welcome +100; early-bird app order +15.
    assert "Purchase o-1001: +143 stars" in out
    assert "Spend $15.60 more to get +25 bonus stars (Big order bonus)" in out
    # o-1002: the $3.00 order discount is shared over $54.90 of lines (gift card included),
    # leaving $17.02 beans + $11.25 drinks eligible = $28.27 -> 56.54 base; beans 2x,
    # double-star week 2x and reserve 1.5x multiply to 271.74 -> 271; +50 birthday +25 big.
    assert "Purchase o-1002: +346 stars" in out
    assert "Replaying o-1001: duplicate=True, +0 stars" in out
    assert "Balance on Dec 31: 499 stars available" in out
