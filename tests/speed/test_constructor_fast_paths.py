"""The value constructors written by hand (``Money``, ``LineItem``, ``Cart``,
``Purchase``, ``Member``) take their usual arguments through a fast path: they must make
the same values, and refuse the same arguments, as the general conversions and checks
every field declares."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalrules import (
    Cart,
    LineItem,
    LoyalRulesError,
    Member,
    Money,
    Purchase,
    ValidationError,
    WrongTypeError,
)
from loyalrules.values.fields import freeze_attributes, tag_tuple
from loyalrules.values.money import MAX_AMOUNT, to_decimal

AMOUNTS = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**17), max_value=10**17),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
CODES = st.sampled_from(["USD", "JPY", "KWD", "usd", "XXX", "", 3, None])
AT = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _outcome(make: object) -> object:
    """What calling ``make`` gives: the value, or the type and text of its error."""
    try:
        return make()  # type: ignore[operator]
    except LoyalRulesError as error:
        return type(error), str(error)


@given(AMOUNTS, CODES)
def test_money_takes_what_to_decimal_and_the_currency_check_take(
    amount: object, code: object
) -> None:
    made = _outcome(lambda: Money(amount, code))  # type: ignore[arg-type]
    converted = _outcome(lambda: to_decimal(amount))
    if isinstance(converted, tuple):  # the amount is refused, with the conversion's words
        assert made == converted
    elif code not in ("USD", "JPY", "KWD"):
        assert isinstance(made, tuple)
        assert made[0] is ValidationError
    else:
        assert isinstance(made, Money)
        assert made.amount == converted
        assert type(made.amount) is Decimal
        assert made.currency == code


@pytest.mark.parametrize("amount", [MAX_AMOUNT, -MAX_AMOUNT])
def test_money_at_the_edge_of_the_range_is_kept(amount: Decimal) -> None:
    assert Money(amount, "USD").amount == amount


@pytest.mark.parametrize("amount", [MAX_AMOUNT + 1, -MAX_AMOUNT - 1, Decimal("sNaN")])
def test_decimals_out_of_range_or_not_finite_are_refused(amount: Decimal) -> None:
    with pytest.raises(ValidationError):
        Money(amount, "USD")


TAGS = st.one_of(
    st.none(),
    st.text(max_size=3),
    st.lists(st.text(max_size=3), max_size=3),
    st.lists(st.text(max_size=3), max_size=3).map(tuple),
    st.lists(st.integers(), min_size=1, max_size=2),
)


@given(TAGS)
def test_line_tags_are_what_tag_tuple_makes_of_them(tags: object) -> None:
    usd = Money("2.50", "USD")
    made = _outcome(lambda: LineItem(sku="A", category="c", unit_price=usd, tags=tags))  # type: ignore[arg-type]
    expected = _outcome(lambda: tag_tuple(tags))  # type: ignore[arg-type]
    if isinstance(expected, tuple) and expected and isinstance(expected[0], type):
        assert made == expected
    else:
        assert isinstance(made, LineItem)
        assert made.tags == expected


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("sku", "", ValidationError),
        ("sku", 7, ValidationError),
        ("category", None, ValidationError),
        ("unit_price", Decimal("1"), WrongTypeError),
        ("quantity", True, WrongTypeError),
        ("quantity", 0, ValidationError),
        ("quantity", 1_000_001, ValidationError),
        ("id", "", ValidationError),
        ("id", None, ValidationError),
        ("discount", Money("9", "USD"), ValidationError),
        ("discount", Money("1", "EUR"), ValidationError),
    ],
)
def test_every_line_field_is_still_checked(field: str, value: object, error: type) -> None:
    fields: dict[str, object] = {"sku": "A", "category": "c", "unit_price": Money("2", "USD")}
    fields[field] = value
    with pytest.raises(error):
        LineItem(**fields)  # type: ignore[arg-type]


def test_evolve_and_pickle_go_through_the_hand_written_constructors() -> None:
    line = LineItem(sku="A", category="c", unit_price=Money("2", "USD"), tags=["x"])
    purchase = Purchase(id="o", member_id="m", occurred_at=AT, lines=(line,))
    member = Member(id="m", joined_at=AT, birthday=date(2000, 3, 1), attributes={"t": "g"})
    assert attrs.evolve(line, quantity=3).gross == Money("6", "USD")
    assert attrs.evolve(purchase, id="o-2").id == "o-2"
    with pytest.raises(ValidationError):
        attrs.evolve(purchase, member_id="")
    for value in (line, purchase, member, Money("1.5", "JPY")):
        assert pickle.loads(pickle.dumps(value)) == value


def test_lines_may_be_any_iterable_of_line_items_and_nothing_else() -> None:
    line = LineItem(sku="A", category="c", unit_price=Money("2", "USD"))
    assert Cart(lines=iter([line])).lines == (line,)
    with pytest.raises(WrongTypeError):
        Cart(lines=line)  # type: ignore[arg-type]
    with pytest.raises(WrongTypeError):
        Cart(lines=[line, "B"])  # type: ignore[list-item]


def test_the_first_bad_line_is_the_one_named() -> None:
    a = LineItem(sku="A", category="c", unit_price=Money("2", "USD"))
    euro = LineItem(sku="E", category="c", unit_price=Money("2", "EUR"))
    with pytest.raises(ValidationError, match="share the id 'A'"):
        Cart(lines=[a, a, euro])
    with pytest.raises(ValidationError, match="line 'E' is priced in EUR"):
        Cart(lines=[a, euro, a])


ZONES = st.sampled_from([UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=9))])


@given(
    st.datetimes(
        min_value=datetime(1901, 1, 1), max_value=datetime(2998, 1, 1), timezones=ZONES
    ),
    st.one_of(st.none(), st.dates()),
    st.dictionaries(st.sampled_from(["tier", "n", "d", "l"]), st.one_of(
        st.text(max_size=2), st.integers(), st.lists(st.integers(), max_size=2)
    ), max_size=3),
)  # fmt: skip
def test_a_member_holds_its_fields_converted(
    joined: datetime, birthday: date | None, attributes: dict[str, object]
) -> None:
    member = Member(id="m", joined_at=joined, birthday=birthday, attributes=attributes)
    assert member.joined_at == joined
    assert member.joined_at.tzinfo is UTC
    assert member.birthday == birthday
    assert member.attributes == freeze_attributes(attributes)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"id": ""}, ValidationError),
        ({"joined_at": datetime(2026, 1, 1)}, LoyalRulesError),
        ({"birthday": AT}, WrongTypeError),
        ({"attributes": {"x": 1.5}}, WrongTypeError),
        ({"attributes": [("x", 1)]}, WrongTypeError),
    ],
)
def test_every_member_field_is_still_checked(fields: dict[str, object], error: type) -> None:
    values: dict[str, object] = {"id": "m", "joined_at": AT, **fields}
    with pytest.raises(error):
        Member(**values)  # type: ignore[arg-type]
