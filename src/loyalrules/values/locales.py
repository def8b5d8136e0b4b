"""Amounts as a program's locale writes them, through Babel (the ``i18n`` extra).

A program without a ``locale`` shows amounts as it always has (``$1,234.50``,
``12.00 CHF``) and needs no Babel. A program with ``locale: de_DE`` shows ``1.234,50 €``:
Babel supplies the symbol, separators and pattern of the locale (from the Unicode CLDR),
and this module keeps the number of decimals that of the currency's ISO 4217 minor unit,
so the amount shown is the amount the engine computed.

>>> format_amount(Decimal("1234.5"), "EUR", "de_DE")  # Babel installed
'1.234,50\\xa0€'
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from loyalrules.errors import ValidationError
from loyalrules.values.currencies import minor_units

_INSTALL = "pip install 'loyalrules[i18n]'"


def _locale(name: str) -> Any:
    """The Babel ``Locale`` called ``name`` (``de_DE`` or ``de-DE``)."""
    try:
        from babel import Locale, UnknownLocaleError
    except ImportError:
        raise ValidationError(
            f"locale {name!r} needs Babel, which formats amounts for locales: {_INSTALL}"
        ) from None
    try:
        return Locale.parse(name, sep="-" if "-" in name else "_")
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValidationError(
            f"unknown locale {name!r}: write a language and a region, such as 'en_US', "
            "'de_DE', 'fr_CA' or 'ja_JP'"
        ) from None


def check_locale(name: str) -> str:
    """The canonical name of locale ``name`` (``de-de`` gives ``de_DE``), or a
    ValidationError if Babel is not installed or does not know it."""
    return str(_locale(name))


def format_amount(amount: Decimal, currency: str, locale: str) -> str:
    """``amount`` of ``currency`` as ``locale`` writes it, with as many decimals as the
    currency's minor unit (``amount`` already rounded to it)."""
    where = _locale(locale)
    pattern = copy.copy(where.currency_formats["standard"])
    # CLDR drops decimals some currencies rarely use (IQD, HUF...); the engine counts
    # them, so the pattern shows exactly the ISO 4217 minor unit.
    places = minor_units(currency)
    pattern.frac_prec = (places, places)
    text: str = pattern.apply(amount, where, currency=currency, currency_digits=False)
    return text
