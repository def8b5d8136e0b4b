"""A rule for activities names at least one kind, and cannot wait for an activation,
whether its own ``pending`` says so or the one it would take from its account."""

from __future__ import annotations

import pytest

from loyalrules import ProgramError, loads_program

HEAD = "program: p\ncurrency: USD\ntimezone: UTC\n"


def test_a_rule_for_no_activity_kind_is_refused() -> None:
    with pytest.raises(ProgramError, match=r"earn\[0\]\.activity: expected at least 1 item"):
        loads_program(HEAD + "earn: [{id: r, activity: [], effect: {type: bonus, points: 5}}]\n")


def test_a_rule_for_activities_cannot_take_the_accounts_wait_for_activation() -> None:
    text = HEAD + (
        "pending: {until: activated}\n"
        "earn:\n"
        "  - {id: base, effect: {type: points_per_spend, points: 1}}\n"
        "  - {id: review, activity: review, effect: {type: bonus, points: 5}}\n"
    )
    with pytest.raises(ProgramError) as caught:
        loads_program(text)
    message = str(caught.value)
    assert "earn[1].activity: a rule for activities would wait for an activation" in message
    assert "give the rule its own pending: none, or a period such as P14D" in message
    fixed = text.replace("activity: review,", "activity: review, pending: none,")
    assert loads_program(fixed).rules[1].activities == frozenset({"review"})


def test_an_activity_rule_with_its_own_wait_for_activation_is_refused() -> None:
    text = HEAD + (
        "earn: [{id: r, activity: review, pending: {until: activated},"
        " effect: {type: bonus, points: 5}}]\n"
    )
    with pytest.raises(ProgramError, match="activation applies to purchases"):
        loads_program(text)
