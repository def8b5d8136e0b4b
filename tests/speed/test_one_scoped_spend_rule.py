"""A spend rule scoped to some lines with multipliers on every line (the usual "1 point
per $1, gift cards excluded") skips the pooling of lines by the rules acting on them:
the exact points must be those the pooling gives."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from loyalrules import Ledger, Member, loads_program
from loyalrules.rules.pipeline import evaluate_cart
from loyalrules.rules.rounding import spend_points
from loyalrules.testing import carts

STACKINGS = ("multiply", "add", "best")
MEMBER = Member(id="m", joined_at=datetime(2025, 1, 1, tzinfo=UTC), attributes={"tier": "gold"})
AT = datetime(2026, 12, 3, 12, tzinfo=UTC)


def _program(stacking: str, per: str):  # type: ignore[no-untyped-def]
    return loads_program(f"""
program: p
currency: USD
timezone: UTC
rounding: {{mode: floor, stage: order}}
stacking: {stacking}
earn:
  - id: base
    lines: {{exclude: {{categories: [gift_cards]}}}}
    effect: {{type: points_per_spend, points: 3, per: {per}, counting: whole}}
  - id: gold
    when: {{member: {{tier: gold}}}}
    effect: {{type: multiply, factor: "1.5"}}
  - id: december
    active: {{from: 2026-12-01, until: 2026-12-24}}
    effect: {{type: multiply, factor: "1.25"}}
""")


PROGRAMS = {(s, per): _program(s, per) for s in STACKINGS for per in ("1", "0.5", "7")}
CATEGORIES = st.sampled_from(["gift_cards", "drinks", "beans"])


@given(st.sampled_from(sorted(PROGRAMS)), carts(max_lines=6))
def test_one_scoped_spend_rule_earns_what_pooling_gives(key: tuple[str, str], cart) -> None:  # type: ignore[no-untyped-def]
    earning = PROGRAMS[key]._earning
    ctx = earning.cart_context(cart, MEMBER, Ledger().facts, AT)
    book = earning.book
    (base,) = book.spend
    chosen = base.lines.select(ctx.lines)
    if not chosen:
        return
    multipliers = list(book.multipliers)
    fast = spend_points([base], multipliers, {base.pos: chosen}, ctx.lines, ctx)
    # A scope for a rule that did not apply changes nothing but takes the pooling path.
    pooled = spend_points([base], multipliers, {base.pos: chosen, -1: []}, ctx.lines, ctx)
    assert fast == pooled
    assert evaluate_cart(book, ctx).awards  # and the pipeline gives points through it
