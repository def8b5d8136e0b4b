"""Program documents generated from the shipped JSON Schema, so every key a program may
have can appear in the fuzz suite, including keys added after the suite was written.

``documents()`` draws a document (a dict) that follows the schema: every optional key
may appear, values are drawn from the key's schema, and strings from small pools chosen
by the key's name, so ids, account names, groups, plans, durations and dates refer to
one another often enough for many documents to load. ``hostile(document)`` replaces one
value anywhere in it with a hostile one. ``schema_keys()`` lists every key path of the
schema and ``reachable_keys()`` every one the generator may draw, for the test that it
reaches them all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from importlib import resources
from typing import Any

import yaml
from hypothesis import strategies as st

SCHEMA: dict[str, Any] = json.loads(
    resources.files("loyalrules").joinpath("program.schema.json").read_text("utf-8")
)
DEFS: dict[str, Any] = SCHEMA["$defs"]

ACCOUNTS = ["points", "cashback", "miles"]
CATEGORIES = ["beans", "drinks", "gift_cards", "merch"]
KINDS = ["review", "newsletter_signup", "referral_completed", "visit"]
DURATIONS = ["P30D", "P1M", "P3M", "P1Y", "P2W", "PT12H"]
LEVELS = ["silver", "gold"]
PLANS = ["plus", "family"]
RULES = ["earn-0", "earn-1", "earn-2"]
GROUPS = ["g1", "g2"]

# Strings by the name of their key (the schema says "a string"; the loader means more).
POOLS: dict[str, st.SearchStrategy[Any]] = {
    "account": st.sampled_from(ACCOUNTS),
    "points": st.sampled_from(ACCOUNTS),  # tiers' qualify_on: {points: account}
    "currency": st.sampled_from(["USD", "USD", "EUR", "JPY", "usd"]),
    "timezone": st.sampled_from(["UTC", "America/New_York", "Asia/Tokyo", "Pacific/Chatham"]),
    "locale": st.sampled_from(["en_US", "de_DE", "fr"]),
    "points_name": st.sampled_from(["stars", "miles", "points"]),
    "activity": st.sampled_from(KINDS),
    "kind": st.sampled_from(KINDS),
    "inactivity_activities": st.sampled_from(KINDS),
    "categories": st.sampled_from(CATEGORIES),
    "skus": st.sampled_from(["s1", "s2"]),
    "tags": st.sampled_from(["sale", "new"]),
    "methods": st.sampled_from(["card", "cash", "gift_card", "points"]),
    "payment": st.sampled_from(["card", "cash"]),
    "channel": st.sampled_from(["web", "store", "app"]),
    "identity": st.sampled_from(["email", "phone"]),
    "qualifying": st.sampled_from(RULES),
    "not_with": st.sampled_from(RULES),
    "group": st.sampled_from(GROUPS),
    "budget": st.sampled_from(["launch", "summer"]),
    "tier": st.sampled_from(LEVELS),
    "membership": st.sampled_from(PLANS),
    "perks": st.sampled_from(["lounge", "free_shipping"]),
    "cause": st.sampled_from(["food bank"]),
    "on": st.sampled_from(["12-31", "06-30", "2027-01-31"]),
    "message": st.sampled_from(["You earned $points for $reward", "Use by $expires", "$name?"]),
    "from": st.sampled_from(["2026-01-01", "2026-03-01", "2026-02-01 08:00"]),
    "until": st.sampled_from(["2026-12-31", "2027-06-30", "2026-09-30 20:00"]),
}
for _duration in ("after", "grace", "retention", "valid_for", "inactivity", "rolling",
                  "at_least", "within", "period", "pending"):  # fmt: skip
    POOLS[_duration] = st.sampled_from(DURATIONS)
TIMES = st.sampled_from(["00:00", "07:30", "12:00", "23:59"])
WORDS = st.sampled_from(["A", "Coffee club", "ünïcode ✓", "x" * 40])
NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=500),
    st.decimals(min_value=0, max_value=500, places=2).map(str),
)
# Keys of open mappings (additionalProperties), by the key holding them.
OPEN_KEYS: dict[str, st.SearchStrategy[str]] = {
    "accounts": st.sampled_from(ACCOUNTS[1:]),
    "groups": st.sampled_from(GROUPS),
    "member": st.sampled_from(["segment", "tier", "country", "age"]),
    "event": st.sampled_from(["coupon", "store"]),
    "qualify": st.sampled_from(["spend", "purchases", "points", "cashback"]),
    "keep": st.sampled_from(["spend", "purchases", "points"]),
}
NESTING = 2  # conditions nest in all/any/not this deep at most


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    return DEFS[ref.rsplit("/", 1)[1]] if ref else node


def _number(node: dict[str, Any]) -> st.SearchStrategy[Any]:
    low = node.get("minimum", node.get("exclusiveMinimum", 0))
    high = node.get("maximum", max(low, 0) + 500)
    integers = st.integers(min_value=int(low) + ("exclusiveMinimum" in node), max_value=int(high))
    if node.get("type") == "integer":
        return integers
    return st.one_of(integers, st.decimals(min_value=low, max_value=high, places=2).map(str))


def _string(node: dict[str, Any], key: str) -> st.SearchStrategy[Any]:
    pattern = node.get("pattern", "")
    if pattern.startswith("^([01]"):
        return TIMES
    if pattern.startswith("^[-+]?([0-9]"):
        return st.decimals(min_value=0, max_value=500, places=2).map(str)
    if key in POOLS:
        return POOLS[key]
    if key in ("id", "program"):
        return st.sampled_from(["p", "a", "b", "c"])
    return WORDS


REACHED: set[str] = set()  # the key paths strategies were built for (``reachable_keys``)


def strategy(
    node: dict[str, Any], key: str = "", depth: int = 0, full: bool = False, path: str = ""
) -> st.SearchStrategy[Any]:
    """Values that follow the schema ``node``, found under the key ``key`` at the key
    path ``path``; ``depth`` counts the conditions it is nested in; ``full``: every
    optional key is there."""
    if "$ref" in node:
        depth += 1
    node = _resolve(node)
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    alternatives = node.get("anyOf") or node.get("oneOf")
    if alternatives is not None:
        merged = [{**{k: v for k, v in node.items() if k not in ("anyOf", "oneOf")}, **alt}
                  for alt in alternatives]  # fmt: skip
        return st.one_of([strategy(alt, key, depth, full, path) for alt in merged])
    kind = node.get("type")
    if isinstance(kind, list):
        return st.one_of(
            [strategy({**node, "type": each}, key, depth, full, path) for each in kind]
        )
    if kind == "object" or "properties" in node:
        return _object(node, key, depth, full, path)
    if kind == "array":
        items = strategy(node.get("items", {}), key, depth, full, path + "[]")
        low = node.get("minItems", 0)
        high = 1 if full and depth else 3 if depth == 0 else 2
        return st.lists(items, min_size=max(low, full), max_size=max(low, high))
    if kind in ("integer", "number"):
        return _number(node)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "string" or "pattern" in node or "format" in node:
        return _string(node, key)
    return NUMBERS


def _object(
    node: dict[str, Any], key: str, depth: int, full: bool, path: str
) -> st.SearchStrategy[dict[str, Any]]:
    properties = node.get("properties", {})
    fixed, optional = {}, {}
    for name, value in properties.items():
        if name in ("all", "any", "not") and depth >= NESTING:
            continue
        into = fixed if full or name in node.get("required", ()) else optional
        here = f"{path}.{name}" if path else name
        REACHED.add(here)
        into[name] = strategy(value, name, depth, full, here)
    mapping = st.fixed_dictionaries(fixed, optional=optional)
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        keys = OPEN_KEYS.get(key, st.sampled_from(["k1", "k2"]))
        more = st.dictionaries(keys, strategy(extra, key, depth, full, path + ".*"), max_size=2)
        return st.tuples(mapping, more).map(lambda pair: {**pair[1], **pair[0]})
    return mapping


def _unique_ids(document: dict[str, Any]) -> dict[str, Any]:
    """Give the items of each list of the top level unique ids (``earn-0``, ...), as
    rules, rewards and challenges need; references are drawn from the same names."""
    for section, items in document.items():
        if isinstance(items, list):
            for number, item in enumerate(items):
                if isinstance(item, dict) and "id" in item:
                    item["id"] = f"{section}-{number}" if section != "tiers" else item["id"]
    tiers = document.get("tiers")
    if isinstance(tiers, dict) and isinstance(tiers.get("levels"), list):
        for number, level in enumerate(tiers["levels"]):
            level["id"] = LEVELS[number] if number < len(LEVELS) else f"level-{number}"
    plans = document.get("memberships")
    if isinstance(plans, list):
        for number, plan in enumerate(plans):
            plan["id"] = PLANS[number] if number < len(PLANS) else f"plan-{number}"
    return document


def documents(full: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Program documents that follow the shipped schema, with unique ids (``full``:
    with every key the schema has, one alternative of each choice)."""
    return strategy(SCHEMA, full=full).map(_unique_ids)


def text_of(document: object) -> str:
    """The YAML text of ``document``."""
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def remove(document: dict[str, Any], path: str) -> bool:
    """Delete what the problem path ``path`` (``earn[0].when.tier``) names from
    ``document``; whether there was something to delete."""
    steps: list[Any] = [int(number) if number else name for name, number in _STEP.findall(path)]
    if not steps:
        return False
    parent: Any = document
    for step in steps[:-1]:
        try:
            parent = parent[step]
        except (KeyError, IndexError, TypeError):
            return False
    last = steps[-1]
    if isinstance(parent, dict) and last in parent:
        del parent[last]
        return True
    if isinstance(parent, list) and isinstance(last, int) and last < len(parent):
        del parent[last]
        return True
    return False


HOSTILE_VALUES: list[Any] = [
    None,
    "",
    -1,
    0,
    10**30,
    "9" * 5000,
    "1e400",
    "NaN",
    "-0.001",
    "P9000Y",
    "P0D",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "../../etc/passwd",
    "A" * 300,
    "EST5EDT,M3.2.0,M11.1.0",
    True,
    [],
    {},
    [[[["deep"]]]],
    {"a": {"b": {"c": {}}}},
    ["points", "points"],
    "$nonsense ${",
    "\x00",
]


@st.composite
def hostile(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with one value anywhere (a key's value or a list item) replaced by a
    hostile one, or one key given an unknown twin."""
    places = list(_places(document))
    if not places:
        return document
    container, slot = draw(st.sampled_from(places))
    if isinstance(container, dict) and draw(st.booleans()):
        container[f"{slot}x"] = container[slot]  # a misspelt key
    else:
        container[slot] = draw(st.sampled_from(HOSTILE_VALUES))
    return document


def _places(value: Any) -> Iterator[tuple[Any, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield value, key
            yield from _places(item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield value, index
            yield from _places(item)


def schema_keys(
    node: dict[str, Any] = SCHEMA, path: str = "", seen: frozenset[str] = frozenset()
) -> set[str]:
    """Every key path of the schema (``earn[].effect.points``), conditions once."""
    found: set[str] = set()
    ref = node.get("$ref")
    if ref:
        if ref in seen:
            return found
        seen = seen | {ref}
        node = _resolve(node)
    for alt in node.get("anyOf", []) + node.get("oneOf", []):
        found |= schema_keys(alt, path, seen)
    for name, value in node.get("properties", {}).items():
        here = f"{path}.{name}" if path else name
        found.add(here)
        found |= schema_keys(value, here, seen)
    if isinstance(node.get("items"), dict):
        found |= schema_keys(node["items"], path + "[]", seen)
    if isinstance(node.get("additionalProperties"), dict):
        found |= schema_keys(node["additionalProperties"], path + ".*", seen)
    return found


def reachable_keys() -> set[str]:
    """Every key path ``documents()`` may draw: the paths its strategies were built for
    (each optional key of a mapping is drawn with some probability)."""
    REACHED.clear()
    strategy(SCHEMA)
    return set(REACHED)


def document_keys(value: Any, path: str = "", open_keys: bool = False) -> set[str]:
    """The key paths of a document, in ``schema_keys``' spelling (``open_keys``: the
    keys of this mapping are names, spelt ``*``)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            name = "*" if open_keys else str(key)
            here = f"{path}.{name}" if path else name
            found.add(here)
            found |= document_keys(item, here, key in OPEN_KEYS and not open_keys)
    elif isinstance(value, list):
        for item in value:
            found |= document_keys(item, path + "[]")
    return found
