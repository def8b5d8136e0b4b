"""A program's rules planned once, at load, for the engine's hot path.

Everything about a rule that does not depend on the event is decided here: which phase
of the pipeline its effect belongs to, the cheapest call that says whether it applies,
its exact factor or spend rate, its entry key suffix and the fixed parts of its
explanation texts.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from fractions import Fraction

import attrs

from loyalrules.ledger.builders import engine_earned
from loyalrules.ledger.entries import DEFAULT_ACCOUNT, Earned
from loyalrules.ledger.exemption import Exemption
from loyalrules.ledger.fields import Inactivity
from loyalrules.rules.conditions import reads_cart
from loyalrules.rules.context import Context
from loyalrules.rules.effects import BonusEffect, Multiplier, SpendEffect
from loyalrules.rules.explanation import Explanation
from loyalrules.rules.limits import PeriodLimit
from loyalrules.rules.plan_index import PlanIndex
from loyalrules.rules.rule import Rule
from loyalrules.rules.selectors import LineSelector
from loyalrules.rules.settings import Settings, Stacking
from loyalrules.rules.stacking import StackingControl
from loyalrules.terms.policies import Account, Expiry, NoFixedExpiry, NotPending, Pending, Unit
from loyalrules.values.events import Cart
from loyalrules.values.frozen import value_methods
from loyalrules.values.money import format_money, minor_units
from loyalrules.values.timeutil import to_utc

Ratio = tuple[int, int]
"""An exact rational ``numerator / denominator`` with a positive denominator."""

_new_explanation = tuple.__new__  # Explanation(...) without its Python-level __new__


Dated = dict[int, datetime | None]
"""One event's lot dates by policy (``id`` of the policy): see ``PlannedRule.lot``."""
_UNDATED = datetime.min  # not a date any policy gives: "not worked out yet"


class Phase(enum.Enum):
    """The pipeline step a rule's effect belongs to."""

    SPEND = "spend"
    MULTIPLY = "multiply"
    BONUS = "bonus"


_PHASES = ((SpendEffect, Phase.SPEND), (Multiplier, Phase.MULTIPLY), (BonusEffect, Phase.BONUS))


def _phase(effect: object) -> Phase | None:
    for kind, phase in _PHASES:
        if isinstance(effect, kind):
            return phase
    return None


def _test(rule: Rule) -> Callable[[Context], bool] | None:
    """The cheapest call that says whether ``rule`` applies (None: it always does).

    ``Rule.applies`` checks the window, the limit and the condition; most rules have
    only one of them, and calling that one directly saves two calls per rule per event.
    """
    if type(rule).applies is not Rule.applies or rule.limit is not None:
        return rule.applies
    if rule.active is None:
        return rule.condition
    return rule.active if rule.condition is None else rule.applies


def _miss(rule: Rule) -> Callable[[Context], str | None] | None:
    """The cheapest call giving ``rule``'s near-miss hint (None: it never has one).

    Without a window or a limit, ``Rule.near_miss`` is its condition's ``missing``."""
    condition = rule.condition
    if condition is None or not condition.can_miss:
        return None
    if type(rule).near_miss is Rule.near_miss and rule.active is None and rule.limit is None:
        return condition.missing
    return rule.near_miss


def _reads_cart(rule: Rule) -> bool:
    """Whether ``rule`` may apply to one cart and not to another of the same member at the
    same instant. Its window and its limit read only the time and the history."""
    if type(rule).applies is not Rule.applies:  # a rule that decides in its own way
        return True
    return rule.condition is not None and reads_cart(rule.condition)


def _tender_shares(cart: Cart) -> tuple[tuple[str | None, int, int], ...]:
    """Each tender's share of what ``cart`` paid, exactly: ``(method, p, q)`` for
    ``p / q``; without tenders, all of it paid by its ``payment``."""
    if not cart.tenders:
        return ((cart.payment, 1, 1),)
    total = sum((t.amount.amount for t in cart.tenders), Decimal(0))
    shares = []
    for tender in cart.tenders:
        share = Fraction(tender.amount.amount) / Fraction(total)
        shares.append((tender.method, share.numerator, share.denominator))
    return tuple(shares)


@attrs.frozen(eq=False)
class PlannedRule:
    """A rule with what evaluating it needs precomputed once, at load.

    ``test`` is the cheapest call deciding whether the rule applies (``None``: always);
    ``miss`` the cheapest call giving its near-miss hint (``None``: it never has one);
    ``lines`` its line scope; ``earn`` the exact points of a spend rule; ``factor`` the
    exact factor of a multiplier (1 for other rules). Planned rules compare and hash by
    identity, which is cheap: the engine pools lines by the rules acting on them.
    """

    pos: int
    rule: Rule
    earn_key: str
    applied_text: tuple[str, str]
    missed_text: str
    can_miss: bool
    phase: Phase | None = None
    test: Callable[[Context], bool] | None = None
    miss: Callable[[Context], str | None] | None = None
    lines: LineSelector | None = None
    earn: Callable[[Decimal, Decimal], Ratio] | None = None
    factor: Ratio = (1, 1)
    paid_with: frozenset[str] | None = None  # a multiplier on one tender's share
    # Under stacking ``best``, every tender's share of the cart (method, p, q): set on
    # a multiplier with ``paid_with`` for one event (see ``on_share``).
    shares: tuple[tuple[str | None, int, int], ...] = ()
    account: Account = attrs.field(factory=Account)
    pending: Pending = attrs.field(factory=NotPending)
    expiry: Expiry = attrs.field(factory=NoFixedExpiry)
    inactivity: Inactivity | None = None
    exemption: Exemption | None = None  # the standings that keep its points
    # (expiry, inactivity, exemption) of its lots earned at a level with its own expiry
    by_tier: dict[str, tuple[Expiry, Inactivity | None, Exemption | None]] = attrs.field(
        factory=dict
    )
    zone: tzinfo = UTC
    money: str | None = None  # the currency, when the account counts money
    locale: str | None = None  # how the program writes amounts
    bonus: BonusEffect | None = None  # the effect of a bonus rule
    max_points: int | None = None
    period_cap: PeriodLimit | None = None  # the rule's limit, when it limits points
    # Whether its test may pass for one cart and fail for another of the same member at
    # the same instant (see ``Condition.reads_cart``): one that cannot is asked once a page.
    reads_cart: bool = True
    # Lots available at once and with no fixed expiry (the usual case) need no dating.
    undated: bool = attrs.field(init=False)
    capped: bool = attrs.field(init=False)  # by ``max_points`` or a limit on points

    def __attrs_post_init__(self) -> None:
        undated = isinstance(self.pending, NotPending) and isinstance(self.expiry, NoFixedExpiry)
        undated = undated and not self.by_tier
        object.__setattr__(self, "undated", undated)
        capped = self.max_points is not None or self.period_cap is not None
        object.__setattr__(self, "capped", capped)

    def most(self, ctx: Context) -> int | None:
        """The most this rule may give for the event in ``ctx``: its ``max_points``, and
        what its limit on points leaves of the period."""
        most, limit = self.max_points, self.period_cap
        if limit is not None:
            room = limit.room(ctx, self.rule.id)
            most = room if most is None else min(most, room)
        return most

    @classmethod
    def of(cls, pos: int, rule: Rule, settings: Settings) -> PlannedRule:
        effect = rule.effect
        account = settings.account(rule.account)
        unit = settings.points_name if account.name == DEFAULT_ACCOUNT else account.name
        expiry = rule.expiry or account.expiry
        return cls(
            pos=pos,
            rule=rule,
            earn_key=f":earn:{rule.id}",
            # Two halves joined around the points: a rule name may hold braces, so the
            # text must never be used as a format template.
            applied_text=(f"{rule.name}: +", f" {unit}"),
            missed_text=f" to get {effect.promise(unit)} ({rule.name})",
            can_miss=rule.condition is not None and rule.condition.can_miss,
            phase=_phase(effect),
            test=_test(rule),
            miss=_miss(rule),
            lines=rule.lines,
            earn=effect.earn_exact if isinstance(effect, SpendEffect) else None,
            factor=effect.factor.as_integer_ratio() if isinstance(effect, Multiplier) else (1, 1),
            paid_with=effect.paid_with if isinstance(effect, Multiplier) else None,
            account=account,
            pending=rule.pending or account.pending,
            expiry=expiry,
            inactivity=expiry.inactivity_for(settings.timezone_name),
            exemption=settings.exemption(expiry),
            by_tier=_by_tier(rule, account, settings),
            zone=settings.timezone,
            money=settings.currency if account.unit is Unit.MONEY else None,
            locale=settings.locale,
            bonus=effect if isinstance(effect, BonusEffect) else None,
            max_points=rule.max_points,
            period_cap=rule.limit if rule.limit is not None and rule.limit.points else None,
            reads_cart=_reads_cart(rule),
        )

    def on_share(self, cart: Cart | None, stacking: Stacking) -> PlannedRule | None:
        """This multiplier (with ``paid_with``) for ``cart``: its factor on the share paid
        with those methods and 1 on the rest, which is ``1 + (factor - 1) * share`` over
        all of it, exactly; ``None`` when they paid nothing.

        Stacking ``multiply`` and ``add`` are linear in each factor, so the averaged
        factor gives exactly the points of multiplying that share alone. Under ``best``
        the best factor may differ from one tender's share to the next: the plan keeps
        its factor and carries every tender's share instead.
        """
        if cart is None or self.paid_with is None:
            return None
        share = cart.tender_share(self.paid_with)
        if not share:
            return None
        if share == 1:
            return self
        if stacking is Stacking.BEST:
            return attrs.evolve(self, shares=_tender_shares(cart))
        a, b = self.factor
        p, q = share.numerator, share.denominator
        return attrs.evolve(self, factor=(b * q + (a - b) * p, b * q))

    def explain(self, points: int) -> Explanation:
        """The explanation line of this rule when it applied and gave ``points``."""
        before, after = self.applied_text
        if self.money is None:
            text = f"{before}{points}{after}"
        else:  # a money account counts minor units: show them as currency
            amount = Decimal(points).scaleb(-minor_units(self.money))
            text = f"{before}{format_money(amount, self.money, locale=self.locale)}"
        return _new_explanation(Explanation, (self.rule.id, "applied", points, text))

    def lot(
        self,
        event_key: str,
        at: datetime,
        points: int,
        dated: Dated | None = None,
        tier: str | None = None,
    ) -> Earned:
        """The lot this rule credits for the event ``event_key``, dated by its policies
        (a level's own ``expiry`` when it was earned at the rate of ``tier``).

        ``at`` is the event's UTC instant and ``points`` positive: the lot is built
        without re-validation (see ``engine_earned``); policy dates are normalised here.
        ``dated`` keeps the dates of one event by policy, so rules sharing a policy (their
        account's, usually) date their lots with it once.
        """
        expiry, inactivity, exemption = self.expiry, self.inactivity, self.exemption
        if tier is not None and tier in self.by_tier:
            expiry, inactivity, exemption = self.by_tier[tier]
        if self.undated:
            available_at: datetime | None = at
            expires_at = None
        else:
            memo: Dated = {} if dated is None else dated
            pending = self.pending
            # Keyed by identity: the policies live as long as the rule, and one event's
            # instant and zone are the same for all its rules.
            available_at = memo.get(id(pending), _UNDATED)
            if available_at is _UNDATED:
                available_at = pending.available_at(at, self.zone)
                if available_at is not None:
                    available_at = to_utc(available_at, "entry time")
                memo[id(pending)] = available_at
            expires_at = memo.get(id(expiry), _UNDATED)
            if expires_at is _UNDATED:
                expires_at = expiry.expires_at(at, self.zone)
                if expires_at is not None:
                    expires_at = to_utc(expires_at, "entry time")
                memo[id(expiry)] = expires_at
        return engine_earned(
            event_key + self.earn_key,
            at,
            points,
            self.rule.id,
            event_key,
            self.account.name,
            available_at,
            expires_at,
            inactivity,
            exemption,
        )

    def explain_miss(self, hint: str) -> Explanation:
        """The near-miss line of this rule, from its condition's ``hint``."""
        text = hint[0].upper() + hint[1:] + self.missed_text
        return _new_explanation(Explanation, (self.rule.id, "missed", 0, text))


def _by_tier(
    rule: Rule, account: Account, settings: Settings
) -> dict[str, tuple[Expiry, Inactivity | None, Exemption | None]]:
    """The expiry terms of the levels with their own ``expiry``, for a rule that credits
    ``points`` and has none of its own (a rule's own expiry wins)."""
    if rule.expiry is not None or account.name != DEFAULT_ACCOUNT or settings.tiers is None:
        return {}
    zone_name = settings.timezone_name
    return {
        level.id: (
            level.expiry,
            level.expiry.inactivity_for(zone_name),
            settings.exemption(level.expiry),
        )
        for level in settings.tiers.levels
        if level.expiry is not None
    }


def _grouped(plans: list[PlannedRule], phase: Phase) -> tuple[PlannedRule, ...]:
    return tuple(p for p in plans if p.phase is phase)


@value_methods
@attrs.frozen(eq=False, repr=False)
class RuleBook:
    """The program's rules planned once, at load, by event and phase.

    ``purchase`` holds the purchase rules of the three phases in program order, which is
    the order of their explanation lines; ``spend``, ``multipliers`` and ``bonuses`` hold
    the same rules by phase; ``activities`` the rules of each activity kind.
    """

    rules: tuple[Rule, ...]
    settings: Settings
    purchase: tuple[PlannedRule, ...] = attrs.field(init=False)
    spend: tuple[PlannedRule, ...] = attrs.field(init=False)
    multipliers: tuple[PlannedRule, ...] = attrs.field(init=False)
    bonuses: tuple[PlannedRule, ...] = attrs.field(init=False)
    activities: dict[str, tuple[PlannedRule, ...]] = attrs.field(init=False)
    purchase_index: PlanIndex[PlannedRule] = attrs.field(init=False, eq=False, repr=False)
    control: StackingControl | None = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        plans = [PlannedRule.of(i, r, self.settings) for i, r in enumerate(self.rules)]
        purchase = [p for p in plans if p.rule.activities is None and p.phase is not None]
        by_kind: dict[str, list[PlannedRule]] = {}
        for plan in plans:
            for kind in sorted(plan.rule.activities or ()):
                by_kind.setdefault(kind, []).append(plan)
        set_ = object.__setattr__
        set_(self, "purchase", tuple(purchase))
        set_(self, "spend", _grouped(purchase, Phase.SPEND))
        set_(self, "multipliers", _grouped(purchase, Phase.MULTIPLY))
        set_(self, "bonuses", _grouped(purchase, Phase.BONUS))
        set_(self, "activities", {kind: tuple(p) for kind, p in by_kind.items()})
        set_(self, "purchase_index", PlanIndex(purchase))
        set_(self, "control", StackingControl.of(self.rules, self.settings.groups))
