"""A multiplier limited to one tender's share: "3x points on the part paid with our card"."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st
from support import item, usd

from loyalrules import Ledger, Member, Program, Purchase, Return, loads_program
from loyalrules.values.tenders import Tender

MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=UTC))
AT = datetime(2026, 3, 1, tzinfo=UTC)


def program(extra: str = "", stacking: str = "multiply", counting: str = "whole") -> Program:
    return loads_program(
        f"program: shop\ncurrency: USD\ntimezone: UTC\nstacking: {stacking}\nearn:\n"
        "  - id: base\n    name: 1 point per $1\n"
        f"    effect: {{type: points_per_spend, points: 1, counting: {counting}}}\n"
        "  - id: cobrand\n    name: 3x on the card\n"
        "    effect: {type: multiply, factor: 3, paid_with: cobrand}\n" + extra
    )


def purchase(price: str, *tenders: tuple[str, str], **kw: object) -> Purchase:
    return Purchase(
        id="o-1",
        member_id=MEMBER.id,
        occurred_at=AT,
        lines=[item(sku="A", price=price)],
        tenders=[Tender(method=m, amount=usd(a)) for m, a in tenders],
        **kw,  # type: ignore[arg-type]
    )


def points(p: Purchase, prog: Program | None = None) -> dict[str, int]:
    outcome = (prog or program()).process(p, member=MEMBER, ledger=Ledger())
    return {line.rule_id: line.points for line in outcome.explanation if line.status == "applied"}


def test_all_paid_with_the_card_triples_everything() -> None:
    assert points(purchase("10.00", ("cobrand", "10.00"))) == {"base": 10, "cobrand": 20}


def test_nothing_paid_with_the_card_does_not_apply() -> None:
    assert points(purchase("10.00", ("visa", "10.00"))) == {"base": 10}
    assert points(purchase("10.00")) == {"base": 10}  # no tenders, no payment method


def test_without_tenders_the_payment_method_is_all_or_nothing() -> None:
    assert points(purchase("10.00", payment="cobrand")) == {"base": 10, "cobrand": 20}
    assert points(purchase("10.00", payment="visa")) == {"base": 10}


def test_a_split_multiplies_the_card_share_only() -> None:
    # 60% paid with the card: 6 of the 10 points are tripled, 12 more.
    paid = purchase("10.00", ("cobrand", "6.00"), ("visa", "4.00"))
    assert points(paid) == {"base": 10, "cobrand": 12}


def test_a_split_with_a_discount_shares_what_was_paid() -> None:
    # $10.00 less $2.00 off: 8 points; the card paid $5.00 of the $8.00, 5/8 of them.
    paid = purchase("10.00", ("cobrand", "5.00"), ("visa", "3.00"), order_discount=usd("2.00"))
    assert points(paid) == {"base": 8, "cobrand": 10}


def test_the_share_is_exact_and_rounded_once_with_the_order() -> None:
    # 10 x (1 + 2 x 3.33/10) = 16.66 points, floored once: 16, 6 of them the card's.
    paid = purchase("10.00", ("cobrand", "3.33"), ("visa", "6.67"))
    assert points(paid) == {"base": 10, "cobrand": 6}
    # $3.50 on the card makes exactly 17.00; one cent under, 16.98 is still 16.
    paid = purchase("10.00", ("cobrand", "3.50"), ("visa", "6.50"))
    assert points(paid) == {"base": 10, "cobrand": 7}
    paid = purchase("10.00", ("cobrand", "3.49"), ("visa", "6.51"))
    assert points(paid) == {"base": 10, "cobrand": 6}


ALL_DOUBLE = "  - {id: promo, name: Double points, effect: {type: multiply, factor: 2}}\n"


def test_stacking_multiply_multiplies_the_card_share_by_both() -> None:
    # The card's $6.00 earns 6 x 2 x 3 = 36, the rest 4 x 2 = 8: 44 in all.
    got = points(purchase("10.00", ("cobrand", "6.00"), ("visa", "4.00")), program(ALL_DOUBLE))
    assert sum(got.values()) == 44


def test_stacking_add_adds_the_card_share_extra() -> None:
    # The card's share: 6 x (1 + 1 + 2) = 24, the rest 4 x 2 = 8: 32 in all.
    prog = program(ALL_DOUBLE, stacking="add")
    got = points(purchase("10.00", ("cobrand", "6.00"), ("visa", "4.00")), prog)
    assert got == {"base": 10, "cobrand": 12, "promo": 10}


def test_stacking_best_picks_the_best_factor_on_each_share() -> None:
    # The card's $6.00 earns its 3x (12 more), the rest the promotion's 2x (4 more).
    prog = program(ALL_DOUBLE, stacking="best")
    got = points(purchase("10.00", ("cobrand", "6.00"), ("visa", "4.00")), prog)
    assert got == {"base": 10, "cobrand": 12, "promo": 4}
    # All paid with the card: 3x on everything, the promotion adds nothing.
    got = points(purchase("10.00", ("cobrand", "10.00")), prog)
    assert got == {"base": 10, "cobrand": 20, "promo": 0}
    # None paid with it: the promotion's 2x.
    assert points(purchase("10.00", ("visa", "10.00")), prog) == {"base": 10, "promo": 10}


def test_stacking_best_ties_go_to_the_rule_written_first() -> None:
    tie = "  - {id: promo, name: Triple points, effect: {type: multiply, factor: 3}}\n"
    prog = program(tie, stacking="best")
    got = points(purchase("10.00", ("cobrand", "6.00"), ("visa", "4.00")), prog)
    assert got == {"base": 10, "cobrand": 12, "promo": 8}


def test_a_return_takes_back_the_card_points_of_what_is_returned() -> None:
    prog = program()
    bought = Purchase(
        id="o-1", member_id=MEMBER.id, occurred_at=AT,
        lines=[item(sku="A", price="10.00"), item(sku="B", price="10.00")],
        tenders=[Tender(method=m, amount=usd("10.00")) for m in ("cobrand", "visa")],
    )  # fmt: skip
    ledger = Ledger().apply(prog.process(bought, member=MEMBER, ledger=Ledger()))
    assert ledger.balance(AT).available == 20 + 20  # half of 20 points tripled
    back = Return(id="r", purchase=bought, occurred_at=AT, lines={"B": 1})
    assert prog.process(back, member=MEMBER, ledger=ledger).change() == -(10 + 10)


@settings(max_examples=60, deadline=None)
@given(cents=st.integers(1, 100_000), card_cents=st.integers(0, 100_000))
def test_points_are_the_base_tripled_on_the_card_share_exactly(cents: int, card_cents: int) -> None:
    card_cents = min(card_cents, cents)
    price, on_card = Decimal(cents) / 100, Decimal(card_cents) / 100
    tenders = [t for t in (("cobrand", on_card), ("visa", price - on_card)) if t[1]]
    paid = purchase(str(price), *[(m, str(a)) for m, a in tenders])
    got = points(paid, program(counting="pro_rata"))
    share = Fraction(on_card) / Fraction(price)
    assert sum(got.values()) == math.floor(Fraction(price) * (1 + 2 * share))
    assert ("cobrand" in got) == (card_cents > 0)


@settings(max_examples=60, deadline=None)
@given(
    cents=st.integers(1, 100_000),
    card_cents=st.integers(0, 100_000),
    card=st.integers(1, 4),
    promo=st.integers(1, 4),
    stacking=st.sampled_from(["multiply", "add", "best"]),
)
def test_each_share_stacks_as_the_program_says(
    cents: int, card_cents: int, card: int, promo: int, stacking: str
) -> None:
    card_cents = min(card_cents, cents)
    price, on_card = Decimal(cents) / 100, Decimal(card_cents) / 100
    prog = loads_program(
        f"program: shop\ncurrency: USD\ntimezone: UTC\nstacking: {stacking}\nearn:\n"
        "  - {id: base, effect: {type: points_per_spend, points: 1, counting: pro_rata}}\n"
        f"  - {{id: cobrand, effect: {{type: multiply, factor: {card}, paid_with: cobrand}}}}\n"
        f"  - {{id: promo, effect: {{type: multiply, factor: {promo}}}}}\n"
    )
    tenders = [t for t in (("cobrand", on_card), ("visa", price - on_card)) if t[1]]
    got = points(purchase(str(price), *[(m, str(a)) for m, a in tenders]), prog)
    # Worked out share by share: the card's share and the rest, each stacked alone.
    s = Fraction(on_card) / Fraction(price)
    on_card_factor = {"multiply": card * promo, "add": card + promo - 1, "best": max(card, promo)}
    exact = Fraction(price) * (s * on_card_factor[stacking] + (1 - s) * promo)
    assert sum(got.values()) == math.floor(exact)
