"""Friends a simulated member brings: referred members, and the points they are given.

A member and the friends they bring are simulated together, month by month, from the
member's seed (friend *n* of member *i* draws from ``random.Random("{seed}:{i}:f{n}")``),
so members still do not depend on each other's draws: a population of 5 holds the first
5 members of a population of 12, with their friends. Each month the friends' days run
first, so their qualifying orders become the member's referral events (``Program.referral``)
in time order; then the member's days; then, a second before the month ends, a transfer
of points to a friend (``Program.transfer``); then everyone's nightly jobs.

The simulator's member runs are passed in as :class:`Person` (structural typing, so this
module does not import the simulator that calls it).
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

import attrs

from loyalrules import (
    Activity,
    InsufficientPoints,
    Ledger,
    Member,
    NotAllowed,
    Outcome,
    Program,
    Purchase,
)
from loyalrules.economics.behaviour import BehaviourModel
from loyalrules.economics.calendar import Month
from loyalrules.economics.metrics import POINTS
from loyalrules.rules.referrals import REFERRED_BY
from loyalrules.values.frozen import value_methods
from loyalrules.values.inputs import Transfer

Event = tuple[datetime, int, Any]
"""An event of a member's month: (when, its order among events at that instant, event)."""


class Person(Protocol):
    """What a circle needs of a simulated member's run."""

    member: Member
    ledger: Ledger
    rng: random.Random
    gone: bool
    on_order: Callable[[Outcome], bool] | None

    def days(self, month: Month, extra: Sequence[Event] = ()) -> None: ...
    def night(self, month: Month) -> None: ...
    def apply(self, outcome: Outcome) -> None: ...
    def note(self, step: Any) -> None: ...
    def purchase(self, at: datetime) -> Purchase: ...


@value_methods
@attrs.frozen(eq=False, repr=False)
class Habits:
    """The model's friend parameters, for one program: chances per month (0: never)."""

    churn: float  # a friend leaves for good
    bring: float  # an active member brings a friend
    give: float  # a member with friends gives one of them points
    share: float  # ...this share of their available points
    refer: bool  # friends are referred (the program has ``referrals``)
    least: int  # the fewest points the program lets a member give


def habits_of(program: Program, model: BehaviourModel) -> Habits:
    """The friend parameters of ``model`` for ``program``: friends join only a program
    with ``referrals`` or ``transfers``, and are given points only under ``transfers``."""
    transfers = program.settings.transfers
    befriends = program.referrals is not None or transfers is not None
    return Habits(
        churn=float(model.churn.monthly),
        bring=float(model.referrals.per_month) if befriends else 0.0,
        give=float(model.transfers.per_month) if transfers is not None else 0.0,
        share=float(model.transfers.share),
        refer=program.referrals is not None,
        least=max(transfers.min_points, 1) if transfers is not None else 1,
    )


class Circle:
    """A member and the friends they brought; runs their months together."""

    def __init__(
        self,
        program: Program,
        habits: Habits,
        person: Person,
        seed: str,
        befriend: Callable[[Member, random.Random], Person],
    ) -> None:
        self.program, self.habits, self.person, self.seed = program, habits, person, seed
        self.befriend = befriend  # makes the run of a friend, drawing from their generator
        self.friends: list[Person] = []
        self.referred: list[Activity] = []
        self.gifts = 0

    def month(self, month: Month) -> None:
        """One month of the member and their friends, nightly jobs included."""
        person, habits = self.person, self.habits
        if not person.gone and habits.bring and person.rng.random() < habits.bring:
            self.bring(month)
        for friend in self.friends:
            joined = friend.member.joined_at
            if joined < month.start and not friend.gone and friend.rng.random() < habits.churn:
                friend.gone = True
            welcome = [(joined, 0, friend.purchase(joined))] if month.start <= joined else []
            friend.days(month, welcome)
        person.days(month, [(a.occurred_at, 1, a) for a in self.referred])
        self.referred.clear()
        if self.friends and not person.gone and habits.give and person.rng.random() < habits.give:
            self.give(month)
        person.night(month)
        for friend in self.friends:
            friend.night(month)

    def bring(self, month: Month) -> None:
        """A friend joins at an instant of ``month``, with an order then and there."""
        person = self.person
        n = len(self.friends) + 1
        rng = random.Random(f"{self.seed}:f{n}")
        at = month.start + timedelta(days=rng.randrange(month.days), seconds=rng.randrange(86400))
        attributes = {REFERRED_BY: person.member.id} if self.habits.refer else {}
        member = Member(id=f"{person.member.id}-f{n}", joined_at=at, attributes=attributes)
        friend = self.befriend(member, rng)
        if self.habits.refer:
            friend.on_order = functools.partial(self.referral, member)
        self.friends.append(friend)

    def referral(self, friend: Member, outcome: Outcome) -> bool:
        """Whether ``outcome`` (a friend's order) made them count as referred: then the
        member's referral event is queued for their month."""
        referral = self.program.referral(outcome, referee=friend, referrer=self.person.member)
        if referral.event is None:
            return False
        self.referred.append(referral.event)
        return True

    def give(self, month: Month) -> None:
        """The member gives a share of their available points to one of their friends."""
        person, habits = self.person, self.habits
        friend = self.friends[int(person.rng.random() * len(self.friends))]
        at = month.end - timedelta(seconds=1)  # after every event of the month
        points = int(person.ledger.balance(at, POINTS).available * habits.share)
        if points < habits.least:
            return
        self.gifts += 1
        step = Transfer(points, at, f"{person.member.id}-t{self.gifts}", friend.member.id)
        person.note(step)
        try:
            sent, received = self.program.transfer(
                points,
                sender=person.member,
                sender_ledger=person.ledger,
                recipient=friend.member,
                recipient_ledger=friend.ledger,
                at=at,
                key=step.key,
            )
        except (InsufficientPoints, NotAllowed):
            return
        person.apply(sent)
        friend.apply(received)
