"""Engagement at Harbor Books (examples/engagement.yaml): activities, a launch with
promotions that do not stack and a budgeted bonus, a referral on both sides, a 5-visit
challenge with an opt-in, a challenge over categories, member messages, why a rule did
not pay, and status nudges.
Every time is given: the script reads no clock, so it prints the same thing every run.

Run it with:  python examples/engagement.py
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from loyalrules import Activity, Ledger, LineItem, Member, Money, Outcome, Purchase, load_program

CHICAGO = ZoneInfo("America/Chicago")
program = load_program(Path(__file__).parent / "engagement.yaml")
ledgers: dict[str, Ledger] = {}


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=CHICAGO)


def book(member: Member, order_id: str, price: str, when: datetime) -> Purchase:
    novel = LineItem(sku="NOVEL", category="books", unit_price=Money(price, "USD"))
    return Purchase(id=order_id, member_id=member.id, occurred_at=when, lines=[novel])


def run(member: Member, event: object, budgets: dict[str, int] | None = None) -> Outcome:
    ledger = ledgers.get(member.id, Ledger())
    outcome = program.process(event, member=member, ledger=ledger, budgets=budgets)  # type: ignore[arg-type]
    ledgers[member.id] = ledger.apply(outcome)
    for line in outcome.member_messages:
        print(f"    [{member.id}] {line}")
    return outcome


def show(title: str, outcome: Outcome) -> None:
    print(f"{title}: +{outcome.points}")
    for line in str(outcome).splitlines():
        print(f"    {line}")


ana = Member(
    id="ana",
    joined_at=at(8, 20),
    attributes={"email_hash": "e-ana", "card_fingerprint": "fp-ana"},
)

print("== Activities")
for number, kind in enumerate(("newsletter_signup", "social_follow", "review", "review")):
    activity = Activity(
        id=f"a-{number}", member_id=ana.id, kind=kind, occurred_at=at(8, 21 + number)
    )
    show(kind, run(ana, activity))

print("\n== Launch: the best promotion of the group, a bonus while its budget lasts")
launch = run(ana, book(ana, "o-1", "24.00", at(9, 2)), budgets={"launch": 60})
show("o-1", launch)
print(launch.render(verbose=True).split("Why not:\n")[1])

print("\n== A referral, both sides")
bo = Member(
    id="bo",
    joined_at=at(9, 3),
    attributes={"referred_by": "ana", "email_hash": "e-bo", "card_fingerprint": "fp-bo"},
)
first = run(bo, book(bo, "o-1", "22.00", at(9, 20)))
show("bo's first order", first)
referral = program.referral(first, referee=bo, referrer=ana)
print(f"  {referral.reason}")
if referral.event is not None:
    show("ana, for the referral", run(ana, referral.event))

print("\n== The October challenge")
ledgers["ana"] = ledgers["ana"].apply(
    program.opt_in("october-visits", member=ana, ledger=ledgers["ana"], at=at(10, 1, 8))
)
for number, day in enumerate((2, 6, 9, 15, 21)):
    outcome = run(ana, book(ana, f"oct-{number}", "9.00", at(10, day)))
    status = program.status(member=ana, ledger=ledgers["ana"], at=at(10, day, 12))
    print(f"  Oct {day:>2}: +{outcome.points:<4} {status.challenges[0].message(CHICAGO)}")

print("\n== November: three different categories")
cy = Member(id="cy", joined_at=at(10, 30))
basket = [("books", "12.00"), ("cards", "4.00"), ("books", "8.00"), ("coffee", "3.50")]
for number, (category, price) in enumerate(basket):
    line = LineItem(sku=category.upper(), category=category, unit_price=Money(price, "USD"))
    purchase = Purchase(
        id=f"nov-{number}", member_id=cy.id, occurred_at=at(11, 2 + number), lines=[line]
    )
    outcome = run(cy, purchase)
    status = program.status(member=cy, ledger=ledgers["cy"], at=at(11, 2 + number, 12))
    print(f"  {category:<6} +{outcome.points:<4} {status.challenges[0].message(CHICAGO)}")

print("\n== What ana could do next")
for line in program.status(member=ana, ledger=ledgers["ana"], at=at(10, 22)).nudges:
    print(f"  {line}")
