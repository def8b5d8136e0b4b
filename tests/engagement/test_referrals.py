"""Referrals, both sides: the referee's window, the referrer's event, caps per referrer,
the self-referral guard with its refusal explained."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from support import earn_program, item

from loyalrules import Ledger, Member, NotAllowed, ProgramError, Purchase, loads_program

HEAD = "program: t\ncurrency: USD\ntimezone: UTC\n"
PROGRAM = loads_program(
    HEAD
    + """
referrals:
  qualifying: [referee-welcome]
  identity: [email_hash, card]
earn:
  - {id: base, effect: {type: points_per_spend, points: 1}}
  - id: referee-welcome
    when: {referred: true, first_purchase: true, min_spend: "20.00", since_joining: {within: P30D}}
    effect: {type: bonus, points: 200}
  - id: referrer-bonus
    activity: referral
    limit: {times: 2, per: year}
    effect: {type: bonus, points: 500}
"""
)
JOINED = datetime(2026, 5, 1, 12, tzinfo=UTC)
ANA = Member(id="ana", joined_at=datetime(2025, 1, 1, tzinfo=UTC), attributes={"email_hash": "a1"})


def _referee(member_id: str = "bo", **attributes: object) -> Member:
    return Member(id=member_id, joined_at=JOINED, attributes={"referred_by": "ana", **attributes})


def _first_order(member: Member, price: str = "25.00", days: int = 3) -> object:
    order = Purchase(
        id="o-1",
        member_id=member.id,
        occurred_at=JOINED + timedelta(days=days),
        lines=[item("CAP", price)],
    )
    return PROGRAM.process(order, member=member, ledger=Ledger())


@pytest.mark.parametrize(
    ("price", "days", "paid"),
    [("25.00", 3, True), ("19.99", 3, False), ("20.00", 29, True), ("25.00", 30, False)],
)
def test_the_referees_window(price: str, days: int, paid: bool) -> None:
    assert _first_order(_referee(), price, days).paid("referee-welcome") is paid  # type: ignore[attr-defined]


def test_a_member_nobody_referred_gets_no_referee_bonus() -> None:
    plain = Member(id="cy", joined_at=JOINED)
    outcome = _first_order(plain)
    assert not outcome.paid("referee-welcome")  # type: ignore[attr-defined]
    check = outcome.why("referee-welcome")  # type: ignore[attr-defined]
    assert check.reasons[0].seen == "not referred"


def test_the_qualifying_outcome_becomes_the_referrers_event() -> None:
    bo = _referee()
    referral = PROGRAM.referral(_first_order(bo), referee=bo, referrer=ANA)  # type: ignore[arg-type]
    assert not referral.refused
    event = referral.event
    assert event is not None
    assert (event.member_id, event.kind, event.id) == ("ana", "referral", "bo")
    outcome = PROGRAM.process(event, member=ANA, ledger=Ledger())
    assert outcome.points == 500
    ledger = Ledger().apply(outcome)
    assert PROGRAM.process(event, member=ANA, ledger=ledger).duplicate


def test_a_referrer_is_capped_per_period_and_told_why() -> None:
    ledger, paid = Ledger(), []
    for name in ("bo", "cy", "di"):
        referee = _referee(name)
        event = PROGRAM.referral(_first_order(referee), referee=referee, referrer=ANA).event  # type: ignore[arg-type]
        assert event is not None
        outcome = PROGRAM.process(event, member=ANA, ledger=ledger)
        ledger = ledger.apply(outcome)
        paid.append(outcome.points)
    assert paid == [500, 500, 0]
    check = outcome.why("referrer-bonus")
    assert check is not None
    assert "2 times per year" in check.reasons[0].text


@pytest.mark.parametrize(
    ("attributes", "reason"),
    [
        (
            {"email_hash": "a1"},
            "refused as a self-referral: the referee's email_hash is the referrer's",
        ),
        ({"card": "c9"}, None),
    ],
)
def test_the_self_referral_guard_compares_identity_facts(
    attributes: dict[str, str], reason: str | None
) -> None:
    bo = _referee(**attributes)
    ana = Member(id="ana", joined_at=ANA.joined_at, attributes={"email_hash": "a1", "card": "c1"})
    referral = PROGRAM.referral(_first_order(bo), referee=bo, referrer=ana)  # type: ignore[arg-type]
    assert referral.refused is (reason is not None)
    if reason is not None:
        assert referral.reason == reason


def test_refusals_say_why() -> None:
    bo = _referee()
    early = PROGRAM.referral(_first_order(bo, "10.00"), referee=bo, referrer=ANA)  # type: ignore[arg-type]
    assert early.refused
    assert early.reason.startswith("not yet: the referee's event paid none of referee-welcome")
    assert "wanted spend at least $20.00, saw spent $10.00" in early.reason
    other = Member(id="zed", joined_at=ANA.joined_at)
    assert (
        "was not referred by zed"
        in PROGRAM.referral(_first_order(bo), referee=bo, referrer=other).reason
    )  # type: ignore[arg-type]
    assert (
        "cannot refer themselves"
        in PROGRAM.referral(_first_order(bo), referee=bo, referrer=bo).reason
    )  # type: ignore[arg-type]


def test_a_program_without_referrals_refuses_and_unknown_rules_are_errors() -> None:
    plain = earn_program("- {id: base, effect: {type: bonus, points: 1}}")
    bo = _referee()
    with pytest.raises(NotAllowed, match="no referrals"):
        plain.referral(_first_order(bo), referee=bo, referrer=ANA)  # type: ignore[arg-type]
    with pytest.raises(ProgramError, match="no rule 'welcom' to qualify referrals"):
        loads_program(
            HEAD
            + "referrals: {qualifying: welcom}\n"
            + "earn: [{id: welcome, effect: {type: bonus, points: 1}}]\n"
        )
