"""Why a rule paid what it did, or nothing: the structured explanation of every rule.

Evaluating an event decides which rules pay and says so in short explanation lines. The
reasons of the rules that did not pay (the condition that failed with the value seen and
the value wanted, the limit that stopped it and when it resets, the dates it is active,
the lines it needs) cost time to work out, so they are worked out only when asked:
:class:`Reasons` keeps what the evaluation saw and computes every rule's
:class:`RuleCheck` on the first question.

>>> wanted = "spend at least $50.00"
>>> reason = Reason("condition", f"wanted {wanted}, saw spent $20.00", wanted=wanted)
>>> print(RuleCheck("big", "Big order bonus", 0, (reason,)))
Big order bonus: not paid: wanted spend at least $50.00, saw spent $20.00
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, Literal, cast

import attrs

from loyalrules.errors import ValidationError
from loyalrules.ledger.codec import decode_fields, encode_fields
from loyalrules.ledger.ledger import Ledger
from loyalrules.rules.conditions import AllOf, AnyOf, Condition, Not, Window
from loyalrules.rules.context import Context
from loyalrules.rules.effects import Multiplier
from loyalrules.rules.limits import PeriodLimit
from loyalrules.rules.pipeline import Evaluation, RuleBook, evaluate_activity, evaluate_cart
from loyalrules.rules.rule import Rule
from loyalrules.rules.settings import Stacking
from loyalrules.rules.stacking import Note
from loyalrules.values.frozen import value_methods
from loyalrules.values.timeutil import until_text

ReasonKind = Literal[
    "condition",  # a condition failed: ``wanted`` and ``seen``
    "limit",  # the rule's per-period limit is used up: ``resets_at``, ``desired``
    "inactive",  # the event is outside the rule's dates
    "lines",  # the cart has no line the rule selects
    "event",  # the rule is for another kind of event
    "capped",  # the rule paid less than it would have: ``desired`` and ``awarded``
    "stacking",  # stacking control took points away: ``desired`` and ``awarded``
    "rounding",  # the rule applied but its share rounded to nothing
    "refused",  # the host's own rule type said no, without saying why
    "replay",  # the event was processed already
    "budget",  # a program-wide budget had too little left: ``desired`` and ``awarded``
]


CHECK_FORMAT = 1
"""Version of the dict form written by ``RuleCheck.to_dict``."""


@value_methods
@attrs.frozen(eq=False, repr=False)
class Reason:
    """One reason a rule paid nothing or less than it would have.

    ``kind`` says what stopped it; ``text`` says it in words. ``wanted`` and ``seen``
    are a failed condition's expected and observed values; ``desired`` and ``awarded``
    the points the rule would have given and what it gave; ``resets_at`` when a limit
    opens again (UTC).
    """

    kind: ReasonKind
    text: str
    wanted: str | None = None
    seen: str | None = None
    desired: int | None = None
    awarded: int | None = None
    resets_at: datetime | None = None

    def __str__(self) -> str:
        return self.text


@value_methods
@attrs.frozen(eq=False, repr=False)
class RuleCheck:
    """Whether one rule paid for the event, how much, and if not (or not all), why."""

    rule_id: str
    name: str
    points: int
    reasons: tuple[Reason, ...] = ()

    @property
    def paid(self) -> bool:
        """True when the rule gave points for this event."""
        return self.points > 0

    def to_dict(self) -> dict[str, Any]:
        """The JSON-safe form of this check (``resets_at`` as ISO 8601, UTC)."""
        return {"v": CHECK_FORMAT, **encode_fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RuleCheck:
        """The check ``to_dict`` gave; a ``ValidationError`` for anything else."""
        try:
            if data.get("v") != CHECK_FORMAT:
                raise ValueError(f"format version {data.get('v')!r}, not {CHECK_FORMAT}")
            fields = {key: value for key, value in data.items() if key != "v"}
            check = decode_fields(cls, fields)
            kinds = typing.get_args(ReasonKind)
            if not all(isinstance(r, Reason) and r.kind in kinds for r in check.reasons):
                raise TypeError(f"reasons must be mappings with a kind of {', '.join(kinds)}")
            return cast(RuleCheck, check)
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise ValidationError(
                f"not a stored rule check ({error}); store what RuleCheck.to_dict() or "
                "RuleCheck.dumps() gave"
            ) from None

    @staticmethod
    def dumps(checks: Iterable[RuleCheck]) -> str:
        """The stable JSON text of ``checks`` (``outcome.checks``): keys sorted, no spaces,
        so equal checks give equal text. Store it beside the outcome's entries.

        >>> text = RuleCheck.dumps([RuleCheck("base", "Base", 12)])
        >>> text
        '[{"name":"Base","points":12,"reasons":[],"rule_id":"base","v":1}]'
        >>> RuleCheck.loads(text)[0].points
        12
        """
        import json  # stored checks only: an evaluating host does not import it

        rows = [check.to_dict() for check in checks]
        return json.dumps(rows, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @staticmethod
    def loads(text: str) -> tuple[RuleCheck, ...]:
        """The checks ``dumps`` wrote, in their order."""
        import json

        try:
            rows = json.loads(text)
        except ValueError as error:
            raise ValidationError(f"stored rule checks are not JSON: {error}") from None
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise ValidationError("stored rule checks must be a JSON list of objects")
        return tuple(RuleCheck.from_dict(row) for row in rows)

    def __str__(self) -> str:
        why = "; ".join(reason.text for reason in self.reasons)
        if self.paid:
            return f"{self.name}: +{self.points}" + (f" ({why})" if why else "")
        return f"{self.name}: not paid: {why or 'applied, for 0 points'}"


def condition_reasons(condition: Condition, ctx: Context) -> Iterator[Reason]:
    """The failing parts of ``condition`` (which fails for ``ctx``), leaf by leaf."""
    if isinstance(condition, AllOf):
        for part in condition.conditions:
            if not part(ctx):
                yield from condition_reasons(part, ctx)
        return
    wanted = condition.describe()
    yield _condition_reason(wanted, _seen(condition, ctx))


def _seen(condition: Condition, ctx: Context) -> str | None:
    """What the event showed of ``condition``'s facts (those of its parts for ``any``)."""
    if isinstance(condition, AnyOf | AllOf):
        seen = [_seen(part, ctx) for part in condition.conditions]
        return "; ".join(dict.fromkeys(s for s in seen if s is not None)) or None
    if isinstance(condition, Not):
        return _seen(condition.condition, ctx)
    return condition.seen(ctx)


def _condition_reason(wanted: str, seen: str | None) -> Reason:
    text = f"wanted {wanted}" + (f", saw {seen}" if seen is not None else "")
    return Reason("condition", text, wanted=wanted, seen=seen)


Evaluate = Callable[[tuple[Rule, ...]], dict[str, int]]
"""Points per rule id when the event is evaluated with the given rules (a what-if)."""


@value_methods
@attrs.frozen(eq=False, repr=False)
class Asked:
    """What one event's evaluation saw: the program's ``rules``, which of them were
    ``relevant`` to the event (planned for its kind), the points ``awarded`` per rule
    id, ``evaluate`` to ask what rules would have paid otherwise, and the ``notes`` of
    what stacking control and budgets took."""

    rules: tuple[Rule, ...]
    ctx: Context
    relevant: frozenset[str]
    awarded: dict[str, int]
    evaluate: Evaluate
    event: str | None  # the activity's kind (None: a purchase)
    best_stacking: bool = False
    notes: dict[str, Note] = attrs.field(factory=dict)


def _desired(asked: Asked, rule: Rule, instead: Rule) -> int:
    """What ``rule`` would have paid as ``instead`` (without its limit, its cap...)."""
    rules = tuple(instead if r is rule else r for r in asked.rules)
    return asked.evaluate(rules).get(rule.id, 0)


def _window_text(window: Window, ctx: Context) -> str:
    """The window's ends in the program's time zone."""
    zone, parts = ctx.settings.timezone, []
    if window.start is not None:
        parts.append(f"from {window.start.astimezone(zone).isoformat()}")
    if window.end is not None:
        parts.append(f"before {window.end.astimezone(zone).isoformat()}")
    return " ".join(parts)


def _event_reason(rule: Rule, event: str | None) -> Reason:
    if rule.activities is None:
        return Reason("event", "applies to purchases, not activities")
    kinds = ", ".join(sorted(rule.activities))
    seen = "a purchase" if event is None else f"activity {event}"
    return Reason("event", f"applies to activities {kinds}, not {seen}", wanted=kinds, seen=seen)


def _unpaid(asked: Asked, rule: Rule) -> tuple[Reason, ...]:
    ctx = asked.ctx
    if rule.id not in asked.relevant:
        return (_event_reason(rule, asked.event),)
    lines = rule.lines
    if lines is not None and not lines.select_for(ctx, [el for el in ctx.lines if el.eligible]):
        wanted, seen = lines.describe(), lines.seen(ctx)
        text = f"the cart has no line of {wanted}" + (f" ({seen})" if seen else "")
        return (Reason("lines", text, wanted=wanted, seen=seen),)
    reasons: list[Reason] = []
    if rule.active is not None and not rule.active(ctx):
        wanted, seen = _window_text(rule.active, ctx), rule.active.seen(ctx)
        text = f"outside its dates ({wanted}), saw {seen}"
        reasons.append(Reason("inactive", text, wanted=wanted, seen=seen))
    limit = rule.limit
    if limit is not None and not limit.allows(ctx, rule.id):
        desired = _desired(asked, rule, attrs.evolve(rule, limit=None)) if not reasons else None
        reasons.append(_limit_reason(limit, ctx, rule, "limit reached", desired, 0))
    if rule.condition is not None and not rule.condition(ctx):
        reasons.extend(condition_reasons(rule.condition, ctx))
    if not reasons:
        reasons.append(Reason("refused", "its own test said no"))
    return tuple(reasons)


def _limit_reason(
    limit: PeriodLimit, ctx: Context, rule: Rule, what: str, desired: int | None, awarded: int
) -> Reason:
    """The ``limit`` reason of ``rule``: its limit, what the period used of it, when it
    opens again and what the rule would have given without it."""
    start, end = limit.bounds(ctx)
    history, settings = ctx.history, ctx.settings

    def amount(points: int) -> str:  # "120 points", or "$1.20" in a money account
        return settings.amount(rule.account, points)

    used = []
    if limit.times is not None:
        used.append(f"{history.rule_earnings_between(rule.id, start, end)} used")
    if limit.points is not None:
        used.append(f"{amount(history.rule_points_between(rule.id, start, end))} earned")
    text = f"{what}: {limit.describe(amount)} ({', '.join(used)})"
    if limit.resets:
        text += f", open again after {until_text(end, settings.timezone)}"
    if desired:
        text += f"; would have given {desired if limit.points is None else amount(desired)}"
    resets = end if limit.resets else None
    return Reason("limit", text, desired=desired, awarded=awarded, resets_at=resets)


def _paid_less(asked: Asked, rule: Rule, points: int) -> tuple[Reason, ...]:
    note = asked.notes.get(rule.id)
    if note is not None:
        text = f"{note.text}; would have given {note.desired}"
        kind: ReasonKind = "budget" if note.kind == "budget" else "stacking"
        return (Reason(kind, text, desired=note.desired, awarded=note.awarded),)
    limit = rule.limit
    if limit is not None and limit.points is not None:
        desired = _desired(asked, rule, attrs.evolve(rule, limit=None))
        if desired > points:
            return (_limit_reason(limit, asked.ctx, rule, "held to its limit", desired, points),)
    if rule.max_points is not None:
        desired = _desired(asked, rule, attrs.evolve(rule, max_points=None))
        if desired > points:
            text = f"capped at {rule.max_points} per event; would have given {desired}"
            return (Reason("capped", text, desired=desired, awarded=points),)
    if not points and isinstance(rule.effect, Multiplier) and asked.best_stacking:
        text = "a bigger multiplier on the same lines won (stacking: best)"
        return (Reason("stacking", text, awarded=0),)
    if not points:
        return (Reason("rounding", "applied, but its share of the points rounded to 0"),)
    return ()


def check_rules(asked: Asked) -> tuple[RuleCheck, ...]:
    """Every rule of the program, in file order, with what it paid and why not."""
    checks = []
    for rule in asked.rules:
        points = asked.awarded.get(rule.id)
        reasons = _unpaid(asked, rule) if points is None else _paid_less(asked, rule, points)
        checks.append(RuleCheck(rule.id, rule.name, points or 0, reasons))
    return tuple(checks)


class Reasons:
    """The rule checks of one evaluated event, worked out on the first question.

    The engine builds one per event from what it has at hand (the rule book, the context,
    the evaluation and the ``ledger`` it was evaluated against), which costs one small
    object; nothing is computed unless a host asks. Pickling works the checks out and
    carries them, not the context.
    """

    __slots__ = ("_book", "_checks", "_ctx", "_evaluation", "_event", "_ledger")

    def __init__(
        self,
        book: RuleBook,
        ctx: Context,
        evaluation: Evaluation,
        event: str | None,
        ledger: Ledger | None = None,
    ) -> None:
        self._book: RuleBook | None = book
        self._ctx = ctx
        self._evaluation = evaluation
        self._event = event
        self._ledger = ledger
        self._checks: tuple[RuleCheck, ...] | None = None

    @classmethod
    def of(cls, checks: tuple[RuleCheck, ...]) -> Reasons:
        """Reasons already worked out (what unpickling gives back)."""
        reasons = cls.__new__(cls)
        reasons._book = None
        reasons._checks = tuple(checks)
        return reasons

    @property
    def checks(self) -> tuple[RuleCheck, ...]:
        """Every rule of the program, in file order, with what it paid and why not."""
        book = self._book
        if self._checks is None and book is not None:
            self._checks = check_rules(self._asked(book))
            self._book = None  # what the checks were worked out from is not needed again
            del self._ctx, self._evaluation, self._ledger
        return self._checks or ()

    def _asked(self, book: RuleBook) -> Asked:
        ctx, event, ledger = self._ctx, self._event, self._ledger
        if ledger is not None and ledger.facts is not ctx.history:
            # A ledger made from it since has folded its own entries into the history the
            # event was evaluated on: ask the one of exactly the entries it saw.
            ctx = ctx.with_history(ledger.facts)
        settings = book.settings
        plans = book.purchase if event is None else book.activities.get(event, ())

        def evaluate(rules: tuple[Rule, ...]) -> dict[str, int]:
            other = RuleBook(rules, settings)
            if event is None:
                evaluation = evaluate_cart(other, ctx)
            else:
                evaluation = evaluate_activity(other, ctx, event)
            return {plan.rule.id: points for plan, points in evaluation.awards}

        return Asked(
            rules=book.rules,
            ctx=ctx,
            relevant=frozenset(plan.rule.id for plan in plans),
            awarded={plan.rule.id: points for plan, points in self._evaluation.awards},
            evaluate=evaluate,
            event=event,
            best_stacking=settings.stacking is Stacking.BEST,
            notes={note.rule_id: note for note in self._evaluation.notes},
        )

    def __reduce__(self) -> tuple[Callable[[tuple[RuleCheck, ...]], Reasons], tuple[object]]:
        return (Reasons.of, (self.checks,))
