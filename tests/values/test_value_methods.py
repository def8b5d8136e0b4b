"""``value_methods`` gives an attrs class the equality, hashing and repr attrs would have
generated: each declaration here is made twice, once by attrs alone and once with
``value_methods``, and the two must agree on every pair of instances."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from loyalrules.values.frozen import value_methods


def _declare(methods: bool, **options: Any) -> tuple[type, type]:
    """A base with three kinds of fields and a subclass adding one, by attrs alone or
    with ``value_methods``."""
    make = attrs.frozen(**options) if not methods else attrs.frozen(eq=False, repr=False, **options)
    wrap = value_methods if methods else (lambda cls: cls)

    @wrap
    @make
    class Base:
        a: int
        b: Decimal = attrs.field(default=Decimal(0), eq=False)
        c: str = attrs.field(default="", hash=False, repr=False)
        _d: tuple[int, ...] = attrs.field(default=())

    @wrap
    @make
    class Child(Base):
        e: int = 0

    return Base, Child


DECLARATIONS = [
    (_declare(False), _declare(True)),
    (_declare(False, kw_only=True), _declare(True, kw_only=True)),
]
fields = st.fixed_dictionaries(
    {
        "a": st.integers(-2, 2),
        "b": st.sampled_from([Decimal(0), Decimal("1.5")]),
        "c": st.sampled_from(["", "x"]),
        "d": st.sampled_from([(), (1,), (1, 2)]),
        "e": st.integers(0, 1),
    }
)


def _build(cls: type, values: dict[str, Any]) -> Any:
    values = dict(values)
    if cls.__name__ == "Base":
        values.pop("e")
    return cls(**values)


@given(st.sampled_from(range(len(DECLARATIONS))), st.booleans(), fields, fields)
def test_value_methods_agree_with_the_methods_attrs_generates(
    which: int, child: bool, first: dict[str, Any], second: dict[str, Any]
) -> None:
    generated, made = DECLARATIONS[which]
    g_cls, m_cls = generated[child], made[child]
    g1, g2 = _build(g_cls, first), _build(g_cls, second)
    m1, m2 = _build(m_cls, first), _build(m_cls, second)
    assert (m1 == m2) == (g1 == g2)
    assert (m1 != m2) == (g1 != g2)
    assert repr(m1) == repr(g1)
    if m1 == m2:
        assert hash(m1) == hash(m2)
    assert m1 == copy.deepcopy(m1)
    assert m1 == attrs.evolve(m1)
    # Another class, even a subclass with the same field values, is never equal.
    assert m1.__eq__(generated[child]) is NotImplemented
    assert made[False](a=1) != made[True](a=1)


def test_methods_the_class_writes_itself_are_kept() -> None:
    @value_methods
    @attrs.frozen(eq=False, repr=False)
    class Named:
        name: str

        def __repr__(self) -> str:
            return f"<{self.name}>"

    assert repr(Named("x")) == "<x>"
    assert Named("x") == Named("x")
    assert len({Named("x"), Named("x"), Named("y")}) == 2
