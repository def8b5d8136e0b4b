"""What folding entries into a ledger's history keeps: lots by event, rule earnings
across a checkpoint, lifetime spend."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import attrs
import pytest

from loyalrules import CurrencyMismatch, Earned, Ledger, Money, Recorded


def day(year: int, month: int, d: int = 1) -> datetime:
    return datetime(year, month, d, 12, tzinfo=UTC)


def lot(key: str, at: datetime, *, rule: str = "base", account: str = "points") -> Earned:
    return Earned(key=key, at=at, points=10, rule_id=rule, source="purchase:o-1", account=account)


def bought(order: str, at: datetime, amount: str, currency: str = "USD") -> Recorded:
    return Recorded(
        key=f"purchase:{order}",
        at=at,
        event_type="purchase",
        event_id=order,
        spend=Money(amount, currency),
    )


def test_an_events_lots_are_found_in_credit_order_across_accounts() -> None:
    first, back, second = (
        lot("k1", day(2026, 1)),
        lot("k2", day(2026, 1), account="cashback"),
        lot("k3", day(2026, 2)),
    )
    history = Ledger([first, back, second]).history
    assert [s.key for s in history.sources.get("purchase:o-1", ())] == ["k1", "k2", "k3"]
    assert history.sources.get("purchase:o-2", ()) == ()


def test_a_rule_earns_again_after_a_checkpoint_kept_none_of_its_instants() -> None:
    ledger = Ledger([lot("k1", day(2024, 1))]).compact(day(2026, 1))  # beyond the horizon
    ledger = ledger.append([lot("k2", day(2026, 3))])
    assert ledger.history.rule_earnings_between("base", day(2026, 1), day(2027, 1)) == 1
    assert ledger.history.rule_earnings_between("base", day(2000, 1), day(2027, 1)) == 2


def test_lifetime_spend_of_purchases_in_two_currencies_is_refused() -> None:
    with pytest.raises(CurrencyMismatch, match="cannot combine USD with EUR"):
        Ledger([bought("o-1", day(2026, 1), "5.00"), bought("o-2", day(2026, 2), "5.00", "EUR")])


def test_lifetime_spend_survives_a_checkpoint() -> None:
    ledger = Ledger([bought("o-1", day(2026, 1), "5.25"), bought("o-2", day(2026, 2), "4.75")])
    ledger = ledger.compact(day(2026, 3)).append([bought("o-3", day(2026, 4), "1.00")])
    assert ledger.history.lifetime_spend == Money("11.00", "USD")


def test_a_batch_with_spend_in_another_currency_is_refused_whole() -> None:
    ledger = Ledger([bought("o-1", day(2026, 1), "5.00")])
    with pytest.raises(CurrencyMismatch, match="cannot combine USD with EUR"):
        ledger.append(
            [bought("o-2", day(2026, 2), "3.00"), bought("o-3", day(2026, 3), "1.00", "EUR")]
        )
    # Nothing of the refused batch was taken in: its first entry can still be appended.
    ledger = ledger.append([bought("o-2", day(2026, 2), "3.00")])
    assert ledger.history.lifetime_spend == Money("8.00", "USD")
    assert ledger.history.purchases_before(day(2027, 1)) == 2


def test_spend_in_another_currency_than_a_checkpoints_is_refused() -> None:
    ledger = Ledger([bought("o-1", day(2026, 1), "5.00")]).compact(day(2026, 2))
    with pytest.raises(CurrencyMismatch, match="cannot combine USD with EUR"):
        ledger.append([bought("o-2", day(2026, 3), "1.00", "EUR")])


def test_entries_appended_without_questions_are_all_folded_in_at_the_first() -> None:
    ledger = Ledger()
    for month in range(1, 7):  # nothing asks about the past between appends
        ledger = ledger.append(
            [bought(f"o-{month}", day(2026, month), "10.00"), lot(f"k{month}", day(2026, month))]
        )
    assert ledger.facts.purchases_before(day(2026, 4)) == 3
    assert ledger.history.lifetime_spend == Money("60.00", "USD")
    assert ledger.balance(day(2026, 12)).available == 60
    assert [s.key for s in ledger.history.sources.get("purchase:o-1", ())] == [
        f"k{m}" for m in range(1, 7)
    ]


def test_threads_asking_at_once_fold_every_entry_exactly_once() -> None:
    ledger = Ledger()
    for n in range(200):
        at = day(2026, 1 + n % 12, 1 + n % 28)
        ledger = ledger.append([bought(f"o-{n}", at, "1.00"), lot(f"k{n}", at)])
    barrier = threading.Barrier(8)
    answers: list[int] = []

    def ask() -> None:
        barrier.wait()
        answers.append(ledger.balance(day(2027, 1)).available)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [2000] * 8
    assert ledger.history.lifetime_spend == Money("200.00", "USD")


def test_an_entry_subclass_folds_as_its_nearest_folded_base() -> None:
    @attrs.frozen(kw_only=True)
    class PromoEarned(Earned):  # a host's own kind of lot, no fold of its own
        campaign: str = "spring"

    at = datetime(2026, 3, 1, tzinfo=UTC)
    lot = PromoEarned(key="p-1", at=at, points=40, rule_id="promo", source="o-1")
    ledger = Ledger([lot])
    assert ledger.balance(at=at).available == 40
    assert ledger.history.rule_earnings_between("promo", at, at.replace(day=2)) == 1
