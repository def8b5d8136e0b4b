"""``Program`` imports the operations a purchase never needs on their first use, so a
host that loads a program and evaluates purchases does not import them."""

from __future__ import annotations

import subprocess
import sys

RARE = {
    "loyalrules.operations.engagement",
    "loyalrules.operations.payouts",
    "loyalrules.operations.points_chart",
    "loyalrules.operations.points_payment",
    "loyalrules.operations.redemption",
    "loyalrules.operations.referrals",
    "loyalrules.operations.status",
}

PROGRAM = """
program: p
currency: USD
timezone: UTC
earn: [{id: base, effect: {type: points_per_spend, points: 1}}]
rewards: [{id: mug, cost: 5, gives: {type: amount_off, amount: "5.00"}}]
"""

SCRIPT = f"""
import sys
from datetime import UTC, datetime
from loyalrules import Ledger, LineItem, Member, Money, Purchase, loads_program

program = loads_program({PROGRAM!r})
at = datetime(2026, 5, 1, tzinfo=UTC)
member = Member(id="m-1", joined_at=at)
cup = LineItem(sku="CUP", category="tea", unit_price=Money("12.00", "USD"))
order = Purchase(id="o-1", member_id="m-1", occurred_at=at, lines=[cup])
ledger = Ledger().append(program.process(order, member=member, ledger=Ledger()).entries)
print(" ".join(sorted(sys.modules)))
redeemed = program.redeem("mug", member=member, ledger=ledger, at=at, key="r-1")
status = program.status(member=member, ledger=ledger.append(redeemed.entries), at=at)
print(status.balance.available)
"""


def test_loading_and_earning_leave_the_rare_operations_unimported() -> None:
    run = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    modules, available = run.stdout.splitlines()
    assert not RARE & set(modules.split())
    # ... and they work on first use: 12 earned, 5 redeemed.
    assert available == "7"


HOST = """
import pickle, sys
from datetime import UTC, datetime
from loyalrules import Ledger, LineItem, Member, Money, Purchase

program = pickle.loads(sys.stdin.buffer.read())
at = datetime(2026, 5, 1, tzinfo=UTC)
member = Member(id="m-1", joined_at=at)
cup = LineItem(sku="CUP", category="tea", unit_price=Money("12.00", "USD"))
order = Purchase(id="o-1", member_id="m-1", occurred_at=at, lines=[cup])
print(program.process(order, member=member, ledger=Ledger()).points)
print(" ".join(sorted(sys.modules)))
"""


def test_a_host_that_only_earns_imports_none_of_what_it_does_not_use() -> None:
    import pickle

    from loyalrules import loads_program

    program = loads_program(PROGRAM.replace("rewards: [", "# rewards: ["))
    run = subprocess.run(
        [sys.executable, "-c", HOST], input=pickle.dumps(program), capture_output=True, check=True
    )
    points, modules = run.stdout.decode().splitlines()
    assert points == "12"
    unused = {
        "loyalrules.rules.rewards",
        "loyalrules.rules.challenges",
        "loyalrules.rules.referrals",
        "loyalrules.rules.categories",
        "loyalrules.terms.chart",
        "loyalrules.terms.payouts",
        "loyalrules.operations.returns",
    }
    assert not unused & set(modules.split())


def test_importing_what_a_host_evaluates_with_loads_neither_hashlib_nor_json() -> None:
    code = (
        "import sys\n"
        "from loyalrules import Ledger, Member, Money, Outcome, Program, Purchase\n"
        "print(sorted({'hashlib', 'json', 'difflib', 'yaml'} & set(sys.modules)))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
