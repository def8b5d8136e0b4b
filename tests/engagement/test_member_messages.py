"""Member messages: safe substitution only, rendered by the outcome; status nudges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import item

from loyalrules import Activity, Ledger, Member, ProgramError, Purchase, loads_program
from loyalrules.rules.messages import MessageTemplate

MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=UTC))
AT = datetime(2026, 6, 1, 12, tzinfo=UTC)
PROGRAM = loads_program(
    """
program: t
currency: USD
timezone: UTC
expiry: {after: P12M}
earn:
  - {id: base, effect: {type: points_per_spend, points: 1}}
  - id: review
    name: Review bonus
    activity: review
    limit: {per: month}
    message: "Thanks! +$points for your ${reward}, until $expires. $$5 off too."
    effect: {type: bonus, points: 50}
rewards:
  - id: coffee
    name: Free coffee
    cost: 60
    gives: {type: free_item, skus: [COFFEE]}
    message: "Enjoy your $reward ($points points)."
challenges:
  - {id: two-orders, name: Two orders, goal: {purchases: 2}, points: 20, message: "Done: +$points"}
"""
)


def _review(review_id: str = "r-1") -> Activity:
    return Activity(id=review_id, member_id=MEMBER.id, kind="review", occurred_at=AT)


def test_a_rule_message_is_rendered_by_the_outcome() -> None:
    outcome = PROGRAM.process(_review(), member=MEMBER, ledger=Ledger())
    assert outcome.member_messages == (
        "Thanks! +50 for your Review bonus, until 2027-06-01. $5 off too.",
    )


def test_a_rule_that_does_not_pay_says_nothing_to_the_member() -> None:
    ledger = Ledger().apply(PROGRAM.process(_review(), member=MEMBER, ledger=Ledger()))
    again = PROGRAM.process(_review("r-2"), member=MEMBER, ledger=ledger)
    assert again.points == 0
    assert again.member_messages == ()


def test_a_reward_and_a_challenge_carry_messages() -> None:
    ledger = Ledger()
    for number in range(2):
        order = Purchase(
            id=f"o-{number}",
            member_id=MEMBER.id,
            occurred_at=AT + timedelta(hours=number),
            lines=[item("CAP", "40.00")],
        )
        outcome = PROGRAM.process(order, member=MEMBER, ledger=ledger)
        ledger = ledger.apply(outcome)
    assert outcome.member_messages == ("Done: +20",)
    later = AT + timedelta(hours=2)
    redeemed = PROGRAM.redeem("coffee", member=MEMBER, ledger=ledger, at=later, key="k-1")
    assert redeemed.member_messages == ("Enjoy your Free coffee (60 points).",)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Hi $name", r"uses \$name"),
        ("Hi ${member.name}", "starts no name"),
        ("{points.__class__}", None),
        ("100% off $ now", "starts no name"),
    ],
)
def test_templates_allow_plain_names_only(text: str, problem: str | None) -> None:
    if problem is None:  # braces alone are plain text: no format() ever runs on a message
        rendered = MessageTemplate.of(text).render(points=1, reward="r", expires="never")
        assert rendered == text
        return
    with pytest.raises(ValueError, match=problem):
        MessageTemplate.of(text)


def test_a_bad_message_is_a_located_error() -> None:
    with pytest.raises(ProgramError, match=r"earn\[0\].message: message 'Hi \$who'"):
        loads_program(
            "program: t\ncurrency: USD\ntimezone: UTC\n"
            "earn: [{id: a, message: 'Hi $who', effect: {type: bonus, points: 1}}]\n"
        )


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20))
def test_substituted_values_are_never_interpreted(reward: str) -> None:
    message = MessageTemplate.of("$reward got $points")
    assert message.render(points=7, reward=reward, expires="never") == f"{reward} got 7"


def test_status_nudges_name_what_the_member_could_do_next() -> None:
    order = Purchase(id="o-1", member_id=MEMBER.id, occurred_at=AT, lines=[item("CAP", "70.00")])
    ledger = Ledger().apply(PROGRAM.process(order, member=MEMBER, ledger=Ledger()))
    nudges = PROGRAM.status(member=MEMBER, ledger=ledger, at=AT).nudges
    assert nudges == (
        "Two orders: 1 more purchase by the end of 2026-06-30",
        "Yours to redeem: Free coffee",
    )
    later = PROGRAM.status(member=MEMBER, ledger=ledger, at=datetime(2027, 5, 10, tzinfo=UTC))
    assert later.nudges[0] == "Use them: 70 points expire on 2027-06-01 at 12:00"


def test_status_nudges_towards_threshold_bonuses_that_are_open() -> None:
    program = loads_program(
        """
program: t
currency: USD
timezone: UTC
earn:
  - {id: big, name: Big order bonus, when: {min_spend: "50.00"}, effect: {type: bonus, points: 25}}
  - id: once
    name: Monthly treat
    when: {min_spend: "30.00"}
    limit: {per: month}
    effect: {type: bonus, points: 10}
  - id: xmas
    active: {from: 2026-12-01, until: 2026-12-24}
    when: {min_spend: "80.00"}
    effect: {type: bonus, points: 50}
  - id: tea
    lines: {categories: [tea]}
    when: {min_spend: "10.00"}
    effect: {type: bonus, points: 5}
"""
    )
    order = Purchase(id="o-1", member_id=MEMBER.id, occurred_at=AT, lines=[item("CAP", "35.00")])
    ledger = Ledger().apply(program.process(order, member=MEMBER, ledger=Ledger()))
    assert program.status(member=MEMBER, ledger=ledger, at=AT).nudges == (
        "Spend $50.00 in one order for +25 bonus points (Big order bonus)",
    )
    december = datetime(2026, 12, 2, tzinfo=UTC)
    assert program.status(member=MEMBER, ledger=ledger, at=december).nudges == (
        "Spend $50.00 in one order for +25 bonus points (Big order bonus)",
        "Spend $30.00 in one order for +10 bonus points (Monthly treat)",
        "Spend $80.00 in one order for +50 bonus points (xmas)",
    )
