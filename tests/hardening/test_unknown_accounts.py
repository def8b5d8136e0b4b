"""Account names are checked against the program (issue 16, defect 9; decision 0055).

A name the program declares reads zero until it has entries; a name it does not declare
raises ``UnknownAccount`` with the closest declared one. A ledger has no program: it
reads any name without entries as empty, and ``Program.balance`` is the checked read.
"""

from __future__ import annotations

import inspect
import pickle
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalrules import (
    Activity,
    Ledger,
    LineItem,
    LoyalRulesError,
    Member,
    Money,
    Program,
    Purchase,
    ValidationError,
    loads_program,
)
from loyalrules.errors import UnknownAccount, WrongTypeError
from loyalrules.operations.outcome import Outcome, naming_accounts

SHOP = loads_program(
    """
program: shop
currency: USD
timezone: UTC
accounts:
  cashback: {unit: money}
transfers: {min_points: 1}
rewards:
  - id: tea
    name: A free tea
    cost: 10
    gives: {type: free_item, categories: [tea]}
earn:
  - id: base
    effect: {type: points_per_spend, points: 1}
  - id: newsletter
    activity: newsletter_signup
    effect: {type: bonus, points: 50}
"""
)
DECLARED = ("points", "cashback")
AT = datetime(2026, 5, 1, 12, tzinfo=UTC)
MEMBER = Member(id="m-1", joined_at=AT)
ORDER = Purchase(
    id="o-1",
    member_id="m-1",
    occurred_at=AT,
    lines=[LineItem(sku="TEA", category="tea", unit_price=Money("20.00", "USD"))],
)


def test_declared_account_without_entries_reads_zero_on_an_outcome() -> None:
    outcome = SHOP.process(ORDER, member=MEMBER, ledger=Ledger())
    assert (outcome.awarded("cashback"), outcome.change("cashback")) == (0, 0)
    assert outcome.accounts == DECLARED


def test_default_account_is_the_points_account() -> None:
    outcome = SHOP.process(ORDER, member=MEMBER, ledger=Ledger())
    assert outcome.awarded() == outcome.awarded("points") == outcome.points == 20
    assert outcome.change() == 20


@pytest.mark.parametrize("read", ["awarded", "change"])
def test_misspelt_account_on_an_outcome_names_the_accounts_and_the_closest(read: str) -> None:
    outcome = SHOP.process(ORDER, member=MEMBER, ledger=Ledger())
    with pytest.raises(UnknownAccount) as caught:
        getattr(outcome, read)("cashbak")
    assert str(caught.value) == (
        "the program has no account 'cashbak'; its accounts are: points, cashback "
        "(did you mean 'cashback'?)"
    )
    assert (caught.value.account, caught.value.known) == ("cashbak", DECLARED)


def test_a_name_close_to_none_lists_the_accounts_without_a_guess() -> None:
    outcome = SHOP.process(ORDER, member=MEMBER, ledger=Ledger())
    with pytest.raises(UnknownAccount, match=r"its accounts are: points, cashback$"):
        outcome.awarded("credits")


def test_unknown_account_is_a_validation_error_and_a_key_error() -> None:
    error = UnknownAccount("credits", DECLARED)
    assert isinstance(error, ValidationError | LoyalRulesError)
    assert isinstance(error, KeyError)  # Status.account raised a bare KeyError before
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.known) == (UnknownAccount, str(error), DECLARED)


def test_a_replayed_event_still_checks_the_name() -> None:
    ledger = Ledger().append(SHOP.process(ORDER, member=MEMBER, ledger=Ledger()).entries)
    replay = SHOP.process(ORDER, member=MEMBER, ledger=ledger)
    assert replay.duplicate
    assert replay.awarded("cashback") == 0
    with pytest.raises(UnknownAccount):
        replay.change("cashbak")


def test_every_outcome_the_program_returns_knows_its_accounts() -> None:
    ledger, outcomes = Ledger(), []
    signup = Activity(id="a-1", member_id="m-1", kind="newsletter_signup", occurred_at=AT)
    for event in (ORDER, signup):
        outcomes.append(SHOP.process(event, member=MEMBER, ledger=ledger))
        ledger = ledger.apply(outcomes[-1])
    later = datetime(2026, 6, 1, tzinfo=UTC)
    redeemed = SHOP.redeem("tea", member=MEMBER, ledger=ledger, at=later, key="r-1")
    outcomes += [
        redeemed,
        SHOP.cancel_redemption(member=MEMBER, ledger=ledger.apply(redeemed), key="r-1", at=later),
        SHOP.adjust(
            member=MEMBER, ledger=ledger, points=5, reason="goodwill", actor="staff", at=later,
            key="t-1",
        ),
        SHOP.expire(member=MEMBER, ledger=ledger, at=later),
        *SHOP.transfer(
            1,
            sender=MEMBER,
            sender_ledger=ledger,
            recipient=Member(id="m-2", joined_at=AT),
            recipient_ledger=Ledger(),
            at=later,
            key="gift",
        ),
    ]  # fmt: skip
    assert len(outcomes) == 8
    assert all(outcome.accounts == DECLARED for outcome in outcomes)


def test_an_outcome_built_outside_the_engine_reads_any_name() -> None:
    outcome = Outcome(event_key="x", entries=(), explanation=(), ledger_version=0)
    assert (outcome.accounts, outcome.awarded("anything"), outcome.change("anything")) == (
        (),
        0,
        0,
    )


def test_program_balance_checks_the_name() -> None:
    ledger = Ledger().append(SHOP.process(ORDER, member=MEMBER, ledger=Ledger()).entries)
    cashback = SHOP.balance(member=MEMBER, ledger=ledger, at=AT, account="cashback")
    assert (cashback.account, cashback.available, cashback.pending) == ("cashback", 0, 0)
    points = SHOP.balance(member=MEMBER, ledger=ledger, at=AT)
    assert points == ledger.balance(AT, "points")
    assert points.available == 20
    with pytest.raises(UnknownAccount, match=r"did you mean 'cashback'\?"):
        SHOP.balance(member=MEMBER, ledger=ledger, at=AT, account="Cashback")


def test_status_by_account_checks_the_name() -> None:
    status = SHOP.status(member=MEMBER, ledger=Ledger(), at=AT)
    assert status.account("cashback").balance.available == 0
    with pytest.raises(UnknownAccount, match=r"did you mean 'points'\?"):
        status.account("point")


def test_adjusting_an_unknown_account_suggests_the_closest() -> None:
    with pytest.raises(UnknownAccount, match=r"did you mean 'cashback'\?"):
        SHOP.adjust(
            member=MEMBER,
            ledger=Ledger(),
            points=5,
            reason="goodwill",
            actor="staff",
            at=AT,
            key="t-1",
            account="cash_back",
        )


def test_a_ledger_reads_a_name_without_entries_as_empty() -> None:
    # The documented contract: a ledger cannot tell a misspelling from an empty account.
    balance = Ledger().balance(AT, "credits")
    assert (balance.account, balance.available, balance.total) == ("credits", 0, 0)


def test_a_ledger_refuses_an_account_that_is_not_a_name() -> None:
    with pytest.raises(WrongTypeError, match="account must be a str, not int"):
        Ledger().balance(AT, 5)  # type: ignore[arg-type]


@given(st.text(min_size=1, max_size=12))
def test_any_name_is_either_declared_and_counted_or_refused(name: str) -> None:
    outcome = SHOP.process(ORDER, member=MEMBER, ledger=Ledger())
    if name in DECLARED:
        assert outcome.awarded(name) == (20 if name == "points" else 0)
        return
    with pytest.raises(UnknownAccount) as caught:
        outcome.awarded(name)
    assert caught.value.known == DECLARED
    assert repr(name) in str(caught.value)


_NAMING = naming_accounts(lambda self: None).__code__  # the decorator's own wrapper


def _names_accounts(method: object) -> bool:
    while method is not None:
        if getattr(method, "__code__", None) is _NAMING:
            return True
        method = getattr(method, "__wrapped__", None)
    return False


def test_every_program_method_returning_outcomes_names_the_accounts() -> None:
    # A method added later without the decorator would give outcomes that read any name.
    returning = {
        name: method
        for name, method in inspect.getmembers(Program, inspect.isfunction)
        if not name.startswith("_")
        and "Outcome" in str(inspect.unwrap(method).__annotations__.get("return"))
    }
    assert {"process", "redeem", "transfer", "expire"} <= returning.keys()
    # process names them itself (the hot path); the others through the decorator
    unnamed = [name for name, method in returning.items() if not _names_accounts(method)]
    assert unnamed == ["process"]
