"""Program documents drawn from the shipped JSON Schema (every key may appear), as
written and with a hostile value anywhere: loading ends in a Program or a
``ProgramError``; a program that loads goes through every operation (memberships,
challenges, tendered purchases, activities, quotes, referrals, catalog and chart
redemptions, points payments, transfers, period closes, expiry, tier reviews, returns)
with only loyalrules' own errors, and its ledger keeps the invariants the docs state.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fuzzing import fuzz_settings, library_call
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schema_documents import (
    KINDS,
    document_keys,
    documents,
    hostile,
    reachable_keys,
    remove,
    schema_keys,
    text_of,
)

from loyalrules import (
    Activity,
    Cart,
    Ledger,
    LineItem,
    Member,
    Membership,
    Money,
    Outcome,
    Program,
    ProgramError,
    Purchase,
    Return,
    Tender,
    loads_program,
)

START = datetime(2026, 3, 2, 15, tzinfo=UTC)
MEMBER = Member(id="m", joined_at=datetime(2025, 6, 1, tzinfo=UTC), attributes={"segment": "gold"})
FRIEND = Member(id="f", joined_at=START, attributes={"segment": "new"})


class Run:
    """One member's ledger through every operation of ``program``."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.currency = program.settings.currency
        self.ledger = Ledger()
        self.friend = Ledger()
        self.now = START
        self.count = 0
        self.purchases: list[Purchase] = []
        self.redeemed: list[str] = []

    def money(self, amount: str) -> Money:
        return Money(amount, self.currency)

    def cart(self) -> Cart:
        lines = [
            LineItem(sku="s1", category="beans", unit_price=self.money("18"), quantity=2,
                     tags=("sale",)),
            LineItem(sku="s2", category="gift_cards", unit_price=self.money("25")),
        ]  # fmt: skip
        tenders = (
            Tender(method="card", amount=self.money("40")),
            Tender(method="gift_card", amount=self.money("21")),
        )
        return Cart(lines=lines, channel="web", payment="card", tenders=tenders,
                    attributes={"coupon": "SAVE"})  # fmt: skip

    def store(self, result: object, friend: bool = False) -> object:
        if isinstance(result, Outcome):
            if friend:
                self.friend = self.friend.apply(result)
            else:
                self.ledger = self.ledger.apply(result)
        return result

    def call(self, method: str, *args: Any, **kwargs: Any) -> object:
        kwargs.setdefault("member", MEMBER)
        kwargs.setdefault("ledger", self.ledger)
        return library_call(getattr(self.program, method), *args, **kwargs)

    def tick(self, days: int = 3) -> datetime:
        self.now += timedelta(days=days)
        self.count += 1
        return self.now

    def buy(self, paid: Money | None = None, order_id: str | None = None) -> Outcome | None:
        at = self.tick()
        cart = self.cart()
        purchase = Purchase(
            id=order_id or f"o-{self.count}", member_id=MEMBER.id, occurred_at=at,
            lines=cart.lines, channel=cart.channel, payment=cart.payment,
            tenders=cart.tenders if paid is None else (), attributes=cart.attributes,
            points_payment=paid,
        )  # fmt: skip
        quote = self.call("quote", purchase, at=at)
        outcome = self.store(self.call("process", purchase))
        if not isinstance(outcome, Outcome):
            return None
        self.purchases.append(purchase)
        if not isinstance(quote, Exception):  # a quote earns what processing earns
            assert quote.points == outcome.points  # type: ignore[attr-defined]
        return outcome

    def everything(self) -> None:
        program = self.program
        for plan in program.settings.memberships:
            at = self.tick()
            self.store(self.call("process", Membership(
                id=f"ms-{self.count}", member_id=MEMBER.id, plan=plan.id, action="subscribe",
                occurred_at=at,
            )))  # fmt: skip
        for challenge in program.challenges:
            self.store(self.call("opt_in", challenge.id, at=self.tick(0)))
        for _ in range(3):
            self.buy()
        for kind in KINDS:
            at = self.tick(1)
            self.store(self.call("process", Activity(
                id=f"a-{self.count}", member_id=MEMBER.id, kind=kind, occurred_at=at,
                attributes={"store": "north"},
            )))  # fmt: skip
        self.refer()
        self.spend()
        at = self.tick(400)
        for method in ("close_periods", "expire"):
            self.store(self.call(method, at=at))
        if program.settings.tiers is not None:
            self.store(self.call("review_tiers", at=at))
        library_call(program.status, member=MEMBER, ledger=self.ledger, at=at)
        library_call(program.rewards_for, member=MEMBER, ledger=self.ledger, at=at)
        if self.purchases:
            first = self.purchases[0]
            ret = Return(id="ret-1", purchase=first, occurred_at=self.tick(1),
                         lines={first.lines[0].id: 1})  # fmt: skip
            self.store(self.call("process", ret))

    def refer(self) -> None:
        at = self.tick(1)
        order = Purchase(id="fo-1", member_id=FRIEND.id, occurred_at=at, lines=self.cart().lines)
        outcome = self.store(
            library_call(self.program.process, order, member=FRIEND, ledger=self.friend), True
        )
        if isinstance(outcome, Outcome) and self.program.referrals is not None:
            referral = library_call(self.program.referral, outcome, referee=FRIEND, referrer=MEMBER)
            event = getattr(referral, "event", None)
            if event is not None:
                self.store(self.call("process", event))

    def spend(self) -> None:
        for reward in self.program.rewards:
            key = f"r-{reward.id}"
            at = self.tick(1)
            if isinstance(self.store(self.call("redeem", reward.id, at=at, key=key,
                                               cart=self.cart())), Outcome):  # fmt: skip
                self.redeemed.append(key)
        if self.redeemed:
            self.store(self.call("cancel_redemption", key=self.redeemed[0], at=self.tick(1)))
        if self.program.settings.redemption_chart is not None:
            self.store(self.call("redeem_points", 150, at=self.tick(1), key="chart-1"))
        if self.program.settings.pay_with_points is not None:
            paid = self.store(self.call(
                "pay_with_points", self.cart(), at=self.tick(1), key="pay-1", order_id="o-paid",
                points=120,
            ))  # fmt: skip
            grant = getattr(paid, "grant", None)
            if grant is not None:
                self.buy(grant.amount, "o-paid")
        if self.program.settings.transfers is not None:
            sent = library_call(
                self.program.transfer, 10, sender=MEMBER, sender_ledger=self.ledger,
                recipient=FRIEND, recipient_ledger=self.friend, at=self.tick(1), key="gift",
            )  # fmt: skip
            if isinstance(sent, tuple):
                self.store(sent[0])
                self.store(sent[1], friend=True)

    def check(self) -> None:
        when = self.now + timedelta(seconds=1)
        for ledger in (self.ledger, self.friend):
            assert ledger.verify() == ()
            for account in self.program.accounts:
                balance = ledger.balance(when, account)
                held = balance.available + balance.pending
                credited, debited = sum(balance.credited.values()), sum(balance.debited.values())
                assert held == credited - debited + balance.written_off, account
                if self.program.settings.account(account).negative_balance.value == "clamp":
                    assert balance.available >= 0, account
            rows = json.loads(json.dumps(ledger.to_dicts()))
            again = Ledger.from_dicts(rows, accounts=self.program.accounts)
            for account in self.program.accounts:
                assert again.balance(when, account) == ledger.balance(when, account)
        if self.purchases:  # replaying an event adds nothing
            again = self.program.process(self.purchases[-1], member=MEMBER, ledger=self.ledger)
            assert again.duplicate
            assert again.entries == ()


def check_program(document: dict[str, Any], repairs: int = 0) -> Program | None:
    """Load ``document``: a Program, or a ``ProgramError`` naming its problems. Up to
    ``repairs`` times, delete what the first problem names and load again, so more
    documents load and run every operation."""
    for _ in range(repairs + 1):
        result = library_call(loads_program, text_of(document))
        if isinstance(result, Program):
            run = Run(result)
            run.everything()
            run.check()
            return result
        assert isinstance(result, ProgramError), result
        assert result.problems, "a ProgramError names at least one problem"
        if not any(remove(document, problem.path) for problem in result.problems[:1]):
            return None
    return None


@fuzz_settings(quick=40, long=4_000)
@given(documents())
def test_a_schema_document_loads_or_is_a_program_error_and_runs_every_operation(
    document: dict[str, Any],
) -> None:
    check_program(document, repairs=8)


@fuzz_settings(quick=40, long=4_000)
@given(st.one_of(documents(), documents(full=True)).flatmap(hostile))
def test_a_schema_document_with_a_hostile_value_is_a_program_error_or_runs(
    document: dict[str, Any],
) -> None:
    check_program(document)


def test_the_generator_reaches_every_key_of_the_schema() -> None:
    assert schema_keys() - reachable_keys() == set()
    # and the keys of the drawn documents are keys of the schema
    seen: set[str] = set()

    @settings(max_examples=10, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(documents(full=True))
    def draw(document: dict[str, Any]) -> None:
        seen.update(document_keys(document))

    draw()
    assert len(seen & schema_keys()) > len(schema_keys()) // 2
    assert {key.split(".")[0] for key in seen} <= {key.split(".")[0] for key in schema_keys()}
