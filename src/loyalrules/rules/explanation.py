"""One line of the explanation an Outcome carries for every number."""

from __future__ import annotations

from typing import Literal, NamedTuple

ExplanationStatus = Literal[
    "applied",
    "missed",
    "reversed",
    "expired",
    "activated",
    "adjusted",
    "transferred",
    "redeemed",
    "restored",
    "tier",
    "membership",
    "unmatched",
]


class Explanation(NamedTuple):
    """One line of an explanation (an immutable record, cheap to build per event).

    ``status`` is ``"applied"`` for a rule that applied (``points`` it gave, possibly 0)
    or ``"missed"`` for a threshold rule the customer just missed (``points`` is 0).
    Lifecycle operations explain their entries as ``"reversed"``, ``"expired"``,
    ``"activated"``, ``"adjusted"`` or ``"transferred"``; debits have negative points.
    ``"unmatched"`` says an activity was recorded but no rule of the program names its
    kind (0 points), so a misspelt kind is not a silent zero.
    """

    rule_id: str
    status: ExplanationStatus
    points: int
    text: str

    def __str__(self) -> str:
        return self.text
