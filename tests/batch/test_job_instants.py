"""The batch jobs call their instant ``at``; ``as_of`` (0.1) still works for one release,
with a ``DeprecationWarning`` pointing at the caller."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime
from typing import Any

import pytest

from loyalrules import Ledger, Member, Outcome, Program, WrongTypeError
from loyalrules.batch import NightlyExpiry, PeriodClose, TierReview, rederive

NIGHT = datetime(2027, 1, 2, 5, tzinfo=UTC)


def nothing(program: Program, member: Member, ledger: Ledger, at: datetime) -> Outcome:
    raise AssertionError("not run")


JOBS: list[tuple[Any, tuple[Any, ...]]] = [
    (NightlyExpiry, ()),
    (TierReview, ()),
    (PeriodClose, (nothing,)),
]


@pytest.mark.parametrize(("job", "first"), JOBS)
def test_the_instant_is_at_by_position_or_keyword(job: Any, first: tuple[Any, ...]) -> None:
    made = job(*first, at=NIGHT)
    assert made.at == NIGHT
    assert job(*first, NIGHT) == made
    assert "at=" in repr(made)
    assert pickle.loads(pickle.dumps(made)) == made  # jobs travel to worker processes


@pytest.mark.parametrize(("job", "first"), JOBS)
def test_as_of_still_works_with_a_warning_at_the_caller(job: Any, first: tuple[Any, ...]) -> None:
    with pytest.warns(DeprecationWarning, match="as_of= is deprecated") as caught:
        made = job(*first, as_of=NIGHT)
    assert made == job(*first, at=NIGHT)
    assert caught[0].filename == __file__
    with pytest.warns(DeprecationWarning, match="as_of is deprecated") as caught:
        assert made.as_of == NIGHT
    assert caught[0].filename == __file__


@pytest.mark.parametrize(("job", "first"), JOBS)
def test_the_instant_once_and_only_once(job: Any, first: tuple[Any, ...]) -> None:
    with pytest.raises(WrongTypeError, match="got at twice"):
        job(*first, NIGHT, as_of=NIGHT)
    with pytest.raises(WrongTypeError, match="needs the instant: pass at="):
        job(*first)


def test_rederive_takes_at_and_warns_on_as_of() -> None:
    assert rederive("unused", [], at=NIGHT).members == 0
    with pytest.warns(DeprecationWarning, match=r"rederive\(\): the instant is called at=") as w:
        assert rederive("unused", [], as_of=NIGHT).members == 0
    assert w[0].filename == __file__
