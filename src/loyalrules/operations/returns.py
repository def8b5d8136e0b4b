"""Returns and cancellations: what the returned units earned is taken back.

The points reversed are what the purchase earned, less what the units kept would earn
(the pipeline run again on them, at the purchase's time, against the history as it
stood before it), less what earlier returns of it took back. Each of the purchase's
lots gives back its own share (see docs/decisions/0007-returns-reverse-per-lot.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import attrs

from loyalrules.errors import ValidationError
from loyalrules.ledger.entries import Consumption, Entry, Recorded, Reversed
from loyalrules.ledger.facts import Facts
from loyalrules.ledger.history import History
from loyalrules.ledger.ledger import Ledger
from loyalrules.ledger.lots import LotState, consumption_order, take_first
from loyalrules.operations.lifecycle import cover, duplicate, open_lots
from loyalrules.operations.outcome import Outcome
from loyalrules.rules.explanation import Explanation
from loyalrules.rules.lines import spend_by_category
from loyalrules.rules.pipeline import eligible_lines, purchase_key
from loyalrules.rules.settings import Settings
from loyalrules.terms.policies import Account
from loyalrules.values.events import Cart, Purchase, Return
from loyalrules.values.fingerprint import matches
from loyalrules.values.money import Money, allocate

Earnings = Callable[[Cart, Facts, datetime], tuple[dict[str, tuple[str, int]], Decimal]]
"""What a cart earns given the member's past, at an instant: per rule id, the account
and the points; and the eligible spend."""


def _share(amount: Decimal, part: int, whole: int, currency: str) -> Decimal:
    """``amount * part / whole``, to the currency's minor unit, half up."""
    return (amount * part / whole).quantize(Money.zero(currency).quantum, ROUND_HALF_UP)


def remaining_basket(purchase: Purchase, returned: Mapping[str, int]) -> Cart | None:
    """The purchase without the ``returned`` units (``None`` when nothing is left).

    Each returned unit takes its share of its line's discount, of the order discount and
    of the part paid with points with it (to the cent, half up); shipping and tax stay
    with what is left.
    """
    currency = purchase.currency
    paid = purchase.points_payment
    paid_shares = (
        allocate(paid, [line.net for line in purchase.lines], [line.id for line in purchase.lines])
        if paid is not None
        else [Money.zero(currency)] * len(purchase.lines)
    )
    lines, order_discount, points_payment = [], Decimal(0), Decimal(0)
    for line, share, paid_share in zip(
        purchase.lines, purchase.order_discount_shares(), paid_shares, strict=True
    ):
        bought = line.quantity
        back = returned.get(line.id, 0)
        if back >= bought:
            continue
        order_discount += share.amount - _share(share.amount, back, bought, currency)
        points_payment += paid_share.amount - _share(paid_share.amount, back, bought, currency)
        if back:
            discount = None
            if line.discount is not None:
                left = line.discount.amount - _share(line.discount.amount, back, bought, currency)
                discount = Money(left, currency) if left else None
            line = attrs.evolve(line, quantity=bought - back, discount=discount)
        lines.append(line)
    if not lines:
        return None
    return Cart(
        lines=lines,
        order_discount=Money(order_discount, currency) if order_discount else None,
        shipping=purchase.shipping,
        tax=purchase.tax,
        points_payment=Money(points_payment, currency) if points_payment else None,
        channel=purchase.channel,
        payment=purchase.payment,
        attributes=purchase.attributes,
    ).with_tenders_of(purchase)


def process_return(ret: Return, ledger: Ledger, settings: Settings, earnings: Earnings) -> Outcome:
    """Take back what the returned units earned (see docs/lifecycle.md)."""
    purchase = ret.purchase
    key = f"return:{purchase.id}:{ret.id}"
    if key in ledger:
        return duplicate(key, ledger)
    source = purchase_key(purchase.id)
    history = ledger.history
    if source not in history.keys:
        raise ValidationError(
            f"purchase {purchase.id!r} is not in this ledger: process the purchase before "
            "its return (or it is older than the ledger's checkpoint)"
        )
    ledger.check_after_checkpoint(ret.occurred_at, "the return")
    kept = history.fingerprints.get(source)
    if kept is not None and (kept[1] != purchase.occurred_at or not matches(kept[0], purchase)):
        raise ValidationError(
            f"return {ret.id!r}: its purchase is not the order recorded as {purchase.id!r} "
            "(its lines, amounts, tenders, time or details differ); pass the Purchase as it "
            "was processed"
        )
    before = history.returned.get(source, {})
    units = ret.lines or {
        line.id: line.quantity - before.get(line.id, 0)
        for line in purchase.lines
        if line.quantity > before.get(line.id, 0)
    }
    if not units:
        raise ValidationError(f"every unit of purchase {purchase.id!r} was returned already")
    bought = {line.id: line.quantity for line in purchase.lines}
    for line_id, quantity in units.items():
        if before.get(line_id, 0) + quantity > bought[line_id]:
            left = bought[line_id] - before.get(line_id, 0)
            raise ValidationError(
                f"return {ret.id!r}: {quantity} of line {line_id!r} returned but only {left} "
                f"of the {bought[line_id]} bought are left to return"
            )
    returned = {i: before.get(i, 0) + units.get(i, 0) for i in bought}
    remaining = remaining_basket(purchase, returned)
    left_points: dict[str, tuple[str, int]] = {}
    left_spend = Decimal(0)
    if remaining is not None:
        # Against the history as it stood just before the purchase, as first evaluated.
        facts = history.before(purchase.occurred_at)
        left_points, left_spend = earnings(remaining, facts, purchase.occurred_at)
    entries: list[Entry] = [
        Recorded(
            key=key,
            at=ret.occurred_at,
            event_type="return",
            event_id=ret.id,
            source=source,
            spend=Money(_spend_back(history, source, left_spend), purchase.currency),
            returned=tuple(sorted(units.items())),  # one record however the host listed them
            categories=_categories_back(history, source, remaining, settings),
        )
    ]
    explanation = []
    what = "everything" if remaining is None else _units_text(units)
    for account, dues in sorted(_dues(history, source, left_points).items()):
        entry = _reverse(history, settings.account(account), dues, ret, source, f"{key}:{account}")
        if entry is None:
            continue
        entries.append(entry)
        taken = entry.points - sum(part.points for part in entry.expired)
        text = f"Returned {what} from order {purchase.id}: -{settings.amount(account, taken)}"
        if entry.expired:
            gone = entry.points - taken
            text += f" ({settings.amount(account, gone)} of it had expired already)"
        explanation.append(Explanation("return", "reversed", -taken, text))
    if not explanation:
        text = f"Returned {what} from order {purchase.id}: it had earned nothing to take back"
        explanation.append(Explanation("return", "reversed", 0, text))
    return Outcome(
        event_key=key,
        entries=tuple(entries),
        explanation=tuple(explanation),
        ledger_version=ledger.version,
    )


def _dues(
    history: History, source: str, left: Mapping[str, tuple[str, int]]
) -> dict[str, tuple[int, list[tuple[LotState, int]]]]:
    """Per account: what the return takes back in all (what the purchase earned, less
    what the rest of it still earns, less what earlier returns took back), and what
    each of the purchase's lots still owes for it, in program order."""
    result: dict[str, tuple[int, list[tuple[LotState, int]]]] = {}
    lots = history.sources.get(source, ())
    accounts = {lot.account for lot in lots}
    for account in accounts:
        mine = [lot for lot in lots if lot.account == account]
        # What the units kept still earn, from the rules that paid the order: a rule that
        # would pay them now but paid nothing then (its limit freed by a return of another
        # order, say) takes nothing from what the others give back.
        paid = {lot.rule_id for lot in mine}
        kept = sum(
            points
            for rule_id, (name, points) in left.items()
            if name == account and rule_id in paid
        )
        total = sum(lot.points - lot.reversed for lot in mine) - kept
        owed = [
            (lot, lot.points - lot.reversed - left.get(lot.rule_id or "", (account, 0))[1])
            for lot in mine
        ]
        result[account] = (total, [(lot, due) for lot, due in owed if due > 0])
    return result


def _spend_back(history: History, source: str, left: Decimal) -> Decimal:
    """Eligible spend this return takes back: the purchase's, less what is left, less
    what earlier returns took."""
    spend = history.purchase_spend.get(source, Decimal(0))
    return spend - left - history.spend_returned.get(source, Decimal(0))


def _categories_back(
    history: History, source: str, remaining: Cart | None, settings: Settings
) -> tuple[tuple[str, Decimal], ...]:
    """What this return takes back of each category the purchase still pays for: all
    of it when nothing is left, else what the units kept no longer pay for (never more
    than is left, so the returns of a whole purchase take back exactly what it paid)."""
    kept = history.category_kept.get(source)
    if not kept:  # a row stored before categories were kept, or all taken back
        return ()
    left: dict[str, Decimal] = {}
    if remaining is not None:
        lines = eligible_lines(remaining, settings.eligible_spend)
        left = dict(spend_by_category(lines, len(remaining.lines)))
    back = {name: spend - left.get(name, Decimal(0)) for name, spend in kept.items()}
    return tuple(sorted((name, amount) for name, amount in back.items() if amount > 0))


def _units_text(units: Mapping[str, int]) -> str:
    return ", ".join(f"{quantity} x {line_id}" for line_id, quantity in units.items())


def _reverse(
    history: History,
    account: Account,
    dues: tuple[int, list[tuple[LotState, int]]],
    ret: Return,
    source: str,
    key: str,
) -> Reversed | None:
    """The ``Reversed`` entry taking back ``dues`` for one account, or None.

    Each of the purchase's lots gives back what it owes from its own points, pending or
    not. What a lot owes after its points expired is not taken again (``expired``); what
    it owes after its points were spent comes from the purchase's other lots, pending
    first, then from any available points, then as a deficit or a write-off.
    """
    total, owed = dues
    if total <= 0:
        return None
    at = ret.occurred_at
    reverses: list[Consumption] = []
    expired: list[Consumption] = []
    taking: dict[str, int] = {}  # what this entry takes from each lot
    rest = 0
    for lot, due in owed:
        part = min(due, total - sum(c.points for c in reverses))
        if part <= 0:
            break
        reverses.append(Consumption(lot.key, part))
        if history.expiry_of(lot) <= at:
            lost = min(part, lot.left + lot.expired_points - lot.forgiven)
            if lost > 0:
                expired.append(Consumption(lot.key, lost))
                part -= lost
        else:
            own = min(part, lot.left)
            if own > 0:
                taking[lot.key] = own
                part -= own
        rest += part
    own_rest = sorted(
        open_lots(history, history.sources.get(source, ())),
        key=lambda item: (item[0].is_available(at), consumption_order(*item)),
    )
    for lot, expiry in own_rest:
        if rest <= 0:
            break
        free = lot.left - taking.get(lot.key, 0)
        if lot.account == account.name and expiry > at and free > 0:
            part = min(free, rest)
            taking[lot.key] = taking.get(lot.key, 0) + part
            rest -= part
    consumed = [Consumption(lot_key, points) for lot_key, points in taking.items()]
    more: list[Consumption] = []
    shortfall = rest
    if rest > 0:  # only then other lots are looked at: a return costs its own lots
        others = history.lots_to_take(account.name, account.consumption)
        more, shortfall = take_first(
            (item for item in others if item[0].key not in taking), rest, at
        )
    deficit, written_off = cover(shortfall, account)
    return Reversed(
        key=key,
        at=at,
        account=account.name,
        points=sum(c.points for c in reverses),
        consumed=(*consumed, *more),
        deficit=deficit,
        written_off=written_off,
        reverses=tuple(reverses),
        expired=tuple(expired),
        source=source,
        return_id=ret.id,
    )


reverse = _reverse
"""Take back ``dues`` from lots (for other operations whose rewards a return undoes)."""


def take_back_whole(
    outcome: Outcome,
    ret: Return,
    history: History,
    settings: Settings,
    undone: list[tuple[LotState, str, str]],
) -> Outcome:
    """``outcome`` of ``ret`` taking back, too, what is left of each lot of ``undone``:
    ``(lot, the rule or challenge id, what the explanation says before the amount)``
    (a bonus whose condition the return undoes, as for challenges and visit counts)."""
    taken: list[Entry] = []
    lines: list[Explanation] = []
    for lot, owner, says in undone:
        due, account = lot.points - lot.reversed, settings.account(lot.account)
        key = f"{outcome.event_key}:undo:{lot.key}"
        entry = reverse(history, account, (due, [(lot, due)]), ret, lot.source or "", key)
        if entry is not None:
            taken.append(entry)
            amount = settings.amount(lot.account, due)
            lines.append(Explanation(owner, "reversed", -due, f"{says}, -{amount}"))
    if not taken:
        return outcome
    return attrs.evolve(
        outcome,
        entries=(*outcome.entries, *taken),
        explanation=(*outcome.explanation, *lines),
    )
