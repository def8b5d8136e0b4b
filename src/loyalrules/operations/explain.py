"""Why a stored event paid what it did: the ledger as it stood just before the event's
entries, to evaluate the event again and ask its ``why`` (``Program.explain``).

A stored outcome is its entries; the reasons of the rules that did not pay are worked
out when asked (decision 0080). Evaluating the event again against the entries that
came before it gives the same evaluation, and so the same reasons, as long as the
program is the one that processed it.
"""

from __future__ import annotations

from loyalrules.errors import ValidationError, WrongTypeError
from loyalrules.ledger.ledger import Ledger
from loyalrules.rules.pipeline import activity_key, purchase_key
from loyalrules.values.events import Activity, Purchase


def event_key(event: Purchase | Activity) -> str:
    """The key of the ``Recorded`` entry ``event`` made."""
    if isinstance(event, Purchase):
        return purchase_key(event.id)
    if isinstance(event, Activity):
        return activity_key(event)
    raise WrongTypeError(f"explain() takes a Purchase or an Activity, not {type(event).__name__}")


def ledger_before(event: Purchase | Activity, ledger: Ledger) -> Ledger:
    """``ledger`` without the entries of ``event`` and those appended after them."""
    key = event_key(event)
    entries = ledger.entries
    for index, entry in enumerate(entries):
        if entry.key == key:
            return Ledger(entries[:index])
    raise ValidationError(
        f"the ledger holds no entry {key!r}: explain an event the ledger recorded, with "
        "the ledger that holds it (process a new event to see its why)"
    )
