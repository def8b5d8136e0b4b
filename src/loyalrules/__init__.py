"""loyalrules: an embeddable, pure-Python rules engine for customer loyalty programs.

Load a program once, then evaluate events against a member's ledger::

    program = load_program("coffee_club.yaml")
    outcome = program.process(purchase, member=member, ledger=ledger)
    ledger = ledger.append(outcome.entries)   # the host persists outcome.entries
    print(outcome)                            # one line per rule, and near misses
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from loyalrules._version import __version__
    from loyalrules.errors import (
        CurrencyMismatch,
        DuplicateEntry,
        InsufficientPoints,
        InternalError,
        LimitReached,
        LoyalRulesError,
        NotAllowed,
        NotEligible,
        Problem,
        ProgramError,
        StaleOutcome,
        UnknownAccount,
        UnknownReward,
        ValidationError,
        WrongTypeError,
    )
    from loyalrules.ledger.balance import Balance
    from loyalrules.ledger.checkpoint import Checkpoint
    from loyalrules.ledger.entries import (
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
    from loyalrules.ledger.exemption import Exemption
    from loyalrules.ledger.facts import Facts
    from loyalrules.ledger.fields import Inactivity
    from loyalrules.ledger.ledger import Ledger
    from loyalrules.ledger.standing_entries import MembershipChanged, TierAssigned, TierChanged
    from loyalrules.ledger.verify import Inconsistency
    from loyalrules.loader import (
        BuildEnv,
        load_program,
        loads_program,
        program_json_schema,
        register_condition,
        register_effect,
    )
    from loyalrules.operations.memberships import MembershipValue
    from loyalrules.operations.outcome import Awarded, Outcome, Quote
    from loyalrules.operations.payouts import PayoutStatus
    from loyalrules.operations.points_payment import PointsPayment
    from loyalrules.operations.redemption import RewardOption
    from loyalrules.operations.referrals import Referral
    from loyalrules.operations.status import AccountStatus, Status, TierStatus
    from loyalrules.program import Program
    from loyalrules.rules.challenges import Challenge, ChallengeProgress
    from loyalrules.rules.conditions import Condition
    from loyalrules.rules.context import Context
    from loyalrules.rules.effects import BonusEffect, Effect, Multiplier, SpendEffect
    from loyalrules.rules.explanation import Explanation
    from loyalrules.rules.lines import EligibleLine
    from loyalrules.rules.rewards import Grant, Reward
    from loyalrules.rules.rule import Rule
    from loyalrules.rules.why_not import Reason, RuleCheck
    from loyalrules.terms.policies import Plan
    from loyalrules.terms.tiers import Level, Measure, Tiers, TierState
    from loyalrules.values.cart import Cart, Purchase
    from loyalrules.values.events import (
        Activation,
        Activity,
        LineItem,
        Membership,
        Return,
    )
    from loyalrules.values.inputs import (
        Adjust,
        CancelRedemption,
        Expire,
        PayWithPoints,
        Redeem,
        ReviewTiers,
        Transfer,
    )
    from loyalrules.values.member import Member
    from loyalrules.values.money import Money, allocate
    from loyalrules.values.tenders import Tender

# Every public name is imported on its first use, from the module that defines it, so
# `import loyalrules` costs almost nothing and a host pays only for what it touches:
# `from loyalrules import Member, Purchase` leaves the ledger, the operations, the
# loader and PyYAML unimported. The TYPE_CHECKING imports above give type checkers and
# the API reference the same names; tests/speed/test_lazy_import.py keeps the two lists
# equal.
_WHERE: dict[str, str] = {
    "__version__": "loyalrules._version",
    "AccountStatus": "loyalrules.operations.status",
    "Activated": "loyalrules.ledger.entries",
    "Activation": "loyalrules.values.events",
    "Activity": "loyalrules.values.events",
    "Adjust": "loyalrules.values.inputs",
    "Adjusted": "loyalrules.ledger.entries",
    "Awarded": "loyalrules.operations.outcome",
    "Balance": "loyalrules.ledger.balance",
    "BonusEffect": "loyalrules.rules.effects",
    "BuildEnv": "loyalrules.loader",
    "CancelRedemption": "loyalrules.values.inputs",
    "Cart": "loyalrules.values.cart",
    "Challenge": "loyalrules.rules.challenges",
    "ChallengeProgress": "loyalrules.rules.challenges",
    "Checkpoint": "loyalrules.ledger.checkpoint",
    "Condition": "loyalrules.rules.conditions",
    "Consumption": "loyalrules.ledger.entries",
    "Context": "loyalrules.rules.context",
    "CurrencyMismatch": "loyalrules.errors",
    "Debit": "loyalrules.ledger.entries",
    "DuplicateEntry": "loyalrules.errors",
    "Earned": "loyalrules.ledger.entries",
    "Effect": "loyalrules.rules.effects",
    "EligibleLine": "loyalrules.rules.lines",
    "Entry": "loyalrules.ledger.entries",
    "Exemption": "loyalrules.ledger.exemption",
    "Expire": "loyalrules.values.inputs",
    "Expired": "loyalrules.ledger.entries",
    "Explanation": "loyalrules.rules.explanation",
    "Facts": "loyalrules.ledger.facts",
    "Grant": "loyalrules.rules.rewards",
    "Inactivity": "loyalrules.ledger.fields",
    "Inconsistency": "loyalrules.ledger.verify",
    "InsufficientPoints": "loyalrules.errors",
    "InternalError": "loyalrules.errors",
    "Ledger": "loyalrules.ledger.ledger",
    "Level": "loyalrules.terms.tiers",
    "LimitReached": "loyalrules.errors",
    "LineItem": "loyalrules.values.events",
    "Lot": "loyalrules.ledger.entries",
    "LoyalRulesError": "loyalrules.errors",
    "Measure": "loyalrules.terms.tiers",
    "Member": "loyalrules.values.member",
    "Membership": "loyalrules.values.events",
    "MembershipChanged": "loyalrules.ledger.standing_entries",
    "MembershipValue": "loyalrules.operations.memberships",
    "Money": "loyalrules.values.money",
    "Multiplier": "loyalrules.rules.effects",
    "NotAllowed": "loyalrules.errors",
    "NotEligible": "loyalrules.errors",
    "Outcome": "loyalrules.operations.outcome",
    "PayWithPoints": "loyalrules.values.inputs",
    "PayoutStatus": "loyalrules.operations.payouts",
    "Plan": "loyalrules.terms.policies",
    "PointsPayment": "loyalrules.operations.points_payment",
    "Problem": "loyalrules.errors",
    "Program": "loyalrules.program",
    "ProgramError": "loyalrules.errors",
    "Purchase": "loyalrules.values.cart",
    "Quote": "loyalrules.operations.outcome",
    "Reason": "loyalrules.rules.why_not",
    "Recorded": "loyalrules.ledger.entries",
    "Redeem": "loyalrules.values.inputs",
    "Redeemed": "loyalrules.ledger.entries",
    "Referral": "loyalrules.operations.referrals",
    "Restored": "loyalrules.ledger.entries",
    "Return": "loyalrules.values.events",
    "Reversed": "loyalrules.ledger.entries",
    "ReviewTiers": "loyalrules.values.inputs",
    "Reward": "loyalrules.rules.rewards",
    "RewardOption": "loyalrules.operations.redemption",
    "Rule": "loyalrules.rules.rule",
    "RuleCheck": "loyalrules.rules.why_not",
    "SpendEffect": "loyalrules.rules.effects",
    "StaleOutcome": "loyalrules.errors",
    "Status": "loyalrules.operations.status",
    "Tender": "loyalrules.values.tenders",
    "TierAssigned": "loyalrules.ledger.standing_entries",
    "TierChanged": "loyalrules.ledger.standing_entries",
    "TierState": "loyalrules.terms.tiers",
    "TierStatus": "loyalrules.operations.status",
    "Tiers": "loyalrules.terms.tiers",
    "Transfer": "loyalrules.values.inputs",
    "TransferredIn": "loyalrules.ledger.entries",
    "TransferredOut": "loyalrules.ledger.entries",
    "UnknownAccount": "loyalrules.errors",
    "UnknownReward": "loyalrules.errors",
    "ValidationError": "loyalrules.errors",
    "WrongTypeError": "loyalrules.errors",
    "allocate": "loyalrules.values.money",
    "entry_from_dict": "loyalrules.ledger.entries",
    "load_program": "loyalrules.loader",
    "loads_program": "loyalrules.loader",
    "program_json_schema": "loyalrules.loader",
    "register_condition": "loyalrules.loader",
    "register_effect": "loyalrules.loader",
}


def __getattr__(name: str) -> Any:
    module_name = _WHERE.get(name)
    if module_name is None:
        raise AttributeError(f"module 'loyalrules' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module_name), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "AccountStatus",
    "Activated",
    "Activation",
    "Activity",
    "Adjust",
    "Adjusted",
    "Awarded",
    "Balance",
    "BonusEffect",
    "BuildEnv",
    "CancelRedemption",
    "Cart",
    "Challenge",
    "ChallengeProgress",
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
    "Exemption",
    "Expire",
    "Expired",
    "Explanation",
    "Facts",
    "Grant",
    "Inactivity",
    "Inconsistency",
    "InsufficientPoints",
    "InternalError",
    "Ledger",
    "Level",
    "LimitReached",
    "LineItem",
    "Lot",
    "LoyalRulesError",
    "Measure",
    "Member",
    "Membership",
    "MembershipChanged",
    "MembershipValue",
    "Money",
    "Multiplier",
    "NotAllowed",
    "NotEligible",
    "Outcome",
    "PayWithPoints",
    "PayoutStatus",
    "Plan",
    "PointsPayment",
    "Problem",
    "Program",
    "ProgramError",
    "Purchase",
    "Quote",
    "Reason",
    "Recorded",
    "Redeem",
    "Redeemed",
    "Referral",
    "Restored",
    "Return",
    "Reversed",
    "ReviewTiers",
    "Reward",
    "RewardOption",
    "Rule",
    "RuleCheck",
    "SpendEffect",
    "StaleOutcome",
    "Status",
    "Tender",
    "TierAssigned",
    "TierChanged",
    "TierState",
    "TierStatus",
    "Tiers",
    "Transfer",
    "TransferredIn",
    "TransferredOut",
    "UnknownAccount",
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
