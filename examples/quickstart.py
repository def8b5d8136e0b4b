"""Quickstart: load the Coffee Club program and see what a few purchases earn, and why.

Run it with:  python examples/quickstart.py
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from loyalrules import Activity, Cart, Ledger, LineItem, Member, Money, Purchase, load_program

HERE = Path(__file__).parent
LA = ZoneInfo("America/Los_Angeles")


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def main() -> None:
    program = load_program(HERE / "coffee_club.yaml")
    member = Member(
        id="m-42",
        joined_at=datetime(2026, 11, 20, tzinfo=LA),
        birthday=date(1990, 12, 9),
        attributes={"segment": "reserve"},
    )
    ledger = Ledger()  # the host loads this from its own store

    purchases = [
        Purchase(
            id="o-1001",
            member_id=member.id,
            occurred_at=datetime(2026, 11, 24, 8, 5, tzinfo=LA),
            channel="app",
            lines=[
                LineItem(sku="LATTE-G", category="drinks", unit_price=usd("5.45")),
                LineItem(sku="CROISSANT", category="food", unit_price=usd("3.95")),
            ],
        ),
        Purchase(
            id="o-1002",
            member_id=member.id,
            occurred_at=datetime(2026, 12, 3, 14, 30, tzinfo=LA),
            lines=[
                LineItem(sku="BEANS-ETH", category="beans", unit_price=usd("18.00")),
                LineItem(sku="MOCHA-V", category="drinks", unit_price=usd("5.95"), quantity=2),
                LineItem(sku="GIFT-25", category="gift_cards", unit_price=usd("25.00")),
            ],
            order_discount=usd("3.00"),
        ),
    ]
    for purchase in purchases:
        outcome = program.process(purchase, member=member, ledger=ledger)
        ledger = ledger.append(outcome.entries)  # the host persists outcome.entries
        print(f"Purchase {purchase.id}: +{outcome.points} stars")
        for line in outcome.explanation:
            print(f"  {line}")

    review = Activity(
        id="r-7",
        member_id=member.id,
        kind="review",
        occurred_at=datetime(2026, 12, 4, 10, 0, tzinfo=LA),
    )
    outcome = program.process(review, member=member, ledger=ledger)
    ledger = ledger.append(outcome.entries)
    print(f"Review {review.id}: +{outcome.points} stars")

    replay = program.process(purchases[0], member=member, ledger=ledger)
    print(f"Replaying {purchases[0].id}: duplicate={replay.duplicate}, +{replay.points} stars")

    cart = Cart(lines=[LineItem(sku="BEANS-HOUSE", category="beans", unit_price=usd("16.50"))])
    quote = program.quote(
        cart, member=member, ledger=ledger, at=datetime(2026, 12, 10, 12, 0, tzinfo=LA)
    )
    print(f"Quote for a $16.50 bag of beans on Dec 10: {quote.points} stars")
    for message in quote.messages:
        print(f"  {message}")

    balance = ledger.balance(at=datetime(2026, 12, 31, tzinfo=LA))
    print(f"Balance on Dec 31: {balance.available} stars available")


if __name__ == "__main__":
    main()
