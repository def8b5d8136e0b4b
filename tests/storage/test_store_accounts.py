"""A ledger a store loads for a program knows the program's accounts: a misspelt account
in the host's own computation is refused, not read as 0 (decision 0056)."""

from __future__ import annotations

import pytest
from store_cases import JOINED, member, purchase

from loyalrules import Ledger, Member, Outcome, Program, UnknownAccount
from loyalrules.storage import Store


def test_a_store_write_for_a_program_hands_it_a_ledger_that_knows_the_accounts(
    store: Store, program: Program
) -> None:
    store.put_member(member("m-1"))
    store.submit(program, "m-1", purchase("o-1"))

    def misspelt(_: Member, ledger: Ledger) -> Outcome:
        ledger.balance(JOINED, "credits")
        raise AssertionError("a misspelt account was read")

    with pytest.raises(UnknownAccount, match="credits"):
        store.write("m-1", misspelt, accounts=program.accounts)
    loaded = store.load("m-1", accounts=program.accounts)
    assert loaded.balance(purchase("o-1").occurred_at, "points").available > 0
    with pytest.raises(UnknownAccount, match="credits"):
        loaded.balance(JOINED, "credits")
