"""Points a full return keeps (a tier's upgrade bonus) are a credit: they pay a deficit
owed before the order, and the check expects just that."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from loyalrules import Adjust, LineItem, Member, Money, Purchase, load_program
from loyalrules.economics.scenario import Scenario
from loyalrules.testing import check_full_return_nets_zero

TIERS = load_program(Path(__file__).resolve().parents[2] / "examples" / "tiers.yaml")
AT = datetime(2026, 1, 1, tzinfo=UTC)
MEMBER = Member(id="m-1", joined_at=AT)


def _order(order_id: str, dollars: str, quantity: int = 1) -> Purchase:
    line = LineItem(sku="OTHER-1", category="other", unit_price=Money(dollars, "USD"),
                    quantity=quantity)  # fmt: skip
    return Purchase(id=order_id, member_id=MEMBER.id, occurred_at=AT, lines=[line])


def test_an_upgrade_bonus_kept_by_a_full_return_pays_the_deficit_owed_before() -> None:
    debit = Adjust(-1, "correction", "support", "adj-1", AT, "points")
    scenario = Scenario(MEMBER, (_order("o-1", "0.01"), debit, _order("o-2", "199.99", 2)))
    check_full_return_nets_zero(TIERS, scenario)
