"""loyalrules: an embeddable, pure-Python rules engine for customer loyalty programs.

Load a program once, then evaluate events against a member's ledger::

    program = load_program("coffee_club.yaml")
    outcome = program.process(purchase, member=member, ledger=ledger)
    ledger = ledger.append(outcome.entries)   # the host persists outcome.entries
    print(outcome)                            # one line per rule, and near misses
"""

from loyalrules._version import __version__
from loyalrules.checkpoint import Checkpoint
from loyalrules.entries import (
    Activated,
    Adjusted,
    Consumption,
    Debit,
    Earned,
    Entry,
    Expired,
    Lot,
    Recorded,
    Redeemed,
    Restored,
    Reversed,
    TransferredIn,
    TransferredOut,
    entry_from_dict,
)
from loyalrules.entry_fields import Inactivity
from loyalrules.errors import (
    CurrencyMismatch,
    DuplicateEntry,
    InsufficientPoints,
    LimitReached,
    LoyalRulesError,
    NotAllowed,
    NotEligible,
    Problem,
    ProgramError,
    StaleOutcome,
    UnknownReward,
    ValidationError,
    WrongTypeError,
)
from loyalrules.ledger import Balance, Ledger
from loyalrules.loader import (
    BuildEnv,
    load_program,
    loads_program,
    program_json_schema,
    register_condition,
    register_effect,
)
from loyalrules.memberships import MembershipValue
from loyalrules.model import (
    Activation,
    Activity,
    Cart,
    LineItem,
    Member,
    Membership,
    Purchase,
    Return,
)
from loyalrules.money import Money, allocate
from loyalrules.outcome import Explanation, Outcome, Quote
from loyalrules.points_payment import PointsPayment
from loyalrules.policies import Plan
from loyalrules.program import Program
from loyalrules.redemption import RewardOption
from loyalrules.rewards import Grant, Reward
from loyalrules.rules.conditions import Condition
from loyalrules.rules.context import Context, EligibleLine
from loyalrules.rules.effects import BonusEffect, Effect, Multiplier, SpendEffect
from loyalrules.rules.rule import Rule
from loyalrules.standing import MembershipChanged, TierAssigned, TierChanged
from loyalrules.status import AccountStatus, Status, TierStatus
from loyalrules.tiers import Level, Tiers, TierState
from loyalrules.verify import Inconsistency

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
    "Grant",
    "Inactivity",
    "Inconsistency",
    "InsufficientPoints",
    "Ledger",
    "Level",
    "LimitReached",
    "LineItem",
    "Lot",
    "LoyalRulesError",
    "Member",
    "Membership",
    "MembershipChanged",
    "MembershipValue",
    "Money",
    "Multiplier",
    "NotAllowed",
    "NotEligible",
    "Outcome",
    "Plan",
    "PointsPayment",
    "Problem",
    "Program",
    "ProgramError",
    "Purchase",
    "Quote",
    "Recorded",
    "Redeemed",
    "Restored",
    "Return",
    "Reversed",
    "Reward",
    "RewardOption",
    "Rule",
    "SpendEffect",
    "StaleOutcome",
    "Status",
    "TierAssigned",
    "TierChanged",
    "TierState",
    "TierStatus",
    "Tiers",
    "TransferredIn",
    "TransferredOut",
    "UnknownReward",
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
