"""Split tender: a purchase paid several ways, and points on the share paid one way."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import item, usd

from loyalrules import (
    Ledger,
    Member,
    Money,
    Program,
    Purchase,
    Return,
    ValidationError,
    loads_program,
)
from loyalrules.values.events import Tender

MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=UTC))
AT = datetime(2026, 3, 1, tzinfo=UTC)


def program() -> Program:
    # "2 stars per $1 paid with the stored-value card, 1 per $1 otherwise"
    return loads_program(
        "program: cafe\ncurrency: USD\ntimezone: UTC\npoints_name: stars\nearn:\n"
        "  - {id: base, name: 1 star per $1, effect: {type: points_per_spend, points: 1}}\n"
        "  - id: card\n    name: +1 star per $1 on the card\n"
        "    effect: {type: points_per_tender, methods: stored_value, points: 1}\n"
        "  - {id: card-day, name: Card day, when: {payment: stored_value}, "
        "effect: {type: bonus, points: 5}}\n"
    )


def purchase(
    price: str, *tenders: tuple[str, str], tax: str | None = None, **kw: object
) -> Purchase:
    return Purchase(
        id="o-1",
        member_id=MEMBER.id,
        occurred_at=AT,
        lines=[item(sku="A", price=price)],
        tax=usd(tax) if tax else None,
        tenders=[Tender(method=m, amount=usd(a)) for m, a in tenders],
        **kw,  # type: ignore[arg-type]
    )


def stars(p: Purchase) -> dict[str, int]:
    outcome = program().process(p, member=MEMBER, ledger=Ledger())
    return {line.rule_id: line.points for line in outcome.explanation if line.points}


def test_the_card_earns_on_its_share_only() -> None:
    paid = purchase("10.00", ("stored_value", "6.00"), ("card", "4.00"))
    assert stars(paid) == {"base": 10, "card": 6, "card-day": 5}


def test_the_share_is_of_what_was_paid_tax_included() -> None:
    paid = purchase("10.00", ("stored_value", "6.60"), ("card", "4.40"), tax="1.00")
    assert stars(paid)["card"] == 6  # 60% of the $10.00 that earns


def test_whole_dollars_only_one_cent_under() -> None:
    paid = purchase("10.00", ("stored_value", "5.99"), ("card", "4.01"))
    assert stars(paid)["card"] == 5


def test_without_tenders_the_payment_method_is_all_or_nothing() -> None:
    assert stars(purchase("10.00", payment="stored_value"))["card"] == 10
    assert "card" not in stars(purchase("10.00", payment="card"))


def test_tenders_must_add_up_to_what_the_cart_costs() -> None:
    with pytest.raises(
        ValidationError, match=r"the tenders add up to \$9.99 but the cart costs \$10.00"
    ):
        purchase("10.00", ("stored_value", "5.99"), ("card", "4.00"))
    with pytest.raises(ValidationError, match="is in EUR"):
        Purchase(
            id="o", member_id="m-1", occurred_at=AT, lines=[item(price="1.00")],
            tenders=[Tender(method="card", amount=Money("1.00", "EUR"))],
        )  # fmt: skip


def test_a_return_takes_back_the_card_stars_of_what_is_returned() -> None:
    prog = program()
    bought = Purchase(
        id="o-1", member_id=MEMBER.id, occurred_at=AT,
        lines=[item(sku="A", price="10.00"), item(sku="B", price="10.00")],
        tenders=[Tender(method=m, amount=usd("10.00")) for m in ("stored_value", "card")],
    )  # fmt: skip
    ledger = Ledger().apply(prog.process(bought, member=MEMBER, ledger=Ledger()))
    assert ledger.balance(AT).available == 20 + 10 + 5
    back = Return(id="r", purchase=bought, occurred_at=AT, lines={"B": 1})
    outcome = prog.process(back, member=MEMBER, ledger=ledger)
    assert outcome.change() == -(10 + 5)  # half the spend: 10 base, 5 card stars


@settings(max_examples=60, deadline=None)
@given(
    cents=st.integers(1, 100_000),
    card_share=st.integers(0, 100),
)
def test_card_stars_never_exceed_the_spend_and_grow_with_the_share(
    cents: int, card_share: int
) -> None:
    price = Decimal(cents) / 100
    on_card = (price * card_share / 100).quantize(Decimal("0.01"))
    rest = price - on_card
    tenders = [("stored_value", str(on_card)), ("card", str(rest))]
    got = stars(purchase(str(price), *[t for t in tenders if Decimal(t[1])])).get("card", 0)
    # The share is exact: the stars are the whole dollars paid on the card.
    assert got == int(on_card)
