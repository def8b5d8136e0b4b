"""``loyalrules simulate`` and ``loyalrules diff`` on the examples: table, JSON, chart."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from loyalrules.cli import main
from loyalrules.cli_economics import ProgressBar

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAMES = ["coffee_club", "lifecycle", "membership", "rewards", "tiers", "crumbs", "engagement"]


@pytest.mark.parametrize("name", NAMES)
def test_simulate_prints_a_month_table_and_the_summary(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "simulate",
                str(EXAMPLES / f"{name}.yaml"),
                "--members",
                "20",
                "--months",
                "3",
                "--point-value",
                "0.01",  # for a program that does not say (engagement)
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert re.search(
        r": 20 members( and \d+ friends? who joined)?, 3 months from 2026-01, seed 0", out
    )
    assert "month    active" in out
    for month in ("2026-01", "2026-02", "2026-03", "total"):
        assert f"\n{month} " in out
    assert "Effective reward rate: " in out
    assert "Liability at the end: " in out


def test_simulate_json_is_the_same_for_the_same_seed(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["simulate", str(EXAMPLES / "tiers.yaml"), "--members", "15", "--months", "2", "--json"]
    main(args)
    first = json.loads(capsys.readouterr().out)
    main(args)
    assert json.loads(capsys.readouterr().out) == first
    assert first["members"] == 15
    assert [m["period"] for m in first["months"]] == ["2026-01", "2026-02"]
    assert set(first["total"]["tiers"]) <= {"reader", "bookworm", "bibliophile"}


def test_the_behaviour_model_beside_the_program_is_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # examples/coffee_club.population.yaml: a cafe's $4.50 baskets, six a month.
    args = ["simulate", str(EXAMPLES / "coffee_club.yaml"), "--members", "30", "--months", "1"]
    main([*args, "--json"])
    beside = json.loads(capsys.readouterr().out)["total"]
    default = tmp_path / "default.population.yaml"
    default.write_text("# nothing: the built-in model\n", encoding="utf-8")
    main([*args, "--json", "--model", str(default)])
    built_in = json.loads(capsys.readouterr().out)["total"]
    per_member = [Decimal(t["spend"]) / t["active_members"] for t in (beside, built_in)]
    assert per_member[0] < per_member[1]
    assert main([*args, "--model", str(tmp_path / "missing.yaml")]) == 1
    assert "missing.yaml" in capsys.readouterr().err


def test_simulate_draws_the_chart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chart = tmp_path / "report.png"
    args = ["simulate", str(EXAMPLES / "rewards.yaml"), "--members", "10", "--months", "2"]
    assert main([*args, "--plot", str(chart)]) == 0
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main([*args, "--plot", str(tmp_path / "report.gif")]) == 1
    assert "give a .png, .svg or .pdf file" in capsys.readouterr().err


def test_diff_reports_the_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    harder = tmp_path / "tiers-harder.yaml"
    text = (EXAMPLES / "tiers.yaml").read_text(encoding="utf-8")
    harder.write_text(text.replace("qualify: 250 ", "qualify: 400 "), encoding="utf-8")
    args = ["diff", str(EXAMPLES / "tiers.yaml"), str(harder), "--members", "40", "--months", "12"]
    assert main([*args, "--plot", str(tmp_path / "diff.svg")]) == 0
    out = capsys.readouterr().out
    assert "points issued" in out
    assert "Tier at the end changes for: bookworm -> reader: " in out
    assert "Rules whose payouts change most:\n  tier-bookworm" in out
    assert (tmp_path / "diff.svg").read_text(encoding="utf-8").startswith("<?xml")


def test_a_program_that_does_not_value_points_needs_point_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bare = tmp_path / "bare.yaml"
    bare.write_text(
        "program: bare\ncurrency: USD\ntimezone: UTC\nearn:\n"
        "  - {id: base, name: Base, effect: {type: points_per_spend, points: 1}}\n",
        encoding="utf-8",
    )
    args = ["simulate", str(bare), "--members", "5", "--months", "1"]
    assert main(args) == 1
    assert "add 'point_value: \"0.01\"'" in capsys.readouterr().err
    assert main([*args, "--point-value", "0.01"]) == 0


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_draws_on_a_terminal_only() -> None:
    terminal, pipe = _Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        bar = ProgressBar(stream, width=10)
        for done in range(1, 201):
            bar("simulate", done, 200)
    assert pipe.getvalue() == ""
    lines = terminal.getvalue().split("\r")
    assert len(lines) == 1 + 101  # one redraw per percent, from 0% to 100%
    assert lines[-1] == "simulate  [##########] 100%  200/200 members\n"


def test_the_plain_install_runs_simulate_without_matplotlib(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from loyalrules.cli import main\n"
        f"main(['simulate', {str(EXAMPLES / 'rewards.yaml')!r}, '--members', '3'])\n"
        "assert 'matplotlib' not in sys.modules, 'only --plot may import matplotlib'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Effective reward rate" in done.stdout


@pytest.mark.parametrize("name", NAMES)
def test_diff_and_its_chart_work_on_every_example(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = str(EXAMPLES / f"{name}.yaml")
    chart = tmp_path / "diff.png"
    args = ["diff", program, program, "--members", "8", "--months", "2", "--plot", str(chart)]
    args += ["--point-value", "0.01"]  # for a program that does not say (engagement)
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "get more, 0 fewer, 8 the same; mean +0" in out
    assert "No rule pays differently." in out
    assert chart.read_bytes()[:4] == b"\x89PNG"


def test_a_budgeted_rule_is_simulated_as_if_its_budget_never_ran_out(
    capsys: pytest.CaptureFixture[str],
) -> None:
    program = str(EXAMPLES / "engagement.yaml")
    args = ["simulate", program, "--members", "20", "--months", "12", "--point-value", "0.01"]
    assert main(args) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith("; budget launch never runs out")


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--point-value", "abc", "expected what a point is worth, such as 0.01, not 'abc'"),
        ("--point-value", "NaN", "expected what a point is worth, such as 0.01, not 'NaN'"),
        ("--point-value", "-0.01", "expected what a point is worth, such as 0.01, not '-0.01'"),
        ("--point-value", "1e400", "expected what a point is worth, such as 0.01, not '1e400'"),
        ("--start", "9999-12", "expected a month from 1950-01 to 2900-12"),
        ("--start", "1800-01", "expected a month from 1950-01 to 2900-12"),
        ("--start", "2026-13", "expected a month from 1950-01 to 2900-12"),
    ],
)
def test_a_bad_option_is_refused_naming_it(
    option: str, value: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    program = str(EXAMPLES / "crumbs.yaml")
    with pytest.raises(SystemExit) as exited:
        main(["simulate", program, "--members", "2", "--months", "1", option, value])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}: {expected}" in err
