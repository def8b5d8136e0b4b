"""docs/economics.md shows the embedded behaviour model as it is."""

from __future__ import annotations

from pathlib import Path

from loyalrules.economics.behaviour import DEFAULT_MODEL

PAGE = Path(__file__).resolve().parents[2] / "docs" / "economics.md"


def test_the_docs_show_the_default_behaviour_model_verbatim() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert f"```yaml norun\n{DEFAULT_MODEL}```" in text


def test_the_docs_chart_is_committed() -> None:
    assert (PAGE.parent / "economics-chart.png").read_bytes()[:4] == b"\x89PNG"
