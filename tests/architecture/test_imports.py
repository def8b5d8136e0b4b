"""The house as imports draw it: layers, no circles, a public API that stays put.

``lint-imports`` (run by .ci/run) checks the contracts in pyproject.toml; these tests
check what a contract cannot say: that no module imports itself back through others,
``TYPE_CHECKING`` imports included.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import grimp
import pytest

import loyalrules

# Every name ``from loyalrules import X`` gave before the modules moved into layers.
PUBLIC_BEFORE_THE_LAYERS = [
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


def _import_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph("loyalrules")  # TYPE_CHECKING imports are included
    return {
        module: set(graph.find_modules_directly_imported_by(module)) for module in graph.modules
    }


def _circles(graph: dict[str, set[str]]) -> Iterator[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(module: str) -> Iterator[list[str]]:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.get(module, ())):
            if imported not in index:
                yield from visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                yield sorted(component)

    for module in sorted(graph):
        if module not in index:
            yield from visit(module)


def test_no_module_imports_itself_back() -> None:
    assert list(_circles(_import_graph())) == []


def test_the_circle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert list(_circles(graph)) == [["a", "b", "c"]]


@pytest.mark.parametrize("name", PUBLIC_BEFORE_THE_LAYERS)
def test_every_public_name_is_still_exported(name: str) -> None:
    assert name in loyalrules.__all__
    assert getattr(loyalrules, name) is not None


def _packages() -> list[str]:
    return [
        info.name
        for info in pkgutil.walk_packages(loyalrules.__path__, "loyalrules.")
        if info.ispkg
    ]


@pytest.mark.parametrize("package", _packages())
def test_every_layer_says_what_it_holds_and_may_import(package: str) -> None:
    doc = importlib.import_module(package).__doc__ or ""
    assert "May import" in doc, f"{package}/__init__.py: say what it may import"
