"""Old calling forms that keep working for one release, with a ``DeprecationWarning``.

Every ``Program`` method takes the member, the ledger and the instant by keyword, and
the instant is called ``at`` everywhere. Calls written for 0.1 passed them by position,
and some spelled the instant ``as_of``; ``old_forms`` turns such a call into the new one
and warns where it was made.

>>> import warnings
>>> class Shop:
...     @old_forms("member", "ledger", "at", new=0)
...     def expire(self, *, member, ledger, at):
...         return member, ledger, at
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     Shop().expire("m", "l", as_of="t")
('m', 'l', 't')
>>> [type(w.message).__name__ for w in caught]
['DeprecationWarning', 'DeprecationWarning']
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar, cast

from loyalrules.errors import WrongTypeError

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

RENAMED = {"as_of": "at"}
"""Old keyword spellings and the one name that replaces them."""


def old_forms(*positional: str, new: int) -> Callable[[F], F]:
    """Let a method be called as it was: ``positional`` names its old positional
    parameters in order, ``new`` how many of them it still takes by position.

    A call with more than ``new`` positional arguments, or with an old keyword spelling
    (``as_of``), is mapped to the keyword form with a ``DeprecationWarning``.
    """

    def decorate(method: F) -> F:
        name = method.__name__

        @functools.wraps(method)
        def call(self: object, *args: Any, **kwargs: Any) -> Any:
            if len(args) > new:
                if len(args) > len(positional):
                    raise WrongTypeError(
                        f"{name}() takes at most {new} positional argument(s); pass "
                        f"{', '.join(p + '=' for p in positional[new:])} by keyword"
                    )
                moved = positional[new : len(args)]
                warnings.warn(
                    f"{name}(): pass {', '.join(moved)} by keyword "
                    f"({', '.join(f'{p}=...' for p in moved)}); the positional form is "
                    "deprecated and will be removed in the next release",
                    DeprecationWarning,
                    stacklevel=2,
                )
                for param, value in zip(moved, args[new:], strict=True):
                    _put(kwargs, param, value, name)
                args = args[:new]
            for old, current in RENAMED.items():
                if old in kwargs:
                    warnings.warn(
                        f"{name}(): the instant is called {current}= now; {old}= is "
                        "deprecated and will be removed in the next release",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    _put(kwargs, current, kwargs.pop(old), name)
            return method(self, *args, **kwargs)

        return cast(F, call)

    return decorate


def renamed_instant(at: object, as_of: object, name: str) -> object:
    """The instant of a call that spelled it ``as_of=`` (0.1), with a warning.

    For the few hot methods that take the instant by position too, where a wrapper
    would cost more than the call (``Ledger.balance``).
    """
    if at is not None:
        raise WrongTypeError(f"{name}() got at twice; pass it once, as at=")
    _warn_as_of(name)
    return as_of


def instant_of(at: T | None, as_of: T | None, name: str) -> T:
    """The instant given to ``name``, a function or constructor that takes ``at=`` and,
    for one release, its 0.1 spelling ``as_of=`` (warned about at the line that called
    ``name``).

    >>> instant_of("t", None, "job")
    't'
    """
    if as_of is not None:
        if at is not None:
            raise WrongTypeError(f"{name}() got at twice; pass it once, as at=")
        _warn_as_of(name)
        return as_of
    if at is None:
        raise WrongTypeError(f"{name}() needs the instant: pass at=")
    return at


def _warn_as_of(name: str) -> None:
    """Warn that ``name`` was given ``as_of=``, at the line that called ``name`` (our
    caller's caller)."""
    warnings.warn(
        f"{name}(): the instant is called at= now; as_of= is deprecated and will be "
        "removed in the next release",
        DeprecationWarning,
        stacklevel=4,
    )


def _put(kwargs: dict[str, Any], param: str, value: object, name: str) -> None:
    if param in kwargs:
        raise WrongTypeError(f"{name}() got {param} twice; pass it once, as {param}=")
    kwargs[param] = value
