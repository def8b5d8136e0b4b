"""Program keys for tiers: ``tiers`` (levels, metric, window, movement) and the ``tier``
condition; each level's earn multiplier becomes a rule of its own."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from loyalrules.loader.lifecycle_keys import DURATION, EXPIRY
from loyalrules.loader.registry import BuildEnv, register_condition
from loyalrules.loader.scalars import Boolean, Integer, Number, Text
from loyalrules.loader.schema import (
    IDENTIFIER,
    Built,
    ByShape,
    Field,
    Fields,
    ListOf,
    MapOf,
    choice,
)
from loyalrules.rules.effects import Multiply
from loyalrules.rules.rule import Rule
from loyalrules.rules.standing_conditions import TierIs, TierSource
from loyalrules.terms.tiers import Crossing, Downgrade, Level, Measure, Metric, Tiers, Window
from loyalrules.values.durations import Duration

THRESHOLD = Number(minimum=Decimal(0), words="a threshold")


LEVEL = Fields(
    {
        "id": Field(IDENTIFIER, "the tier's id", required=True),
        "name": Field(Text(), "what members see (defaults to the id)"),
        "qualify": Field(
            ByShape(scalar=THRESHOLD, mapping=MapOf(THRESHOLD)),
            "entry threshold (leave out for the first level); with several measures, "
            "one per measure: {spend: 5000, nights: 25}",
        ),
        "keep": Field(
            ByShape(scalar=THRESHOLD, mapping=MapOf(THRESHOLD)),
            "lower threshold that keeps the tier (hysteresis); one per measure, as qualify",
        ),
        "multiplier": Field(
            Number(minimum=Decimal(1), words="a factor"), "earn multiplier for this tier"
        ),
        "upgrade_bonus": Field(Integer(minimum=1), "points given on reaching the tier"),
        "keeps_points": Field(
            Boolean(), "points do not expire while the member holds this tier", default=False
        ),
        "expiry": Field(EXPIRY, "when points earned at this tier's rate expire"),
        "perks": Field(
            ListOf(Text(), one_or_many=True), "free-form perks for the host", default=()
        ),
    }
)

METRIC = ByShape(
    scalar=Built(
        Text(
            choices=("spend", "purchases"),
            otherwise="to qualify on the points earned in an account, write {points: <account>}",
        ),
        lambda v, env: (Metric(v), "points"),
    ),
    mapping=Built(
        Fields({"points": Field(Text(), "the account whose earned points count", required=True)}),
        lambda v, env: (Metric.POINTS, v["points"]),
    ),
)

WINDOW = ByShape(
    scalar=Built(
        Text(choices=("calendar_year", "anniversary_year", "lifetime")),
        lambda v, env: (Window(v), None),
    ),
    mapping=Built(
        Fields({"rolling": Field(DURATION, "a rolling window, e.g. P12M", required=True)}),
        lambda v, env: (Window.ROLLING, v["rolling"]),
    ),
)


QUALIFY_ON = ByShape(
    scalar=METRIC.scalar, mapping=METRIC.mapping, sequence=ListOf(METRIC, min_items=1)
)


def _measures(values: dict[str, Any]) -> tuple[Measure, ...]:
    chosen = values["qualify_on"]
    pairs = [chosen] if isinstance(chosen[0], Metric) else list(chosen)
    measures = tuple(Measure(metric, account) for metric, account in pairs)
    if len({m.key for m in measures}) != len(measures):
        raise ValueError("each measure in 'qualify_on' must be a different one")
    if len(measures) > 1 and values["crossing_purchase"] is Crossing.SPLIT:
        raise ValueError("'crossing_purchase: split' needs a single measure in 'qualify_on'")
    return measures


def _thresholds(
    level: dict[str, Any], key: str, measures: tuple[Measure, ...]
) -> tuple[Decimal | None, tuple[Decimal | None, ...]]:
    """A level's ``qualify`` or ``keep``: the first measure's, then the others'."""
    given = level[key]
    if len(measures) == 1:
        if isinstance(given, dict):
            raise ValueError(f"level {level['id']!r}: '{key}' is one number with one measure")
        return given, ()
    if given is None:
        return None, tuple(None for _ in measures[1:])
    if not isinstance(given, dict):
        names = ", ".join(m.key for m in measures)
        raise ValueError(f"level {level['id']!r}: give '{key}' for each measure ({names})")
    unknown = set(given) - {m.key for m in measures}
    if unknown:
        raise ValueError(
            f"level {level['id']!r}: no measure {sorted(unknown)[0]!r} in 'qualify_on'"
        )
    if key == "qualify" and len(given) != len(measures):
        names = ", ".join(m.key for m in measures if m.key not in given)
        raise ValueError(f"level {level['id']!r}: 'qualify' needs a threshold for {names}")
    return given.get(measures[0].key), tuple(given.get(m.key) for m in measures[1:])


def _tiers(values: dict[str, Any], env: Any) -> Tiers:
    measures = _measures(values)
    raw = values["levels"]
    if not raw:
        raise ValueError("give at least one level")
    levels: list[Level] = []
    for rank, level in enumerate(raw):
        qualify, also = _thresholds(level, "qualify", measures)
        keep, also_keep = _thresholds(level, "keep", measures)
        if rank == 0 and any(q not in (None, Decimal(0)) for q in (qualify, *also)):
            raise ValueError(
                f"the first level {level['id']!r} is where everyone starts: no 'qualify'"
            )
        if rank == 0 and level["keeps_points"]:
            raise ValueError(
                f"the first level {level['id']!r} is everyone's: instead of 'keeps_points' "
                "there, write 'expiry: never'"
            )
        if rank and qualify is None:
            raise ValueError(f"level {level['id']!r} needs 'qualify', its entry threshold")
        needs = tuple(q or Decimal(0) for q in (qualify, *also))
        before = levels[-1].needs(keeping=False) if levels else None
        if before is not None and (
            needs == before or any(n < b for n, b in zip(needs, before, strict=True))
        ):
            raise ValueError(
                f"level {level['id']!r} must need more than the level before it (levels are "
                "ranked in the order written)"
            )
        keeps = (keep, *also_keep)
        if any(k is not None and k > n for k, n in zip(keeps, needs, strict=True)):
            raise ValueError(f"level {level['id']!r}: 'keep' must not exceed 'qualify'")
        levels.append(
            Level(
                id=level["id"],
                name=level["name"] or level["id"],
                rank=rank,
                qualify=needs[0],
                keep=keep,
                multiplier=level["multiplier"],
                upgrade_bonus=level["upgrade_bonus"],
                perks=tuple(level["perks"]),
                keeps_points=level["keeps_points"],
                expiry=level["expiry"],
                also=needs[1:],
                also_keep=tuple(also_keep),
            )
        )
    if len({level.id for level in levels}) != len(levels):
        raise ValueError("level ids must be unique")
    names = [account.name for account in env.settings.accounts] if env is not None else []
    for measure in measures:
        if measure.metric is Metric.POINTS and names and measure.account not in names:
            raise ValueError(
                f"qualify_on names the account {measure.account!r}, which this program does "
                f"not have (accounts: {', '.join(names)})"
            )
    window, rolling = values["window"]
    if window is Window.ROLLING and any(level.keep is not None for level in levels):
        raise ValueError("'keep' thresholds apply to calendar and anniversary years")
    return Tiers(
        levels=tuple(levels),
        metric=measures[0].metric,
        account=measures[0].account,
        more=measures[1:],
        any_of=values["qualify_when"] == "any",
        window=window,
        rolling=rolling,
        retention=values["retention"],
        downgrade=values["downgrade"],
        grace=values["grace"],
        returns_count=values["returns_count"],
        crossing=values["crossing_purchase"],
        currency=env.settings.currency if env is not None else "USD",
        locale=env.settings.locale if env is not None else None,
        valid_for=_valid_for(values, levels),
    )


def _valid_for(values: dict[str, Any], levels: list[Level]) -> Duration | None:
    """``valid_for`` replaces the period-based ways of keeping a tier: refuse a mix."""
    valid_for: Duration | None = values["valid_for"]
    if valid_for is None:
        return None
    mixed = [key for key in ("retention", "grace") if values[key] is not None]
    if values["downgrade"] is not Downgrade.TO_QUALIFIED:
        mixed.append("downgrade")
    if any(level.keep is not None for level in levels):
        mixed.append("keep")
    if mixed:
        raise ValueError(
            f"'valid_for' says how long a tier lasts from the day it is reached; leave out "
            f"{', '.join(repr(key) for key in mixed)}"
        )
    return valid_for


TIERS = Built(
    Fields(
        {
            "qualify_on": Field(
                QUALIFY_ON,
                "spend, purchases, {points: <account>}, or a list of them",
                default=(Metric.SPEND, "points"),
            ),
            "qualify_when": Field(
                Text(choices=("all", "any")),
                "with several measures: every threshold, or any one of them",
                default="all",
            ),
            "window": Field(
                WINDOW,
                "calendar_year, anniversary_year, lifetime, or {rolling: P12M}",
                default=(Window.CALENDAR_YEAR, None),
            ),
            "retention": Field(
                DURATION, "keep a tier this long after the period (default: a period)"
            ),
            "downgrade": choice(Downgrade, "to_qualified or one_level", Downgrade.TO_QUALIFIED),
            "grace": Field(DURATION, "after a period ends, keep the old tier this long"),
            "valid_for": Field(
                DURATION, "a tier lasts this long from the day it is reached, e.g. P12M"
            ),
            "returns_count": Field(Boolean(), "returns reduce the qualifying value", default=True),
            "crossing_purchase": choice(
                Crossing, "how the purchase that crosses a threshold earns", Crossing.OLD_RATE
            ),
            "levels": Field(ListOf(LEVEL, min_items=1), "the tiers, lowest first", required=True),
        }
    ),
    _tiers,
)


def tier_rules(tiers: Tiers) -> tuple[Rule, ...]:
    """Each level's earn multiplier as a rule: 'Gold members earn 1.5x'."""
    return tuple(
        Rule(
            id=f"tier-{level.id}",
            name=f"{level.name} members earn {level.multiplier.normalize():f}x",
            effect=Multiply(Fraction(level.multiplier)),
            condition=TierIs(frozenset({level.id}), level.name),
        )
        for level in tiers.levels
        if level.multiplier is not None and level.multiplier != 1
    )


def _tier_condition(value: Any, env: BuildEnv) -> TierIs:
    tiers = env.settings.tiers
    if tiers is None:
        raise ValueError("the program has no 'tiers'")
    names = {level.id: level for level in tiers.levels}
    if isinstance(value, dict):
        lowest = names.get(value["at_least"])
        if lowest is None:
            raise ValueError(f"no tier {value['at_least']!r}; tiers: {', '.join(names)}")
        chosen = [level for level in tiers.levels if level.rank >= lowest.rank]
        return TierIs(frozenset(level.id for level in chosen), f"{lowest.name} or higher")
    unknown = [name for name in value if name not in names]
    if unknown:
        raise ValueError(f"no tier {unknown[0]!r}; tiers: {', '.join(names)}")
    return TierIs(frozenset(value), " or ".join(names[name].name for name in value))


register_condition(
    "tier",
    _tier_condition,
    spec=ByShape(
        scalar=ListOf(Text(), one_or_many=True),
        sequence=ListOf(Text()),
        mapping=Fields({"at_least": Field(Text(), "this tier or a higher one", required=True)}),
    ),
    doc="The member's tier is one of these (or, with at_least, this one or higher).",
)


def _tier_source(value: str, env: BuildEnv) -> TierSource:
    if env.settings.tiers is None:
        raise ValueError("the program has no 'tiers'")
    return TierSource(assigned=value == "assigned")


register_condition(
    "tier_source",
    _tier_source,
    spec=Text(choices=("earned", "assigned")),
    doc="The member's tier was earned by qualifying, or assigned (a manual tier above it).",
)
