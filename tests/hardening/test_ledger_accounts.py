"""A ledger that knows the program's account names refuses any other (decision 0056).

It learns them from the first Outcome of a program it applies, or from
``Ledger(entries, accounts=...)`` / ``Ledger.from_dicts(rows, accounts=...)``; it keeps
them through appends, compaction and pickling. A declared account without entries reads
0. A quote's ``awarded`` checks names like an Outcome's.
"""

from __future__ import annotations

import json
import pickle
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalrules import Ledger, LineItem, Member, Money, Purchase, loads_program
from loyalrules.errors import UnknownAccount, WrongTypeError
from loyalrules.operations.outcome import Awarded

SHOP = loads_program(
    """
program: shop
currency: USD
timezone: UTC
accounts:
  cashback: {unit: money}
earn:
  - id: base
    effect: {type: points_per_spend, points: 1}
"""
)
AT = datetime(2026, 5, 1, 12, tzinfo=UTC)
MEMBER = Member(id="m-1", joined_at=AT)
ORDER = Purchase(
    id="o-1",
    member_id="m-1",
    occurred_at=AT,
    lines=[LineItem(sku="TEA", category="tea", unit_price=Money("20.00", "USD"))],
)


def applied() -> Ledger:
    return Ledger().apply(SHOP.process(ORDER, member=MEMBER, ledger=Ledger()))


def test_a_ledger_learns_the_accounts_from_an_applied_outcome() -> None:
    ledger = applied()
    assert ledger.accounts == SHOP.accounts == ("points", "cashback")
    assert ledger.balance(AT, "points").available == 20
    assert ledger.balance(AT, "cashback").total == 0  # declared, untouched: 0
    with pytest.raises(UnknownAccount, match=r"did you mean 'cashback'\?") as caught:
        ledger.balance(AT, "cash_back")
    assert caught.value.known == ("points", "cashback")


def test_a_ledger_that_does_not_know_the_names_reads_any_as_empty() -> None:
    ledger = Ledger().append(applied().entries)  # append: entries only, no program
    assert ledger.accounts == ()
    assert ledger.balance(AT, "credits").total == 0


def test_rows_read_back_with_the_program_accounts_are_strict() -> None:
    rows = json.loads(json.dumps(applied().to_dicts()))
    ledger = Ledger.from_dicts(rows, accounts=SHOP.accounts)
    assert ledger.balance(AT, "cashback").available == 0
    with pytest.raises(UnknownAccount):
        ledger.balance(AT, "credits")
    assert Ledger.from_dicts(rows) == ledger  # the names are no part of the entries


def test_the_names_survive_appends_compaction_and_pickling() -> None:
    ledger = applied()
    later = AT + timedelta(days=2)
    second = Purchase(id="o-2", member_id="m-1", occurred_at=later, lines=ORDER.lines)
    ledger = ledger.apply(SHOP.process(second, member=MEMBER, ledger=ledger))
    compacted = ledger.compact(AT + timedelta(days=1))
    for each in (ledger, compacted, pickle.loads(pickle.dumps(ledger))):
        assert each.accounts == SHOP.accounts
        with pytest.raises(UnknownAccount):
            each.balance(later, "credits")
    assert pickle.loads(pickle.dumps(ledger)).balance(later).available == 40


def test_an_account_with_entries_reads_even_if_the_names_omit_it() -> None:
    # A program that dropped an account still shows what the ledger holds in it.
    ledger = Ledger(applied().entries, accounts=("cashback",))
    assert ledger.balance(AT, "points").available == 20


def test_accounts_must_be_a_list_of_names() -> None:
    with pytest.raises(WrongTypeError, match=r"accounts=program\.accounts"):
        Ledger(accounts="points")
    with pytest.raises(WrongTypeError, match="non-empty str"):
        Ledger(accounts=["points", ""])


def test_a_quote_refuses_an_undeclared_account() -> None:
    quote = SHOP.quote(ORDER, member=MEMBER, ledger=Ledger(), at=AT)
    assert (quote.awarded("points"), quote.awarded["cashback"], dict(quote.awarded)) == (
        20,
        0,
        {"points": 20},
    )
    for read in (quote.awarded, quote.awarded.__getitem__, quote.awarded.get):
        with pytest.raises(UnknownAccount, match=r"did you mean 'cashback'\?"):
            read("cashbak")
    assert "cashback" not in quote.awarded  # membership: accounts the cart earns in
    assert pickle.loads(pickle.dumps(quote)).awarded == quote.awarded


def test_a_hand_built_awarded_is_a_plain_mapping() -> None:
    awarded = Awarded({"points": 3})
    assert (awarded(), awarded("other"), awarded.get("other", 7)) == (3, 0, 7)
    with pytest.raises(KeyError):
        awarded["other"]


@given(st.text(min_size=1, max_size=12))
def test_any_name_is_declared_and_read_or_refused_by_a_strict_ledger(name: str) -> None:
    ledger = applied()
    if name in SHOP.accounts:
        assert ledger.balance(AT, name).available == (20 if name == "points" else 0)
    else:
        with pytest.raises(UnknownAccount):
            ledger.balance(AT, name)
