"""Member messages: texts a program attaches to rules and rewards, with safe
substitution only.

A message is a ``string.Template``: ``$points``, ``$reward`` and ``$expires`` (or
``${points}``) are replaced by plain strings, ``$$`` is a dollar sign, and nothing else is
read: no attribute access, no indexing, no format specs, so a message written by
marketing cannot reach into the engine. Unknown names are refused when the program
loads.

>>> message = MessageTemplate.of("Thanks! +$points for $reward (spend by $expires).")
>>> message.render(points=50, reward="Review bonus", expires="2027-06-30")
'Thanks! +50 for Review bonus (spend by 2027-06-30).'
"""

from __future__ import annotations

import string
from datetime import datetime, tzinfo

import attrs

from loyalrules.ledger.entries import Earned, Entry
from loyalrules.ledger.ledger import Ledger
from loyalrules.values.frozen import value_methods

NAMES = ("points", "reward", "expires")


@value_methods
@attrs.frozen(eq=False, repr=False)
class MessageTemplate:
    """A checked message: ``text`` with only the placeholders of :data:`NAMES`."""

    text: str
    _template: string.Template = attrs.field(eq=False, repr=False)

    @classmethod
    def of(cls, text: str) -> MessageTemplate:
        """``text`` checked: a ``ValueError`` names a bad or unknown placeholder."""
        template = string.Template(text)
        if not template.is_valid():
            raise ValueError(
                f"message {text!r} has a '$' that starts no name; write $$ for a dollar sign"
            )
        unknown = [name for name in template.get_identifiers() if name not in NAMES]
        if unknown:
            raise ValueError(
                f"message {text!r} uses ${unknown[0]}; a message may use "
                + ", ".join(f"${name}" for name in NAMES)
            )
        return cls(text, template)

    def render(self, *, points: int, reward: str, expires: str) -> str:
        """The message with its placeholders replaced (plain text in, plain text out)."""
        return self._template.substitute(points=str(points), reward=reward, expires=expires)


def expires_text(expires_at: datetime | None, zone: tzinfo) -> str:
    """``$expires``: the local date the points expire, or ``never``."""
    return "never" if expires_at is None else expires_at.astimezone(zone).date().isoformat()


def lot_expires_text(lot: Earned, entries: tuple[Entry, ...], ledger: Ledger, zone: tzinfo) -> str:
    """``$expires`` of ``lot``, one of an event's ``entries`` computed against ``ledger``:
    what the balance will say once they are appended, so no date while a tier or plan
    that keeps points (``lot.exemption``) keeps it."""
    if lot.exemption is None:
        return expires_text(lot.expires_at, zone)
    return expires_text(ledger.history.expiry_after(lot, entries), zone)
