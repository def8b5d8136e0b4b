"""Every Program method takes member=, ledger= and at= by keyword; the 0.1 forms still
work for one release, with a DeprecationWarning that points at the caller."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import pytest
from support import earn_program, item

from loyalrules import Ledger, Member, Program, Purchase, WrongTypeError

MEMBER = Member(id="m", joined_at=datetime(2026, 1, 1, tzinfo=UTC))
BOUGHT = datetime(2026, 2, 1, tzinfo=UTC)
LATER = datetime(2027, 6, 1, tzinfo=UTC)


def shop() -> Program:
    return earn_program(
        "- {id: base, effect: {type: points_per_spend, points: 10}}",
        settings="""
        expiry: {after: P12M}
        tiers:
          qualify_on: spend
          window: calendar_year
          levels:
            - {id: member}
            - {id: gold, qualify: 100}
        rewards:
          - {id: drink, cost: 50, gives: {type: custom, description: a drink}}
        """,
    )


def funded(program: Program) -> Ledger:
    purchase = Purchase(id="o-1", member_id="m", occurred_at=BOUGHT, lines=[item(price="20.00")])
    return Ledger().apply(program.process(purchase, member=MEMBER, ledger=Ledger()))


def _quiet(call: object) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return call() if callable(call) else call


@pytest.mark.parametrize(
    ("method", "old_args", "old_kwargs"),
    [
        ("expire", ("M", "L", LATER), {}),
        ("status", ("M", "L", LATER), {}),
        ("tier", ("M", "L", LATER), {}),
        ("review_tiers", ("M", "L", LATER), {}),
        ("rewards_for", ("M", "L", BOUGHT), {}),
        ("redeem", ("drink", "M", "L", BOUGHT), {"key": "r-1"}),
    ],
)
def test_the_positional_form_warns_and_gives_the_keyword_forms_answer(
    method: str, old_args: tuple[object, ...], old_kwargs: dict[str, object]
) -> None:
    program = shop()
    ledger = funded(program)
    args = tuple(
        {"M": MEMBER, "L": ledger}.get(a, a) if isinstance(a, str) else a for a in old_args
    )
    names = ("member", "ledger", "at")
    subject = args[:-3]
    new = _quiet(
        lambda: getattr(program, method)(
            *subject, **dict(zip(names, args[-3:], strict=True)), **old_kwargs
        )
    )
    with pytest.warns(
        DeprecationWarning, match=rf"{method}\(\): pass member, ledger, at by keyword"
    ):
        old = getattr(program, method)(*args, **old_kwargs)
    assert old == new


@pytest.mark.parametrize("method", ["expire", "status", "review_tiers", "rewards_for"])
def test_as_of_is_the_old_spelling_of_at(method: str) -> None:
    program = shop()
    ledger = funded(program)
    new = _quiet(lambda: getattr(program, method)(member=MEMBER, ledger=ledger, at=LATER))
    with pytest.warns(DeprecationWarning, match="the instant is called at= now"):
        old = getattr(program, method)(member=MEMBER, ledger=ledger, as_of=LATER)
    assert old == new


def test_the_warning_points_at_the_callers_line() -> None:
    program = shop()
    with pytest.warns(DeprecationWarning, match="by keyword") as caught:
        program.status(MEMBER, Ledger(), LATER)  # type: ignore[misc]
    assert caught[0].filename == __file__


def test_adjust_and_assign_tier_take_their_old_positional_subject() -> None:
    program = shop()
    ledger = funded(program)
    kwargs = {"reason": "goodwill", "actor": "agent", "at": BOUGHT, "key": "t-1"}
    with pytest.warns(DeprecationWarning, match="pass member, ledger, points by keyword"):
        old = program.adjust(MEMBER, ledger, 25, **kwargs)  # type: ignore[misc, arg-type]
    assert old == program.adjust(member=MEMBER, ledger=ledger, points=25, **kwargs)  # type: ignore[arg-type]
    tier_kwargs = {**kwargs, "until": None}
    with pytest.warns(DeprecationWarning, match="pass member, ledger, level by keyword"):
        old = program.assign_tier(MEMBER, ledger, "gold", **tier_kwargs)  # type: ignore[misc, arg-type]
    assert old == program.assign_tier(member=MEMBER, ledger=ledger, level="gold", **tier_kwargs)  # type: ignore[arg-type]


def test_cancel_redemption_takes_its_old_positional_member_and_ledger() -> None:
    program = shop()
    ledger = funded(program)
    ledger = ledger.apply(program.redeem("drink", member=MEMBER, ledger=ledger, at=BOUGHT, key="r"))
    with pytest.warns(DeprecationWarning, match="pass member, ledger by keyword"):
        old = program.cancel_redemption(MEMBER, ledger, key="r", at=LATER)  # type: ignore[misc]
    assert old == program.cancel_redemption(member=MEMBER, ledger=ledger, key="r", at=LATER)
    assert old.entries


def test_an_instant_given_twice_is_refused() -> None:
    program = shop()
    with (
        pytest.warns(DeprecationWarning, match="as_of= is deprecated"),
        pytest.raises(WrongTypeError, match="got at twice; pass it once, as at="),
    ):
        program.status(member=MEMBER, ledger=Ledger(), at=LATER, as_of=LATER)  # type: ignore[call-arg]
    with (
        pytest.warns(DeprecationWarning, match="by keyword"),
        pytest.raises(WrongTypeError, match="got member twice"),
    ):
        program.status(MEMBER, member=MEMBER, ledger=Ledger(), at=LATER)  # type: ignore[misc]


def test_too_many_positional_arguments_say_what_to_pass_by_keyword() -> None:
    with pytest.raises(WrongTypeError, match="takes at most 0 positional argument"):
        shop().status(MEMBER, Ledger(), LATER, "points")  # type: ignore[misc]


def test_the_keyword_form_does_not_warn() -> None:
    program = shop()
    ledger = funded(program)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        program.expire(member=MEMBER, ledger=ledger, at=LATER)
        program.status(member=MEMBER, ledger=ledger, at=LATER)
        program.tier(member=MEMBER, ledger=ledger, at=LATER)
        program.review_tiers(member=MEMBER, ledger=ledger, at=LATER)
        program.rewards_for(member=MEMBER, ledger=ledger, at=LATER)
        program.redeem("drink", member=MEMBER, ledger=ledger, at=BOUGHT, key="k")


def test_the_ledger_calls_its_instant_at_too() -> None:
    program = shop()
    ledger = funded(program)
    new = _quiet(lambda: ledger.balance(at=LATER))
    assert new == _quiet(lambda: ledger.balance(LATER))
    with pytest.warns(DeprecationWarning, match=r"balance\(\): the instant is called at= now"):
        assert ledger.balance(as_of=LATER) == new
    with pytest.warns(DeprecationWarning, match=r"compact\(\): the instant is called at= now"):
        old = ledger.compact(as_of=BOUGHT)
    assert old.entries == ledger.compact(at=BOUGHT).entries
    with pytest.raises(WrongTypeError, match="got at twice"):
        ledger.balance(LATER, as_of=LATER)
