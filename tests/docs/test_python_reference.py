"""docs/reference/python.md names every field of every public value class, and every
question of the Facts protocol, so the page cannot fall behind the classes."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest

import loyalrules
from loyalrules.ledger.facts import Facts

PAGE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "python.md"
TEXT = PAGE.read_text(encoding="utf-8")

# Classes with a section of their own ("### `Name`").
SECTIONS = [
    "Member", "LineItem", "Cart", "Purchase", "Return", "Activity", "Activation",
    "Membership", "Outcome", "Quote", "Reward", "Grant", "Status", "Balance",
]  # fmt: skip
# Classes described by one row of a table ("| `Name` | ... |").
ROWS = [
    "Recorded", "Earned", "Redeemed", "Expired", "Reversed", "Adjusted", "Activated",
    "Restored", "TransferredIn", "TransferredOut", "TierChanged", "TierAssigned",
    "MembershipChanged", "Checkpoint",
]  # fmt: skip
ENTRY_FIELDS = {"key", "at"}  # said once for every entry


def _section(name: str) -> str:
    match = re.search(rf"^### `{name}`.*?$(.*?)(?=^##)", TEXT, re.MULTILINE | re.DOTALL)
    assert match is not None, f"python.md has no section ### `{name}`"
    return match.group(1)


def _row(name: str) -> str:
    match = re.search(rf"^\| `{name}` \|(.*)$", TEXT, re.MULTILINE)
    assert match is not None, f"python.md has no table row for `{name}`"
    return match.group(1)


def _fields(name: str) -> list[str]:
    """The fields of class ``name`` less those of a base class with its own section
    (a ``Purchase`` section says "every field of ``Cart``, plus")."""
    cls = getattr(loyalrules, name)
    inherited = {
        f.name for base in cls.__mro__[1:] if base.__name__ in SECTIONS for f in attrs.fields(base)
    }
    return [f.name.lstrip("_") for f in attrs.fields(cls) if f.init and f.name not in inherited]


@pytest.mark.parametrize("name", SECTIONS)
def test_a_value_class_section_names_each_of_its_fields(name: str) -> None:
    text = _section(name)
    missing = [f for f in _fields(name) if f"`{f}`" not in text]
    assert not missing, f"### `{name}` does not mention {missing}"


@pytest.mark.parametrize("name", ROWS)
def test_an_entry_row_names_each_of_its_fields(name: str) -> None:
    text = _row(name)
    missing = [f for f in _fields(name) if f not in ENTRY_FIELDS and f"`{f}`" not in text]
    assert not missing, f"the row of `{name}` does not mention {missing}"


def test_every_question_of_the_facts_protocol_is_documented() -> None:
    text = TEXT[TEXT.index("## Facts") :]
    questions = [n for n in vars(Facts) if not n.startswith("_")]
    assert questions, "Facts has no questions?"
    missing = [n for n in questions if f"`{n}" not in text]
    assert not missing, f"the Facts section does not mention {missing}"
