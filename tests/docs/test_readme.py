"""The README's commands are the ones CI runs."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from loyalrules.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[2]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", text)


def test_readme_opens_with_the_run_and_test_commands() -> None:
    run, test = _readme_commands()[:2]
    assert run.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install -e . && ")
    assert run.endswith("loyalrules simulate examples/rewards.yaml")
    assert test.endswith("pytest")


def test_the_readme_run_command_works_on_a_small_population(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    command = shlex.split(_readme_commands()[0].rsplit("&& ", 1)[1])
    assert command[0] == "loyalrules"
    monkeypatch.chdir(ROOT)
    assert cli_main([*command[1:], "--members", "20", "--months", "2"]) == 0
    assert "Bloom Insider (bloom-beauty): 20 members, 2 months" in capsys.readouterr().out


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    test = _readme_commands()[1]
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test in ci_lines
