"""Every example under examples/ is executed here, so none can rot."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from loyalrules import load_program
from loyalrules.economics.behaviour import behaviour_from_yaml

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


PROGRAMS = sorted(p for p in EXAMPLES.glob("*.yaml") if not p.name.endswith(".population.yaml"))
"""The example programs; ``*.population.yaml`` are behaviour models for the simulator."""


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.name)
def test_example_program_loads(path: Path) -> None:
    program = load_program(path)
    assert program.rules, f"{path.name} defines no rules"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.population.yaml")), ids=lambda p: p.name)
def test_example_behaviour_model_loads_beside_its_program(path: Path) -> None:
    behaviour_from_yaml(path.read_text(encoding="utf-8"), source=path.name)
    assert path.with_name(path.name.replace(".population", "")) in PROGRAMS


SCRIPTS = sorted(p for p in EXAMPLES.glob("*.py") if not p.name.startswith("test_"))
"""The example scripts; ``examples/test_*.py`` are a user's test files, which pytest
collects itself (``testpaths`` in pyproject.toml)."""


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
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


def test_rewards_prints_the_worked_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(EXAMPLES / "rewards.py"), run_name="__main__")
    out = capsys.readouterr().out
    # B-1001: $148 + $96 of skincare + $26 lipstick = $270: 270 base, skincare doubled adds
    # 244. B-1002: $64 + $48 of makeup; the $50 gift card is excluded: 112. 514 + 112 = 626.
    assert "Order B-1001: +514 points" in out
    assert "Order B-1002: +112 points" in out
    assert "Rewards on 2026-05-04 (626 points):" in out
    # rewards_for has no cart, so min_spend cannot hold; Maya is "vib", not "rouge".
    assert "  $10 off: 500 points, not available (it needs: spend at least $25.00)" in out
    assert "  $10 of Bloom Cash: 500 points, yours to redeem" in out
    assert (
        "  A seat at the autumn masterclass: 1500 points, not available "
        "(it needs: member insider is rouge)" in out
    )
    # $10 off a $42.00 basket. B-1001's two lots expire together (end of Feb 2027) and were
    # earned together, so the key decides: all 270 of base, then 230 of skincare-2x.
    assert "  grant: amount_off $10.00 off order B-1003 ($42.00 before)" in out
    assert "  270 points from purchase:B-1001:earn:base\n" in out
    assert "  230 points from purchase:B-1001:earn:skincare-2x\n" in out
    assert "  balance: 126 points" in out
    # Cancelled: the same 500 points go back to the same two lots.
    assert "Rollback: Cancelled ten-off: +500 points" in out
    assert "  230 points back to purchase:B-1001:earn:skincare-2x" in out
    assert "  balance: 626 points" in out
    # B-1004 costs $62 + 2 x $28 + $6.95 shipping = $124.95. Half is $62.475, worth 3,123
    # points at 500 per $10; she has 626, so 600 in steps of 100, paying $12.00.
    assert "Checkout B-1004 ($124.95): up to 600 points, paying $12.00" in out
    assert "the customer pays $112.95" in out
    # The $12.00 is shared by value over $62 and $56: $6.31 and $5.69, so the lines earn on
    # $55.69 and $50.31 = $106.00: 106 base, the eye cream's 55.69 doubled adds 55.69,
    # 161.69 rounds down to 161.
    assert "  Order B-1004: +161 points on $106.00" in out
    # One mascara back: 28/118 of the 600 points paid is 142.37..., rounded down to 142.
    # What is kept earns on $55.69 + ($28 - $2.84 of the payment) = $80.85: 80 base plus
    # 55.10... for skincare, 135; the order earned 161, so 26 go. 142 - 26 = +116.
    assert "Return R-1 of one mascara: +116 points" in out
    assert "  Returned 1 x MASCARA from order B-1004: -26 points" in out
    assert "  Paid towards order B-1004, given back: +142 points" in out
    # 626 - 600 + 161 + 116 = 303; redeemed 500 + 600, given back 500 + 142.
    assert "Balance on 2026-05-29: 303 points" in out
    assert "  redeemed 1100 in all, 642 given back" in out
    assert "Ledger check: consistent" in out


def test_tiers_prints_the_worked_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(EXAMPLES / "tiers.py"), run_name="__main__")
    out = capsys.readouterr().out
    # F-2: $120 of books earn 120; the $50 gift card is excluded, from points and from the
    # tier's spend alike: 2026 stands at $84 + $120 = $204, under Bookworm's $250.
    assert "F-2 on 2026-03-08: +120 points; 2026 so far $204.00, Reader" in out
    # F-3: $96 takes 2026 to $300, past $250. Under new_rate the whole order earns at
    # Bookworm's 1.5x: 96 + 48, and the upgrade bonus 100: 244.
    assert "F-3 on 2026-05-02: +244 points; 2026 so far $300.00, Bookworm" in out
    assert "  Bookworm members earn 1.5x: +48 points\n  Welcome to Bookworm!" in out
    # F-4 at Bookworm: 180 + 90 = 270; $480 so far.
    assert "F-4 on 2026-08-15: +270 points; 2026 so far $480.00, Bookworm" in out
    # F-5: $310 takes 2026 to $790, past $750: 2x on all of it (310 + 310) and 300 bonus.
    assert "F-5 on 2026-11-27: +920 points; 2026 so far $790.00, Bibliophile" in out
    # Reached in 2026, Bibliophile is kept through the end of 2027. 84 + 120 + 244 + 270 +
    # 920 = 1638 points. Bibliophiles pay 200 for $5 off, and may book an author evening.
    assert "  Bibliophile since 2026-11-27, until the end of 2027-12-31\n  1638 points" in out
    assert "  $5 off: 200 points, yours to redeem" in out
    assert "  A seat at an author evening: 400 points, yours to redeem" in out
    # 2027 at 2x: F-6 150 + 150, F-7 330 + 330; $480 spent, $120 short of the $600 keep.
    assert "F-7 on 2027-09-09: +660 points; 2027 so far $480.00, Bibliophile" in out
    assert "Spend $120.00 more by the end of 2027-12-31 to keep Bibliophile" in out
    assert "2598 points available" in out
    # On January 1, 2028 2027's $480 keeps Bookworm ($200 keep), not Bibliophile: the
    # review, run on January 2, dates the change at local midnight, and adds nothing twice.
    assert "  2028-01-01 00:00: bibliophile -> bookworm\n" in out
    assert "    Bibliophile not kept: $480.00 in the last period" in out
    assert "  the same review again writes 0 entries" in out
    # Bookworm, kept from 2027, lasts through 2028; 2028 starts from zero.
    assert "  Bookworm since 2028-01-01, until the end of 2028-12-31" in out
    assert "  Spend $750.00 more by the end of 2028-12-31 for Bibliophile" in out
    assert "  Spend $200.00 more by the end of 2028-12-31 to keep Bookworm" in out
    assert "Ledger check: consistent" in out


def test_membership_prints_the_worked_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(EXAMPLES / "membership.py"), run_name="__main__")
    out = capsys.readouterr().out
    # P-1, before the plan: £32.50 earns 32 whole points. The first subscription gives the
    # welcome bonus, and a month of benefits from 09:00 on January 12.
    assert "P-1 on 2026-01-10: +32 points" in out
    assert (
        "S-1 on 2026-01-12: +250 points\n  Paws Plus: subscribe, benefits until 2026-02-12 09:00"
        in out
    )
    # P-2 at 2x: 58 and 58 more.
    assert "P-2 on 2026-01-25: +116 points" in out
    assert "  Paws Plus members earn 2x: +58 points" in out
    # Renewed a day early: the new month runs from the end of the paid one, February 12.
    assert "  Paws Plus: renew, benefits until 2026-03-12 09:00" in out
    # The treat box: 32 + 250 + 116 = 398 available, 300 spent.
    assert "Treat box on 2026-02-20: Redeemed A Paws Plus treat box: -300 points" in out
    # P-3 still at 2x (41 + 41); after the lapse P-4 earns at 1x and the box is refused.
    assert "P-3 on 2026-03-03: +82 points" in out
    assert "S-3 on 2026-03-12: +0 points\n  Paws Plus: lapse, benefits end now" in out
    assert "P-4 on 2026-03-20: +44 points\n  1 point per £1: +44 points\nTreat box" in out
    assert "Treat box on 2026-03-21: not eligible for A Paws Plus treat box" in out
    # Subscribing again brings no second welcome bonus; P-5 at 2x is 60 + 60.
    assert "S-4 on 2026-04-02: +0 points\n  Paws Plus: subscribe, benefits until 2026-05-02" in out
    assert "P-5 on 2026-04-15: +120 points" in out
    # 398 - 300 + 82 + 44 + 120 = 344.
    assert "Priya's balance on 2026-04-16: 344 points" in out
    # Tom: welcome 250, T-1 at 2x (75 + 75), then he cancels and T-2 earns 30.
    assert "T-1 on 2026-01-18: +150 points" in out
    assert "T-2 on 2026-02-10: +30 points\n  1 point per £1: +30 points\n" in out
    # Fees: Priya 4.99 + 4.99 + 2.99 (win-back), Tom 4.99: £17.96. Points the plan gave:
    # two welcome bonuses (500) and what 2x added: 58 + 41 + 60 for Priya, 75 for Tom: 734.
    # At £0.01 (point_value) £7.34, 7.34 / 17.96 = 0.409; at £0.006, £4.404 -> £4.40, 0.245.
    assert "Paws Plus: 2 members paid £17.96; the plan gave 734 points" in out
    assert "  worth £7.34 at 0.01 a point: 0.409 per £1" in out
    assert "  worth £4.40 at 0.006 a point: 0.245 per £1" in out
