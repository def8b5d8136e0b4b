"""``Ledger.from_dicts`` pauses the garbage collector only while it builds the entries."""

from __future__ import annotations

import gc

import pytest

from loyalrules import Ledger, ValidationError


def test_a_refused_row_leaves_the_collector_on() -> None:
    with pytest.raises(ValidationError, match="unsupported entry format version"):
        Ledger.from_dicts([{"v": 999, "kind": "recorded"}])
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        assert len(Ledger.from_dicts([])) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
