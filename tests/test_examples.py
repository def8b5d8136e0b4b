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


def test_lifecycle_prints_the_worked_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(EXAMPLES / "lifecycle.py"), run_name="__main__")
    out = capsys.readouterr().out
    # W-1001: $180 tent + 2 x $25 headlamps + 3 x $10 socks = $260 eligible: 260 base;
    # spring double points on the $230 of outdoor gear adds 230; $260 >= $250: +100;
    # paid with the card: 5% of $260 = 1300 cents.
    assert "Order W-1001 on 2026-04-18: +590 points, +$13.00 Northwind Cash" in out
    # Pending P30D from Apr 18 14:30; expiry P12M lands in April 2027, end of month; the
    # promo rule's own expiry is the fixed day Aug 31, 2026.
    assert "base: available 2026-05-18 14:30, expires the end of 2027-04-30" in out
    assert "spring-outdoor: available 2026-05-18 14:30, expires the end of 2026-08-31" in out
    # $235 kept: base 235 (-25), spring doubles $205 of outdoor gear (-25), under
    # $250 the bonus goes (-100): 150 back. Cashback: 5% of $235 = $11.75, so -$1.25.
    assert "Return R-1 of one headlamp: -150 points, -$1.25 Northwind Cash" in out
    assert "eligible spend taken back: $25.00" in out
    # W-1002: $30 pre-order, 30 base + 50 per pre-ordered item; paid with PayPal: no cash.
    assert "Order W-1002 on 2026-05-02: +80 points\n" in out
    assert "Shipped on 2026-06-10: Order W-1002 activated: 50 points now available" in out
    # Jun 15: W-1001 keeps 590 - 150 = 440 (available since May 18), W-1002 30 (since
    # Jun 1) + 50 (activated Jun 10): 520. Each of W-1001's lots gave back its own share:
    # base 260 - 25 = 235, spring 230 - 25 = 205 (expiring Aug 31), bonus 100 - 100 = 0.
    assert "  520 points available\n  205 points expire at the end of 2026-08-31" in out
    assert "  $11.75 available" in out
    # Apr 30, 2027: the 205 spring points expired on Aug 31; 235 + 30 + 50 = 315.
    assert "Balance on 2027-04-30: 315 points available, 205 expired so far" in out
    # May 1, 2027: W-1001's base 235 expired at the end of April, and the spring 205 are
    # written down too: 440 in 2 lots; W-1002's 80 expire at the end of May 2027.
    assert "Expiry run on 2027-05-01: 440 points in 2 lots" in out
    assert "80 points before writing the expiries, 80 after; 440 expired in all" in out
    assert "Northwind Cash on 2027-05-01: $11.75 (it never expires)" in out
    assert "Replaying the expiry run adds 0" in out
