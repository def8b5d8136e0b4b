"""Program keys for the points lifecycle: ``pending``, ``expiry``, ``negative_balance``,
``accounts`` and ``transfers`` (program-wide, per account, and ``pending``/``expiry``
per rule)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from loyalrules.errors import ValidationError
from loyalrules.ledger.activity import ACTIVITY_KINDS, activity_of
from loyalrules.ledger.entries import DEFAULT_ACCOUNT
from loyalrules.ledger.exemption import Resume
from loyalrules.ledger.lots import ConsumptionOrder
from loyalrules.loader.scalars import Integer, Text
from loyalrules.loader.schema import Built, ByShape, Field, Fields, ListOf, MapOf, choice
from loyalrules.terms.policies import (
    Account,
    ExpireAfter,
    ExpireAnnually,
    ExpireOnDate,
    Expiry,
    InactivityTerm,
    NegativeBalance,
    NoFixedExpiry,
    NotPending,
    Pending,
    PendingFor,
    TransferPolicy,
    Unit,
    UntilActivated,
)
from loyalrules.values.durations import Duration, parse_duration
from loyalrules.values.timeutil import Period

_MONTH_DAY = re.compile(r"(\d\d)-(\d\d)")

DURATION = Built(Text(), lambda text, env: parse_duration(text))


def _longer_than_zero(text: str, env: object) -> Duration:
    duration = parse_duration(text)
    if not duration.calendar and not duration.clock:
        raise ValidationError(f"{text!r} is no time at all; give a period such as P1M or P1Y")
    return duration


LONGER_THAN_ZERO = Built(Text(), _longer_than_zero)
"""A duration of some time: a period that repeats (a plan's)."""

CALENDAR_PERIOD = Built(
    Text(choices=("day", "week", "month", "quarter", "year")), lambda v, env: Period(v)
)
"""A calendar period in the program's time zone, for limits on transfers and redemptions."""


def _pending_text(text: str, env: Any) -> Pending:
    if text == "none":
        return NotPending()
    return PendingFor(parse_duration(text))


PENDING = ByShape(
    scalar=Built(Text(), _pending_text),
    mapping=Fields(
        {"until": Field(Text(choices=("activated",)), "wait for an Activation", required=True)},
        build=lambda values, where: UntilActivated(),
    ),
)


def _on(text: str) -> tuple[int, int] | date:
    """``MM-DD`` (every year) or ``YYYY-MM-DD`` (one day)."""
    found = _MONTH_DAY.fullmatch(text)
    if found is None:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"'on' must be a month and day like \"12-31\" or a date like 2027-01-31, "
                f"not {text!r}"
            ) from None
    month, day = int(found[1]), int(found[2])
    try:
        date(2001, month, day)  # a year without February 29: every year has the day
    except ValueError:
        raise ValueError(f"{text!r} is not a day that every year has") from None
    return month, day


def _inactivity(values: dict[str, Any]) -> InactivityTerm | None:
    inactivity, counts = values["inactivity"], values["inactivity_counts"]
    kinds, end = values["inactivity_activities"], values["inactivity_to_end_of"]
    if inactivity is None:
        if counts is not None or kinds is not None or end is not None:
            raise ValueError(
                "'inactivity_counts', 'inactivity_activities' and 'inactivity_to_end_of' "
                "shape an 'inactivity' period; give 'inactivity' too"
            )
        return None
    if kinds is not None and counts is not None and "activities" in counts:
        raise ValueError(
            "'inactivity_activities' names the activity kinds that count; leave "
            "'activities' out of 'inactivity_counts' (it would count every kind)"
        )
    if kinds is None:
        # Without inactivity_counts, everything active counts: the default clock.
        return InactivityTerm(inactivity.text, tuple(counts or ()), end)
    # Of activities, only the kinds named count; the rest as inactivity_counts says.
    marks = [mark for mark in counts or ACTIVITY_KINDS if mark != "activities"]
    return InactivityTerm(inactivity.text, (*marks, *map(activity_of, kinds)), end)


def _expiry(values: dict[str, Any], env: Any) -> Expiry:
    after, on = values["after"], values["on"]
    inactive = _inactivity(values)
    if after is not None and on is not None:
        raise ValueError("give 'after' or 'on', not both")
    if values["end_of"] is not None and after is None:
        raise ValueError("'end_of' rounds an 'after' period; give 'after' too")
    if values["years_later"] and (on is None or isinstance(_on(on), date)):
        raise ValueError("'years_later' goes with a yearly 'on' such as \"12-31\"")
    resume = values["resume"]
    if resume is Resume.RESTART and on is not None:
        raise ValueError(
            "'resume: restart' counts a fresh 'after' period from the end of the standing; "
            "with 'on' use remaining or from_earning"
        )
    if after is not None:
        return ExpireAfter(after, values["end_of"], inactive, resume)
    if on is not None:
        when = _on(on)
        if isinstance(when, date):
            return ExpireOnDate(when, inactive, resume)
        return ExpireAnnually(when[0], when[1], values["years_later"], inactive, resume)
    if inactive is None:
        raise ValueError("give 'after', 'on' or 'inactivity' (or write 'expiry: never')")
    return NoFixedExpiry(inactive, resume)


def _never(text: str, env: Any) -> Expiry:
    return NoFixedExpiry()


EXPIRY = ByShape(
    scalar=Built(Text(choices=("never",)), _never),
    mapping=Built(
        Fields(
            {
                "after": Field(DURATION, "expire this long after earning, e.g. P12M"),
                "end_of": Field(
                    Built(Text(choices=("month", "quarter", "year")), lambda v, env: Period(v)),
                    "with 'after': expire at the end of that month, quarter or year",
                ),
                "on": Field(
                    Text(),
                    'a yearly day "MM-DD" (the next one on or after earning) or a date',
                ),
                "years_later": Field(
                    Integer(minimum=0), "with a yearly 'on': that many years later", default=0
                ),
                "inactivity": Field(DURATION, "expire all points after this long without activity"),
                "inactivity_counts": Field(
                    ListOf(Text(choices=ACTIVITY_KINDS), one_or_many=True, min_items=1),
                    "with 'inactivity': what restarts the clock (default: all of them)",
                ),
                "inactivity_activities": Field(
                    ListOf(Text(), one_or_many=True, min_items=1),
                    "with 'inactivity': the activity kinds that restart the clock",
                ),
                "inactivity_to_end_of": Field(
                    Built(Text(choices=("day", "month")), lambda v, env: Period(v)),
                    "with 'inactivity': the deadline runs to the end of that day or month",
                ),
                "resume": Field(
                    Built(Text(choices=tuple(r.value for r in Resume)), lambda v, env: Resume(v)),
                    "when a tier or plan with keeps_points ends: remaining (the clock stopped "
                    "while it was held), restart (a fresh period from its end) or from_earning",
                    default=Resume.REMAINING,
                ),
            }
        ),
        _expiry,
    ),
)


LIFECYCLE_FIELDS = {
    "pending": Field(PENDING, "how long earned points wait: P14D, {until: activated}, none"),
    "expiry": Field(EXPIRY, "when points expire: never, {after: P12M}, {on: 12-31}, ..."),
    "negative_balance": choice(
        NegativeBalance, "allow: a debit may leave a deficit; clamp: stop at zero"
    ),
    "consumption": choice(
        ConsumptionOrder,
        "which points a debit takes first: soonest_expiring, or oldest_first (as earned)",
    ),
}

ACCOUNT = Fields(
    {
        "unit": choice(Unit, "points, or money (whole cents of the program currency)"),
        **LIFECYCLE_FIELDS,
    }
)

ACCOUNTS = MapOf(ACCOUNT, expected="a mapping of account names to their settings")


def accounts(defaults: dict[str, Any], declared: dict[str, Any] | None) -> tuple[Account, ...]:
    """Every account: ``points`` first; unset keys fall back to the program-wide ones."""
    declared = dict(declared or {})
    names = [DEFAULT_ACCOUNT, *(name for name in declared if name != DEFAULT_ACCOUNT)]
    result = []
    for name in names:
        own = declared.get(name) or {}

        def pick(key: str, own: dict[str, Any] = own) -> Any:
            return own.get(key) if own.get(key) is not None else defaults.get(key)

        result.append(
            Account(
                name=name,
                unit=own.get("unit") or Unit.POINTS,
                pending=pick("pending") or NotPending(),
                expiry=pick("expiry") or NoFixedExpiry(),
                negative_balance=pick("negative_balance") or NegativeBalance.ALLOW,
                consumption=pick("consumption") or ConsumptionOrder.SOONEST_EXPIRING,
            )
        )
    return tuple(result)


def _transfers(values: dict[str, Any], env: Any) -> TransferPolicy:
    limit = values["limit"]
    if values["max_points"] is not None and values["max_points"] < values["min_points"]:
        raise ValueError("'max_points' must be at least 'min_points'")
    return TransferPolicy(
        account=values["account"],
        min_points=values["min_points"],
        max_points=values["max_points"],
        limit_points=limit["points"] if limit else None,
        limit_period=limit["per"] if limit else Period.YEAR,
    )


TRANSFERS = Built(
    Fields(
        {
            "account": Field(Text(), "the account members may give from", default="points"),
            "min_points": Field(Integer(minimum=1), "smallest transfer", default=1),
            "max_points": Field(Integer(minimum=1), "largest single transfer"),
            "limit": Field(
                Fields(
                    {
                        "points": Field(Integer(minimum=1), "points", required=True),
                        "per": Field(
                            CALENDAR_PERIOD,
                            "calendar period (program time zone)",
                            required=True,
                        ),
                    }
                ),
                "at most this many points sent per member per period",
            ),
        }
    ),
    _transfers,
)
