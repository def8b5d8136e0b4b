"""What happens to points after they are earned: activation, expiry, manual adjustments
and transfers (returns are in ``returns``). Each operation reads a ledger and returns
the entries to append, never changing anything itself.

Debits take points lot by lot: soonest-expiring first, never-expiring last, ties by
earn time then key (see ``history.take``); what no lot covers becomes a deficit or is
written off, as the account's ``negative_balance`` says.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from loyalrules.errors import InsufficientPoints, NotAllowed, ValidationError
from loyalrules.ledger.entries import (
    DEFAULT_ACCOUNT,
    Activated,
    Adjusted,
    Consumption,
    Entry,
    Expired,
    TransferredIn,
    TransferredOut,
)
from loyalrules.ledger.exemption import Exemption
from loyalrules.ledger.fields import Inactivity
from loyalrules.ledger.history import History
from loyalrules.ledger.ledger import Ledger
from loyalrules.ledger.lots import NEVER, LotState, take_first
from loyalrules.operations.outcome import Outcome
from loyalrules.rules.explanation import Explanation
from loyalrules.rules.pipeline import purchase_key
from loyalrules.rules.settings import Settings
from loyalrules.terms.policies import Account, NegativeBalance
from loyalrules.values.frozen import value_methods
from loyalrules.values.timeutil import local_moment, until_text


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


def open_lots(history: History, lots: Iterable[LotState]) -> list[tuple[LotState, datetime]]:
    """``lots`` each with its expiry, as ``history.take`` wants them."""
    return [(lot, history.expiry_of(lot)) for lot in lots]


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
        left = lot.remaining()
        if lot.available_at is None and left > 0:  # a returned order leaves none waiting
            waiting[lot.account] = waiting.get(lot.account, 0) + left
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
        for lot, expiry in open_lots(history, history.lots_expiring_by(account.name, as_of)):
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
            text += _kept_until(history, lot, expiry, settings)
            explanation.append(Explanation(lot.key, "expired", -left, text))
    return Outcome(
        event_key=f"expire:{as_of.isoformat()}",
        entries=tuple(entries),
        explanation=tuple(explanation),
        ledger_version=ledger.version,
    )


def _kept_until(history: History, lot: LotState, expiry: datetime, settings: Settings) -> str:
    """ ", kept by Gold until ...": the standing that kept the lot last, and when it
    ended (empty when none held it)."""
    exemption = lot.exemption
    if exemption is None:
        return ""
    levels = settings.tiers.levels if settings.tiers is not None else ()
    names = {level.id: level.name for level in levels if level.id in exemption.tiers}
    plans = {plan.id: plan.name for plan in settings.memberships if plan.id in exemption.plans}
    last: tuple[datetime, str] | None = None
    for standing, name in (*names.items(), *plans.items()):
        alone = attrs.evolve(
            exemption,
            tiers=(standing,) if standing in names else (),
            plans=(standing,) if standing in plans else (),
        )
        for begin, end in history.held_periods(alone):
            if begin < expiry and lot.at < end <= expiry and (last is None or end > last[0]):
                last = (end, name)
    if last is None:
        return ""
    return f", kept by {last[1]} until {until_text(last[0], settings.timezone)}"


# --- adjustments ---------------------------------------------------------------------


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
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
        dates = settings.lot_dates(account.name, at)  # a credit is available at once
        entry = Adjusted(
            key=key,
            at=at,
            points=points,
            reason=request.reason,
            actor=request.actor,
            account=account.name,
            expires_at=dates["expires_at"],
            inactivity=dates["inactivity"],
            exemption=dates["exemption"],
        )
    else:
        lots = history.lots_to_take(account.name, account.consumption)
        consumed, shortfall = take_first(lots, -points, at)
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


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
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
    lots = history.lots_to_take(name, settings.account(name).consumption)
    consumed, shortfall = take_first(lots, points, at)
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
    incoming = _incoming(request, consumed, history.accounts[name].lots, in_key)
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
    groups: dict[tuple[datetime, Inactivity | None, Exemption | None], int] = {}
    for part in consumed:
        lot = lots[part.lot]
        group = (lot.expires_at or NEVER, lot.inactivity, lot.exemption)
        groups[group] = groups.get(group, 0) + part.points
    return tuple(
        TransferredIn(
            key=f"{key}:{number}",
            at=request.at,
            account=lots[consumed[0].lot].account,
            points=points,
            expires_at=None if expires_at == NEVER else expires_at,
            inactivity=inactivity,
            exemption=exemption,
            transfer_id=request.key,
            from_member=request.sender,
        )
        for number, ((expires_at, inactivity, exemption), points) in enumerate(groups.items())
    )
