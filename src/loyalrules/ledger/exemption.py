"""Expiry suspended while the member holds a standing: a tier level or a paid plan.

A program may say "points never expire while you hold Gold" or "members with a paid
plan keep their points". Lots earned under such a program carry an ``Exemption``: the
levels and plans that keep points, and how the lot's expiry clock resumes when the
standing ends. Whether the standing was held, and when, is read from the ledger's
``TierChanged`` and ``MembershipChanged`` entries, as periods ``[start, end)``.

>>> from datetime import UTC, datetime, timedelta
>>> rule = Exemption(tiers=("gold",), resume="remaining", timezone="UTC")
>>> jan, feb, mar = (datetime(2026, m, 1, tzinfo=UTC) for m in (1, 2, 3))
>>> rule.postpone(jan, mar, [(feb, feb + timedelta(days=10))]).isoformat()
'2026-03-11T00:00:00+00:00'
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

import attrs

from loyalrules.errors import ValidationError, WrongTypeError
from loyalrules.values.durations import parse_duration
from loyalrules.values.frozen import value_methods
from loyalrules.values.timeutil import Period, to_utc, zone

NEVER = datetime.max.replace(tzinfo=UTC)
"""Stands for "no date" where a date is compared (a lot that never expires)."""

Held = Sequence[tuple[datetime, datetime]]
"""Periods ``[start, end)`` a standing was held, sorted and apart (``end`` may be NEVER)."""


class Resume(enum.Enum):
    """How a lot's expiry clock resumes when the standing that kept it ends."""

    REMAINING = "remaining"  # the clock stopped while the standing was held
    RESTART = "restart"  # a fresh period from the instant the standing ended
    FROM_EARNING = "from_earning"  # the lot's own dates; one that fell meanwhile, at once


def _names(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, tuple | list):
        raise WrongTypeError(f"exemption tiers and plans must be tuples of strings, not {value!r}")
    return tuple(sorted(set(value)))


_RESUMES = tuple(item.value for item in Resume)


def _resume(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in _RESUMES:
        raise ValidationError(
            f"exemption resume must be one of {', '.join(_RESUMES)}, not {value!r}"
        )


@value_methods
@attrs.frozen(eq=False, repr=False)
class Exemption:
    """The lot does not expire while the member holds one of ``tiers`` or has one of
    ``plans`` active; ``resume`` says what its deadlines do when that ends. With
    ``restart``, ``period`` (ISO 8601, with ``end_of``) is the lot's expiry period,
    counted afresh in ``timezone`` from the end of the standing.
    """

    tiers: tuple[str, ...] = attrs.field(default=(), converter=_names)
    plans: tuple[str, ...] = attrs.field(default=(), converter=_names)
    resume: str = attrs.field(default=Resume.REMAINING.value, validator=_resume)
    timezone: str = "UTC"
    period: str | None = None
    end_of: str | None = None

    def __attrs_post_init__(self) -> None:
        zone(self.timezone)
        if self.period is not None:
            parse_duration(self.period)
        if self.end_of is not None:
            Period(self.end_of)
        if not self.tiers and not self.plans:
            raise ValidationError("an exemption must name at least one tier level or plan")

    def postpone(self, start: datetime, deadline: datetime, held: Held) -> datetime:
        """When a lot whose clock started at ``start`` and ran out at ``deadline``
        expires, given the periods ``held`` the standing was held."""
        if deadline == NEVER or not held:
            return deadline
        if self.resume == "from_earning":
            for begin, end in held:
                if begin < deadline < end:
                    return end
            return deadline
        restart = self.resume == "restart"
        for begin, end in held:
            if begin >= deadline:
                break
            if end <= start:
                continue
            if end == NEVER:
                return NEVER
            try:
                if restart:
                    deadline = max(deadline, self._fresh(end))
                else:
                    deadline = self._paused(deadline, max(begin, start), end)
            except OverflowError:
                return NEVER
        return deadline

    def _paused(self, deadline: datetime, begin: datetime, end: datetime) -> datetime:
        """``deadline`` moved by the time from ``begin`` to ``end``, counted on the local
        wall clock, so a daylight saving change does not shift it an hour."""
        local = zone(self.timezone)

        def wall(moment: datetime) -> datetime:
            return moment.astimezone(local).replace(tzinfo=None)

        moved = wall(deadline) + (wall(end) - wall(begin))
        return to_utc(moved.replace(tzinfo=local))

    def _fresh(self, moment: datetime) -> datetime:
        """A fresh period from ``moment`` (``restart``), on the local calendar."""
        if self.period is None:
            raise ValidationError("an exemption that restarts a dated lot needs its period")
        local = zone(self.timezone)
        due = to_utc(parse_duration(self.period).after(moment, local))
        return due if self.end_of is None else Period(self.end_of).bounds(due.astimezone(local))[1]

    def gap_end(self, deadline: Callable[[datetime], datetime], held: Held) -> GapEnd:
        """For an inactivity rule whose gap from an activity at ``t`` runs out at
        ``deadline(t)``: the instant the gap is checked against the next activity, and
        the instant the lot expires if it is not met.

        ``remaining`` stops the gap's clock while the standing is held; ``restart``
        counts the standing as activity up to its end; ``from_earning`` keeps the gap and
        moves a deadline that fell during the standing to its end.
        """
        if self.resume == "from_earning":

            def kept(moment: datetime) -> tuple[datetime, datetime]:
                due = deadline(moment)
                return due, self.postpone(moment, due, held)

            return kept
        if self.resume == "remaining":

            def paused(moment: datetime) -> tuple[datetime, datetime]:
                due = self.postpone(moment, deadline(moment), held)
                return due, due

            return paused

        def restarted(moment: datetime) -> tuple[datetime, datetime]:
            due = deadline(moment)
            for begin, end in held:
                if begin >= due:
                    break
                if end > moment:
                    if end == NEVER:
                        return NEVER, NEVER
                    moment, due = end, deadline(end)
            return due, due

        return restarted


GapEnd = Callable[[datetime], tuple[datetime, datetime]]


def exemption_or_none(value: object) -> Exemption | None:
    if value is None or isinstance(value, Exemption):
        return value
    raise WrongTypeError(f"exemption must be an Exemption value, not {value!r}")


def merged(periods: Iterable[tuple[datetime, datetime]]) -> tuple[tuple[datetime, datetime], ...]:
    """``periods`` sorted, with overlapping or touching ones joined."""
    result: list[tuple[datetime, datetime]] = []
    for begin, end in sorted(p for p in periods if p[0] < p[1]):
        if result and begin <= result[-1][1]:
            if end > result[-1][1]:
                result[-1] = (result[-1][0], end)
        else:
            result.append((begin, end))
    return tuple(result)


def tier_periods(
    changes: Iterable[tuple[datetime, str]], levels: tuple[str, ...]
) -> list[tuple[datetime, datetime]]:
    """The periods the written-down tier was one of ``levels``: from each change to the
    next (the last one open-ended)."""
    ordered = sorted(changes, key=lambda change: change[0])  # stable: same-instant order
    periods = []
    for index, (at, level) in enumerate(ordered):
        if level in levels:
            end = ordered[index + 1][0] if index + 1 < len(ordered) else NEVER
            periods.append((at, end))
    return periods
