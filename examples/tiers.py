"""Tiers: a year of purchases that climb two tiers, the status, and the re-evaluation.

Folio Club (examples/tiers.yaml) ranks members by what they spend in a calendar year:
Reader, Bookworm from $250 (1.5x points), Bibliophile from $750 (2x). A tier reached is
kept through the end of the next year; what the member spends in that next year decides
the year after, with the lower `keep` thresholds. Every time is given: the script reads no
clock, so it prints the same thing every run.

Run it with:  python examples/tiers.py
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from loyalrules import Ledger, LineItem, Member, Money, Program, Purchase, load_program

HERE = Path(__file__).parent
CHICAGO = ZoneInfo("America/Chicago")


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def on(year: int, month: int, day: int, hour: int = 12) -> datetime:
    """A moment in the shop's time zone."""
    return datetime(year, month, day, hour, tzinfo=CHICAGO)


def shop(
    program: Program,
    member: Member,
    ledger: Ledger,
    order_id: str,
    when: datetime,
    *lines: LineItem,
) -> Ledger:
    """Process one order, print what it earned and where the member stands, store it."""
    order = Purchase(id=order_id, member_id=member.id, occurred_at=when, lines=lines)
    outcome = program.process(order, member=member, ledger=ledger)
    ledger = ledger.apply(outcome)  # compare-and-set: the host stores the entries
    tier = program.tier(member=member, ledger=ledger, at=when)
    print(
        f"{order_id} on {when:%Y-%m-%d}: +{outcome.points} points; "
        f"{when.year} so far {usd(str(tier.value))}, {tier.level.name}"
    )
    for line in outcome.explanation:
        print(f"  {line}")
    return ledger


def book(sku: str, price: str) -> LineItem:
    return LineItem(sku=sku, category="books", unit_price=usd(price))


def main() -> None:
    program = load_program(HERE / "tiers.yaml")
    lena = Member(id="m-3107", joined_at=on(2025, 9, 14))
    ledger = Ledger()  # the host loads this from its own store

    print("2026")
    ledger = shop(program, lena, ledger, "F-1", on(2026, 1, 20), book("NOVEL-1", "84.00"))
    gift_card = LineItem(sku="GIFT-50", category="gift_cards", unit_price=usd("50.00"))
    ledger = shop(program, lena, ledger, "F-2", on(2026, 3, 8), book("ATLAS", "120.00"), gift_card)
    ledger = shop(program, lena, ledger, "F-3", on(2026, 5, 2), book("POETRY", "96.00"))
    ledger = shop(program, lena, ledger, "F-4", on(2026, 8, 15), book("BOXED-SET", "180.00"))
    ledger = shop(program, lena, ledger, "F-5", on(2026, 11, 27), book("ART-FOLIO", "310.00"))

    new_year = on(2026, 12, 31)
    status = program.status(member=lena, ledger=ledger, at=new_year)
    print(f"Status on {new_year:%Y-%m-%d}:")
    for line in status.messages:
        print(f"  {line}")
    print(f"  perks: {', '.join(status.tier.level.perks) if status.tier else '-'}")
    for option in program.rewards_for(member=lena, ledger=ledger, at=new_year):
        print(f"  {option.message}")

    print("2027")
    ledger = shop(program, lena, ledger, "F-6", on(2027, 3, 3), book("MEMOIR", "150.00"))
    ledger = shop(program, lena, ledger, "F-7", on(2027, 9, 9), book("ENCYCLOPEDIA", "330.00"))
    autumn = on(2027, 9, 10)
    print(f"Status on {autumn:%Y-%m-%d}:")
    for line in program.status(member=lena, ledger=ledger, at=autumn).messages:
        print(f"  {line}")

    # The nightly job: write down the changes that time alone made.
    review_day = on(2028, 1, 2, 3)
    review = program.review_tiers(member=lena, ledger=ledger, at=review_day)
    ledger = ledger.apply(review)
    print(f"Review on {review_day:%Y-%m-%d}:")
    for entry in review.entries:
        print(f"  {entry.at.astimezone(CHICAGO):%Y-%m-%d %H:%M}: {entry.previous} -> {entry.level}")
        print(f"    {entry.reason}")
    again = program.review_tiers(member=lena, ledger=ledger, at=review_day)
    print(f"  the same review again writes {len(again.entries)} entries")
    print(f"Status on {review_day:%Y-%m-%d}:")
    for line in program.status(member=lena, ledger=ledger, at=review_day).messages:
        print(f"  {line}")
    print(f"Ledger check: {ledger.verify() or 'consistent'}")


if __name__ == "__main__":
    main()
