"""A program diff replays the same steps through both versions and says what changed."""

from __future__ import annotations

from pathlib import Path

from loyalrules import load_program, loads_program
from loyalrules.economics.diff import Spread, diff_programs

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TIERS_TEXT = (EXAMPLES / "tiers.yaml").read_text(encoding="utf-8")
TIERS = loads_program(TIERS_TEXT)


def test_a_program_against_itself_changes_nothing() -> None:
    diff = diff_programs(TIERS, TIERS, members=30, months=6, seed=4, point_value="0.01")
    assert (diff.points.up, diff.points.down, diff.points.mean) == (0, 0, 0)
    assert diff.tier_moves == {}
    assert all(rule.change == 0 for rule in diff.rules)
    assert diff.old.total == diff.new.total


def test_a_higher_tier_threshold_moves_members_down_and_pays_less() -> None:
    harder = loads_program(TIERS_TEXT.replace("qualify: 250", "qualify: 400"))
    diff = diff_programs(TIERS, harder, members=60, months=12, seed=1, point_value="0.01")
    assert diff.points.up == 0 < diff.points.down
    assert set(diff.tier_moves) == {("bookworm", "reader")}
    biggest = diff.rules[0]
    assert biggest.rule_id == "tier-bookworm"
    assert biggest.change < 0
    assert diff.new.total.issued < diff.old.total.issued
    assert diff.to_dict()["tier_moves"][0]["old"] == "bookworm"


def test_a_richer_base_rate_shows_in_every_member_and_the_reward_rate() -> None:
    coffee = load_program(EXAMPLES / "coffee_club.yaml")
    text = (EXAMPLES / "coffee_club.yaml").read_text(encoding="utf-8")
    richer = loads_program(text.replace('points: 2, per: "1.00"', 'points: 3, per: "1.00"'))
    diff = diff_programs(coffee, richer, members=40, months=3, seed=2, point_value="0.01")
    assert diff.points.down == 0
    assert diff.points.up > 30
    assert diff.rules[0].rule_id == "base"
    assert diff.new.total.reward_rate > diff.old.total.reward_rate  # type: ignore[operator]


def test_percentiles_are_nearest_rank() -> None:
    spread = Spread.of([5, -3, 0, 10, 1])
    assert dict(spread.percentiles) == {0: -3, 5: -3, 25: 0, 50: 1, 75: 5, 95: 10, 100: 10}
    assert (spread.up, spread.down, str(spread.mean)) == (3, 1, "2.6")


def test_a_reward_the_new_program_removed_is_refused_there_not_an_error() -> None:
    """A diff replays the old program's redemptions through the new one: a reward the new
    one does not have is a refused redemption, and its points stay in the accounts."""
    import yaml

    from loyalrules.economics.render import diff_text

    document = yaml.safe_load((EXAMPLES / "rewards.yaml").read_text(encoding="utf-8"))
    old = loads_program(yaml.safe_dump(document))
    kept = [reward for reward in document["rewards"] if reward["id"] != "ten-off"]
    new = loads_program(yaml.safe_dump({**document, "rewards": kept}))
    diff = diff_programs(old, new, members=60, months=6, seed=3)
    assert diff.new.total.redeemed != diff.old.total.redeemed
    assert diff.new.total.issued == diff.old.total.issued  # the same purchases earn the same
    text = diff_text(diff, "t").splitlines()
    rows = {line.split("  ")[0]: line.split()[-1] for line in text if line.strip()}
    rise = diff.new.total.outstanding - diff.old.total.outstanding
    assert rows["liability at the end"].startswith("+$" if rise > 0 else "-$")
