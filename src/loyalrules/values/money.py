"""Money: an exact decimal amount in one ISO 4217 currency.

Floats are refused everywhere: ``Money("12.50", "USD")`` or ``Money(Decimal("12.50"), "USD")``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

import attrs

from loyalrules.errors import CurrencyMismatch, ValidationError, WrongTypeError
from loyalrules.values.currencies import MINOR_UNITS, check_currency, quantum
from loyalrules.values.currencies import minor_units as minor_units  # where the modules import it
from loyalrules.values.frozen import value_methods
from loyalrules.values.locales import format_amount

_SYMBOLS: Final = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "KRW": "₩"}
MAX_AMOUNT: Final = Decimal(10**15)
"""The largest amount of money loyalrules computes with, either sign (a program states at
most 10**12; carts of many lines add up to more)."""


def to_decimal(value: object, what: str = "amount") -> Decimal:
    """Convert ``value`` to a finite Decimal, refusing floats and non-numbers.

    >>> to_decimal("12.50")
    Decimal('12.50')
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise WrongTypeError(f"{what} must be a Decimal, int or str, not a bool ({value!r})")
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValidationError(
                f"{what} {value!r} is not a number; write it like '12.50'"
            ) from None
    elif isinstance(value, float):
        raise WrongTypeError(
            f"{what} must not be a float ({value!r}): floats cannot hold cents exactly; "
            f"pass Decimal('{value}') or the string '{value}'"
        )
    else:
        raise WrongTypeError(f"{what} must be a Decimal, int or str, not {type(value).__name__}")
    if not result.is_finite():
        raise ValidationError(f"{what} must be a finite number, not {value!r}")
    if not -MAX_AMOUNT <= result <= MAX_AMOUNT:
        raise ValidationError(
            f"{what} {result:.6g} is outside the supported range: amounts are at most "
            f"{MAX_AMOUNT:,} either way (docs/reliability.md)"
        )
    return result


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) else 0


def format_money(
    amount: Decimal, currency: str, up: bool = False, locale: str | None = None
) -> str:
    """``amount`` for people: ``$1,234.50``, ``12.00 CHF``; rounded half-up to the minor
    unit, or up (toward +infinity) with ``up=True``, as for "spend $0.01 more". With a
    ``locale`` (Babel installed), as that locale writes it: ``1.234,50 €`` for ``de_DE``.

    >>> format_money(Decimal("1234.5"), "USD"), format_money(Decimal("12"), "CHF")
    ('$1,234.50', '12.00 CHF')
    """
    shown = amount.quantize(quantum(currency), ROUND_CEILING if up else ROUND_HALF_UP)
    if not shown:
        shown = abs(shown)  # no "-$0.00"
    if locale is not None:
        return format_amount(shown, currency, locale)
    text = f"{shown:,}"
    symbol = _SYMBOLS.get(currency)
    if symbol is None:
        return f"{text} {currency}"
    return f"-{symbol}{text[1:]}" if text.startswith("-") else f"{symbol}{text}"


@value_methods
@attrs.frozen(order=False, init=False, eq=False, repr=False)
class Money:
    """An exact amount of one currency.

    >>> Money("12.50", "USD") + Money("0.50", "USD")
    Money(amount=Decimal('13.00'), currency='USD')
    """

    amount: Decimal
    currency: str

    def __init__(self, amount: Decimal | int | str, currency: str) -> None:
        # Written by hand rather than generated from converters and validators: Money is
        # made by the thousand (every price of every cart). The usual arguments, a finite
        # Decimal in range and a known code, pass one test each; anything else goes
        # through the general conversion and check, which raise with their messages.
        if (
            type(amount) is not Decimal
            or not amount.is_finite()
            or not -MAX_AMOUNT <= amount <= MAX_AMOUNT
        ):
            amount = to_decimal(amount)
        if type(currency) is not str or currency not in MINOR_UNITS:
            check_currency(currency)
        _set_amount(self, amount)
        _set_currency(self, currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @property
    def is_whole_minor_units(self) -> bool:
        """True when the amount has no more decimals than the currency's minor unit."""
        return _decimals(self.amount.normalize()) <= minor_units(self.currency)

    @property
    def quantum(self) -> Decimal:
        """The smallest unit of this currency (``Decimal('0.01')`` for USD)."""
        return quantum(self.currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise WrongTypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(
                f"cannot combine {self.currency} with {other.currency}: "
                "convert to one currency first"
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        return Money(self.amount * to_decimal(factor, "factor"), self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def __bool__(self) -> bool:
        return bool(self.amount)

    def round_half_up(self) -> Money:
        """This amount rounded half-up to the currency's minor unit."""
        return Money(self.amount.quantize(self.quantum, ROUND_HALF_UP), self.currency)

    def __str__(self) -> str:
        return format_money(self.amount, self.currency)

    def to_dict(self) -> dict[str, str]:
        return {"amount": str(self.amount), "currency": self.currency}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Money:
        """Rebuild Money from ``to_dict()`` output."""
        if not isinstance(data, dict) or not {"amount", "currency"} <= data.keys():
            raise ValidationError(
                f"money must be a mapping with 'amount' and 'currency', not {data!r}"
            )
        return cls(data["amount"], data["currency"])


_new_money = object.__new__
_set_amount = Money.__dict__["amount"].__set__  # the slots' own setters: no name look-up
_set_currency = Money.__dict__["currency"].__set__


def engine_money(amount: Decimal, currency: str) -> Money:
    """``Money(amount, currency)`` without the constructor's checks, for the engine's hot
    path: ``amount`` must be a finite Decimal computed from validated Money and
    ``currency`` a code already checked (the program's). Anything else goes to ``Money``.
    """
    money: Money = _new_money(Money)
    _set_amount(money, amount)
    _set_currency(money, currency)
    return money


def allocate(total: Money, weights: Sequence[Money], tie_keys: Sequence[str]) -> tuple[Money, ...]:
    """Split ``total`` over ``weights`` in proportion, summing exactly.

    Parts are whole minor units (cents), or whole units of the finest decimal among the
    weights when that is finer (prices such as $0.005). Each part gets the floor of its
    exact share; the units left over go one each to the parts with the largest
    remainders, ties broken by ``tie_keys`` (line ids). When the weights add up to at
    least the total (a discount over lines), no part ever exceeds its weight. The result
    does not depend on the order of the weights.

    >>> usd = lambda s: Money(s, "USD")
    >>> [str(m) for m in allocate(usd("1.00"), [usd("1"), usd("1"), usd("1")], ["a", "b", "c"])]
    ['$0.34', '$0.33', '$0.33']
    """
    amounts = allocate_amounts(total.amount, total.currency, [w.amount for w in weights], tie_keys)
    return tuple(Money(amount, total.currency) for amount in amounts)


def _scaled(currency: str, weights: Sequence[Decimal]) -> tuple[int, list[int] | None]:
    """Decimals to allocate in (the currency's minor unit, or the finest weight's) and,
    when that is the minor unit, the weights in whole minor units."""
    places = minor_units(currency)
    # Almost every weight is whole minor units: its reduced denominator divides
    # 10**places then, which is much cheaper to test than counting its digits.
    scale = 10**places
    scaled = []
    for weight in weights:
        n, d = weight.as_integer_ratio()
        if scale % d:
            return max([places] + [_decimals(w.normalize()) for w in weights]), None
        scaled.append(n * (scale // d))
    return places, scaled


def allocate_amounts(
    total: Decimal, currency: str, weights: Sequence[Decimal], tie_keys: Sequence[str]
) -> list[Decimal]:
    """:func:`allocate` over bare amounts of ``currency``, for the engine's hot path."""
    places, scaled = _scaled(currency, weights)
    units = total.scaleb(places)
    if units != units.to_integral_value():
        raise ValidationError(f"{total} {currency} has more decimals than {currency} allows")
    if scaled is None:
        scaled = [int(w.scaleb(places)) for w in weights]  # exact: places covers them
    weight_sum = sum(scaled)
    if weight_sum <= 0:
        if units:
            raise ValidationError(
                f"cannot allocate {format_money(total, currency)} over parts worth nothing"
            )
        return [Decimal(0) for _ in weights]
    whole = int(units)
    parts, remainders = [], []
    for weight in scaled:
        part, remainder = divmod(whole * weight, weight_sum)
        parts.append(part)
        remainders.append(remainder)
    left = whole - sum(parts)
    if left:
        # When the weights cover the total (a discount over the lines it reduces), no
        # part may pass its weight; every part starts at most at its weight, so there
        # is room.
        capped = weight_sum >= whole
        for i in sorted(range(len(parts)), key=lambda i: (-remainders[i], tie_keys[i])):
            if left and (not capped or parts[i] < scaled[i]):
                parts[i] += 1
                left -= 1
    return [Decimal(part).scaleb(-places) for part in parts]
