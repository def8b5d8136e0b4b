"""Checks of a program's economics, for your own pytest + Hypothesis tests.

Each check plays a :class:`~loyalrules.economics.scenario.Scenario` through the program
and raises :class:`CheckFailed` (an ``AssertionError``) with a readable report (the
member and the steps, the points, the rule lines) when the program breaks the
property. Hypothesis then shrinks the scenario to a small one::

    from hypothesis import given
    from loyalrules.testing import check_split_never_earns_more, from_program

    @given(from_program(program).scenarios())
    def test_splitting_an_order_does_not_pay(scenario):
        check_split_never_earns_more(program, scenario)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Concatenate, ParamSpec

import attrs

from loyalrules import (
    Earned,
    Ledger,
    LineItem,
    LoyalRulesError,
    Money,
    Outcome,
    Program,
    Purchase,
    Return,
    allocate,
)
from loyalrules.economics.budgets import without_budgets
from loyalrules.economics.metrics import points_by_rule, reward_rate_of
from loyalrules.economics.scenario import (
    Scenario,
    describe_step,
    play,
    run_step,
    step_time,
)
from loyalrules.ledger.fold import TIER_BONUS
from loyalrules.terms.policies import NegativeBalance
from loyalrules.values.inputs import PayWithPoints


class CheckFailed(LoyalRulesError, AssertionError):
    """A program broke an economic property; the message shows how, step by step."""


P = ParamSpec("P")


def _budgets_unlimited(
    check: Callable[Concatenate[Program, P], None],
) -> Callable[Concatenate[Program, P], None]:
    """``check`` run on the program with its budgeted rules and rewards paying as if
    their program-wide budgets never ran out (:mod:`loyalrules.economics.budgets`)."""

    @functools.wraps(check)
    def checked(program: Program, /, *args: P.args, **kwargs: P.kwargs) -> None:
        check(without_budgets(program), *args, **kwargs)

    return checked


def _fail(title: str, scenario: Scenario, *details: str) -> CheckFailed:
    text = [title, *details, "The history:", *(f"  {line}" for line in str(scenario).splitlines())]
    return CheckFailed("\n".join(text))


def _lines(label: str, outcome: Outcome) -> list[str]:
    shown = [f"  {label}:"]
    shown += [f"    {line.text}" for line in outcome.explanation if line.points] or ["    nothing"]
    return shown


def _accounts(program: Program) -> tuple[str, ...]:
    return tuple(account.name for account in program.settings.accounts)


def _before_last_purchase(program: Program, scenario: Scenario) -> tuple[Ledger, Purchase] | None:
    """The ledger of every step before the scenario's last purchase, and that purchase."""
    purchases = scenario.purchases
    if not purchases:
        return None
    last = purchases[-1]
    steps = scenario.steps[: scenario.steps.index(last)]
    return play(program, attrs.evolve(scenario, steps=steps)).ledger, last


def _before_paying(program: Program, scenario: Scenario, purchase: Purchase) -> Ledger | None:
    """The ledger before the points that paid part of ``purchase`` (a ``PayWithPoints``
    step for its order), which its full return gives back; None without one."""
    steps = scenario.steps
    for index, step in enumerate(steps[: steps.index(purchase)]):
        if isinstance(step, PayWithPoints) and step.order_id == purchase.id:
            return play(program, attrs.evolve(scenario, steps=steps[:index])).ledger
    return None


def _standing(ledger: Ledger, program: Program, at: datetime) -> dict[str, tuple[int, int, int]]:
    """(available, pending, deficit) of every account of ``program`` at ``at``."""
    result = {}
    for name in _accounts(program):
        balance = ledger.balance(at, name)
        result[name] = (balance.available, balance.pending, balance.deficit)
    return result


@_budgets_unlimited
def check_full_return_nets_zero(
    program: Program, scenario: Scenario, *, kept_rules: Collection[str] = (TIER_BONUS,)
) -> None:
    """Buying the scenario's last purchase and returning all of it at once leaves every
    account's balance (available, pending, deficit) as it was before the purchase (and
    before the points that paid part of it, which the return gives back).

    Points of rules whose id starts with one of ``kept_rules`` may stay: by default
    tier upgrade bonuses (rule ids ``tier:...``), which a return does not take back
    (``docs/tiers.md``). Like any credit, kept points pay a deficit owed first."""
    found = _before_last_purchase(program, scenario)
    if found is None:
        return
    ledger, purchase = found
    at = purchase.occurred_at
    bought = program.process(purchase, member=scenario.member, ledger=ledger)
    kept = dict.fromkeys(_accounts(program), 0)
    for entry in bought.entries:
        if isinstance(entry, Earned) and entry.rule_id.startswith(tuple(kept_rules)):
            kept[entry.account] += entry.points
    before = _standing(_before_paying(program, scenario, purchase) or ledger, program, at)
    # Kept points are a credit: they pay a deficit first (``available`` is net of it).
    expected = {
        name: (a + kept[name], p, max(d - kept[name], 0)) for name, (a, p, d) in before.items()
    }
    after_purchase = ledger.apply(bought)
    back = Return(id=f"{purchase.id}-return", purchase=purchase, occurred_at=at)
    returned = program.process(back, member=scenario.member, ledger=after_purchase)
    after = _standing(after_purchase.apply(returned), program, at)
    if after != expected:
        raise _fail(
            f"A full return of {purchase.id} did not net to zero: (available, pending, "
            f"deficit) per account went from {before} to {after}"
            + (f" (keeping {kept})." if any(kept.values()) else "."),
            scenario,
            *_lines(f"purchase {purchase.id}", bought),
            *_lines(f"its full return at {at.isoformat()}", returned),
        )


@_budgets_unlimited
def check_replay_adds_nothing(program: Program, scenario: Scenario) -> None:
    """Once a scenario is played, playing any of its steps again (an event, a
    redemption with the same key, an expiry run, a tier review) adds no entry."""
    playback = play(program, scenario)
    ledger, member = playback.ledger, scenario.member
    for played in playback.played:
        if played.outcome is None:
            continue
        again = run_step(program, member, ledger, played.step)
        if again.outcome is not None and again.outcome.entries:
            kinds = ", ".join(f"{e.kind} {e.key}" for e in again.outcome.entries)
            raise _fail(
                f"Replaying a step added entries: {describe_step(played.step)}",
                scenario,
                f"  it added: {kinds}",
            )


def _net(line: LineItem) -> Money:
    return line.unit_price * line.quantity - (line.discount or Money.zero(line.unit_price.currency))


def _split_line(line: LineItem) -> tuple[LineItem, LineItem]:
    first = line.quantity // 2
    zero = Money.zero(line.unit_price.currency)
    shares = allocate(line.discount or zero, [line.unit_price * first,
                      line.unit_price * (line.quantity - first)], ["a", "b"])  # fmt: skip
    return (
        attrs.evolve(line, id=f"{line.id}-a", quantity=first, discount=shares[0]),
        attrs.evolve(line, id=f"{line.id}-b", quantity=line.quantity - first, discount=shares[1]),
    )


def splits(purchase: Purchase) -> Iterator[tuple[Purchase, Purchase]]:
    """Every way to split ``purchase`` in two at the same instant: between two lines,
    and through the units of each line of two or more; the order discount and the
    line discounts are shared by value, shipping and tax stay with the first part."""
    lines = purchase.lines
    cuts = [(lines[:k], lines[k:]) for k in range(1, len(lines))]
    for index, line in enumerate(lines):
        if line.quantity >= 2:
            half, rest = _split_line(line)
            cuts.append(((*lines[:index], half), (rest, *lines[index + 1 :])))
    currency = lines[0].unit_price.currency
    for first, second in cuts:
        nets = [sum((_net(x) for x in part), Money.zero(currency)) for part in (first, second)]
        discounts = allocate(purchase.order_discount or Money.zero(currency), nets, ["a", "b"])
        a = attrs.evolve(purchase, id=f"{purchase.id}-a", lines=first,
                         order_discount=discounts[0] or None)  # fmt: skip
        b = attrs.evolve(purchase, id=f"{purchase.id}-b", lines=second, shipping=None, tax=None,
                         order_discount=discounts[1] or None)  # fmt: skip
        yield a, b


def _counted(outcome: Outcome, account: str, visit_rules: Collection[str]) -> int:
    return sum(
        e.points
        for e in outcome.entries
        if isinstance(e, Earned) and e.account == account and e.rule_id not in visit_rules
    )


@_budgets_unlimited
def check_split_never_earns_more(
    program: Program,
    scenario: Scenario,
    *,
    visit_rules: Collection[str] = (),
    slack: int = 0,
) -> None:
    """Splitting the scenario's last purchase into two orders at the same instant never
    earns more, in any account, than the whole order.

    ``visit_rules`` names the rules meant to reward each order (a per-order bonus, a
    threshold bonus the program accepts paying twice), whose points are left out;
    ``slack`` is what rounding may give the second order (a program that counts whole
    dollars per order and multiplies some lines can gain a point by a split)."""
    found = _before_last_purchase(program, scenario)
    if found is None:
        return
    ledger, purchase = found
    member = scenario.member
    whole = program.process(purchase, member=member, ledger=ledger)
    for a, b in splits(purchase):
        first = program.process(a, member=member, ledger=ledger)
        second = program.process(b, member=member, ledger=ledger.apply(first))
        for account in _accounts(program):
            was = _counted(whole, account, visit_rules)
            now = _counted(first, account, visit_rules) + _counted(second, account, visit_rules)
            if now > was + slack:
                raise _fail(
                    f"Splitting {purchase.id} in two earned more {account}: {now} instead "
                    f"of {was}.",
                    scenario,
                    *_lines(f"the whole order {purchase.id}", whole),
                    f"  split into: {describe_step(a)}",
                    f"         and: {describe_step(b)}",
                    *_lines(f"the first part {a.id}", first),
                    *_lines(f"the second part {b.id}", second),
                )


@_budgets_unlimited
def check_reward_rate(
    program: Program,
    scenario: Scenario,
    *,
    at_most: Decimal | str,
    at_least: Decimal | str = "0",
    point_value: Decimal | str | None = None,
    min_spend: Decimal | str = "0",
) -> None:
    """The effective reward rate of the scenario (value of the points earned, less
    what returns took back, per unit of eligible spend, see ``docs/economics.md``)
    lies in ``[at_least, at_most]`` whenever the eligible spend reaches
    ``min_spend`` (so a welcome bonus on a $1 order does not count)."""
    playback = play(program, scenario)
    rate, points, spend = reward_rate_of(program, [playback.ledger], point_value)
    if rate is None or spend <= 0 or spend < Decimal(min_spend):
        return  # no spend to measure a rate on
    if not Decimal(at_least) <= rate <= Decimal(at_most):
        raise _fail(
            f"The effective reward rate is {rate:.4f}, outside [{at_least}, {at_most}]: "
            f"{points} points earned on {spend} of eligible spend.",
            scenario,
            "  points kept by rule:",
            *(f"    {r}: {p}" for r, p in sorted(points_by_rule([playback.ledger]).items())),
        )


@_budgets_unlimited
def check_no_negative_balance(program: Program, scenario: Scenario) -> None:
    """After every step, no account whose ``negative_balance`` is ``clamp`` shows a
    negative available balance or a deficit."""
    ledger, member = Ledger(), scenario.member
    clamped = [
        a.name for a in program.settings.accounts if a.negative_balance is NegativeBalance.CLAMP
    ]
    for step in scenario.steps:
        played = run_step(program, member, ledger, step)
        if played.outcome is not None:
            ledger = ledger.apply(played.outcome)
        for name in clamped:
            balance = ledger.balance(step_time(step), name)
            if balance.available < 0 or balance.deficit:
                raise _fail(
                    f"{name} went negative ({balance.available}, deficit {balance.deficit}) "
                    f"although the program clamps it, after: {describe_step(step)}",
                    scenario,
                )


@_budgets_unlimited
def check_conservation(program: Program, scenario: Scenario) -> None:
    """Per account, after the scenario: everything credited less everything debited
    (redeemed, expired, reversed, transferred, adjusted; a written-off shortfall is not
    charged) is the balance, available plus pending."""
    playback = play(program, scenario)
    at = scenario.end + timedelta(seconds=1)
    for name in _accounts(program):
        balance = playback.ledger.balance(at, name)
        credited = sum(balance.credited.values())
        debited = sum(balance.debited.values()) - balance.written_off
        if credited - debited != balance.total:
            raise _fail(
                f"{name} does not add up: credited {dict(balance.credited)} less debited "
                f"{dict(balance.debited)} (written off {balance.written_off}) is "
                f"{credited - debited}, but the balance is {balance.total}.",
                scenario,
            )


@_budgets_unlimited
def check_redemption_cancel_restores(program: Program, scenario: Scenario) -> None:
    """At the end of the scenario, redeeming any reward the member can have and then
    cancelling that redemption leaves every balance and every reward's availability
    as they were."""
    playback = play(program, scenario)
    ledger, member = playback.ledger, scenario.member
    at = scenario.end + timedelta(seconds=1)
    options = program.rewards_for(member=member, ledger=ledger, at=at)
    for option in options:
        if not (option.eligible and option.affordable):
            continue
        key = f"check-{option.reward_id}"
        redeemed = program.redeem(option.reward_id, member=member, ledger=ledger, at=at, key=key)
        middle = ledger.apply(redeemed)
        cancelled = program.cancel_redemption(member=member, ledger=middle, key=key, at=at)
        after = middle.apply(cancelled)
        if _standing(after, program, at) != _standing(ledger, program, at) or [
            o.message for o in program.rewards_for(member=member, ledger=after, at=at)
        ] != [o.message for o in options]:
            raise _fail(
                f"Redeeming {option.reward_id} and cancelling it did not leave the member "
                f"as they were: {_standing(ledger, program, at)} became "
                f"{_standing(after, program, at)}.",
                scenario,
                *_lines("the redemption", redeemed),
                *_lines("its cancellation", cancelled),
            )


CHECKS = (
    check_full_return_nets_zero,
    check_replay_adds_nothing,
    check_no_negative_balance,
    check_conservation,
    check_redemption_cancel_restores,
)
"""The checks that need no parameter; ``check_split_never_earns_more`` and
``check_reward_rate`` take the program's own allowances."""
