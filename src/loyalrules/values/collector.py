"""The garbage collector paused while many new, long-lived objects are built.

Reading a program or a stored ledger builds thousands of small objects that are not
garbage yet; the collector scanning them again and again as they grow costs more than
building them. The pause is process-wide and always ends, even on an error.

>>> import gc
>>> with collector_paused():
...     gc.isenabled()
False
>>> gc.isenabled()
True
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
