"""The engine builds its Outcomes and Quotes without attrs' generated ``__init__``; they
must equal, hash, print and pickle as the ones built through it."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

from loyalrules import LineItem, Member, Money, Purchase, loads_program
from loyalrules.operations.outcome import Awarded, Outcome, Quote
from loyalrules.values.events import Cart

PROGRAM = loads_program("""
program: results
currency: USD
timezone: UTC
earn:
  - {id: base, name: 1 point per $1, effect: {type: points_per_spend, points: 1}}
  - {id: big, name: Big basket, when: {min_spend: "50.00"}, effect: {type: bonus, points: 9}}
""")
AT = datetime(2026, 5, 1, 12, tzinfo=UTC)
MEMBER = Member(id="m-1", joined_at=AT)
TEA = LineItem(sku="TEA", category="tea", unit_price=Money("12.50", "USD"))


def test_an_engine_outcome_is_the_outcome_its_fields_make() -> None:
    from loyalrules import Ledger

    order = Purchase(id="o-1", member_id="m-1", occurred_at=AT, lines=[TEA])
    built = PROGRAM.process(order, member=MEMBER, ledger=Ledger())
    made = Outcome(
        event_key=built.event_key,
        entries=built.entries,
        explanation=built.explanation,
        ledger_version=built.ledger_version,
        accounts=built.accounts,
        budgets_used=built.budgets_used,
        member_messages=built.member_messages,
    )
    assert built == made
    assert hash(built) == hash(made)
    assert repr(built) == repr(made)
    assert pickle.loads(pickle.dumps(built)) == built
    assert built.checks
    assert pickle.loads(pickle.dumps(built)).checks == built.checks


def test_an_engine_quote_is_the_quote_its_fields_make() -> None:
    from loyalrules import Ledger

    (built,) = PROGRAM.quote_many([Cart(lines=[TEA])], member=MEMBER, ledger=Ledger(), at=AT)
    made = Quote(
        points=built.points,
        eligible_spend=built.eligible_spend,
        explanation=built.explanation,
        awarded=Awarded(dict(built.awarded), PROGRAM.settings.account_names),
    )
    assert built == made
    assert repr(built) == repr(made)
    assert pickle.loads(pickle.dumps(built)) == built
    assert [check.rule_id for check in built.why_not] == ["big"]
