"""Bonuses of visits and streaks that a return of another order undoes.

A rule that counts visits or a streak paid on the event that reached its count. When a
*different* order of the count is later returned in full, the count at that event falls
short: the return takes the bonus back, as it takes back a challenge's reward
(decision 0088). Without this, the points a member ends with would depend on whether the
return reached the engine before or after the bonus event.
"""

from __future__ import annotations

from loyalrules.ledger.entries import Recorded
from loyalrules.ledger.ledger import Ledger
from loyalrules.operations import returns
from loyalrules.operations.outcome import Outcome
from loyalrules.rules.rule import Rule
from loyalrules.rules.settings import Settings
from loyalrules.rules.visit_conditions import Moment, reads, recheck
from loyalrules.values.events import Return


def undo_visit_bonuses(
    outcome: Outcome, ret: Return, ledger: Ledger, rules: tuple[Rule, ...], settings: Settings
) -> Outcome:
    """``outcome`` of ``ret`` taking back, too, what each of ``rules`` (those that count
    visits or streaks) paid on a later event whose count the return now leaves short.

    The lots of the returned purchase itself are left to the return (it re-evaluates
    them); a count the rule's other conditions decide (``any``, ``not``) is left as paid.
    """
    if outcome.duplicate or not rules:
        return outcome
    zone, returned = settings.timezone, ret.purchase.occurred_at
    # The lots that may be undone, found before the return's entries are folded in (its
    # own lots are not among them): most returns find none and fold nothing.
    maybe = [
        (rule, condition, lot.account, lot.key)
        for rule in rules
        if (condition := rule.condition) is not None
        for lot in ledger.history.lots(rule.account)
        if lot.rule_id == rule.id
        and lot.source is not None
        and lot.points > lot.reversed
        and reads(condition, lot.at, zone, returned)
    ]
    if not maybe:
        return outcome
    after = ledger.append(outcome.entries)
    history = after.history
    lots = {(a, lot.key): lot for a in {a for _, _, a, _ in maybe} for lot in history.lots(a)}
    standing = [(rule, condition, lots[account, key]) for rule, condition, account, key in maybe]
    purchases = {e.key for e in after if isinstance(e, Recorded) and e.event_type == "purchase"}
    undone = [
        (lot, rule.id, f"{rule.name}: the return leaves its count short")
        for rule, condition, lot in standing
        if recheck(condition, Moment(history, zone, lot.at, (lot.source or "") in purchases))
        is False
    ]
    return returns.take_back_whole(outcome, ret, history, settings, undone)
