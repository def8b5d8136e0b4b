"""Paid memberships: a monthly plan, double points, a members-only reward, a lapse, and
what the plan gave against the fees it brought.

Paws & Co (examples/membership.yaml) gives 1 point per £1. Paws Plus costs £4.99 a month
and doubles points, with 250 points on a member's first subscription. The shop sends the
engine a `Membership` event when a member subscribes, renews, cancels or stops paying.
Every time is given: the script reads no clock, so it prints the same thing every run.

Run it with:  python examples/membership.py
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from loyalrules import (
    Ledger,
    LineItem,
    Member,
    Membership,
    Money,
    NotEligible,
    Program,
    Purchase,
    load_program,
)

HERE = Path(__file__).parent
LONDON = ZoneInfo("Europe/London")


def gbp(amount: str) -> Money:
    return Money(amount, "GBP")


def on(month: int, day: int, hour: int = 12) -> datetime:
    """A moment of 2026 in the shop's time zone."""
    return datetime(2026, month, day, hour, tzinfo=LONDON)


def order(member: Member, order_id: str, when: datetime, amount: str) -> Purchase:
    line = LineItem(sku=f"{order_id}-ITEM", category="pet_food", unit_price=gbp(amount))
    return Purchase(id=order_id, member_id=member.id, occurred_at=when, lines=[line])


def plan_event(
    member: Member, event_id: str, action: str, when: datetime, fee: str | None = None
) -> Membership:
    return Membership(
        id=event_id,
        member_id=member.id,
        plan="paws-plus",
        action=action,
        occurred_at=when,
        fee=None if fee is None else gbp(fee),  # None: the plan's fee
    )


def run(program: Program, member: Member, ledger: Ledger, event: Purchase | Membership) -> Ledger:
    """Process one event, print what it did, store it."""
    outcome = program.process(event, member=member, ledger=ledger)
    when = event.occurred_at.astimezone(LONDON)
    print(f"{event.id} on {when:%Y-%m-%d}: {outcome.change():+d} points")
    for line in outcome.explanation:
        print(f"  {line}")
    return ledger.apply(outcome)  # compare-and-set: the host stores the entries


def main() -> None:
    program = load_program(HERE / "membership.yaml")
    plan = program.plan("paws-plus")
    print(f"{plan.name}: {gbp(str(plan.fee))} per {plan.period}, perks {', '.join(plan.perks)}")

    priya = Member(id="m-5120", joined_at=on(1, 2))
    ledger = Ledger()  # the host loads this from its own store
    for event in (
        order(priya, "P-1", on(1, 10), "32.50"),
        plan_event(priya, "S-1", "subscribe", on(1, 12, 9)),
        order(priya, "P-2", on(1, 25), "58.20"),
        plan_event(priya, "S-2", "renew", on(2, 11, 18)),  # paid a day early: nothing lost
    ):
        ledger = run(program, priya, ledger, event)

    box = program.redeem("treat-box", member=priya, ledger=ledger, at=on(2, 20), key="P-box-1")
    ledger = ledger.apply(box)
    print(f"Treat box on 2026-02-20: {box}")

    for event in (
        order(priya, "P-3", on(3, 3), "41.00"),
        plan_event(priya, "S-3", "lapse", on(3, 12, 8)),  # the renewal payment failed
        order(priya, "P-4", on(3, 20), "44.80"),
    ):
        ledger = run(program, priya, ledger, event)
    try:
        program.redeem("treat-box", member=priya, ledger=ledger, at=on(3, 21), key="P-box-2")
    except NotEligible as error:
        print(f"Treat box on 2026-03-21: {error}")

    # She comes back at a win-back price: no second welcome bonus.
    for event in (
        plan_event(priya, "S-4", "subscribe", on(4, 2), fee="2.99"),
        order(priya, "P-5", on(4, 15), "60.00"),
    ):
        ledger = run(program, priya, ledger, event)
    print(f"Priya's balance on 2026-04-16: {ledger.balance(at=on(4, 16)).available} points")

    tom = Member(id="m-5188", joined_at=on(1, 3))
    tom_ledger = Ledger()
    for event in (
        plan_event(tom, "S-5", "subscribe", on(1, 5, 10)),
        order(tom, "T-1", on(1, 18), "75.00"),
        plan_event(tom, "S-6", "cancel", on(1, 30)),
        order(tom, "T-2", on(2, 10), "30.00"),
    ):
        tom_ledger = run(program, tom, tom_ledger, event)

    # The value report: fees paid for the plan against the points its benefits gave.
    ledgers = [ledger, tom_ledger, Ledger()]
    report = program.membership_value("paws-plus", ledgers)
    print(
        f"{plan.name}: {report.members} members paid {report.fees}; "
        f"the plan gave {report.points_given} points"
    )
    print(f"  worth {report.benefits} at {report.point_value} a point: {report.ratio:.3f} per £1")
    cost = program.membership_value("paws-plus", ledgers, point_value=Decimal("0.006"))
    print(f"  worth {cost.benefits} at {cost.point_value} a point: {cost.ratio:.3f} per £1")


if __name__ == "__main__":
    main()
