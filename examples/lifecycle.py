"""The points lifecycle: an order, a partial return, a shipped pre-order, and a year later.

Northwind Outfitters (examples/lifecycle.yaml) keeps points pending for the 30-day return
window, lets them expire 12 months after they were earned at the end of that month, gives
double points on outdoor gear in spring (those expire sooner), a bonus on orders of $250
or more, and 5% cashback with its card. Every time is given: the script reads no clock.

Run it with:  python examples/lifecycle.py
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from loyalrules import (
    Activation,
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


def cash(cents: int) -> Money:
    """Cents of the cashback account as dollars."""
    return usd(str(Decimal(cents).scaleb(-2)))


def local(moment: datetime) -> str:
    """An instant on the shop's calendar; a local midnight reads as the end of a day."""
    here = moment.astimezone(CHICAGO)
    if here.time() == time(0):
        return f"the end of {(here - timedelta(days=1)):%Y-%m-%d}"
    return f"{here:%Y-%m-%d %H:%M}"


def show(title: str, outcome: Outcome) -> None:
    """What ``outcome`` changes in each account, then the engine's explanation."""
    summary = f"{title}: {outcome.change():+d} points"
    cashback = outcome.change("cashback")
    if cashback:
        summary += f", {'-' if cashback < 0 else '+'}{cash(abs(cashback))} Northwind Cash"
    print(summary)
    for line in outcome.explanation:
        print(f"  {line}")


def main() -> None:
    program = load_program(HERE / "lifecycle.yaml")
    member = Member(id="c-314", joined_at=datetime(2025, 11, 2, tzinfo=CHICAGO))
    ledger = Ledger()  # the host loads this from its own store

    # An order in the spring promotion, paid with the Northwind card.
    order = Purchase(
        id="W-1001",
        member_id=member.id,
        occurred_at=datetime(2026, 4, 18, 14, 30, tzinfo=CHICAGO),
        payment="northwind_card",
        lines=[
            LineItem(sku="TENT-2P", category="outdoor", unit_price=usd("180.00")),
            LineItem(sku="HEADLAMP", category="outdoor", unit_price=usd("25.00"), quantity=2),
            LineItem(sku="SOCKS-MERINO", category="apparel", unit_price=usd("10.00"), quantity=3),
        ],
    )
    outcome = program.process(order, member=member, ledger=ledger)
    ledger = ledger.append(outcome.entries)  # the host stores outcome.entries, atomically
    show(f"Order {order.id} on 2026-04-18", outcome)
    for lot in outcome.entries[1:]:
        expires = "never expires" if lot.expires_at is None else f"expires {local(lot.expires_at)}"
        print(f"  {lot.rule_id}: available {local(lot.available_at)}, {expires}")

    # A week later one headlamp comes back: $235.00 is kept, under the $250 threshold.
    one_headlamp = Return(
        id="R-1",
        purchase=order,
        occurred_at=datetime(2026, 4, 25, 10, 0, tzinfo=CHICAGO),
        lines={"HEADLAMP": 1},
    )
    outcome = program.process(one_headlamp, member=member, ledger=ledger)
    ledger = ledger.append(outcome.entries)
    show("Return R-1 of one headlamp", outcome)
    print(f"  eligible spend taken back: {outcome.entries[0].spend}")

    # A pre-order: its bonus waits until the item ships.
    preorder = Purchase(
        id="W-1002",
        member_id=member.id,
        occurred_at=datetime(2026, 5, 2, 9, 15, tzinfo=CHICAGO),
        payment="paypal",
        lines=[
            LineItem(
                sku="TRAIL-GUIDE-2027",
                category="books",
                unit_price=usd("30.00"),
                tags=["preorder"],
            )
        ],
    )
    outcome = program.process(preorder, member=member, ledger=ledger)
    ledger = ledger.append(outcome.entries)
    show(f"Order {preorder.id} on 2026-05-02", outcome)
    shipped = Activation(
        purchase_id=preorder.id,
        member_id=member.id,
        occurred_at=datetime(2026, 6, 10, 8, 0, tzinfo=CHICAGO),
    )
    outcome = program.process(shipped, member=member, ledger=ledger)
    ledger = ledger.append(outcome.entries)
    print(f"Shipped on 2026-06-10: {outcome}")

    # What the member's account page shows in June.
    print("Status on 2026-06-15:")
    status = program.status(member=member, ledger=ledger, at=datetime(2026, 6, 15, tzinfo=CHICAGO))
    for message in status.messages:
        print(f"  {message}")

    # A year later: the nightly job writes the expiries down. Balances already leave
    # expired points out, so writing them down changes no balance.
    before = ledger.balance(at=datetime(2027, 4, 30, 12, 0, tzinfo=CHICAGO))
    print(
        f"Balance on 2027-04-30: {before.available} points available, "
        f"{before.lifetime_expired} expired so far"
    )
    as_of = datetime(2027, 5, 1, 12, 0, tzinfo=CHICAGO)
    outcome = program.expire(member=member, ledger=ledger, at=as_of)
    print(f"Expiry run on 2027-05-01: {-outcome.change()} points in {len(outcome.entries)} lots")
    for entry in outcome.entries:
        print(f"  {entry.points} points of {entry.lot} expired at {local(entry.at)}")
    unwritten = ledger.balance(at=as_of)
    ledger = ledger.append(outcome.entries)
    after = ledger.balance(at=as_of)
    print(
        f"Balance on 2027-05-01: {unwritten.available} points before writing the expiries, "
        f"{after.available} after; {after.lifetime_expired} expired in all"
    )
    cashback = ledger.balance(at=as_of, account="cashback")
    print(f"Northwind Cash on 2027-05-01: {cash(cashback.available)} (it never expires)")
    replay = program.expire(member=member, ledger=ledger, at=as_of)
    print(f"Replaying the expiry run adds {len(replay.entries)}")


if __name__ == "__main__":
    main()
