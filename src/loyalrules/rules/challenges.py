"""Challenges: a goal over a period (visits, purchases, spend, activities or categories),
an optional opt-in, and a reward paid once per period on the event that reaches the goal.

A challenge is planned as a rule: its goal and its opt-in are conditions, "once per
period" is its limit, and the reward is a bonus. So it pays through the same pipeline,
says why not through the same explanation, and a return of the purchase that reached the
goal re-evaluates it: if the rest of the order no longer reaches the goal, the reward is
taken back (a return of another purchase of the period is checked by
``operations.engagement.undo_challenges``). Progress is counted from the ledger, on the
program's calendar, net of what returns took back before the event.

>>> from loyalrules.values.timeutil import Period
>>> Goal(Metric.VISITS, Decimal(5), Period.MONTH, "USD").describe()
'5 visits in the month'
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal

import attrs

from loyalrules.ledger import categories
from loyalrules.ledger.facts import Facts
from loyalrules.ledger.series import PURCHASES, SPEND, UNDONE, Series, activities
from loyalrules.rules.conditions import Condition, Window
from loyalrules.rules.context import Context
from loyalrules.rules.lines import spend_by_category
from loyalrules.rules.visit_conditions import purchase_days
from loyalrules.values.events import Cart
from loyalrules.values.frozen import value_methods
from loyalrules.values.money import format_money
from loyalrules.values.timeutil import Period, until_text

_TICK = timedelta(microseconds=1)

OPT_IN = "opt_in:"
"""Activity kinds ``opt_in:<challenge id>`` record that a member joined a challenge."""


class Metric(enum.Enum):
    """What a challenge's goal counts."""

    VISITS = "visits"  # local days with a purchase
    PURCHASES = "purchases"  # purchases, less those returned in full
    SPEND = "spend"  # eligible spend, less what returns took back
    ACTIVITIES = "activities"  # activities of one kind
    CATEGORIES = "categories"  # line categories bought (with spend left after returns)


@value_methods
@attrs.frozen(eq=False, repr=False)
class Goal(Condition):
    """``target`` of ``metric`` in the event's ``period``, the event included."""

    metric: Metric
    target: Decimal
    period: Period
    currency: str  # the program's, for spend goals
    kind: str | None = None  # the activity kind counted
    locale: str | None = None
    category: str | None = None  # spend or purchases of this line category only

    def _words(self, amount: Decimal) -> str:
        on = "" if self.category is None else f" on {self.category}"
        if self.metric is Metric.SPEND:
            return format_money(amount, self.currency, locale=self.locale) + " spent" + on
        if self.metric is Metric.ACTIVITIES:
            return f"{amount} {self.kind} activities"
        if self.metric is Metric.PURCHASES and self.category is not None:
            return f"{amount} purchases of {self.category}"
        return f"{amount} {self.metric.value}"

    def _categories(self, series: Series, start: datetime, at: datetime) -> Decimal | None:
        """Progress of a goal over categories from ``series`` in ``[start, at)`` (None
        for other goals)."""
        category = self.category
        if self.metric is Metric.CATEGORIES:
            return Decimal(len(categories.bought(series, start, at, UNDONE)))
        if category is None:
            return None
        if self.metric is Metric.SPEND:
            return categories.net_spend(series, category, start, at, UNDONE)
        return Decimal(categories.net_purchases(series, category, start, at, UNDONE))

    def _event_categories(self, ctx: Context, cart: Cart, done: Decimal) -> Decimal:
        """Progress of a goal over categories with the event's purchase ``cart``."""
        bought = dict(spend_by_category(ctx.lines, len(cart.lines)))
        if self.metric is Metric.CATEGORIES:
            start, _ = self.period.bounds(ctx.local)
            before = categories.bought(ctx.history.series, start, ctx.at, UNDONE)
            return Decimal(len(before | bought.keys()))
        spend = bought.get(self.category or "", Decimal(0))
        if self.metric is Metric.SPEND:
            return done + spend
        return done + int(spend > 0)

    def so_far(self, history: Facts, zone: tzinfo, at: datetime) -> Decimal:
        """Progress in the period holding ``at``, from purchases strictly before it (and
        activities up to it)."""
        start, _ = self.period.bounds(at.astimezone(zone))
        series = history.series
        by_category = self._categories(series, start, at)
        if by_category is not None:
            return by_category
        if self.metric is Metric.VISITS:
            return Decimal(len(purchase_days(history, zone, start, at)))
        if self.metric is Metric.ACTIVITIES:
            # Activities at the same instant count: an activity is never re-evaluated
            # against a ledger that holds it already.
            return series.total(activities(self.kind or ""), start, at + _TICK)
        # A return counts in the period of the purchase it returns, as taking back a
        # completed challenge's bonus does: never a second time in the period it is made.
        name = PURCHASES if self.metric is Metric.PURCHASES else SPEND
        return series.total(name, start, at) - series.total(name + UNDONE, start, at)

    def progress(self, ctx: Context) -> Decimal:
        """Progress in the event's period with the event itself."""
        done = self.so_far(ctx.history, ctx.settings.timezone, ctx.at)
        if self.metric is Metric.ACTIVITIES:
            return done + int(ctx.activity is not None and ctx.activity.kind == self.kind)
        cart = ctx.cart
        if cart is None:
            return done
        if self.category is not None or self.metric is Metric.CATEGORIES:
            return self._event_categories(ctx, cart, done)
        if self.metric is Metric.VISITS:
            day = ctx.local.date()
            start, _ = self.period.bounds(ctx.local)
            days = purchase_days(ctx.history, ctx.settings.timezone, start, ctx.at)
            return done + int(day not in days)
        return done + (1 if self.metric is Metric.PURCHASES else ctx.spend)

    def __call__(self, ctx: Context) -> bool:
        return self.progress(ctx) >= self.target

    def describe(self) -> str:
        return f"{self._words(self.target)} in the {self.period.value}"

    def seen(self, ctx: Context) -> str | None:
        return f"{self._words(self.progress(ctx))} so far"

    def to_go(self, done: Decimal, end: datetime, zone: tzinfo) -> str:
        """What is left to do by ``end``: "2 more visits by the end of 2026-03-31"."""
        left = self.target - done
        if self.metric is Metric.SPEND:
            more = f"spend {format_money(left, self.currency, locale=self.locale)} more"
            if self.category is not None:
                more += f" on {self.category}"
        elif self.metric is Metric.PURCHASES and self.category is not None:
            more = f"{left} more {'purchase' if left == 1 else 'purchases'} of {self.category}"
        else:
            what = f"{self.kind} activities" if self.kind is not None else self.metric.value
            if left == 1:  # "1 more visit", "1 more review activity"
                what = what[:-3] + "y" if what.endswith("ies") else what[:-1]
            more = f"{left} more {what}"
        return f"{more} by {until_text(end, zone)}"


@value_methods
@attrs.frozen(eq=False, repr=False)
class OptedIn(Condition):
    """The member joined challenge ``challenge`` (an ``opt_in:<id>`` activity) at or
    before the event."""

    reads_cart = False

    challenge: str

    def __call__(self, ctx: Context) -> bool:
        return opted_in(ctx.history, self.challenge, ctx.at)

    def describe(self) -> str:
        return f"joined challenge {self.challenge}"

    def seen(self, ctx: Context) -> str | None:
        return "joined" if self(ctx) else "not joined"


def opted_in(history: Facts, challenge: str, at: datetime) -> bool:
    """Whether the member joined ``challenge`` at or before ``at``."""
    return history.series.last_before(activities(OPT_IN + challenge), at + _TICK) is not None


@value_methods
@attrs.frozen(eq=False, repr=False)
class Challenge:
    """A challenge as the program states it (planned as the rule ``id``)."""

    id: str
    name: str
    goal: Goal
    points: int
    opt_in: bool = False
    active: Window | None = None

    def open_at(self, at: datetime) -> bool:
        """Whether the challenge runs at ``at`` (inside its ``active`` window)."""
        window = self.active
        return window is None or (
            (window.start is None or window.start <= at) and (window.end is None or at < window.end)
        )


@value_methods
@attrs.frozen(eq=False, repr=False)
class ChallengeProgress:
    """Where a member stands in one challenge, for ``status``."""

    challenge: Challenge
    done: Decimal
    ends: datetime
    completed: bool
    joined: bool

    def message(self, zone: tzinfo) -> str:
        name, goal = self.challenge.name, self.challenge.goal
        if self.completed:
            return f"{name}: completed"
        if not self.joined:
            return f"{name}: join to take part"
        return f"{name}: {goal.to_go(self.done, self.ends, zone)}"


def progress(challenge: Challenge, history: Facts, zone: tzinfo, at: datetime) -> ChallengeProgress:
    """``challenge``'s progress in the period holding ``at`` (events up to ``at``)."""
    goal = challenge.goal
    start, end = goal.period.bounds(at.astimezone(zone))
    moment = at + _TICK  # events at ``at`` itself count
    done = goal.so_far(history, zone, moment)
    completed = history.rule_earnings_between(challenge.id, start, end) > 0
    joined = not challenge.opt_in or opted_in(history, challenge.id, at)
    return ChallengeProgress(challenge, done, end, completed, joined)
