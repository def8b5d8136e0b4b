"""Generated event streams (purchases, returns, activities, redemptions of catalog
rewards and by the chart, their cancellations, points payments, transfers to another
member, referrals, membership events, challenge opt-ins, period closes, tier reviews,
expiry runs, checkpoints, concurrent applies) through programs of every negative-balance
policy. Only loyalrules' own errors may come out, and
the invariants the docs state hold after every stream:

* conservation per account (``Ledger.verify`` finds nothing, and what the balance holds
  is what was credited less what was debited);
* replaying an event adds nothing;
* no negative balance under ``clamp``;
* a quote earns what processing the same cart earns;
* the JSON round trip of the ledger keeps every balance;
* of two outcomes computed against one ledger, the second applied is ``StaleOutcome``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from string import Template

import pytest
from fuzzing import fuzz_settings, library_call
from hypothesis import given
from hypothesis import strategies as st

from loyalrules import (
    Activity,
    Cart,
    Ledger,
    Member,
    Membership,
    Outcome,
    Program,
    Purchase,
    Return,
    StaleOutcome,
    loads_program,
)
from loyalrules.errors import UnknownAccount
from loyalrules.testing import carts

MEMBER = Member(id="m", joined_at=datetime(2025, 1, 1, tzinfo=UTC), attributes={"email": "m"})
FRIEND = Member(id="f", joined_at=datetime(2026, 1, 1, tzinfo=UTC), attributes={"email": "f"})
START = datetime(2026, 1, 1, tzinfo=UTC)
ACCOUNTS = ("points", "cashback", "dividend")
PROGRAM = Template("""
program: fuzz
currency: USD
timezone: America/New_York
negative_balance: $negative
expiry: $expiry
accounts:
  cashback: {unit: money}
  dividend: {unit: money, expiry: never}
pay_with_points:
  rate: {points: 10, value: "1.00"}
transfers: {min_points: 5, limit: {points: 200, per: month}}
redemption_chart:
  steps: [{points: 50, amount: "2.00"}, {points: 120, amount: "5.00"}]
payouts:
  - {id: dividend, percent: 2, period: quarter, account: dividend, step: "0.50"}
memberships:
  - {id: plus, fee: "9.00", period: P1M, multiplier: 2, signup_bonus: 40}
tiers:
  window: calendar_year
  levels:
    - {id: member}
    - {id: gold, qualify: "150.00", multiplier: "1.5", upgrade_bonus: 30}
referrals:
  qualifying: [welcome]
  identity: [email]
challenges:
  - {id: visits, goal: {visits: 3}, per: month, opt_in: true, points: 60}
eligible_spend: {exclude: {categories: [gift_cards]}}
earn:
  - id: base
    effect: {type: points_per_spend, points: "1.25", counting: pro_rata}
  - id: big
    when: {min_spend: "40.00"}
    effect: {type: bonus, points: 25}
  - id: welcome
    when: {first_purchase: true}
    effect: {type: bonus, points: 100}
  - id: review
    activity: [review]
    limit: {times: 1, per: month}
    effect: {type: bonus, points: 20}
  - id: back
    account: cashback
    effect: {type: cashback, percent: 3}
  - id: thanks
    activity: [referral]
    limit: {times: 3, per: year}
    effect: {type: bonus, points: 50}
rewards:
  - id: small
    cost: 30
    gives: {type: donation, cause: food bank}
  - id: big
    cost: 150
    gives: {type: amount_off, amount: "15.00"}
""")
PROGRAMS = {
    (negative, expiry): loads_program(PROGRAM.substitute(negative=negative, expiry=expiry))
    for negative in ("allow", "clamp")
    for expiry in ("never", "{after: P2M}")
}

gaps = st.integers(min_value=1, max_value=24 * 40).map(lambda hours: timedelta(hours=hours))
step = st.one_of(
    st.tuples(st.just("buy"), carts(max_lines=3)),
    st.tuples(st.just("buy"), carts(max_lines=3)),
    st.tuples(st.just("return"), st.integers(0, 9), st.booleans()),
    st.tuples(st.just("activity"), st.sampled_from(["review", "reveiw"])),
    st.tuples(st.just("redeem"), st.sampled_from(["small", "big"])),
    st.tuples(st.just("cancel"), st.integers(0, 9)),
    st.tuples(st.just("pay"), carts(max_lines=2), st.integers(1, 200)),
    st.tuples(st.just("expire")),
    st.tuples(st.just("checkpoint")),
    st.tuples(st.just("race"), st.sampled_from(["small", "big"])),
    st.tuples(st.just("chart"), st.integers(1, 300)),
    st.tuples(st.just("transfer"), st.integers(1, 120), st.booleans()),
    st.tuples(st.just("refer"), carts(max_lines=2)),
    st.tuples(st.just("membership"), st.sampled_from(["subscribe", "renew", "cancel", "lapse"])),
    st.tuples(st.just("opt_in"), st.sampled_from(["visits", "vistis"])),
    st.tuples(st.just("close")),
    st.tuples(st.just("tiers")),
)
streams = st.lists(st.tuples(gaps, step), max_size=12)


class Stream:
    """One member's ledger, driven as a host drives it; every call through
    ``library_call``."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.ledger = Ledger()
        self.friend = Ledger()
        self.now = START
        self.purchases: list[Purchase] = []
        self.redemptions: list[str] = []
        self.count = 0
        self.last: tuple[object, Outcome] | None = None

    def store(self, outcome: Outcome | Exception, event: object = None) -> None:
        if isinstance(outcome, Outcome):
            self.ledger = self.ledger.apply(outcome)
            if event is not None and outcome.entries:
                self.last = (event, outcome)

    def process(self, event: object) -> Outcome | Exception:
        outcome = library_call(self.program.process, event, member=MEMBER, ledger=self.ledger)
        self.store(outcome, event)
        return outcome

    def buy(self, cart: Cart, paid: object = None) -> None:
        self.count += 1
        purchase = Purchase(
            id=f"o-{self.count}",
            member_id=MEMBER.id,
            occurred_at=self.now,
            lines=cart.lines,
            order_discount=cart.order_discount,
            points_payment=paid,  # type: ignore[arg-type]
        )
        quote = library_call(
            self.program.quote, cart if paid is None else purchase, member=MEMBER,
            ledger=self.ledger, at=self.now,
        )  # fmt: skip
        outcome = self.process(purchase)
        if isinstance(outcome, Outcome):
            self.purchases.append(purchase)
            if not isinstance(quote, Exception):  # a quote earns what processing earns
                assert quote.points == outcome.points
                assert dict(quote.awarded).get("cashback", 0) == outcome.awarded("cashback")

    def redeem(self, reward: str, key: str) -> Outcome | Exception:
        return library_call(
            self.program.redeem, reward, member=MEMBER, ledger=self.ledger, at=self.now, key=key
        )

    def step(self, gap: timedelta, action: tuple[object, ...]) -> None:
        self.now += gap
        kind, *args = action
        self.count += 1
        if kind == "buy":
            self.buy(args[0])  # type: ignore[arg-type]
        elif kind == "return" and self.purchases:
            purchase = self.purchases[int(args[0]) % len(self.purchases)]  # type: ignore[call-overload]
            lines = {purchase.lines[0].id: 1} if args[1] else None
            self.process(
                Return(id=f"r-{self.count}", purchase=purchase, occurred_at=self.now, lines=lines)
            )
        elif kind == "activity":
            self.process(
                Activity(id=f"a-{self.count}", member_id=MEMBER.id, kind=str(args[0]),
                         occurred_at=self.now)
            )  # fmt: skip
        elif kind == "redeem":
            key = f"k-{self.count}"
            outcome = self.redeem(str(args[0]), key)
            self.store(outcome)
            if isinstance(outcome, Outcome):
                self.redemptions.append(key)
        elif kind == "cancel" and self.redemptions:
            key = self.redemptions[int(args[0]) % len(self.redemptions)]  # type: ignore[call-overload]
            self.store(
                library_call(
                    self.program.cancel_redemption,
                    member=MEMBER,
                    ledger=self.ledger,
                    key=key,
                    at=self.now,
                )
            )
        elif kind == "pay":
            cart, points = args
            paid = library_call(
                self.program.pay_with_points, cart, member=MEMBER, ledger=self.ledger,
                at=self.now, key=f"p-{self.count}", order_id=f"o-{self.count + 1}",
                points=points,
            )  # fmt: skip
            if isinstance(paid, Outcome) and paid.grant is not None:
                self.store(paid)
                self.buy(cart, paid.grant.amount)  # type: ignore[arg-type]
        elif kind == "expire":
            self.store(
                library_call(self.program.expire, member=MEMBER, ledger=self.ledger, at=self.now)
            )
        elif kind == "checkpoint":
            self.store(
                library_call(self.program.expire, member=MEMBER, ledger=self.ledger, at=self.now)
            )
            compacted = library_call(self.ledger.compact, self.now - timedelta(days=400))
            if isinstance(compacted, Ledger):
                assert self.balances(compacted) == self.balances(self.ledger)
                self.ledger = compacted
                self.last = None  # its event may be older than the checkpoint
        elif kind in EXTRA_STEPS:
            EXTRA_STEPS[kind](self, *args)
        elif kind == "race":
            first = self.redeem(str(args[0]), f"x-{self.count}")
            second = self.redeem(str(args[0]), f"y-{self.count}")
            if isinstance(first, Outcome) and isinstance(second, Outcome):
                self.store(first)
                if first.entries and second.entries:
                    assert isinstance(library_call(self.ledger.apply, second), StaleOutcome)

    def chart(self, points: int) -> None:
        key = f"c-{self.count}"
        outcome = library_call(
            self.program.redeem_points, points, member=MEMBER, ledger=self.ledger,
            at=self.now, key=key,
        )  # fmt: skip
        self.store(outcome)
        if isinstance(outcome, Outcome):
            self.redemptions.append(key)

    def transfer(self, points: int, back: bool) -> None:
        """Points to the friend (or back from them): both ledgers change."""
        (sender, sent), (recipient, got) = (FRIEND, self.friend), (MEMBER, self.ledger)
        if not back:
            (sender, sent), (recipient, got) = (recipient, got), (sender, sent)
        result = library_call(
            self.program.transfer, points, sender=sender, sender_ledger=sent,
            recipient=recipient, recipient_ledger=got, at=self.now, key=f"t-{self.count}",
        )  # fmt: skip
        if isinstance(result, tuple):
            out, into = result
            if back:
                self.friend, self.ledger = self.friend.apply(out), self.ledger.apply(into)
            else:
                self.ledger, self.friend = self.ledger.apply(out), self.friend.apply(into)
            assert out.change() == -into.change() == -points

    def refer(self, cart: Cart) -> None:
        """The friend buys; if that qualifies, the member's referral is processed."""
        order = Purchase(id=f"f-{self.count}", member_id=FRIEND.id, occurred_at=self.now,
                         lines=cart.lines)  # fmt: skip
        outcome = library_call(self.program.process, order, member=FRIEND, ledger=self.friend)
        if isinstance(outcome, Outcome):
            self.friend = self.friend.apply(outcome)
            referral = library_call(self.program.referral, outcome, referee=FRIEND,
                                    referrer=MEMBER)  # fmt: skip
            event = getattr(referral, "event", None)
            if event is not None:
                self.process(event)

    def membership(self, action: str) -> None:
        self.process(Membership(id=f"ms-{self.count}", member_id=MEMBER.id, plan="plus",
                                action=action, occurred_at=self.now))  # fmt: skip

    def opt_in(self, challenge: str) -> None:
        self.store(library_call(self.program.opt_in, challenge, member=MEMBER,
                                ledger=self.ledger, at=self.now))  # fmt: skip

    def close(self) -> None:
        self.store(
            library_call(self.program.close_periods, member=MEMBER, ledger=self.ledger, at=self.now)
        )

    def tiers(self) -> None:
        self.store(
            library_call(self.program.review_tiers, member=MEMBER, ledger=self.ledger, at=self.now)
        )

    def balances(self, ledger: Ledger) -> tuple[tuple[int, int, int], ...]:
        when = self.now + timedelta(seconds=1)
        out = []
        for account in ACCOUNTS:
            balance = ledger.balance(when, account)
            out.append((balance.available, balance.pending, balance.deficit))
        return tuple(out)


EXTRA_STEPS = {
    "chart": Stream.chart,
    "transfer": Stream.transfer,
    "refer": Stream.refer,
    "membership": Stream.membership,
    "opt_in": Stream.opt_in,
    "close": Stream.close,
    "tiers": Stream.tiers,
}


@fuzz_settings(quick=200, long=10_000)
@given(st.sampled_from(sorted(PROGRAMS)), streams)
def test_no_stream_raises_a_foreign_error_or_breaks_an_invariant(
    policies: tuple[str, str], history: list[tuple[timedelta, tuple[object, ...]]]
) -> None:
    program = PROGRAMS[policies]
    stream = Stream(program)
    for gap, action in history:
        stream.step(gap, action)
    ledger = stream.ledger
    when = stream.now + timedelta(seconds=1)
    for each in (ledger, stream.friend):
        # conservation per account
        assert each.verify() == ()
        for account in ACCOUNTS:
            balance = each.balance(when, account)
            # ``available`` is net of the deficit; a written-off shortfall is counted
            # among the debits but took nothing.
            held = balance.available + balance.pending
            assert held == sum(balance.credited.values()) - sum(balance.debited.values()) + (
                balance.written_off
            ), account
            if policies[0] == "clamp":  # no negative balance under clamp
                assert balance.available >= 0
    # replaying an event adds nothing
    if stream.last is not None:
        event, _ = stream.last
        again = program.process(event, member=MEMBER, ledger=ledger)  # type: ignore[arg-type]
        assert again.duplicate
        assert again.entries == ()
        # every account reads through it; a name the program does not declare is refused
        assert [again.change(account) for account in ACCOUNTS] == [0, 0, 0]
        with pytest.raises(UnknownAccount):
            again.awarded("cash_back")
    # the JSON round trip keeps every balance
    rows = json.loads(json.dumps(ledger.to_dicts()))
    assert stream.balances(Ledger.from_dicts(rows)) == stream.balances(ledger)
