"""Invariants of the points lifecycle, over random histories of purchases, returns,
cancellations, adjustments, activations and expiry runs, under every combination of
pending, expiry and negative-balance policy."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from string import Template

from hypothesis import example, given, settings
from hypothesis import strategies as st

from loyalrules import (
    Activation,
    Cart,
    Earned,
    InsufficientPoints,
    Ledger,
    LineItem,
    Member,
    Money,
    Outcome,
    Program,
    Purchase,
    Return,
    Reversed,
    loads_program,
)
from loyalrules.testing import carts

MEMBER = Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=UTC))
START = datetime(2026, 1, 1, tzinfo=UTC)
ACCOUNTS = ("points", "cashback")

LIFE = Template("""
program: life
currency: USD
timezone: America/New_York
pending: $pending
expiry: $expiry
negative_balance: $negative
accounts:
  cashback: {unit: money, pending: none}
eligible_spend: {exclude: {categories: [gift_cards]}}
earn:
  - id: base
    effect: {type: points_per_spend, points: "1.25", counting: pro_rata}
  - id: beans-2x
    lines: {categories: [beans]}
    effect: {type: multiply, factor: 2}
  - id: big-order
    when: {min_spend: "40.00"}
    effect: {type: bonus, points: 25}
  - id: welcome
    when: {first_purchase: true}
    expiry: {after: P1M}
    effect: {type: bonus, points: 100}
  - id: monthly
    limit: {times: 1, per: month}
    effect: {type: bonus, points: 7}
  - id: back
    account: cashback
    effect: {type: cashback, percent: 3}
""")

PROGRAMS = {
    combo: loads_program(LIFE.substitute(pending=combo[0], expiry=combo[1], negative=combo[2]))
    for combo in itertools.product(
        ("none", "P14D", "{until: activated}"),
        ("never", "{after: P6M, end_of: month}", "{inactivity: P3M}"),
        ("allow", "clamp"),
    )
}
# Drawn by key, so that a failing example names the policies rather than the program.
programs = st.sampled_from(sorted(PROGRAMS))

gaps = st.integers(min_value=1, max_value=24 * 70).map(lambda hours: timedelta(hours=hours))
buy = st.tuples(st.just("buy"), carts())
give_back = st.tuples(st.just("return"), st.integers(0, 20), st.integers(0, 2**16))
cancel = st.tuples(st.just("cancel"), st.integers(0, 20))
adjust = st.tuples(st.just("adjust"), st.integers(-300, 300).filter(bool))
expire = st.tuples(st.just("expire"))
activate = st.tuples(st.just("activate"), st.integers(0, 20))
steps = st.lists(
    st.tuples(gaps, st.one_of(buy, buy, give_back, cancel, adjust, expire, activate)),
    max_size=14,
)


class Run:
    """Applies steps to one member's ledger the way a host would."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.ledger = Ledger()
        self.now = START
        self.purchases: list[Purchase] = []
        self.outcomes: list[Outcome] = []

    def apply(self, outcome: Outcome) -> None:
        self.ledger = self.ledger.append(outcome.entries)
        self.outcomes.append(outcome)

    def process(self, event: object) -> None:
        self.apply(self.program.process(event, member=MEMBER, ledger=self.ledger))  # type: ignore[arg-type]

    def left(self, purchase: Purchase) -> dict[str, int]:
        back = self.ledger.history.returned.get(f"purchase:{purchase.id}", {})
        units = {line.id: line.quantity - back.get(line.id, 0) for line in purchase.lines}
        return {line_id: units for line_id, units in units.items() if units}

    def step(self, gap: timedelta, step: tuple[object, ...]) -> None:
        self.now += gap
        kind, *args = step
        n = len(self.purchases)
        if kind == "buy":
            (cart,) = args
            assert isinstance(cart, Cart)
            purchase = Purchase(
                id=f"o-{n}",
                member_id=MEMBER.id,
                occurred_at=self.now,
                lines=cart.lines,
                order_discount=cart.order_discount,
                channel=cart.channel,
            )
            self.purchases.append(purchase)
            self.process(purchase)
        elif kind in ("return", "cancel") and n:
            purchase = self.purchases[int(args[0]) % n]  # type: ignore[call-overload]
            left = self.left(purchase)
            if not left:
                return
            lines = None
            if kind == "return":
                seed = int(args[1])  # type: ignore[call-overload]
                lines = {i: 1 + (seed >> k) % units for k, (i, units) in enumerate(left.items())}
            self.process(
                Return(
                    id=f"r-{len(self.outcomes)}",
                    purchase=purchase,
                    occurred_at=self.now,
                    lines=lines,
                )
            )
        elif kind == "adjust":
            # A clamped account refuses a debit beyond the balance, and nothing changes.
            with contextlib.suppress(InsufficientPoints):
                self.apply(
                    self.program.adjust(
                        member=MEMBER,
                        ledger=self.ledger,
                        points=int(args[0]),  # type: ignore[call-overload]
                        reason="test",
                        actor="prop",
                        at=self.now,
                        key=f"a-{len(self.outcomes)}",
                    )
                )
        elif kind == "expire":
            self.apply(self.program.expire(member=MEMBER, ledger=self.ledger, at=self.now))
        elif kind == "activate" and n:
            purchase = self.purchases[int(args[0]) % n]  # type: ignore[call-overload]
            self.process(
                Activation(purchase_id=purchase.id, member_id=MEMBER.id, occurred_at=self.now)
            )


def run(program: Program, history: list[tuple[timedelta, tuple[object, ...]]]) -> Run:
    state = Run(program)
    for gap, step in history:
        state.step(gap, step)
    return state


def per_account(entries: object, kind: type, source: str) -> dict[str, int]:
    totals = dict.fromkeys(ACCOUNTS, 0)
    for entry in entries:  # type: ignore[attr-defined]
        if isinstance(entry, kind) and entry.source == source:  # type: ignore[attr-defined]
            totals[entry.account] += entry.points  # type: ignore[attr-defined]
    return totals


@settings(max_examples=150, deadline=None)
@given(programs, steps)
def test_no_history_breaks_an_invariant_of_the_ledger(policies: tuple, history: list) -> None:
    state = run(PROGRAMS[policies], history)
    assert state.ledger.verify() == ()


@settings(max_examples=150, deadline=None)
@given(programs, steps, st.data())
def test_a_purchase_fully_returned_nets_zero_in_every_account(
    policies: tuple, history: list, data: st.DataObject
) -> None:
    program = PROGRAMS[policies]
    state = run(program, history)
    if not state.purchases:
        return
    purchase = data.draw(st.sampled_from(state.purchases))
    if state.left(purchase):
        state.now += timedelta(days=1)
        state.process(Return(id="all", purchase=purchase, occurred_at=state.now))
    source = f"purchase:{purchase.id}"
    earned = per_account(state.ledger.entries, Earned, source)
    assert per_account(state.ledger.entries, Reversed, source) == earned
    assert state.ledger.history.purchase_spend[source] == state.ledger.history.spend_returned.get(
        source, 0
    )


@settings(max_examples=150, deadline=None)
@given(programs, steps, st.lists(st.integers(0, 2**16), min_size=1, max_size=4), st.data())
def test_partial_returns_add_up_to_one_full_return(
    policies: tuple, history: list, seeds: list[int], data: st.DataObject
) -> None:
    program = PROGRAMS[policies]
    state = run(program, history)
    if not state.purchases:
        return
    purchase = data.draw(st.sampled_from(state.purchases))
    if not state.left(purchase):
        return
    whole = Run(program)
    whole.__dict__.update(state.__dict__)
    whole.now += timedelta(days=1)
    whole.process(Return(id="all", purchase=purchase, occurred_at=whole.now))

    for seed in seeds:
        left = state.left(purchase)
        if not left:
            break
        state.now += timedelta(hours=1)
        lines = {i: 1 + (seed >> k) % units for k, (i, units) in enumerate(left.items())}
        state.process(
            Return(
                id=f"part-{seed}-{state.now}", purchase=purchase, occurred_at=state.now, lines=lines
            )
        )
    if state.left(purchase):
        state.process(Return(id="rest", purchase=purchase, occurred_at=state.now))
    source = f"purchase:{purchase.id}"
    assert per_account(state.ledger.entries, Reversed, source) == per_account(
        whole.ledger.entries, Reversed, source
    )


def balances(ledger: Ledger, moment: datetime) -> list[tuple[int, int]]:
    return [
        (b.available, b.pending) for b in (ledger.balance(moment, account) for account in ACCOUNTS)
    ]


@settings(max_examples=150, deadline=None)
@given(programs, steps, st.integers(0, 24 * 500))
def test_writing_expiries_down_changes_no_balance_at_any_time(
    policies: tuple, history: list, hours: int
) -> None:
    program = PROGRAMS[policies]
    state = run(program, history)
    as_of = START + timedelta(hours=hours)
    outcome = program.expire(member=MEMBER, ledger=state.ledger, at=max(as_of, START))
    after = state.ledger.append(outcome.entries)
    for moment in (START, as_of - timedelta(days=30), as_of, as_of + timedelta(days=400)):
        assert balances(after, moment) == balances(state.ledger, moment)
        assert after.balance(moment) == state.ledger.balance(moment)
    for entry in outcome.entries:
        assert entry.at <= as_of  # nothing expires before its time
    assert program.expire(member=MEMBER, ledger=after, at=as_of).entries == ()
    assert after.verify() == ()


# A free drink: the welcome bonus alone, whose lot expires one month later, at 1221 h.
FREE_DRINK = Cart(lines=[LineItem(sku="DRINKS-1", category="drinks", unit_price=Money("0", "USD"))])


@settings(max_examples=150, deadline=None)
@given(programs, steps, st.integers(0, 24 * 400), carts())
# Compacted at the very instant a lot expires: its Expired entry, dated then, stays
# after the checkpoint, so the checkpoint keeps the lot it takes from.
@example(
    ("P14D", "never", "allow"), [(timedelta(hours=477), ("buy", FREE_DRINK))], 1221, FREE_DRINK
)
# A debit an hour after the pending welcome lot expired: its deficit is not paid from
# the expired lot (which the expiry run, written after, takes whole).
@example(
    ("{until: activated}", "never", "allow"),
    [(timedelta(hours=477), ("buy", FREE_DRINK)), (timedelta(hours=745), ("adjust", -1))],
    1222,
    FREE_DRINK,
)
def test_compaction_changes_nothing_observable(
    policies: tuple, history: list, hours: int, cart: Cart
) -> None:
    program = PROGRAMS[policies]
    state = run(program, history)
    cut = START + timedelta(hours=hours)
    if state.ledger.entries and cut < max(e.at for e in state.ledger.entries):
        cut = max(cut, min(e.at for e in state.ledger.entries))
    state.apply(program.expire(member=MEMBER, ledger=state.ledger, at=cut))
    compact = state.ledger.compact(cut)
    assert compact.verify() == ()
    for days in (0, 1, 40, 200, 800):
        moment = max(cut, state.now) + timedelta(days=days) if days else cut
        for account in ACCOUNTS:
            assert compact.balance(moment, account) == state.ledger.balance(moment, account)
    later = Purchase(
        id="later",
        member_id=MEMBER.id,
        occurred_at=max(cut, state.now) + timedelta(hours=1),
        lines=cart.lines,
        order_discount=cart.order_discount,
    )
    same: Callable[[Ledger], Outcome] = lambda ledger: program.process(  # noqa: E731
        later, member=MEMBER, ledger=ledger
    )
    assert same(compact).entries == same(state.ledger).entries
    moment = later.occurred_at + timedelta(days=1)
    assert (
        program.expire(member=MEMBER, ledger=compact, at=moment).entries
        == program.expire(member=MEMBER, ledger=state.ledger, at=moment).entries
    )


@settings(max_examples=100, deadline=None)
@given(programs, steps)
def test_replaying_any_event_adds_nothing(policies: tuple, history: list) -> None:
    program = PROGRAMS[policies]
    state = run(program, history)
    for outcome in state.outcomes:
        for entry in outcome.entries:
            assert entry.key in state.ledger
    for purchase in state.purchases:
        assert program.process(purchase, member=MEMBER, ledger=state.ledger).duplicate
