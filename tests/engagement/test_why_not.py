"""Why not: every rule of an outcome says whether it paid and, if not, why."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from support import earn_program, item

from loyalrules import Activity, Cart, Ledger, Member, Purchase

MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=UTC))
WEDNESDAY = datetime(2026, 6, 10, 12, tzinfo=UTC)

PROGRAM = earn_program(
    """
    - {id: base, name: 1 per $1, max_points: 30, effect: {type: points_per_spend, points: 1}}
    - id: big
      name: Big order bonus
      when: {min_spend: "50.00"}
      effect: {type: bonus, points: 25}
    - id: weekend-app
      when: {weekday: [sat, sun], channel: app}
      effect: {type: bonus, points: 5}
    - id: monthly
      limit: {times: 1, per: month}
      effect: {type: bonus, points: 7}
    - id: tea-2x
      lines: {categories: [tea]}
      effect: {type: multiply, factor: 2}
    - {id: review, activity: review, effect: {type: bonus, points: 50}}
    - id: xmas
      active: {from: 2026-12-20, until: 2026-12-26}
      effect: {type: bonus, points: 9}
    - id: either
      when: {any: [{channel: app}, {payment: card}]}
      effect: {type: bonus, points: 3}
    """
)


def _order(order_id: str, price: str, at: datetime = WEDNESDAY, **kw: object) -> Purchase:
    return Purchase(
        id=order_id,
        member_id=MEMBER.id,
        occurred_at=at,
        lines=[item("CAP", price, "hats")],
        **kw,  # type: ignore[arg-type]
    )


def _after_one_order() -> Ledger:
    first = PROGRAM.process(_order("o-1", "20.00"), member=MEMBER, ledger=Ledger())
    return Ledger().apply(first)


def test_a_failed_condition_names_what_was_wanted_and_what_was_seen() -> None:
    outcome = PROGRAM.process(_order("o-1", "20.00"), member=MEMBER, ledger=Ledger())
    check = outcome.why("big")
    assert check is not None
    assert not check.paid
    (reason,) = check.reasons
    assert (reason.kind, reason.wanted, reason.seen) == (
        "condition",
        "spend at least $50.00",
        "spent $20.00",
    )


def test_every_failing_part_of_an_all_is_named() -> None:
    outcome = PROGRAM.process(_order("o-1", "20.00"), member=MEMBER, ledger=Ledger())
    check = outcome.why("weekend-app")
    assert check is not None
    assert [r.seen for r in check.reasons] == ["a wed", "channel None"]


def test_only_the_failing_part_of_an_all_is_named() -> None:
    saturday = datetime(2026, 6, 13, 12, tzinfo=UTC)
    outcome = PROGRAM.process(_order("o-1", "20.00", saturday), member=MEMBER, ledger=Ledger())
    check = outcome.why("weekend-app")
    assert check is not None
    assert [r.wanted for r in check.reasons] == ["bought via app"]


def test_a_rule_stopped_by_its_limit_says_what_it_would_have_given_and_when_it_resets() -> None:
    outcome = PROGRAM.process(_order("o-2", "20.00"), member=MEMBER, ledger=_after_one_order())
    assert not outcome.paid("monthly")
    check = outcome.why("monthly")
    assert check is not None
    (reason,) = check.reasons
    assert reason.kind == "limit"
    assert (reason.desired, reason.awarded) == (7, 0)
    assert reason.resets_at == datetime(2026, 7, 1, tzinfo=UTC)
    assert "once per month (1 used)" in reason.text


def test_a_capped_rule_paid_but_says_how_much_it_lost() -> None:
    outcome = PROGRAM.process(_order("o-1", "45.00"), member=MEMBER, ledger=Ledger())
    assert outcome.paid("base")
    check = outcome.why("base")
    assert check is not None
    assert check.points == 30
    assert [(r.kind, r.desired, r.awarded) for r in check.reasons] == [("capped", 45, 30)]


def test_lines_dates_and_event_kinds_are_reasons() -> None:
    outcome = PROGRAM.process(_order("o-1", "20.00"), member=MEMBER, ledger=Ledger())
    kinds = {rule: outcome.why(rule).reasons[0].kind for rule in ("tea-2x", "xmas", "review")}  # type: ignore[union-attr]
    assert kinds == {"tea-2x": "lines", "xmas": "inactive", "review": "event"}


def test_an_activity_names_the_purchase_rules_as_for_another_event() -> None:
    review = Activity(id="r-1", member_id=MEMBER.id, kind="review", occurred_at=WEDNESDAY)
    outcome = PROGRAM.process(review, member=MEMBER, ledger=Ledger())
    assert outcome.paid("review")
    base = outcome.why("base")
    assert base is not None
    assert base.reasons[0].kind == "event"


def test_an_any_that_fails_is_one_reason() -> None:
    outcome = PROGRAM.process(_order("o-1", "20.00"), member=MEMBER, ledger=Ledger())
    check = outcome.why("either")
    assert check is not None
    assert [r.wanted for r in check.reasons] == ["either bought via app or paid with card"]


def test_the_default_rendering_is_unchanged_and_verbose_adds_why_not() -> None:
    outcome = PROGRAM.process(_order("o-1", "20.00"), member=MEMBER, ledger=Ledger())
    assert outcome.render() == str(outcome) == "\n".join(e.text for e in outcome.explanation)
    verbose = outcome.render(verbose=True)
    assert verbose.startswith(str(outcome) + "\nWhy not:\n")
    assert "  Big order bonus: not paid: wanted spend at least $50.00" in verbose


def test_a_replay_says_it_pays_nothing_twice() -> None:
    ledger = _after_one_order()
    again = PROGRAM.process(_order("o-1", "20.00"), member=MEMBER, ledger=ledger)
    check = again.why("base")
    assert again.duplicate
    assert check is not None
    assert check.reasons[0].kind == "replay"
    assert not again.paid("base")


def test_a_quote_answers_the_same_questions() -> None:
    cart = Cart(lines=[item("CAP", "20.00", "hats")])
    quote = PROGRAM.quote(cart, member=MEMBER, ledger=Ledger(), at=WEDNESDAY)
    assert quote.paid("base")
    assert not quote.paid("big")
    assert quote.why("big") == PROGRAM.process(
        _order("o-1", "20.00"), member=MEMBER, ledger=Ledger()
    ).why("big")


def test_the_reasons_survive_pickle() -> None:
    outcome = PROGRAM.process(_order("o-2", "20.00"), member=MEMBER, ledger=_after_one_order())
    copy = pickle.loads(pickle.dumps(outcome))
    assert copy == outcome
    assert copy.checks == outcome.checks


def test_an_unknown_rule_has_no_check() -> None:
    outcome = PROGRAM.process(_order("o-1", "20.00"), member=MEMBER, ledger=Ledger())
    assert outcome.why("no-such-rule") is None


KINDS = {"condition", "limit", "inactive", "lines", "event", "capped", "stacking", "rounding"}


@settings(max_examples=60, deadline=None)
@given(
    price=st.decimals(min_value="0.01", max_value="120.00", places=2),
    days=st.integers(min_value=0, max_value=400),
    channel=st.sampled_from([None, "app", "web"]),
    payment=st.sampled_from([None, "card", "cash"]),
    before=st.integers(min_value=0, max_value=2),
)
def test_the_why_not_of_every_non_paying_rule_names_a_real_reason(
    price: object, days: int, channel: str | None, payment: str | None, before: int
) -> None:
    at = WEDNESDAY + timedelta(days=days, hours=days % 24)
    ledger = Ledger()
    for n in range(before):
        ledger = ledger.apply(
            PROGRAM.process(_order(f"b-{n}", "5.00", at), member=MEMBER, ledger=ledger)
        )
    order = _order("o", str(price), at, channel=channel, payment=payment)
    outcome = PROGRAM.process(order, member=MEMBER, ledger=ledger)
    for check in outcome.checks:
        assert check.paid == outcome.paid(check.rule_id)
        if check.paid and not check.reasons:
            continue
        assert check.reasons, check
        for reason in check.reasons:
            assert reason.kind in KINDS
            assert reason.text
            if reason.kind == "condition":
                assert reason.wanted
                assert reason.seen
            if reason.kind in ("limit", "capped"):
                assert reason.desired is not None
                assert reason.desired > (reason.awarded or 0)
