"""The garbage collector kept from rescanning objects that are not garbage.

Reading a program or a stored ledger builds thousands of small objects that are not
garbage yet; the collector scanning them again and again as they grow costs more than
building them. The pause is process-wide and always ends, even on an error.

>>> import gc
>>> with collector_paused():
...     gc.isenabled()
False
>>> gc.isenabled()
True

A batch loop that keeps what it builds (every member's ledger of a population) freezes
it as it goes instead (decision 0097):

>>> kept = []
>>> with collector_frozen_every(2) as done:
...     for member in range(5):
...         kept.append([member])
...         done()
>>> len(kept)
5
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from loyalrules.errors import ValidationError


@contextmanager
def collector_paused() -> Iterator[None]:
    """The garbage collector off inside the block (left off if it was off before)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def collector_frozen_every(count: int) -> Iterator[Callable[[], None]]:
    """A ``done()`` to call after each unit of a batch (a member); every ``count`` calls
    it moves everything alive into the collector's permanent generation (``gc.freeze``).

    Full collections then scan only what the last ``count`` units built, not everything
    the batch keeps; frozen objects are still freed by reference counting (the library's
    values hold no reference cycles). On leaving, the frozen objects go back to the
    collector (``gc.unfreeze``) unless something was frozen before the block, which is
    the host's and left as it is.
    """
    if count < 1:
        raise ValidationError(f"count must be a whole number of 1 or more, not {count!r}")
    frozen_before = gc.get_freeze_count()
    calls = 0

    def done() -> None:
        nonlocal calls
        calls += 1
        if calls % count == 0:
            gc.freeze()

    try:
        yield done
    finally:
        if not frozen_before:
            gc.unfreeze()
