"""What the fuzz tests share: the profile (quick in every test run, long on demand), and
the rule that only loyalrules' own errors may come out of the library.

Run the long profile (about 70,000 cases in all) with::

    LOYALRULES_FUZZ=long pytest tests/fuzz -p no:cacheprovider

``LOYALRULES_FUZZ=long:0.1`` runs a tenth of it (each run with a fresh seed), so the long
profile can be spread over several processes or machines, or run in rounds.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings

from loyalrules import LoyalRulesError
from loyalrules.errors import InternalError

PROFILE, _, SHARE = os.environ.get("LOYALRULES_FUZZ", "quick").partition(":")
LONG = PROFILE == "long"

T = TypeVar("T")


def fuzz_settings(quick: int, long: int) -> Callable[[T], T]:
    """Hypothesis settings with ``quick`` cases normally and ``long`` under the long
    profile (times its share, ``long:0.1``); no deadline (a loaded machine is slow, not
    wrong)."""
    return settings(  # type: ignore[return-value]
        max_examples=max(1, round(long * float(SHARE or 1))) if LONG else quick,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        derandomize=not LONG,  # the quick profile is the same in every CI run
    )


def library_call(call: Callable[..., T], *args: Any, **kwargs: Any) -> T | LoyalRulesError:
    """``call(*args, **kwargs)``, or the ``LoyalRulesError`` it raised. Any other exception
    (or an ``InternalError``, a broken invariant of the library) fails the test."""
    try:
        return call(*args, **kwargs)
    except InternalError:
        raise
    except LoyalRulesError as error:
        return error
