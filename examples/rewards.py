"""Spending points: what a member can have, a redemption and its rollback, and a checkout
paid partly with points, with a partial return.

Bloom Beauty (examples/rewards.yaml) gives 1 point per $1 and double on skincare. Points
are a currency: 500 take $10 off an order, others buy samples, shipping, store credit or a
gift to charity, and up to half of an order can be paid with points at the same rate.
Every time is given: the script reads no clock, so it prints the same thing every run.

Run it with:  python examples/rewards.py
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from loyalrules import (
    Cart,
    Ledger,
    LineItem,
    Member,
    Money,
    Outcome,
    Purchase,
    Return,
    load_program,
)

HERE = Path(__file__).parent
CHICAGO = ZoneInfo("America/Chicago")


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def on(day: int, month: int, hour: int = 12) -> datetime:
    """A moment of 2026 in the shop's time zone."""
    return datetime(2026, month, day, hour, 0, tzinfo=CHICAGO)


def store(ledger: Ledger, outcome: Outcome) -> Ledger:
    """What the host does with an outcome: store its entries, if nothing changed since."""
    return ledger.apply(outcome)  # compare-and-set: raises StaleOutcome if the ledger moved


def main() -> None:
    program = load_program(HERE / "rewards.yaml")
    # Maya's membership level is a member attribute the shop sets: she is not "rouge".
    maya = Member(id="m-2041", joined_at=on(3, 1), attributes={"insider": "vib"})
    ledger = Ledger()  # the host loads this from its own store

    # Two orders earn her points.
    for order in (
        Purchase(
            id="B-1001",
            member_id=maya.id,
            occurred_at=on(14, 2),
            lines=[
                LineItem(sku="SERUM-C", category="skincare", unit_price=usd("148.00")),
                LineItem(sku="CREAM-NIGHT", category="skincare", unit_price=usd("96.00")),
                LineItem(sku="LIPSTICK", category="makeup", unit_price=usd("26.00")),
            ],
        ),
        Purchase(
            id="B-1002",
            member_id=maya.id,
            occurred_at=on(3, 4),
            lines=[
                LineItem(sku="PALETTE", category="makeup", unit_price=usd("64.00")),
                LineItem(sku="FOUNDATION", category="makeup", unit_price=usd("48.00")),
                LineItem(sku="GIFT-CARD", category="gift_cards", unit_price=usd("50.00")),
            ],
        ),
    ):
        outcome = program.process(order, member=maya, ledger=ledger)
        ledger = store(ledger, outcome)
        print(f"Order {order.id}: +{outcome.points} points")
        for line in outcome.explanation:
            print(f"  {line}")

    # What her account page shows on May 4. The list has no cart, so the $10 off, which
    # needs an order of $25 or more, shows its condition; at checkout it goes through.
    may_4 = on(4, 5)
    print(f"Rewards on 2026-05-04 ({ledger.balance(at=may_4).available} points):")
    for option in program.rewards_for(member=maya, ledger=ledger, at=may_4):
        print(f"  {option.message}")

    # At checkout she takes $10 off order B-1003.
    basket = Cart(
        lines=[
            LineItem(sku="MASCARA", category="makeup", unit_price=usd("28.00")),
            LineItem(sku="LINER", category="makeup", unit_price=usd("14.00")),
        ]
    )
    outcome = program.redeem(
        "ten-off",
        member=maya,
        ledger=ledger,
        at=may_4,
        key="B-1003-r1",
        cart=basket,
        order_id="B-1003",
    )
    ledger = store(ledger, outcome)
    grant = outcome.grant
    print(f"Redemption: {outcome}")
    print(f"  grant: {grant.kind} {grant.amount} off order B-1003 ({basket.payable} before)")
    for part in outcome.entries[0].consumed:
        print(f"  {part.points} points from {part.lot}")
    print(f"  balance: {ledger.balance(at=may_4).available} points")

    # The order is cancelled the next day: the points go back to the lots they came from.
    outcome = program.cancel_redemption(member=maya, ledger=ledger, key="B-1003-r1", at=on(5, 5))
    ledger = store(ledger, outcome)
    print(f"Rollback: {outcome}")
    for part in outcome.entries[0].restored:
        print(f"  {part.points} points back to {part.lot}")
    print(f"  balance: {ledger.balance(at=on(5, 5)).available} points")

    # A checkout paid partly with points: preview, pay, then the purchase itself.
    lines = [
        LineItem(sku="EYE-CREAM", category="skincare", unit_price=usd("62.00")),
        LineItem(sku="MASCARA", category="makeup", unit_price=usd("28.00"), quantity=2),
    ]
    checkout = Cart(lines=lines, shipping=usd("6.95"))
    may_20 = on(20, 5)
    preview = program.points_payment(checkout, member=maya, ledger=ledger, at=may_20)
    print(
        f"Checkout B-1004 ({checkout.payable}): up to {preview.most} points, "
        f"paying {preview.amount}"
    )
    outcome = program.pay_with_points(
        checkout, member=maya, ledger=ledger, at=may_20, key="B-1004-pay", order_id="B-1004"
    )
    ledger = store(ledger, outcome)
    paid = outcome.grant.amount
    print(f"  {outcome}; the customer pays {checkout.payable - paid}")
    order = Purchase(
        id="B-1004",
        member_id=maya.id,
        occurred_at=may_20,
        lines=lines,
        shipping=usd("6.95"),
        points_payment=paid,  # the part paid with points earns nothing
    )
    outcome = program.process(order, member=maya, ledger=ledger)
    ledger = store(ledger, outcome)
    print(f"  Order B-1004: +{outcome.points} points on {outcome.entries[0].spend}")
    for line in outcome.explanation:
        print(f"    {line}")

    # One mascara comes back: the points paid come back in proportion, and the points
    # the mascara earned go.
    back = Return(id="R-1", purchase=order, occurred_at=on(28, 5), lines={"MASCARA": 1})
    outcome = program.process(back, member=maya, ledger=ledger)
    ledger = store(ledger, outcome)
    print(f"Return R-1 of one mascara: {outcome.change():+d} points")
    for line in outcome.explanation:
        print(f"  {line}")
    balance = ledger.balance(at=on(29, 5))
    print(f"Balance on 2026-05-29: {balance.available} points")
    print(
        f"  redeemed {balance.lifetime_redeemed} in all, {balance.credited['restored']} given back"
    )
    print(f"Ledger check: {ledger.verify() or 'consistent'}")


if __name__ == "__main__":
    main()
