"""ISO 4217 currencies: which codes exist, and the minor unit of each.

An amount of money is exact to its currency's minor unit: the cent for USD (2 decimals),
the yen itself for JPY (0), the fils for KWD (3). Unknown codes are refused, so a typo
("USX") is caught when a program or an amount is made, not when a message looks odd.

>>> minor_units("JPY"), minor_units("KWD"), minor_units("EUR")
(0, 3, 2)
>>> minor_units("XYZ")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
loyalrules.errors.ValidationError: unknown currency 'XYZ': use an ISO 4217 code such as ...
"""

from __future__ import annotations

import re
from decimal import Decimal
from types import MappingProxyType
from typing import Final, NoReturn

from loyalrules.errors import ValidationError

# Codes by minor unit: ISO 4217 list one (current funds and currencies), as amended up to
# 2025 (XCG for ANG, ZWG for ZWL, SLE and VED redenominations). Codes retired since 2023
# (ANG, CUC, HRK, SLL, ZWL) stay readable, so ledgers written in them still load.
_BY_MINOR_UNIT: Final = {
    0: "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF",
    2: "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD "
    "BTN BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP "
    "ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IRR "
    "JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR "
    "MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD "
    "RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP "
    "TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL",
    3: "BHD IQD JOD KWD LYD OMR TND",
    4: "CLF UYW",
}
MINOR_UNITS: Final = MappingProxyType(
    {code: units for units, codes in _BY_MINOR_UNIT.items() for code in codes.split()}
)
"""Decimals of the minor unit of every ISO 4217 currency code this library accepts."""

# Codes ISO 4217 lists with no minor unit: precious metals, units of account, bond
# market units, the test code and "no currency". Nothing a loyalty program can price in.
_NOT_MONEY: Final = frozenset(
    ["XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"]
)  # fmt: skip
_CODE: Final = re.compile(r"[A-Z]{3}")


def check_currency(code: object) -> str:
    """``code`` if it is a currency code this library knows, else a ValidationError that
    says why and what to write instead.

    >>> check_currency("EUR")
    'EUR'
    """
    if type(code) is not str or code not in MINOR_UNITS:  # one lookup in the usual case
        _refuse(code)
    return code


def minor_units(currency: str) -> int:
    """Number of decimals of ``currency``'s minor unit (2 for USD, 0 for JPY, 3 for KWD)."""
    units = MINOR_UNITS.get(currency)
    if units is None:
        _refuse(currency)
    return units


def quantum(currency: str) -> Decimal:
    """The smallest amount of ``currency``: ``Decimal('0.01')`` for USD, ``1`` for JPY.

    >>> quantum("USD"), quantum("JPY")
    (Decimal('0.01'), Decimal('1'))
    """
    smallest = _QUANTA.get(currency)
    if smallest is None:
        _refuse(currency)
    return smallest


_QUANTA: Final = {code: Decimal(1).scaleb(-units) for code, units in MINOR_UNITS.items()}


def _refuse(code: object) -> NoReturn:
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise ValidationError(
            f"currency must be a three-letter ISO 4217 code such as 'USD', not {code!r}"
        )
    if code in _NOT_MONEY:
        raise ValidationError(
            f"{code} is an ISO 4217 code without a minor unit (a precious metal, a unit of "
            "account or a test code): amounts need a currency such as 'USD' or 'EUR'"
        )
    import difflib  # on the error path only

    close = [repr(c) for c in sorted(difflib.get_close_matches(code, list(MINOR_UNITS), 3))]
    if not close:
        hint = "use an ISO 4217 code such as 'USD', 'EUR' or 'JPY'"
    elif len(close) == 1:
        hint = f"did you mean {close[0]}?"
    else:
        hint = f"did you mean {', '.join(close[:-1])} or {close[-1]}?"
    raise ValidationError(f"unknown currency {code!r}: {hint}")
