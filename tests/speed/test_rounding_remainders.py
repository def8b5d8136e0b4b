"""Rounding a unit of several rules without caps reads only the remainders (``k + r/d``
rounds to ``k`` plus ``r/d`` rounded); it must give exactly what apportioning the rounded
total by largest remainder gives, in every rounding mode."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from loyalrules.rules.rounding import _apportion, round_units
from loyalrules.rules.settings import RoundingMode

ratios = st.tuples(st.integers(0, 10**9), st.sampled_from([1, 2, 3, 4, 8, 25, 100, 400, 7]))
units = st.dictionaries(st.integers(0, 12), ratios, min_size=2, max_size=6)


@given(units=st.lists(units, min_size=1, max_size=3), mode=st.sampled_from(list(RoundingMode)))
def test_uncapped_rounding_is_apportioning_the_rounded_total(
    units: list[dict[int, tuple[int, int]]], mode: RoundingMode
) -> None:
    awards: dict[int, int] = {}
    round_units(units, {}, mode, awards)

    expected: dict[int, int] = {}
    for unit in units:
        denominator = math.lcm(*[d for _, d in unit.values()])
        numerators = {pos: n * (denominator // d) for pos, (n, d) in unit.items()}
        rounded = mode.round_ratio(sum(numerators.values()), denominator)
        for pos, points in _apportion(rounded, numerators, denominator, {}).items():
            expected[pos] = expected.get(pos, 0) + points
    assert awards == expected
