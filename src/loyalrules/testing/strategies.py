"""Hypothesis strategies for loyalrules values: money, lines, carts, purchases, members.

Every strategy is a plain function taking keyword arguments only. Generated instants are
timezone-aware, line ids are unique within a cart and an order discount never exceeds
the cart's subtotal, so every generated value is one the engine accepts::

    from hypothesis import given
    from loyalrules.testing import purchases

    @given(purchases(member_id="m-1"))
    def test_points_are_never_negative(purchase):
        assert program.process(purchase, member=member, ledger=Ledger()).points >= 0

Importing this module also registers strategies for ``st.from_type``: ``Money``,
``LineItem``, ``Cart``, ``Purchase``, ``Member`` and ``Activity``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from loyalrules.testing.cart_strategies import (
    DEFAULT_ACTIVITY_KINDS,
    DEFAULT_END,
    DEFAULT_MEMBER_ATTRIBUTES,
    DEFAULT_START,
    DEFAULT_TIMEZONES,
    Zones,
    as_strategy,
    carts,
    instants,
    line_items,
    money,
)
from loyalrules.values.events import Activity, Cart, LineItem, Purchase
from loyalrules.values.fields import AttributeValue
from loyalrules.values.member import Member
from loyalrules.values.money import Money


def _cart_fields(cart: Cart) -> dict[str, Any]:
    return {field.name: getattr(cart, field.name) for field in attrs.fields(Cart)}


def _ids(prefix: str) -> st.SearchStrategy[str]:
    return st.integers(1, 10**6).map(lambda n: f"{prefix}-{n}")


def purchases(
    *,
    member_id: str | st.SearchStrategy[str] = "m-1",
    ids: st.SearchStrategy[str] | None = None,
    start: datetime = DEFAULT_START,
    end: datetime = DEFAULT_END,
    timezones: Zones = DEFAULT_TIMEZONES,
    currency: str = "USD",
    cart: st.SearchStrategy[Cart] | None = None,
) -> st.SearchStrategy[Purchase]:
    """Purchases by ``member_id`` at an aware instant in ``[start, end]``.

    The basket comes from ``cart`` (default ``carts(currency=currency)``); ids look like
    ``"o-123"`` unless ``ids`` is given.

    Example::

        @given(purchases(member_id=member.id, start=member.joined_at))
        def test_earns(purchase): program.process(purchase, member=member, ledger=Ledger())
    """
    baskets = carts(currency=currency) if cart is None else cart
    return st.builds(
        lambda basket, id_, member, at: Purchase(
            id=id_, member_id=member, occurred_at=at, **_cart_fields(basket)
        ),
        baskets,
        _ids("o") if ids is None else ids,
        as_strategy(member_id),
        instants(start=start, end=end, timezones=timezones),
    )


def purchase_histories(
    *,
    member_id: str = "m-1",
    min_size: int = 0,
    max_size: int = 6,
    start: datetime = DEFAULT_START,
    end: datetime = DEFAULT_END,
    timezones: Zones = DEFAULT_TIMEZONES,
    currency: str = "USD",
    cart: st.SearchStrategy[Cart] | None = None,
) -> st.SearchStrategy[tuple[Purchase, ...]]:
    """One member's purchases with distinct ids, oldest first.

    Example::

        @given(purchase_histories(member_id="m-1", max_size=4))
        def test_history(history): assert len({p.id for p in history}) == len(history)
    """
    one = purchases(
        member_id=member_id,
        start=start,
        end=end,
        timezones=timezones,
        currency=currency,
        cart=cart,
    )
    return st.lists(one, min_size=min_size, max_size=max_size, unique_by=lambda p: p.id).map(
        lambda history: tuple(sorted(history, key=lambda p: (p.occurred_at, p.id)))
    )


def members(
    *,
    id: str | st.SearchStrategy[str] | None = None,
    joined_start: datetime = datetime(2020, 1, 1, tzinfo=UTC),
    joined_end: datetime = DEFAULT_START,
    timezones: Zones = DEFAULT_TIMEZONES,
    birthdays: bool = True,
    attributes: Mapping[str, Sequence[AttributeValue]] = DEFAULT_MEMBER_ATTRIBUTES,
) -> st.SearchStrategy[Member]:
    """Members who joined in ``[joined_start, joined_end]`` (by default before any
    generated purchase), maybe with a birthday, and each attribute in ``attributes``
    either absent or one of its listed values.

    Example::

        @given(members(id="m-1", attributes={"segment": ["reserve"]}))
        def test_reserve(member): ...
    """
    optional = {name: st.sampled_from(tuple(values)) for name, values in attributes.items()}
    birthday: st.SearchStrategy[date | None] = (
        st.none() | st.dates(date(1930, 1, 1), date(2010, 12, 31)) if birthdays else st.none()
    )
    return st.builds(
        Member,
        id=_ids("m") if id is None else as_strategy(id),
        joined_at=instants(start=joined_start, end=joined_end, timezones=timezones),
        birthday=birthday,
        attributes=st.fixed_dictionaries({}, optional=optional),
    )


def activities(
    *,
    member_id: str | st.SearchStrategy[str] = "m-1",
    kinds: Sequence[str] = DEFAULT_ACTIVITY_KINDS,
    ids: st.SearchStrategy[str] | None = None,
    start: datetime = DEFAULT_START,
    end: datetime = DEFAULT_END,
    timezones: Zones = DEFAULT_TIMEZONES,
) -> st.SearchStrategy[Activity]:
    """Non-purchase events of one of ``kinds`` by ``member_id`` in ``[start, end]``.

    Example::

        @given(activities(kinds=["review"]))
        def test_review(activity): assert activity.kind == "review"
    """
    if not kinds:
        raise InvalidArgument("kinds must name at least one activity kind")
    return st.builds(
        Activity,
        id=_ids("a") if ids is None else ids,
        member_id=as_strategy(member_id),
        kind=st.sampled_from(tuple(kinds)),
        occurred_at=instants(start=start, end=end, timezones=timezones),
    )


st.register_type_strategy(Money, money())
st.register_type_strategy(LineItem, line_items())
st.register_type_strategy(Cart, carts())
st.register_type_strategy(Purchase, purchases())
st.register_type_strategy(Member, members())
st.register_type_strategy(Activity, activities())
