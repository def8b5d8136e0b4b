"""A stored outcome keeps its why: the checks in a stable JSON form and back, or the
event explained again from the stored ledger (``Program.explain``)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import item

from loyalrules import (
    Activity,
    Ledger,
    Member,
    Outcome,
    Purchase,
    RuleCheck,
    ValidationError,
    WrongTypeError,
    loads_program,
)

LA = ZoneInfo("America/Los_Angeles")
MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=LA))
PROGRAM = loads_program(
    """
program: t
currency: USD
timezone: America/Los_Angeles
earn:
  - {id: base, name: Base, effect: {type: points_per_spend, points: 1}}
  - id: big
    name: Big order
    when: {min_spend: "50.00"}
    effect: {type: bonus, points: 100}
  - id: daily
    name: Once a day
    limit: {per: day}
    effect: {type: bonus, points: 5}
  - id: review
    name: Review
    activity: review
    limit: {per: month}
    effect: {type: bonus, points: 30}
"""
)


def _order(number: int, price: str, hour: int = 9) -> Purchase:
    at = datetime(2026, 3, 2, hour, tzinfo=LA)
    return Purchase(id=f"o-{number}", member_id=MEMBER.id, occurred_at=at, lines=[item("S", price)])


def _stored(ledger: Ledger) -> Ledger:
    """The ledger as a host reads it back from JSON rows."""
    return Ledger.from_dicts(json.loads(json.dumps([entry.to_dict() for entry in ledger])))


def _two_orders() -> tuple[Ledger, Outcome]:
    first = PROGRAM.process(_order(1, "20.00"), member=MEMBER, ledger=Ledger())
    ledger = Ledger().apply(first)
    second = PROGRAM.process(_order(2, "30.00", hour=10), member=MEMBER, ledger=ledger)
    return ledger.apply(second), second


# --- the checks as JSON -----------------------------------------------------------------


def test_checks_round_trip_through_stable_json() -> None:
    _, outcome = _two_orders()
    text = RuleCheck.dumps(outcome.checks)
    assert RuleCheck.loads(text) == outcome.checks
    assert RuleCheck.dumps(RuleCheck.loads(text)) == text  # stable: same checks, same text
    daily = next(check for check in RuleCheck.loads(text) if check.rule_id == "daily")
    assert str(daily) == str(outcome.why("daily"))
    assert daily.reasons[0].kind == "limit"
    assert daily.reasons[0].resets_at == datetime(2026, 3, 3, tzinfo=LA)


def test_a_check_is_one_json_object_with_a_format_version() -> None:
    _, outcome = _two_orders()
    rows = json.loads(RuleCheck.dumps(outcome.checks))
    assert [row["rule_id"] for row in rows] == ["base", "big", "daily", "review"]
    assert {row["v"] for row in rows} == {1}
    big = rows[1]
    assert big["points"] == 0
    assert big["reasons"][0]["wanted"] == "spend at least $50.00"
    assert big["reasons"][0]["seen"] == "spent $30.00"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("not json", "not JSON"),
        ('{"rule_id": "x"}', "JSON list of objects"),
        ('[{"v": 2, "rule_id": "x", "name": "X", "points": 0}]', "format version 2"),
        ('[{"v": 1, "rule_id": "x", "name": "X"}]', "not a stored rule check"),
        ('[{"v": 1, "rule_id": "x", "name": "X", "points": 0, "reasons": ["x"]}]', "not a stored"),
        (
            '[{"v": 1, "rule_id": "x", "name": "X", "points": 0, '
            '"reasons": [{"kind": "bogus", "text": "t"}]}]',
            "kind",
        ),
    ],
)
def test_anything_else_is_refused_with_a_validation_error(text: str, says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        RuleCheck.loads(text)


# --- Program.explain ----------------------------------------------------------------------


def test_explain_gives_a_stored_event_its_why_back() -> None:
    ledger, second = _two_orders()
    later = PROGRAM.process(_order(3, "80.00", hour=11), member=MEMBER, ledger=ledger)
    stored = _stored(ledger.apply(later))  # entries only, and more after the event
    again = PROGRAM.explain(_order(2, "30.00", hour=10), member=MEMBER, ledger=stored)
    assert again.entries == second.entries
    assert again.checks == second.checks
    assert again.render(verbose=True) == second.render(verbose=True)
    assert "Once a day: not paid: limit reached" in again.render(verbose=True)


def test_explain_works_for_activities() -> None:
    review = Activity(
        id="a-1", member_id=MEMBER.id, kind="review", occurred_at=datetime(2026, 3, 4, tzinfo=LA)
    )
    outcome = PROGRAM.process(review, member=MEMBER, ledger=Ledger())
    again = PROGRAM.explain(review, member=MEMBER, ledger=_stored(Ledger().apply(outcome)))
    assert again.why("review") == outcome.why("review")
    assert again.why("base") is not None
    assert again.why("base").reasons[0].kind == "event"


def test_explain_refuses_an_event_the_ledger_does_not_hold() -> None:
    ledger, _ = _two_orders()
    with pytest.raises(ValidationError, match="holds no entry 'purchase:o-9'"):
        PROGRAM.explain(_order(9, "5.00"), member=MEMBER, ledger=ledger)
    with pytest.raises(WrongTypeError, match="Purchase or an Activity"):
        PROGRAM.explain("o-1", member=MEMBER, ledger=ledger)  # type: ignore[arg-type]


@settings(max_examples=25, deadline=None)
@given(
    prices=st.lists(st.integers(100, 9000), min_size=1, max_size=6),
    gaps=st.lists(st.integers(0, 30), min_size=6, max_size=6),
)
def test_explain_gives_every_stored_event_the_checks_it_had(
    prices: list[int], gaps: list[int]
) -> None:
    ledger, outcomes, orders = Ledger(), [], []
    at = datetime(2026, 3, 1, 8, tzinfo=LA)
    for number, (cents, gap) in enumerate(zip(prices, gaps, strict=False)):
        at += timedelta(hours=gap)
        order = Purchase(
            id=f"o-{number}",
            member_id=MEMBER.id,
            occurred_at=at,
            lines=[item("S", f"{cents / 100:.2f}")],
        )
        outcome = PROGRAM.process(order, member=MEMBER, ledger=ledger)
        ledger = ledger.apply(outcome)
        orders.append(order)
        outcomes.append(RuleCheck.dumps(outcome.checks))
    stored = _stored(ledger)
    for order, checks in zip(orders, outcomes, strict=True):
        again = PROGRAM.explain(order, member=MEMBER, ledger=stored)
        assert RuleCheck.dumps(again.checks) == checks
