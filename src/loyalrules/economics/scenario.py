"""A member's dated history of events and calls, played through a program.

A :class:`Scenario` is what a property test draws and what a check reports: purchases,
returns and activities (events for ``Program.process``) and the calls a host makes
around them (the operation records of ``loyalrules.values.inputs``: redemptions and
their cancellations, points paid at checkout, manual adjustments, nightly expiry runs and
tier reviews), oldest first.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from loyalrules import (
    Activation,
    Activity,
    InsufficientPoints,
    Ledger,
    Member,
    Membership,
    NotAllowed,
    Outcome,
    Program,
    Purchase,
    Return,
    UnknownReward,
    ValidationError,
)
from loyalrules.economics.budgets import without_budgets
from loyalrules.storage.inputs import input_from_dict, member_from_dict, run
from loyalrules.values.frozen import value_methods
from loyalrules.values.inputs import (
    Adjust,
    CancelRedemption,
    Expire,
    PayWithPoints,
    Redeem,
    ReviewTiers,
    Transfer,
    old_names,
)

Step = (
    Purchase
    | Return
    | Activity
    | Activation
    | Membership
    | Redeem
    | CancelRedemption
    | PayWithPoints
    | Adjust
    | Expire
    | ReviewTiers
    | Transfer
)
"""One thing that happens in a scenario: an event or one of the operation records."""
Progress = Callable[[int, int], None]

# Names this module gave before the operation records were one set (see decision 0024).
__getattr__ = old_names(__name__, {"ExpiryRun": "Expire", "TierReview": "ReviewTiers"})


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S%z")


def step_time(step: Step) -> datetime:
    """When ``step`` happens."""
    if isinstance(step, Purchase | Return | Activity | Activation | Membership):
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


@value_methods
@attrs.frozen(eq=False, repr=False)
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


def scenario_from_record(record: Mapping[str, Any]) -> Scenario:
    """A member's recorded history as a scenario: a record of the batch JSON Lines format
    (decision 0032) whose ``inputs`` are the member's stored inputs, oldest first.

    For example::

        scenarios = [scenario_from_record(r) for r in read_jsonl("members-00000.jsonl")]
    """
    member_data, inputs = record.get("member"), record.get("inputs")
    if not isinstance(member_data, Mapping):
        raise ValidationError(f"a member record needs a 'member' object, not {member_data!r}")
    member = member_from_dict(member_data)
    if not isinstance(inputs, list):
        raise ValidationError(
            f"the record of member {member.id!r} has no 'inputs' list: write the records "
            "with records_from_store(store, with_inputs=True)"
        )
    return Scenario(member, tuple(input_from_dict(item) for item in inputs))


@value_methods
@attrs.frozen(eq=False, repr=False)
class Played:
    """A step and its outcome; ``refused`` says why a redemption was not made."""

    step: Step
    outcome: Outcome | None
    refused: str | None = None


@value_methods
@attrs.frozen(eq=False, repr=False)
class Playback:
    """A scenario played through a program: the final ledger and each step's outcome."""

    scenario: Scenario
    ledger: Ledger
    played: tuple[Played, ...]


def run_step(program: Program, member: Member, ledger: Ledger, step: Step) -> Played:
    """Play one step against ``ledger``; a refused redemption changes nothing, and so
    does one of a reward the program does not have (a diff replays the steps of another
    program, which may have had it)."""
    if isinstance(step, ReviewTiers) and program.settings.tiers is None:
        return Played(step, None, "the program has no tiers")  # none to review
    if isinstance(step, Transfer):
        raise ValidationError(
            f"{step}: a transfer concerns two members' ledgers; play the whole population "
            "with play_ledgers(program, scenarios)"
        )
    try:
        return Played(step, run(program, member, ledger, step))
    except (InsufficientPoints, NotAllowed, UnknownReward) as refusal:
        if isinstance(step, Redeem | CancelRedemption | PayWithPoints | Adjust | Membership):
            return Played(step, None, str(refusal))
        raise


def play_ledger(program: Program, scenario: Scenario) -> Ledger:
    """The ledger of ``scenario`` played through ``program`` (see :func:`play`)."""
    program = without_budgets(program)
    ledger, member = Ledger(), scenario.member
    for step in scenario.steps:
        outcome = run_step(program, member, ledger, step).outcome
        if outcome is not None and outcome.entries:
            ledger = ledger.append(outcome.entries)
    return ledger


def play_ledgers(
    program: Program, scenarios: Sequence[Scenario], progress: Progress | None = None
) -> list[Ledger]:
    """The ledgers of ``scenarios`` (one per member) played through ``program``, in order.

    A member's steps are played alone (:func:`play_ledger`), except those of members a
    ``Transfer`` links: theirs are played together in time order, each transfer after the
    other steps of its instant, with both ledgers (``Program.transfer``); a refused
    transfer changes nothing. ``progress`` is called with (members done, members).
    """
    program = without_budgets(program)
    linked = {
        name
        for scenario in scenarios
        for step in scenario.steps
        if isinstance(step, Transfer)
        for name in (scenario.member.id, step.recipient)
    }
    ledgers: list[Ledger] = []
    together = []
    for done, scenario in enumerate(scenarios, start=1):
        if scenario.member.id in linked:
            together.append(len(ledgers))
            ledgers.append(Ledger())
        else:
            ledgers.append(play_ledger(program, scenario))
        if progress is not None:
            progress(done, len(scenarios))
    played = _play_together(program, [scenarios[i] for i in together])
    for index, ledger in zip(together, played, strict=True):
        ledgers[index] = ledger
    return ledgers


def _play_together(program: Program, scenarios: Sequence[Scenario]) -> list[Ledger]:
    where = {scenario.member.id: n for n, scenario in enumerate(scenarios)}
    ledgers = [Ledger() for _ in scenarios]
    # Each member's steps keep their order; between members, time decides (a transfer
    # after the other steps of its instant, as the simulator gives it).
    order = heapq.merge(*(_keyed(n, scenario) for n, scenario in enumerate(scenarios)))
    for _, _, n, _, step in order:
        member = scenarios[n].member
        if isinstance(step, Transfer):
            to = where.get(step.recipient)
            if to is None:
                raise ValidationError(f"{step}: the recipient's steps are not among the scenarios")
            try:
                sent, received = program.transfer(
                    step.points, sender=member, sender_ledger=ledgers[n],
                    recipient=scenarios[to].member, recipient_ledger=ledgers[to],
                    at=step.at, key=step.key,
                )  # fmt: skip
            except (InsufficientPoints, NotAllowed):
                continue
            ledgers[n] = ledgers[n].append(sent.entries)
            ledgers[to] = ledgers[to].append(received.entries)
            continue
        outcome = run_step(program, member, ledgers[n], step).outcome
        if outcome is not None and outcome.entries:
            ledgers[n] = ledgers[n].append(outcome.entries)
    return ledgers


def _keyed(n: int, scenario: Scenario) -> Iterator[tuple[datetime, bool, int, int, Step]]:
    for i, step in enumerate(scenario.steps):
        yield step_time(step), isinstance(step, Transfer), n, i, step


def play(program: Program, scenario: Scenario, ledger: Ledger | None = None) -> Playback:
    """Play every step of ``scenario`` in order, appending each outcome to the ledger.

    Redemptions the program refuses (too few points, not eligible, a limit),
    cancellations of redemptions that were never made and subscriptions to a plan the
    member holds already are recorded as refused, and so are tier reviews for a program
    without tiers; any other error propagates. Rules and rewards with a program-wide
    ``budget`` pay as if it never ran out (:mod:`loyalrules.economics.budgets`). For
    example::

        playback = play(program, scenario)
        playback.ledger.balance(at=scenario.end).available
    """
    program = without_budgets(program)
    ledger = Ledger() if ledger is None else ledger
    played = []
    for step in scenario.steps:
        result = run_step(program, scenario.member, ledger, step)
        if result.outcome is not None:
            ledger = ledger.apply(result.outcome)
        played.append(result)
    return Playback(scenario, ledger, tuple(played))
