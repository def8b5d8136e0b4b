"""What a history sums or notes on the first question after its entries (the series,
the activity clock) answers as if it had been taken in at once, and the one-step fold of
``Earned`` keeps what ``credit`` then ``earned`` keep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from loyalrules import Earned, Ledger, Money, Recorded
from loyalrules.ledger.activity_clock import ActivityClock
from loyalrules.ledger.fold import HistoryState
from loyalrules.ledger.folds import FOLDS
from loyalrules.ledger.series import Series

START = datetime(2026, 1, 1, tzinfo=UTC)
instants = st.integers(0, 40).map(lambda hours: START + timedelta(hours=hours))
names = st.sampled_from(("spend", "purchases", "earned:points"))
additions = st.tuples(names, instants, st.integers(-5, 50))
steps = st.lists(st.one_of(additions, st.tuples(names, instants)), max_size=60)


@given(steps)
def test_a_series_answers_as_if_every_amount_was_summed_in_when_added(steps: list) -> None:
    series, added = Series(), []
    for step in steps:
        if len(step) == 3:
            series.add(*step)
            added.append(step)
            continue
        name, end = step
        expected = sum((Decimal(a) for n, at, a in added if n == name and at < end), Decimal(0))
        assert series.total(name, None, end) == expected
        assert series.instants(name, None, end) == sorted(
            at for n, at, _ in added if n == name and at < end
        )
    assert sorted(series.items()) == sorted((n, at, Decimal(a)) for n, at, a in added)


def bought(number: int, at: datetime) -> Recorded:
    return Recorded(key=f"k{number}", at=at, event_type="purchase", event_id=f"o-{number}")


@given(st.lists(st.one_of(instants, st.tuples(instants)), max_size=40))
def test_the_activity_clock_answers_as_if_every_entry_was_taken_in_when_noted(
    steps: list,
) -> None:
    clock, seen = ActivityClock(), []
    for number, step in enumerate(steps):
        if isinstance(step, tuple):  # a question
            (as_of,) = step
            assert clock.last(as_of) == max((at for at in seen if at <= as_of), default=None)
        else:
            clock.note([bought(number, step)])
            seen.append(step)
    marked = (("purchases", max(seen)),) if seen else ()
    assert clock.last_marked() == marked


lots = st.lists(
    st.tuples(instants, st.integers(1, 30), st.sampled_from(("base", "tier:up", "promo"))),
    max_size=30,
)


def _state(history: HistoryState) -> tuple[object, ...]:
    accounts = {
        name: (
            [
                (lot.key, lot.points, lot.at, lot.left, lot.order, lot.taken)
                for lot in a.lots.values()
            ],
            list(a.open),
            a.dated,
            a.credited,
            a.deficit,
            a.owed,
        )
        for name, a in history.accounts.items()
    }
    series = sorted(history.series_items())
    return accounts, history.rule_earn_times, history.sources.keys, series


class _History(HistoryState):
    __slots__ = ()

    def series_items(self) -> list[tuple[str, datetime, Decimal]]:
        return self._series.items()


@given(lots, st.integers(0, 40))
def test_folding_earned_in_one_step_keeps_what_credit_then_earned_keep(
    lots: list, owed: int
) -> None:
    fast, slow = _History(), _History()
    for history in (fast, slow):
        history.account("points").carry(START, owed)
    for number, (at, points, rule) in enumerate(lots):
        entry = Earned(
            key=f"e{number}", at=at, points=points, rule_id=rule, source=f"purchase:o-{number % 3}"
        )
        FOLDS[Earned](fast, entry)
        slow.credit(entry)
        slow.earned(entry)
    assert _state(fast) == _state(slow)


@st.composite
def purchases_and_returns(draw: st.DrawFn) -> list[Recorded]:
    entries: list[Recorded] = []
    for number in range(draw(st.integers(0, 12))):
        at = START + timedelta(hours=number)
        if entries and draw(st.booleans()):
            source = draw(st.sampled_from([e.key for e in entries if e.event_type == "purchase"]))
            entries.append(
                Recorded(
                    key=f"return:{number}",
                    at=at,
                    event_type="return",
                    event_id=f"r-{number}",
                    source=source,
                    spend=Money(draw(st.sampled_from(("1.00", "4.50"))), "USD"),
                    returned=(("l1", 1),),
                    categories=(("shoes", Decimal("1.00")),),
                )
            )
        else:
            entries.append(
                Recorded(
                    key=f"purchase:{number}",
                    at=at,
                    event_type="purchase",
                    event_id=f"o-{number}",
                    spend=Money("4.50", "USD"),
                    fingerprint=f"f{number}",
                    categories=(("hats", Decimal("2.00")), ("shoes", Decimal("2.50"))),
                )
            )
    return entries


def _facts(ledger: Ledger) -> tuple[object, ...]:
    history = ledger.history
    return (
        history.fingerprints, history.returned, history.purchase_spend, history.purchase_at,
        history.category_kept, history.spend_returned, history.lifetime_spend,
        sorted(history.series.items()),
    )  # fmt: skip


@given(purchases_and_returns())
def test_recorded_entries_folded_on_the_first_question_tell_what_folding_each_tells(
    entries: list[Recorded],
) -> None:
    asked = Ledger()
    for entry in entries:  # a question after every entry: each is folded in at once
        asked = asked.append([entry])
        _facts(asked)
    assert _facts(asked) == _facts(Ledger(entries))
