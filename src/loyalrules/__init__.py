"""loyalrules: an embeddable, pure-Python rules engine for customer loyalty programs.

Load a program once, then evaluate events against a member's ledger::

    program = load_program("coffee_club.yaml")
    outcome = program.process(purchase, member=member, ledger=ledger)
    ledger = ledger.append(outcome.entries)   # the host persists outcome.entries
    print(outcome)                            # one line per rule, and near misses
"""

from loyalrules.errors import (
    CurrencyMismatch,
    DuplicateEntry,
    LoyalRulesError,
    Problem,
    ProgramError,
    ValidationError,
    WrongTypeError,
)
from loyalrules.ledger import (
    Balance,
    Earned,
    Entry,
    Ledger,
    Recorded,
    entry_from_dict,
)
from loyalrules.loader import (
    BuildEnv,
    load_program,
    loads_program,
    program_json_schema,
    register_condition,
    register_effect,
)
from loyalrules.model import Activity, Cart, LineItem, Member, Purchase
from loyalrules.money import Money, allocate
from loyalrules.outcome import Explanation, Outcome, Quote
from loyalrules.program import Program
from loyalrules.rules.conditions import Condition
from loyalrules.rules.context import Context, EligibleLine
from loyalrules.rules.effects import BonusEffect, Effect, Multiplier, SpendEffect
from loyalrules.rules.rule import Rule

__version__ = "0.1.0"

__all__ = [
    "Activity",
    "Balance",
    "BonusEffect",
    "BuildEnv",
    "Cart",
    "Condition",
    "Context",
    "CurrencyMismatch",
    "DuplicateEntry",
    "Earned",
    "Effect",
    "EligibleLine",
    "Entry",
    "Explanation",
    "Ledger",
    "LineItem",
    "LoyalRulesError",
    "Member",
    "Money",
    "Multiplier",
    "Outcome",
    "Problem",
    "Program",
    "ProgramError",
    "Purchase",
    "Quote",
    "Recorded",
    "Rule",
    "SpendEffect",
    "ValidationError",
    "WrongTypeError",
    "__version__",
    "allocate",
    "entry_from_dict",
    "load_program",
    "loads_program",
    "program_json_schema",
    "register_condition",
    "register_effect",
]
