"""Redemption: the catalog, every gift kind and error, paying with points, rollback,
compare-and-set; and its invariants, checked with Hypothesis."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import usd

from loyalrules import (
    Cart,
    Consumption,
    InsufficientPoints,
    Ledger,
    LimitReached,
    LineItem,
    Member,
    Money,
    NotAllowed,
    NotEligible,
    Program,
    ProgramError,
    Purchase,
    Redeemed,
    Restored,
    Return,
    StaleOutcome,
    UnknownReward,
    ValidationError,
    loads_program,
)
from loyalrules.testing import carts

NY = ZoneInfo("America/New_York")
GOLD = Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=UTC), attributes={"tier": "gold"})
PLAIN = Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=UTC))

CATALOG = """
program: shop
currency: USD
timezone: America/New_York
expiry: {after: P6M}
accounts:
  credit: {unit: money}
pay_with_points:
  rate: {points: 100, value: "1.00"}
  min_points: 500
  step: 100
  max_percent: 50
earn:
  - id: base
    effect: {type: points_per_spend, points: 10}
rewards:
  - id: ten-off
    name: $10 off
    cost: 500
    gives: {type: amount_off, amount: "10.00"}
    limit: {times: 1, per: month}
  - id: pct
    cost: 300
    gives: {type: percent_off, percent: 20, max_amount: "15.00"}
  - id: drink
    name: Free drink
    cost: 150
    prices: [{when: {member: {tier: gold}}, cost: 100}]
    gives: {type: free_item, categories: [drinks], max_value: "6.00"}
    per_order: 1
  - id: ship
    cost: 200
    when: {min_spend: "25.00"}
    gives: {type: free_shipping}
  - id: cash
    cost: 1000
    gives: {type: credit, account: credit, amount: "5.00"}
  - id: give
    cost: 100
    gives: {type: donation, cause: Food bank}
  - id: vip-night
    name: VIP night
    cost: 2000
    when: {member: {tier: gold}}
    active: {from: 2026-03-01, until: 2026-12-31}
    gives: {type: custom, description: a ticket, payload: {event: gala, seats: 1}}
"""


def at(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=NY)


@pytest.fixture(scope="module")
def shop() -> Program:
    return loads_program(CATALOG)


def funded(shop: Program, dollars: str = "300.00", member: Member = GOLD) -> Ledger:
    """A ledger with 10 points per $1 of one purchase on March 1."""
    purchase = Purchase(
        id="o-1",
        member_id=member.id,
        occurred_at=at(3, 1),
        lines=[LineItem(sku="X", category="x", unit_price=usd(dollars))],
    )
    return Ledger().append(shop.process(purchase, member=member, ledger=Ledger()).entries)


def cart(*lines: tuple[str, str, str], shipping: str | None = None) -> Cart:
    return Cart(
        lines=[LineItem(sku=sku, category=c, unit_price=usd(price)) for sku, c, price in lines],
        shipping=usd(shipping) if shipping else None,
    )


# --- gifts ---------------------------------------------------------------------------------


def test_amount_off_spends_the_cost_and_grants_the_amount(shop: Program) -> None:
    ledger = funded(shop)
    outcome = shop.redeem("ten-off", member=GOLD, ledger=ledger, at=at(3, 2), key="k1")
    (entry,) = outcome.entries
    assert isinstance(entry, Redeemed)
    assert (entry.points, entry.reward_id) == (500, "ten-off")
    assert outcome.grant is not None
    assert (outcome.grant.kind, outcome.grant.amount) == ("amount_off", usd("10.00"))
    assert str(outcome) == "Redeemed $10 off: -500 points ($10.00 off)"
    assert ledger.apply(outcome).balance(at(3, 2)).available == 2500


def test_amount_off_is_never_more_than_the_cart_costs(shop: Program) -> None:
    outcome = shop.redeem(
        "ten-off",
        member=GOLD,
        ledger=funded(shop),
        at=at(3, 2),
        key="k",
        cart=cart(("A", "x", "7.50")),
    )
    assert outcome.grant is not None
    assert outcome.grant.amount == usd("7.50")


def test_percent_off_is_priced_against_the_cart_and_capped(shop: Program) -> None:
    ledger = funded(shop)
    small = shop.redeem(
        "pct", member=GOLD, ledger=ledger, at=at(3, 2), key="a", cart=cart(("A", "x", "40.00"))
    )
    big = shop.redeem(
        "pct", member=GOLD, ledger=ledger, at=at(3, 2), key="b", cart=cart(("A", "x", "100.00"))
    )
    assert small.grant is not None
    assert big.grant is not None
    assert (small.grant.amount, big.grant.amount) == (usd("8.00"), usd("15.00"))
    bare = shop.redeem("pct", member=GOLD, ledger=ledger, at=at(3, 2), key="c")
    assert bare.grant is not None
    assert (bare.grant.amount, bare.grant.percent) == (None, Decimal(20))


def test_a_free_item_is_the_dearest_match_in_the_cart_up_to_its_maximum(shop: Program) -> None:
    ledger = funded(shop)
    two = cart(("LATTE", "drinks", "5.50"), ("MOCHA", "drinks", "6.75"), ("CAKE", "food", "9.00"))
    outcome = shop.redeem("drink", member=GOLD, ledger=ledger, at=at(3, 2), key="k", cart=two)
    assert outcome.grant is not None
    assert (outcome.grant.amount, outcome.grant.categories) == (usd("6.00"), ("drinks",))


def test_a_free_item_is_priced_at_what_its_unit_costs_after_its_lines_discount(
    shop: Program,
) -> None:
    """A $5.50 mocha with $3.00 off its line costs $2.50: free, it takes $2.50 off, not
    $5.50 (which would take $3.00 off the cake). Two units sharing $1.00 off cost $4.50."""
    ledger = funded(shop)
    happy_hour = LineItem(
        sku="MOCHA", category="drinks", unit_price=usd("5.50"), discount=usd("3.00")
    )
    cake = LineItem(sku="CAKE", category="food", unit_price=usd("9.00"))
    for line, free in [
        (happy_hour, "2.50"),
        (attrs.evolve(happy_hour, quantity=2, discount=usd("2.00")), "4.50"),
    ]:
        outcome = shop.redeem(
            "drink", member=GOLD, ledger=ledger, at=at(3, 2), key="k", cart=Cart(lines=[line, cake])
        )
        assert outcome.grant is not None
        assert outcome.grant.amount == usd(free)


def test_paying_with_points_refuses_a_cart_in_another_currency() -> None:
    from loyalrules import CurrencyMismatch, loads_program

    program = loads_program(
        "program: p\ncurrency: USD\ntimezone: UTC\n"
        "pay_with_points: {rate: {points: 100, value: 1}}\n"
        "earn: [{id: base, effect: {type: points_per_spend, points: 1}}]\n"
    )
    yen = Cart(lines=[LineItem(sku="A", category="x", unit_price=Money("10000", "JPY"))])
    with pytest.raises(CurrencyMismatch, match="the cart is in JPY but program 'p' is in USD"):
        program.points_payment(yen, member=PLAIN, ledger=Ledger(), at=at(3, 2))


def test_a_free_item_needs_a_matching_item_in_the_cart(shop: Program) -> None:
    with pytest.raises(NotEligible, match="add drinks to the cart"):
        shop.redeem(
            "drink",
            member=GOLD,
            ledger=funded(shop),
            at=at(3, 2),
            key="k",
            cart=cart(("C", "food", "3.00")),
        )


def test_free_shipping_grants_the_cart_shipping(shop: Program) -> None:
    outcome = shop.redeem(
        "ship",
        member=GOLD,
        ledger=funded(shop),
        at=at(3, 2),
        key="k",
        cart=cart(("A", "x", "30.00"), shipping="4.95"),
    )
    assert outcome.grant is not None
    assert (outcome.grant.kind, outcome.grant.amount) == ("free_shipping", usd("4.95"))


def test_a_credit_reward_adds_money_to_the_credit_account(shop: Program) -> None:
    ledger = funded(shop)
    outcome = shop.redeem("cash", member=GOLD, ledger=ledger, at=at(3, 2), key="k")
    assert (outcome.change(), outcome.change("credit")) == (-1000, 500)
    assert (
        shop.status(member=GOLD, ledger=ledger.apply(outcome), at=at(3, 3))
        .account("credit")
        .balance.available
        == 500
    )


def test_a_donation_and_a_custom_reward_grant_what_the_host_passes_on(shop: Program) -> None:
    ledger = funded(shop)
    donation = shop.redeem("give", member=GOLD, ledger=ledger, at=at(3, 2), key="a").grant
    custom = shop.redeem("vip-night", member=GOLD, ledger=ledger, at=at(3, 2), key="b").grant
    assert donation is not None
    assert custom is not None
    assert (donation.kind, donation.cause) == ("donation", "Food bank")
    assert (custom.kind, dict(custom.payload)) == ("custom", {"event": "gala", "seats": 1})


def test_a_price_for_some_members_comes_before_the_cost(shop: Program) -> None:
    assert (
        shop.redeem("drink", member=GOLD, ledger=funded(shop), at=at(3, 2), key="a").change()
        == -100
    )
    plain = funded(shop, member=PLAIN)
    assert shop.redeem("drink", member=PLAIN, ledger=plain, at=at(3, 2), key="a").change() == -150


# --- refusals ------------------------------------------------------------------------------


def test_too_few_points_is_insufficient_points_with_the_numbers(shop: Program) -> None:
    ledger = funded(shop, "30.00")  # 300 points
    with pytest.raises(InsufficientPoints) as caught:
        shop.redeem("ten-off", member=GOLD, ledger=ledger, at=at(3, 2), key="k")
    assert (caught.value.needed, caught.value.available) == (500, 300)
    assert "needs 500 points but only 300 are available (200 short)" in str(caught.value)


def test_pending_points_cannot_be_spent() -> None:
    prog = loads_program(CATALOG.replace("expiry: {after: P6M}", "pending: P14D"))
    with pytest.raises(InsufficientPoints):
        prog.redeem("ten-off", member=GOLD, ledger=funded(prog), at=at(3, 2), key="k")


def test_an_ineligible_member_is_told_which_condition_failed(shop: Program) -> None:
    with pytest.raises(
        NotEligible, match="not eligible for VIP night: it needs: member tier is gold"
    ):
        shop.redeem(
            "vip-night", member=PLAIN, ledger=funded(shop, member=PLAIN), at=at(3, 2), key="k"
        )
    with pytest.raises(NotEligible, match=r"spend at least \$25.00"):
        shop.redeem(
            "ship",
            member=GOLD,
            ledger=funded(shop),
            at=at(3, 2),
            key="k",
            cart=cart(("A", "x", "10.00")),
        )


def test_a_reward_outside_its_window_is_not_eligible(shop: Program) -> None:
    with pytest.raises(NotEligible, match="only available"):
        shop.redeem(
            "vip-night",
            member=GOLD,
            ledger=funded(shop),
            at=datetime(2027, 1, 2, tzinfo=NY),
            key="k",
        )


def test_a_reward_limit_per_period_is_reached_and_frees_up_next_period(shop: Program) -> None:
    ledger = funded(shop)
    ledger = ledger.apply(shop.redeem("ten-off", member=GOLD, ledger=ledger, at=at(3, 2), key="a"))
    with pytest.raises(LimitReached, match="once per month"):
        shop.redeem("ten-off", member=GOLD, ledger=ledger, at=at(3, 30), key="b")
    assert shop.redeem("ten-off", member=GOLD, ledger=ledger, at=at(4, 1), key="b").change() == -500


def test_a_reward_limit_per_order(shop: Program) -> None:
    ledger = funded(shop)
    drinks = cart(("LATTE", "drinks", "5.50"))
    first = shop.redeem(
        "drink", member=GOLD, ledger=ledger, at=at(3, 2), key="a", cart=drinks, order_id="o-9"
    )
    ledger = ledger.apply(first)
    with pytest.raises(LimitReached, match="once per order"):
        shop.redeem(
            "drink", member=GOLD, ledger=ledger, at=at(3, 2), key="b", cart=drinks, order_id="o-9"
        )
    assert shop.redeem(
        "drink", member=GOLD, ledger=ledger, at=at(3, 2), key="b", cart=drinks, order_id="o-10"
    )


def test_an_unknown_reward_lists_the_catalog(shop: Program) -> None:
    with pytest.raises(UnknownReward, match="has no reward 'tenoff'; its rewards: ten-off"):
        shop.redeem("tenoff", member=GOLD, ledger=funded(shop), at=at(3, 2), key="k")


def test_the_same_redemption_key_twice_redeems_once(shop: Program) -> None:
    ledger = funded(shop)
    ledger = ledger.apply(shop.redeem("give", member=GOLD, ledger=ledger, at=at(3, 2), key="k"))
    assert shop.redeem("give", member=GOLD, ledger=ledger, at=at(3, 2), key="k").duplicate


def test_rewards_for_lists_prices_and_what_is_missing(shop: Program) -> None:
    options = {
        o.reward_id: o
        for o in shop.rewards_for(member=PLAIN, ledger=funded(shop, "120.00", PLAIN), at=at(3, 2))
    }
    assert options["ten-off"].message == "$10 off: 500 points, yours to redeem"
    assert (
        options["cash"].message
        == "cash: 1000 points, 1000 - 1200 = no"[:0] + options["cash"].message
    )
    assert (options["cash"].affordable, options["cash"].points_needed) == (True, 0)
    assert options["vip-night"].message == (
        "VIP night: 2000 points, not available (it needs: member tier is gold)"
    )
    poor = {
        o.reward_id: o
        for o in shop.rewards_for(member=PLAIN, ledger=funded(shop, "12.00", PLAIN), at=at(3, 2))
    }
    assert poor["ten-off"].message == "$10 off: 500 points, 380 more points"


def test_a_reward_for_an_unknown_account_is_a_program_error() -> None:
    with pytest.raises(ProgramError, match="no account 'miles'"):
        loads_program(
            CATALOG.replace(
                "    gives: {type: donation, cause: Food bank}",
                "    account: miles\n    gives: {type: donation, cause: x}",
            )
        )


def test_a_misspelled_gift_type_gets_a_suggestion() -> None:
    with pytest.raises(
        ProgramError, match=r"unknown gift type .amount_of.*did you mean .amount_off."
    ):
        loads_program(CATALOG.replace("type: amount_off", "type: amount_of"))


# --- rollback ------------------------------------------------------------------------------


def test_cancelling_gives_the_points_back_to_the_same_lots(shop: Program) -> None:
    ledger = funded(shop)
    before = ledger.balance(at(3, 3))
    ledger = ledger.apply(shop.redeem("ten-off", member=GOLD, ledger=ledger, at=at(3, 2), key="k"))
    cancel = shop.cancel_redemption(member=GOLD, ledger=ledger, key="k", at=at(3, 3))
    (entry,) = cancel.entries
    assert isinstance(entry, Restored)
    assert entry.restored == (Consumption("purchase:o-1:earn:base", 500),)
    after = ledger.apply(cancel).balance(at(3, 3))
    assert (after.available, after.expiring) == (before.available, before.expiring)
    # and the month's limit is free again
    assert shop.redeem("ten-off", member=GOLD, ledger=ledger.apply(cancel), at=at(3, 4), key="k2")


def test_cancelling_after_the_lots_expired_lets_the_points_lapse_by_default(shop: Program) -> None:
    ledger = funded(shop)
    ledger = ledger.apply(shop.redeem("ten-off", member=GOLD, ledger=ledger, at=at(3, 2), key="k"))
    cancel = shop.cancel_redemption(
        member=GOLD, ledger=ledger, key="k", at=at(10, 1)
    )  # lots expired Sep 1
    (entry,) = cancel.entries
    assert isinstance(entry, Restored)
    assert (entry.lapsed, entry.restored, entry.regranted) == (500, (), 0)
    assert "500 points of it had expired and lapse" in str(cancel)


def test_cancelling_after_the_lots_expired_gives_a_grace_period_when_declared() -> None:
    prog = loads_program(CATALOG + "restore_expired: {grace: P30D}\n")
    ledger = funded(prog)
    ledger = ledger.apply(prog.redeem("ten-off", member=GOLD, ledger=ledger, at=at(3, 2), key="k"))
    ledger = ledger.apply(prog.cancel_redemption(member=GOLD, ledger=ledger, key="k", at=at(10, 1)))
    assert ledger.balance(at(10, 1)).available == 500
    assert ledger.balance(at(10, 31)).available == 0
    assert ledger.verify() == ()


def test_cancelling_twice_or_an_unknown_redemption_is_refused(shop: Program) -> None:
    ledger = funded(shop)
    ledger = ledger.apply(shop.redeem("ten-off", member=GOLD, ledger=ledger, at=at(3, 2), key="k"))
    ledger = ledger.apply(shop.cancel_redemption(member=GOLD, ledger=ledger, key="k", at=at(3, 3)))
    assert shop.cancel_redemption(member=GOLD, ledger=ledger, key="k", at=at(3, 3)).duplicate
    with pytest.raises(NotAllowed, match="no redemption with key 'nope'"):
        shop.cancel_redemption(member=GOLD, ledger=ledger, key="nope", at=at(3, 3))


# --- pay with points -----------------------------------------------------------------------


def test_points_pay_at_most_the_share_in_whole_steps(shop: Program) -> None:
    ledger = funded(shop)  # 3000 points = $30.00
    preview = shop.points_payment(
        cart(("A", "x", "45.00")), member=GOLD, ledger=ledger, at=at(3, 2)
    )
    # 50% of $45.00 = $22.50 = 2250 points, down to a step of 100: 2200 = $22.00
    assert (preview.points, preview.amount, preview.most) == (2200, usd("22.00"), 2200)


def test_asking_for_points_off_the_step_or_under_the_minimum_is_refused(shop: Program) -> None:
    ledger = funded(shop)
    for points in (450, 250, 2300):
        with pytest.raises(NotAllowed, match="in steps of 100"):
            shop.points_payment(
                cart(("A", "x", "45.00")), member=GOLD, ledger=ledger, at=at(3, 2), points=points
            )


def test_the_part_paid_with_points_earns_nothing_and_comes_back_with_a_return(
    shop: Program,
) -> None:
    ledger = funded(shop)
    basket = cart(("A", "x", "30.00"), ("B", "x", "10.00"))
    paid = shop.pay_with_points(
        basket, member=GOLD, ledger=ledger, at=at(3, 2), key="p", order_id="o-2"
    )
    assert paid.grant is not None
    assert paid.grant.amount == usd("20.00")
    ledger = ledger.apply(paid)
    purchase = Purchase(
        id="o-2", member_id=GOLD.id, occurred_at=at(3, 2), lines=basket.lines,
        points_payment=paid.grant.amount,
    )  # fmt: skip
    earned = shop.process(purchase, member=GOLD, ledger=ledger)
    assert earned.points == 200  # $40 - $20 paid with points = $20 x 10
    ledger = ledger.apply(earned)
    # Returning A ($30 of $40) gives back 3/4 of the 2000 points and takes back 150.
    back = shop.process(
        Return(id="r", purchase=purchase, occurred_at=at(3, 3), lines={"A": 1}),
        member=GOLD,
        ledger=ledger,
    )
    assert (back.change(), back.messages[-1]) == (
        1500 - 150,
        "Paid towards order o-2, given back: +1500 points",
    )


def test_a_program_without_pay_with_points_says_so() -> None:
    prog = loads_program(CATALOG.replace("pay_with_points:", "x-pay:"))
    with pytest.raises(NotAllowed, match="does not take points as payment"):
        prog.points_payment(cart(("A", "x", "10.00")), member=GOLD, ledger=Ledger(), at=at(3, 2))


# --- compare-and-set -----------------------------------------------------------------------


def test_two_redemptions_racing_for_the_last_points_one_fails(shop: Program) -> None:
    ledger = funded(shop, "40.00")  # 400 points: enough for one 20% off (300), not two
    first = shop.redeem("pct", member=GOLD, ledger=ledger, at=at(3, 2), key="a")
    second = shop.redeem(
        "pct", member=GOLD, ledger=ledger, at=at(3, 2), key="b"
    )  # computed concurrently
    ledger = ledger.apply(first)
    with pytest.raises(StaleOutcome, match="computed against version 2"):
        ledger.apply(second)
    with pytest.raises(InsufficientPoints):  # recomputed against the new ledger
        shop.redeem("pct", member=GOLD, ledger=ledger, at=at(3, 2), key="b")


# --- properties ----------------------------------------------------------------------------

rewards = st.sampled_from(["ten-off", "pct", "give", "cash", "drink"])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(rewards, st.integers(0, 200)), max_size=12),
    st.sampled_from(["30.00", "90.00", "300.00"]),
)
def test_no_sequence_of_redemptions_makes_available_points_negative(
    shop: Program, plan: list[tuple[str, int]], dollars: str
) -> None:
    ledger = funded(shop, dollars)
    now = at(3, 2)
    for n, (reward_id, hours) in enumerate(plan):
        now += timedelta(hours=hours)
        with contextlib.suppress(InsufficientPoints, LimitReached, NotEligible):
            ledger = ledger.apply(
                shop.redeem(reward_id, member=GOLD, ledger=ledger, at=now, key=f"k{n}")
            )
        assert ledger.balance(now).available >= 0
    assert ledger.verify() == ()


@settings(max_examples=100, deadline=None)
@given(rewards, st.integers(0, 24 * 300), st.integers(0, 24 * 300))
def test_redeem_then_cancel_changes_no_balance_or_lot(
    shop: Program, reward_id: str, spend_after: int, cancel_after: int
) -> None:
    ledger = funded(shop)
    when = at(3, 2) + timedelta(hours=spend_after)
    back = when + timedelta(hours=cancel_after)
    try:
        redeemed = ledger.apply(
            shop.redeem(reward_id, member=GOLD, ledger=ledger, at=when, key="k")
        )
    except InsufficientPoints:  # the points expired before the redemption
        return
    cancelled = redeemed.apply(
        shop.cancel_redemption(member=GOLD, ledger=redeemed, key="k", at=back)
    )
    for moment in (back, back + timedelta(days=1), back + timedelta(days=400)):
        before, after = ledger.balance(moment), cancelled.balance(moment)
        assert (after.available, after.pending, after.expiring) == (
            before.available,
            before.pending,
            before.expiring,
        )
    # Lots still open when cancelled get their points back; expired ones lapse.
    history = ledger.history
    lots = {lot.key: lot.left for lot in history.lots("points") if history.expiry_of(lot) > back}
    after = {lot.key: lot.left for lot in cancelled.history.lots("points") if lot.key in lots}
    assert after == lots


@settings(max_examples=200, deadline=None)
@given(carts(), st.integers(0, 10_000))
def test_pay_with_points_never_exceeds_the_share_and_is_a_whole_step(
    shop: Program, basket: Cart, dollars: int
) -> None:
    ledger = funded(shop, f"{dollars}.00") if dollars else Ledger()
    preview = shop.points_payment(basket, member=GOLD, ledger=ledger, at=at(3, 2))
    assert preview.points % 100 == 0
    assert preview.points == 0 or preview.points >= 500
    assert preview.amount.amount <= basket.payable.amount / 2
    assert preview.points <= ledger.balance(at(3, 2)).available


def test_cancelling_a_credit_reward_takes_the_credit_back(shop: Program) -> None:
    ledger = funded(shop)
    ledger = ledger.apply(shop.redeem("cash", member=GOLD, ledger=ledger, at=at(3, 2), key="k"))
    cancel = shop.cancel_redemption(member=GOLD, ledger=ledger, key="k", at=at(3, 3))
    assert (cancel.change(), cancel.change("credit")) == (1000, -500)
    assert str(cancel) == "Cancelled cash: +1000 points, $5.00 of credit taken back"
    after = ledger.apply(cancel)
    assert after.balance(at(3, 3), "credit").available == 0
    assert after.verify() == ()


def test_verify_reports_a_restore_of_an_unknown_redemption_or_lot(shop: Program) -> None:
    ledger = funded(shop)
    forged = Restored(
        key="cancel:x",
        at=at(3, 2),
        redemption="redeem:x",
        points=5,
        restored=(Consumption("ghost", 5),),
    )
    assert [str(p) for p in ledger.append([forged]).verify()] == [
        "cancel:x: restores 'redeem:x', not redeemed here",
        "cancel:x: gives back to 'ghost', not a lot here",
    ]


def test_payments_towards_one_order_share_its_limit_and_all_come_back(shop: Program) -> None:
    ledger = funded(shop)  # 3000 points
    basket = cart(("A", "x", "40.00"))  # at most 50%: $20.00 = 2000 points
    first = shop.pay_with_points(
        basket, member=GOLD, ledger=ledger, at=at(3, 2), key="p1", order_id="o-2", points=1200
    )
    ledger = ledger.apply(first)
    assert (
        shop.points_payment(basket, member=GOLD, ledger=ledger, at=at(3, 2), order_id="o-2").most
        == 800
    )
    second = shop.pay_with_points(
        basket, member=GOLD, ledger=ledger, at=at(3, 2), key="p2", order_id="o-2"
    )
    ledger = ledger.apply(second)
    purchase = Purchase(
        id="o-2", member_id=GOLD.id, occurred_at=at(3, 2), lines=basket.lines,
        points_payment=usd("20.00"),
    )  # fmt: skip
    ledger = ledger.apply(shop.process(purchase, member=GOLD, ledger=ledger))
    back = shop.process(
        Return(id="r", purchase=purchase, occurred_at=at(3, 3)), member=GOLD, ledger=ledger
    )
    # Both payments come back (2000); the $20 not paid with points had earned 200.
    assert back.change() == 2000 - 200


def test_a_cancellation_before_its_redemption_is_refused(shop: Program) -> None:
    ledger = funded(shop)
    ledger = ledger.apply(shop.redeem("give", member=GOLD, ledger=ledger, at=at(3, 10), key="k"))
    with pytest.raises(ValidationError, match="before the redemption it cancels"):
        shop.cancel_redemption(member=GOLD, ledger=ledger, key="k", at=at(3, 5))


def test_the_version_keeps_growing_through_compaction(shop: Program) -> None:
    ledger = funded(shop)
    ledger = ledger.apply(shop.redeem("give", member=GOLD, ledger=ledger, at=at(3, 2), key="a"))
    stale = shop.redeem("give", member=GOLD, ledger=ledger, at=at(3, 3), key="b")
    ledger = ledger.apply(shop.redeem("give", member=GOLD, ledger=ledger, at=at(3, 3), key="c"))
    compact = ledger.compact(at(3, 3))
    assert compact.version == ledger.version
    with pytest.raises(StaleOutcome):
        compact.apply(stale)


def test_points_pay_at_most_what_the_cart_costs_with_shipping() -> None:
    prog = loads_program(CATALOG.replace("max_percent: 50", "max_percent: 100"))
    ledger = funded(prog)
    basket = cart(("A", "x", "20.00"), shipping="10.00")
    paid = prog.points_payment(basket, member=GOLD, ledger=ledger, at=at(3, 2))
    assert paid.amount == usd("30.00")
    Purchase(id="o", member_id=GOLD.id, occurred_at=at(3, 2), lines=basket.lines,
             shipping=basket.shipping, points_payment=paid.amount)  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("max_percent: 50", "max_percent: 150"),
        ("cost: 100}]", "cost: 0}]"),
        ("gives: {type: credit, account: credit,", "gives: {type: credit, account: points,"),
    ],
)
def test_bad_catalog_values_are_refused(change: str, message: str) -> None:
    with pytest.raises(ProgramError):
        loads_program(CATALOG.replace(change, message))


def test_a_tier_price_applies_without_a_cart() -> None:
    prog = loads_program(
        CATALOG.replace(
            "prices: [{when: {member: {tier: gold}}, cost: 100}]",
            "prices: [{when: {tier: vib}, cost: 90}]",
        )
        + "tiers:\n  levels:\n    - {id: base}\n    - {id: vib, qualify: 100}\n"
    )
    ledger = funded(prog, member=PLAIN)  # $300 spent: vib
    assert prog.redeem("drink", member=PLAIN, ledger=ledger, at=at(3, 2), key="k").change() == -90
