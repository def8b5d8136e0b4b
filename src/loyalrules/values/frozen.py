"""Equality, hashing and ``repr`` for frozen attrs classes, without compiled code.

attrs writes each class's ``__eq__``, ``__hash__`` and ``__repr__`` as Python source and
compiles it when the class is created. For the hundred-odd value, entry and rule classes
an evaluating host imports, that compiling was about a quarter of the import
(decision 0099). ``value_methods`` gives a class declared with
``@attrs.frozen(eq=False, repr=False)`` the same three methods, made from its fields'
attrs settings when the class is created, with nothing to compile::

    @value_methods
    @attrs.frozen(eq=False, repr=False)
    class Point:
        x: int
        y: int

They behave as attrs' own: equal when of the same class and equal in every field that
takes part in equality (``eq=False`` fields do not), a hash of the fields that take part
in hashing, and ``Point(x=1, y=2)`` as the repr, without the fields marked
``repr=False``. Methods the class body defines itself are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar

import attrs

T = TypeVar("T", bound=type)


def _values(names: tuple[str, ...]) -> Callable[[Any], Any]:
    """A function giving the values of ``names`` of an instance, compared as a whole."""
    if not names:
        return lambda _: ()
    return attrgetter(*names)


def value_methods(cls: T) -> T:
    """``cls`` (an attrs class declared with ``eq=False, repr=False``) with attrs'
    equality, hashing and repr, made from its fields."""
    fields = attrs.fields(cls)
    compared = _values(tuple(f.name for f in fields if f.eq))
    hashed = _values(tuple(f.name for f in fields if (f.eq if f.hash is None else f.hash)))
    shown = tuple(f.name for f in fields if f.repr)
    salt = hash(f"{cls.__module__}.{cls.__qualname__}")
    own = vars(cls)

    def __eq__(self: Any, other: object) -> bool:  # noqa: N807 (a method, set below)
        if other.__class__ is not self.__class__:
            return NotImplemented
        result: bool = compared(self) == compared(other)
        return result

    def __hash__(self: Any) -> int:  # noqa: N807
        return hash((salt, hashed(self)))

    def __repr__(self: Any) -> str:  # noqa: N807
        name = self.__class__.__qualname__.rsplit(">.", 1)[-1]
        return f"{name}({', '.join(f'{n}={getattr(self, n)!r}' for n in shown)})"

    if "__eq__" not in own:
        cls.__eq__ = __eq__  # type: ignore[assignment]
        if "__hash__" not in own:
            cls.__hash__ = __hash__  # type: ignore[assignment]
    if "__repr__" not in own:
        cls.__repr__ = __repr__  # type: ignore[assignment]
    return cls


__all__ = ["value_methods"]
