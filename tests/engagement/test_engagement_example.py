"""examples/engagement.py runs and shows each engagement feature doing its job."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "engagement.py"


def test_the_engagement_example_shows_every_feature(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    out = capsys.readouterr().out
    expected = [
        "[ana] Welcome to the newsletter: 50 pages on us.",
        "Store launch bonus: +60 (budget launch had 60 points left; would have given 100)",
        "Double pages in launch weeks: not paid: launch-bonus paid more",
        "bo qualified (friend-welcome): referral for ana",
        "ana, for the referral: +300",
        "[ana] Challenge complete: 500 pages!",
        "Oct 21: +509  October reading challenge: completed",
        "cards  +4    November explorer: 1 more category by the end of 2026-11-30",
        "coffee +153  November explorer: completed",
        "Yours to redeem: $5 off",
    ]
    missing = [line for line in expected if line not in out]
    assert not missing, out
