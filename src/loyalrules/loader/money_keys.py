"""The program keys about money: ``currency`` and ``locale``."""

from __future__ import annotations

from loyalrules.loader.scalars import Text
from loyalrules.loader.schema import Built, Field
from loyalrules.values.currencies import check_currency
from loyalrules.values.locales import check_locale

CURRENCY = Field(
    Built(
        Text(pattern="[A-Z]{3}", pattern_words="a three-letter ISO 4217 code"),
        lambda code, env: check_currency(code),
    ),
    "currency of all amounts, e.g. USD",
    required=True,
)

LOCALE = Field(
    Built(
        Text(pattern=r"[A-Za-z]{2,3}([_-][A-Za-z0-9]+)*", pattern_words="a locale, e.g. de_DE"),
        lambda name, env: check_locale(name),
    ),
    "how messages write amounts, e.g. de_DE (needs the i18n extra); en-US style without it",
)
