"""Each check passes on the example programs and fails, readably, on a program that
breaks its property."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

from loyalrules import (
    Consumption,
    Expired,
    Ledger,
    LineItem,
    Member,
    Money,
    Outcome,
    Program,
    Purchase,
    Return,
    load_program,
    loads_program,
)
from loyalrules.storage import Redeem
from loyalrules.testing import (
    CHECKS,
    CheckFailed,
    Scenario,
    check_conservation,
    check_full_return_nets_zero,
    check_no_negative_balance,
    check_redemption_cancel_restores,
    check_replay_adds_nothing,
    check_reward_rate,
    check_split_never_earns_more,
    from_program,
    splits,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AT = datetime(2026, 3, 2, 12, tzinfo=UTC)
MEMBER = Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=UTC))
SHOP = loads_program("""
program: shop
currency: USD
timezone: UTC
point_value: "0.01"
earn:
  - {id: base, name: 1 point per $1, effect: {type: points_per_spend, points: 1}}
  - {id: visit, name: Thanks for visiting, effect: {type: bonus, points: 10}}
rewards:
  - {id: five-off, name: $5 off, cost: 50, gives: {type: amount_off, amount: 5}}
""")


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def order(order_id: str = "o-1", at: datetime = AT, *prices: str) -> Purchase:
    lines = [
        LineItem(id=f"l-{i}", sku=f"S-{i}", category="other", unit_price=usd(p))
        for i, p in enumerate(prices or ("60.00", "40.00"))
    ]
    return Purchase(id=order_id, member_id=MEMBER.id, occurred_at=at, lines=lines)


def one_order() -> Scenario:
    return Scenario(MEMBER, (order(),))


class Misbehaving:
    """A program whose listed methods are replaced, to show a check can fail."""

    def __init__(self, real: Program, **overrides: Callable[..., Any]) -> None:
        self._real, self._overrides = real, overrides

    def __getattr__(self, name: str) -> Any:
        return self._overrides.get(name) or getattr(self._real, name)


@pytest.mark.parametrize(
    "name", ["coffee_club", "crumbs", "engagement", "lifecycle", "membership", "rewards", "tiers"]
)
@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_the_example_programs_pass_the_checks(name: str, check: Callable[..., None]) -> None:
    program = load_program(EXAMPLES / f"{name}.yaml")

    @settings(
        max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(from_program(program).scenarios(max_purchases=3))
    def holds(scenario: Scenario) -> None:
        check(program, scenario)

    holds()


def test_a_per_order_bonus_makes_a_split_pay_unless_it_rewards_visits() -> None:
    with pytest.raises(
        CheckFailed, match="Splitting o-1 in two earned more points: 120 instead of 110"
    ):
        check_split_never_earns_more(SHOP, one_order())
    check_split_never_earns_more(SHOP, one_order(), visit_rules=["visit"])


def test_splits_share_the_order_discount_and_cut_through_units() -> None:
    purchase = attrs.evolve(order("o-1", AT, "60.00"), order_discount=usd("6.00"))
    purchase = attrs.evolve(purchase, lines=[attrs.evolve(purchase.lines[0], quantity=3)])
    ((a, b),) = splits(purchase)
    assert (a.lines[0].quantity, b.lines[0].quantity) == (1, 2)
    assert (a.order_discount, b.order_discount) == (usd("2.00"), usd("4.00"))


def test_a_return_that_takes_nothing_back_is_caught() -> None:
    def keeps_everything(event: Any, *, member: Member, ledger: Ledger) -> Outcome:
        if type(event).__name__ == "Return":
            return Outcome(event_key="r", entries=(), explanation=(), ledger_version=ledger.version)
        return SHOP.process(event, member=member, ledger=ledger)

    leaky = Misbehaving(SHOP, process=keeps_everything)
    with pytest.raises(CheckFailed, match=r"A full return of o-1 did not net to zero") as error:
        check_full_return_nets_zero(leaky, one_order())  # type: ignore[arg-type]
    assert "1 point per $1: +100 points" in str(error.value)
    check_full_return_nets_zero(SHOP, one_order())


def test_a_replay_that_earns_again_is_caught() -> None:
    def forgets(event: Any, *, member: Member, ledger: Ledger) -> Outcome:
        renamed = attrs.evolve(event, id=f"{event.id}-{len(ledger)}")
        return SHOP.process(renamed, member=member, ledger=ledger)

    forgetful = Misbehaving(SHOP, process=forgets)
    with pytest.raises(CheckFailed, match=r"Replaying a step added entries: .* purchase o-1"):
        check_replay_adds_nothing(forgetful, one_order())  # type: ignore[arg-type]
    check_replay_adds_nothing(SHOP, one_order())


def test_a_reward_rate_above_its_bound_is_caught() -> None:
    # 100 + 10 points at $0.01 on $100: 1.1%.
    check_reward_rate(SHOP, one_order(), at_most="0.011")
    with pytest.raises(CheckFailed, match=r"rate is 0\.0110, outside \[0, 0\.01\]") as error:
        check_reward_rate(SHOP, one_order(), at_most="0.01")
    assert "visit: 10" in str(error.value)
    check_reward_rate(SHOP, one_order(), at_most="0.01", min_spend=200)  # too little spend


def test_a_deficit_in_a_clamped_account_is_caught() -> None:
    # 100 points, 50 spent, then the order comes back: clamped, the balance stops at 0;
    # a program that carries the deficit while saying it clamps is caught.
    clamped = loads_program(SHOP_TEXT_CLAMP)
    history = Scenario(
        MEMBER,
        (
            order(),
            Redeem("five-off", AT + timedelta(hours=1), "k-1"),
            Return(id="r-1", purchase=order(), occurred_at=AT + timedelta(hours=2)),
        ),
    )
    check_no_negative_balance(clamped, history)
    lying = Misbehaving(clamped, process=SHOP_ALLOW.process)
    with pytest.raises(CheckFailed, match=r"points went negative .* after: .* return r-1"):
        check_no_negative_balance(lying, history)  # type: ignore[arg-type]


def test_a_debit_of_no_lot_breaks_conservation() -> None:
    def debits_nothing(event: Any, *, member: Member, ledger: Ledger) -> Outcome:
        outcome = SHOP.process(event, member=member, ledger=ledger)
        ghost = Expired(key="ghost", at=event.occurred_at, points=5, lot="nowhere",
                        consumed=[Consumption("nowhere", 5)])  # fmt: skip
        return attrs.evolve(outcome, entries=(*outcome.entries, ghost))

    broken = Misbehaving(SHOP, process=debits_nothing)
    with pytest.raises(CheckFailed, match="points does not add up"):
        check_conservation(broken, one_order())  # type: ignore[arg-type]
    check_conservation(SHOP, one_order())


def test_a_cancellation_that_gives_nothing_back_is_caught() -> None:
    def keeps_points(member: Member, ledger: Ledger, *, key: str, at: datetime) -> Outcome:
        return Outcome(event_key=key, entries=(), explanation=(), ledger_version=ledger.version)

    greedy = Misbehaving(SHOP, cancel_redemption=keeps_points)
    with pytest.raises(CheckFailed, match="Redeeming five-off and cancelling it"):
        check_redemption_cancel_restores(greedy, one_order())  # type: ignore[arg-type]
    check_redemption_cancel_restores(SHOP, one_order())


SHOP_TEXT_CLAMP = """
program: shop
currency: USD
timezone: UTC
negative_balance: clamp
earn:
  - {id: base, name: 1 point per $1, effect: {type: points_per_spend, points: 1}}
rewards:
  - {id: five-off, name: $5 off, cost: 50, gives: {type: amount_off, amount: 5}}
"""
SHOP_ALLOW = loads_program(SHOP_TEXT_CLAMP.replace("clamp", "allow"))
