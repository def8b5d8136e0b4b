"""A member's dated history of events and calls, played through a program.

A :class:`Scenario` is what a property test draws and what a check reports: purchases,
returns and activities (events for ``Program.process``) and the calls a host makes
around them (redemptions and their cancellations, nightly expiry runs and tier
reviews), oldest first.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from loyalrules import (
    Activity,
    Cart,
    InsufficientPoints,
    Ledger,
    Member,
    Membership,
    NotAllowed,
    Outcome,
    Program,
    Purchase,
    Return,
)


@attrs.frozen
class Redeem:
    """The member asks for the reward ``reward_id`` at ``at``; ``key`` identifies it.
    At a checkout, ``cart`` is the order's cart and ``order_id`` its id."""

    reward_id: str
    at: datetime
    key: str
    cart: Cart | None = None
    order_id: str | None = None

    def __str__(self) -> str:
        return f"{_when(self.at)} redeem {self.reward_id} (key {self.key})"


@attrs.frozen
class CancelRedemption:
    """The redemption made with ``key`` is cancelled at ``at``."""

    key: str
    at: datetime

    def __str__(self) -> str:
        return f"{_when(self.at)} cancel redemption {self.key}"


@attrs.frozen
class ExpiryRun:
    """The nightly ``Program.expire`` at ``at``."""

    at: datetime

    def __str__(self) -> str:
        return f"{_when(self.at)} expiry run"


@attrs.frozen
class TierReview:
    """The nightly ``Program.review_tiers`` at ``at``."""

    at: datetime

    def __str__(self) -> str:
        return f"{_when(self.at)} tier review"


Step = (
    Purchase | Return | Activity | Membership | Redeem | CancelRedemption | ExpiryRun | TierReview
)
"""One thing that happens in a scenario."""


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S%z")


def step_time(step: Step) -> datetime:
    """When ``step`` happens."""
    if isinstance(step, Purchase | Return | Activity | Membership):
        return step.occurred_at
    return step.at


def describe_step(step: Step) -> str:
    """One line for ``step``: ``2026-03-01 10:00:00+0000 purchase o-1: 2 x BEANS-1 ...``."""
    if isinstance(step, Purchase):
        lines = ", ".join(
            f"{line.quantity} x {line.sku} ({line.category}) at {line.unit_price}"
            + (f" less {line.discount}" if line.discount else "")
            for line in step.lines
        )
        extra = "".join(
            f", {name} {value}"
            for name, value in (
                ("order discount", step.order_discount),
                ("channel", step.channel),
                ("payment", step.payment),
            )
            if value
        )
        return f"{_when(step.occurred_at)} purchase {step.id}: {lines}{extra}"
    if isinstance(step, Return):
        what = "everything" if step.lines is None else dict(step.lines)
        return f"{_when(step.occurred_at)} return {step.id} of {step.purchase.id}: {what}"
    if isinstance(step, Activity):
        return f"{_when(step.occurred_at)} activity {step.id}: {step.kind}"
    if isinstance(step, Membership):
        return f"{_when(step.occurred_at)} membership {step.id}: {step.action} {step.plan}"
    return str(step)


@attrs.frozen
class Scenario:
    """One member and their steps, oldest first."""

    member: Member
    steps: tuple[Step, ...]

    @property
    def purchases(self) -> tuple[Purchase, ...]:
        return tuple(step for step in self.steps if isinstance(step, Purchase))

    @property
    def end(self) -> datetime:
        """The instant of the last step (the member's join when there is none)."""
        return max((step_time(s) for s in self.steps), default=self.member.joined_at)

    def __str__(self) -> str:
        head = f"member {self.member.id} (joined {_when(self.member.joined_at)}"
        if self.member.birthday is not None:
            head += f", born {self.member.birthday.isoformat()}"
        if self.member.attributes:
            head += f", {dict(self.member.attributes)}"
        lines = [head + ")"]
        lines += [f"  {describe_step(step)}" for step in self.steps] or ["  (no steps)"]
        return "\n".join(lines)


@attrs.frozen
class Played:
    """A step and its outcome; ``refused`` says why a redemption was not made."""

    step: Step
    outcome: Outcome | None
    refused: str | None = None


@attrs.frozen
class Playback:
    """A scenario played through a program: the final ledger and each step's outcome."""

    scenario: Scenario
    ledger: Ledger
    played: tuple[Played, ...]


def run_step(program: Program, member: Member, ledger: Ledger, step: Step) -> Played:
    """Play one step against ``ledger``; a refused redemption changes nothing."""
    try:
        if isinstance(step, Purchase | Return | Activity | Membership):
            outcome = program.process(step, member=member, ledger=ledger)
        elif isinstance(step, Redeem):
            outcome = program.redeem(
                step.reward_id,
                member=member,
                ledger=ledger,
                at=step.at,
                key=step.key,
                cart=step.cart,
                order_id=step.order_id,
            )
        elif isinstance(step, CancelRedemption):
            outcome = program.cancel_redemption(
                member=member, ledger=ledger, key=step.key, at=step.at
            )
        elif isinstance(step, ExpiryRun):
            outcome = program.expire(member=member, ledger=ledger, at=step.at)
        elif program.settings.tiers is None:  # a program without tiers has none to review
            return Played(step, None, "the program has no tiers")
        else:
            outcome = program.review_tiers(member=member, ledger=ledger, at=step.at)
    except (InsufficientPoints, NotAllowed) as refusal:
        if isinstance(step, Redeem | CancelRedemption | Membership):
            return Played(step, None, str(refusal))
        raise
    return Played(step, outcome)


def play_ledger(program: Program, scenario: Scenario) -> Ledger:
    """The ledger of ``scenario`` played through ``program`` (see :func:`play`)."""
    ledger, member = Ledger(), scenario.member
    for step in scenario.steps:
        outcome = run_step(program, member, ledger, step).outcome
        if outcome is not None and outcome.entries:
            ledger = ledger.append(outcome.entries)
    return ledger


def play(program: Program, scenario: Scenario, ledger: Ledger | None = None) -> Playback:
    """Play every step of ``scenario`` in order, appending each outcome to the ledger.

    Redemptions the program refuses (too few points, not eligible, a limit),
    cancellations of redemptions that were never made and subscriptions to a plan the
    member holds already are recorded as refused, and so are tier reviews for a program
    without tiers; any other error propagates. For example::

        playback = play(program, scenario)
        playback.ledger.balance(at=scenario.end).available
    """
    ledger = Ledger() if ledger is None else ledger
    played = []
    for step in scenario.steps:
        result = run_step(program, scenario.member, ledger, step)
        if result.outcome is not None:
            ledger = ledger.apply(result.outcome)
        played.append(result)
    return Playback(scenario, ledger, tuple(played))
