"""Rules scoped to lines a cart does not hold are not looked at, and nothing changes."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from support import earn_program, item

from loyalrules import Ledger, Member, Purchase
from loyalrules.rules.lines import EligibleLine
from loyalrules.rules.plan_index import PlanIndex
from loyalrules.rules.selectors import LineSelector

MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=UTC))


class Plan:
    def __init__(self, name: str, lines: LineSelector | None) -> None:
        self.name, self.lines = name, lines


def test_only_rules_naming_a_line_of_the_cart_and_unscoped_rules_are_relevant() -> None:
    plans = [
        Plan("base", None),
        Plan("beans", LineSelector(categories={"beans"})),
        Plan("mug", LineSelector(skus={"MUG"})),
        Plan("vegan", LineSelector(tags={"vegan"})),
        Plan("not-gifts", LineSelector(exclude_categories={"gifts"})),
        Plan("beans-again", LineSelector(categories={"beans"}, exclude_skus={"B-2"})),
    ]
    index = PlanIndex(plans + [Plan(f"gift-{n}", LineSelector(skus={f"G-{n}"})) for n in range(8)])
    assert index.indexes
    mug = item("MUG", category="merch", tags=("vegan",))
    cart = [EligibleLine(mug, Decimal(0), True)]
    assert [p.name for p in index.relevant(cart)] == ["base", "mug", "vegan", "not-gifts"]
    beans = [EligibleLine(item("B-1", category="beans"), Decimal(0), True)]
    assert [p.name for p in index.relevant(beans)] == ["base", "beans", "not-gifts", "beans-again"]
    # Asked again, the rules remembered for the same matches are the same ones.
    assert [p.name for p in index.relevant(cart)] == ["base", "mug", "vegan", "not-gifts"]
    assert index.relevant(beans) is index.relevant(beans)


def test_a_program_with_few_scoped_rules_is_not_indexed() -> None:
    plans = [Plan("base", None), Plan("all", LineSelector())]
    plans += [Plan(f"gift-{n}", LineSelector(skus={f"G-{n}"})) for n in range(7)]
    assert not PlanIndex(plans).indexes


SCOPED = """
- id: base
  effect: {type: points_per_spend, points: 1}
- id: beans
  lines: {categories: [beans]}
  effect: {type: multiply, factor: 2}
- id: mug
  lines: {skus: [MUG]}
  when: {min_spend: "20"}
  effect: {type: bonus, points: 30}
- id: pastry
  lines: {categories: [pastries]}
  effect: {type: points_per_spend, points: 3, per: 2}
""" + "".join(
    f"- id: other-{n}\n  lines: {{skus: [OTHER-{n}]}}\n  effect: {{type: bonus, points: 5}}\n"
    for n in range(8)
)
CATEGORIES = ("beans", "pastries", "drinks")


@given(
    st.lists(
        st.tuples(
            st.sampled_from(CATEGORIES), st.sampled_from(("MUG", "CUP", "BAG")), st.integers(1, 40)
        ),
        min_size=1,
        max_size=5,
    )
)
def test_an_indexed_program_explains_like_one_that_looks_at_every_rule(
    lines: list[tuple[str, str, int]],
) -> None:
    program = earn_program(SCOPED)
    book = program._earning.book
    assert book.purchase_index.indexes
    cart = Purchase(
        id="o-1",
        member_id=MEMBER.id,
        occurred_at=datetime(2026, 3, 1, tzinfo=UTC),
        lines=[
            item(sku, f"{price}.50", category, id=str(n))
            for n, (category, sku, price) in enumerate(lines)
        ],
    )
    indexed = program.process(cart, member=MEMBER, ledger=Ledger())
    object.__setattr__(book, "purchase_index", PlanIndex([]))  # look at every rule
    every = program.process(cart, member=MEMBER, ledger=Ledger())
    assert indexed.entries == every.entries
    assert indexed.explanation == every.explanation
