"""loyalrules: an embeddable, pure-Python rules engine for customer loyalty programs.

Load a program once, then evaluate events against a member's ledger::

    program = load_program("coffee_club.yaml")
    outcome = program.process(purchase, member=member, ledger=ledger)
    ledger = ledger.append(outcome.entries)   # the host persists outcome.entries
    print(outcome)                            # one line per rule, and near misses
"""

from loyalrules.entries import (
    Activated,
    Adjusted,
    Checkpoint,
    Consumption,
    Debit,
    Earned,
    Entry,
    Expired,
    Inactivity,
    Lot,
    Recorded,
    Reversed,
    TransferredIn,
    TransferredOut,
    entry_from_dict,
)
from loyalrules.errors import (
    CurrencyMismatch,
    DuplicateEntry,
    InsufficientPoints,
    LoyalRulesError,
    NotAllowed,
    Problem,
    ProgramError,
    ValidationError,
    WrongTypeError,
)
from loyalrules.ledger import Balance, Inconsistency, Ledger
from loyalrules.loader import (
    BuildEnv,
    load_program,
    loads_program,
    program_json_schema,
    register_condition,
    register_effect,
)
from loyalrules.model import Activation, Activity, Cart, LineItem, Member, Purchase, Return
from loyalrules.money import Money, allocate
from loyalrules.outcome import Explanation, Outcome, Quote
from loyalrules.program import Program
from loyalrules.rules.conditions import Condition
from loyalrules.rules.context import Context, EligibleLine
from loyalrules.rules.effects import BonusEffect, Effect, Multiplier, SpendEffect
from loyalrules.rules.rule import Rule
from loyalrules.status import AccountStatus, Status

__version__ = "0.1.0"

__all__ = [
    "AccountStatus",
    "Activated",
    "Activation",
    "Activity",
    "Adjusted",
    "Balance",
    "BonusEffect",
    "BuildEnv",
    "Cart",
    "Checkpoint",
    "Condition",
    "Consumption",
    "Context",
    "CurrencyMismatch",
    "Debit",
    "DuplicateEntry",
    "Earned",
    "Effect",
    "EligibleLine",
    "Entry",
    "Expired",
    "Explanation",
    "Inactivity",
    "Inconsistency",
    "InsufficientPoints",
    "Ledger",
    "LineItem",
    "Lot",
    "LoyalRulesError",
    "Member",
    "Money",
    "Multiplier",
    "NotAllowed",
    "Outcome",
    "Problem",
    "Program",
    "ProgramError",
    "Purchase",
    "Quote",
    "Recorded",
    "Return",
    "Reversed",
    "Rule",
    "SpendEffect",
    "Status",
    "TransferredIn",
    "TransferredOut",
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
