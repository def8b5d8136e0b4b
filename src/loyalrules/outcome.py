"""What the engine gives back: new ledger entries plus the explanation of every number."""

from __future__ import annotations

from typing import Literal, NamedTuple

import attrs

from loyalrules.ledger import DEFAULT_ACCOUNT, Earned, Entry
from loyalrules.money import Money


class Explanation(NamedTuple):
    """One line of an explanation (an immutable record, cheap to build per event).

    ``status`` is ``"applied"`` for a rule that applied (``points`` it gave, possibly 0)
    or ``"missed"`` for a threshold rule the customer just missed (``points`` is 0).
    """

    rule_id: str
    status: Literal["applied", "missed"]
    points: int
    text: str

    def __str__(self) -> str:
        return self.text


def _lines_text(explanation: tuple[Explanation, ...]) -> str:
    return "\n".join(line.text for line in explanation)


def _messages(explanation: tuple[Explanation, ...]) -> tuple[str, ...]:
    return tuple(e.text for e in explanation if e.points or e.status == "missed")


@attrs.frozen(kw_only=True)
class Quote:
    """What a cart would earn, without committing anything."""

    points: int
    eligible_spend: Money
    explanation: tuple[Explanation, ...]

    @property
    def messages(self) -> tuple[str, ...]:
        """Customer-facing lines: what earned points and what was just missed."""
        return _messages(self.explanation)

    def __str__(self) -> str:
        return _lines_text(self.explanation)


@attrs.frozen(kw_only=True)
class Outcome:
    """The result of processing one event for one member.

    The host appends ``entries`` to its store (all or nothing). ``ledger_version`` is the
    version of the ledger it was computed against, for compare-and-set appends.
    ``duplicate`` is true when the event was already in the ledger: nothing is added.
    """

    event_key: str
    entries: tuple[Entry, ...]
    explanation: tuple[Explanation, ...]
    ledger_version: int
    duplicate: bool = False

    def awarded(self, account: str = DEFAULT_ACCOUNT) -> int:
        """Points credited to ``account`` by this outcome."""
        total = 0
        for entry in self.entries:
            if isinstance(entry, Earned) and entry.account == account:
                total += entry.points
        return total

    @property
    def points(self) -> int:
        """Points credited to the default ``points`` account."""
        return self.awarded()

    @property
    def messages(self) -> tuple[str, ...]:
        """Customer-facing lines: what earned points and what was just missed."""
        return _messages(self.explanation)

    def __str__(self) -> str:
        return _lines_text(self.explanation)
