"""``Store.compact`` calls its instant ``at``; ``as_of=`` (0.1) warns for one release."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from store_cases import member, purchase

from loyalrules import Program, WrongTypeError
from loyalrules.storage import Store

CUT = datetime(2026, 3, 3, tzinfo=UTC)


def test_compact_takes_at_and_warns_on_as_of(store: Store, program: Program) -> None:
    store.put_member(member())
    for day in (1, 2, 3):
        store.submit(program, "m-1", purchase(f"o-{day}", day=day))
    version = store.load("m-1").version
    assert store.compact("m-1", at=CUT) == version + 1
    with pytest.warns(DeprecationWarning, match=r"compact\(\): the instant is called at=") as w:
        assert store.compact("m-1", as_of=CUT) == version + 1  # nothing left to compact
    assert w[0].filename == __file__
    with pytest.raises(WrongTypeError, match="got at twice"):
        store.compact("m-1", CUT, as_of=CUT)
