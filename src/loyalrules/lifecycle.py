"""What happens to points after they are earned: returns, activation, expiry, manual
adjustments and transfers. Each operation reads a ledger and returns the entries to
append, never changing anything itself.

Debits take points lot by lot: soonest-expiring first, never-expiring last, ties by
earn time then key (see ``history.take``). A return first takes back the purchase's own
lots (pending ones first), then other available points; what no lot covers becomes a
deficit or is written off, as the account's ``negative_balance`` says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import attrs

from loyalrules.entries import (
    DEFAULT_ACCOUNT,
    Activated,
    Adjusted,
    Consumption,
    Entry,
    Expired,
    Inactivity,
    Recorded,
    Reversed,
    TransferredIn,
    TransferredOut,
)
from loyalrules.errors import InsufficientPoints, NotAllowed, ValidationError
from loyalrules.history import NEVER, Facts, History, LotState, consumption_order, take
from loyalrules.ledger import Ledger
from loyalrules.model import Cart, Purchase, Return
from loyalrules.money import Money, allocate
from loyalrules.outcome import Explanation, Outcome
from loyalrules.policies import Account, NegativeBalance
from loyalrules.settings import Settings
from loyalrules.timeutil import local_moment

Earnings = Callable[[Cart, Facts, datetime], tuple[dict[str, tuple[str, int]], Decimal]]
"""What a cart earns given the member's past, at an instant: per rule id, the account
and the points; and the eligible spend."""


def purchase_key(purchase_id: str) -> str:
    return f"purchase:{purchase_id}"


def duplicate(key: str, ledger: Ledger) -> Outcome:
    """The empty Outcome of an event the ledger already holds."""
    return Outcome(
        event_key=key, entries=(), explanation=(), ledger_version=ledger.version, duplicate=True
    )


def cover(shortfall: int, account: Account) -> tuple[int, int]:
    """(deficit, written_off) for what no lot could cover."""
    if account.negative_balance is NegativeBalance.ALLOW:
        return shortfall, 0
    return 0, shortfall


def _open(history: History, lots: Iterable[LotState]) -> list[tuple[LotState, datetime]]:
    return [(lot, history.expiry_of(lot)) for lot in lots]


# --- returns -----------------------------------------------------------------------


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
    )


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
            returned=tuple(units.items()),
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
        kept = sum(points for name, points in left.values() if name == account)
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
        _open(history, history.sources.get(source, ())),
        key=lambda item: (_available(item[0], at), consumption_order(*item)),
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
    others = [
        item
        for item in _open(history, history.open_lots(account.name))
        if item[0].key not in taking
    ]
    more, shortfall = take(others, rest, at)
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


def _available(lot: LotState, at: datetime) -> bool:
    return lot.available_at is not None and lot.available_at <= at


# --- activation --------------------------------------------------------------------


def process_activation(
    purchase_id: str, at: datetime, ledger: Ledger, settings: Settings
) -> Outcome:
    """Make the purchase's points pending ``until: activated`` available at ``at``.

    An activation may arrive before its purchase (messages out of order): the points are
    then available as soon as they are earned.
    """
    source = purchase_key(purchase_id)
    key = f"activated:{source}"
    if key in ledger:
        return duplicate(key, ledger)
    ledger.check_after_checkpoint(at, "the activation")
    waiting: dict[str, int] = {}
    for lot in ledger.history.sources.get(source, ()):
        if lot.available_at is None:
            waiting[lot.account] = waiting.get(lot.account, 0) + lot.remaining()
    if waiting:
        amounts = " and ".join(settings.amount(name, units) for name, units in waiting.items())
        text = f"Order {purchase_id} activated: {amounts} now available"
    else:
        text = f"Order {purchase_id} activated: no points were waiting for it (yet)"
    points = waiting.get(DEFAULT_ACCOUNT, 0)
    return Outcome(
        event_key=key,
        entries=(Activated(key=key, at=at, source=source),),
        explanation=(Explanation("activation", "activated", points, text),),
        ledger_version=ledger.version,
    )


# --- expiry ------------------------------------------------------------------------


def expire(ledger: Ledger, as_of: datetime, settings: Settings) -> Outcome:
    """``Expired`` entries for every lot that expired by ``as_of`` with points left.

    Idempotent: a lot's expiry has one key, so running it again adds nothing.
    """
    ledger.check_after_checkpoint(as_of, "as_of")
    history = ledger.history
    entries: list[Entry] = []
    explanation = []
    for account in settings.accounts:
        for lot, expiry in _open(history, history.open_lots(account.name)):
            left = lot.remaining()
            if expiry > as_of or left <= 0 or lot.expired_by_entry:
                continue
            key = f"expired:{lot.key}"
            entries.append(
                Expired(
                    key=key,
                    at=expiry,
                    account=account.name,
                    points=left,
                    consumed=(Consumption(lot.key, left),),
                    lot=lot.key,
                )
            )
            text = f"{settings.amount(account.name, left)} expired " + local_moment(
                expiry, settings.timezone
            )
            explanation.append(Explanation(lot.key, "expired", -left, text))
    return Outcome(
        event_key=f"expire:{as_of.isoformat()}",
        entries=tuple(entries),
        explanation=tuple(explanation),
        ledger_version=ledger.version,
    )


# --- adjustments ---------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class AdjustmentRequest:
    """A manual correction as the host passes it in."""

    points: int
    reason: str
    actor: str
    at: datetime
    key: str
    account: str


def adjust(request: AdjustmentRequest, ledger: Ledger, settings: Settings) -> Outcome:
    """An ``Adjusted`` entry: a new lot for a credit, lots taken for a debit.

    A debit larger than the available points carries a deficit when the account allows
    a negative balance, and is refused with ``InsufficientPoints`` when it clamps.
    """
    key = f"adjust:{request.key}"
    if key in ledger:
        return duplicate(key, ledger)
    ledger.check_after_checkpoint(request.at, "the adjustment")
    account = settings.account(request.account)
    history, at, points = ledger.history, request.at, request.points
    if points > 0:
        entry = Adjusted(
            key=key,
            at=at,
            points=points,
            reason=request.reason,
            actor=request.actor,
            account=account.name,
            expires_at=account.expiry.expires_at(at, settings.timezone),
            inactivity=account.expiry.inactivity_for(settings.timezone_name),
        )
    else:
        consumed, shortfall = take(_open(history, history.open_lots(account.name)), -points, at)
        if shortfall and account.negative_balance is NegativeBalance.CLAMP:
            raise InsufficientPoints(needed=-points, available=-points - shortfall)
        entry = Adjusted(
            key=key,
            at=at,
            points=points,
            reason=request.reason,
            actor=request.actor,
            account=account.name,
            consumed=consumed,
            deficit=shortfall,
        )
    amount = settings.amount(account.name, abs(points))
    text = f"Adjusted by {request.actor} ({request.reason}): {'+' if points > 0 else '-'}{amount}"
    return Outcome(
        event_key=key,
        entries=(entry,),
        explanation=(Explanation("adjustment", "adjusted", points, text),),
        ledger_version=ledger.version,
    )


# --- transfers -----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class TransferRequest:
    points: int
    sender: str
    recipient: str
    at: datetime
    key: str


def transfer(
    request: TransferRequest, sender: Ledger, recipient: Ledger, settings: Settings
) -> tuple[Outcome, Outcome]:
    """Move points from one member to another; together the outcomes conserve points.

    The recipient's lots keep the expiry of the sender's lots they came from, so giving
    points away never extends their life.
    """
    policy = settings.transfers
    if policy is None:
        raise NotAllowed(
            "this program does not allow transfers; add a 'transfers:' section to the "
            "program file to let members give points to each other"
        )
    out_key, in_key = f"transfer:{request.key}:out", f"transfer:{request.key}:in"
    if out_key in sender and in_key + ":0" in recipient:
        return duplicate(out_key, sender), duplicate(in_key, recipient)
    if out_key in sender or in_key + ":0" in recipient:
        raise ValidationError(
            f"transfer {request.key!r} is in only one of the two ledgers; append the missing "
            "outcome from the first attempt instead of transferring again"
        )
    points, at, name = request.points, request.at, policy.account
    if request.sender == request.recipient:
        raise ValidationError("a member cannot transfer points to themselves")
    if points < policy.min_points or (policy.max_points and points > policy.max_points):
        most = f" and at most {policy.max_points}" if policy.max_points else ""
        raise NotAllowed(f"a transfer must be at least {policy.min_points} points{most}")
    sender.check_after_checkpoint(at, "the transfer")
    recipient.check_after_checkpoint(at, "the transfer")
    if policy.limit_points is not None:
        start, end = policy.limit_period.bounds(at.astimezone(settings.timezone))
        sent = sender.history.sent_between(name, start, end)
        if sent + points > policy.limit_points:
            raise NotAllowed(
                f"transfers are limited to {policy.limit_points} points per "
                f"{policy.limit_period.value}; {sent} sent already this "
                f"{policy.limit_period.value}"
            )
    history = sender.history
    lots = _open(history, history.open_lots(name))
    consumed, shortfall = take(lots, points, at)
    if shortfall:
        raise InsufficientPoints(needed=points, available=points - shortfall)
    out = TransferredOut(
        key=out_key,
        at=at,
        account=name,
        points=points,
        consumed=consumed,
        transfer_id=request.key,
        to_member=request.recipient,
    )
    incoming = _incoming(request, consumed, {lot.key: lot for lot, _ in lots}, in_key)
    amount = settings.amount(name, points)
    return (
        Outcome(
            event_key=out_key,
            entries=(out,),
            explanation=(
                Explanation("transfer", "transferred", -points, f"Gave {amount} to a member"),
            ),
            ledger_version=sender.version,
        ),
        Outcome(
            event_key=in_key,
            entries=incoming,
            explanation=(
                Explanation("transfer", "transferred", points, f"Received {amount} from a member"),
            ),
            ledger_version=recipient.version,
        ),
    )


def _incoming(
    request: TransferRequest,
    consumed: list[Consumption],
    lots: dict[str, LotState],
    key: str,
) -> tuple[TransferredIn, ...]:
    """One lot per distinct expiry of the lots the points came from."""
    groups: dict[tuple[datetime, Inactivity | None], int] = {}
    for part in consumed:
        lot = lots[part.lot]
        group = (lot.expires_at or NEVER, lot.inactivity)
        groups[group] = groups.get(group, 0) + part.points
    return tuple(
        TransferredIn(
            key=f"{key}:{number}",
            at=request.at,
            account=lots[consumed[0].lot].account,
            points=points,
            expires_at=None if expires_at == NEVER else expires_at,
            inactivity=inactivity,
            transfer_id=request.key,
            from_member=request.sender,
        )
        for number, ((expires_at, inactivity), points) in enumerate(groups.items())
    )
