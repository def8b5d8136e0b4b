"""The ``loyalrules simulate`` and ``loyalrules diff`` commands (see docs/economics.md)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from loyalrules import LoyalRulesError, Program, ProgramError, load_program
from loyalrules.economics.behaviour import BehaviourModel, behaviour_from_yaml
from loyalrules.economics.budgets import budget_names
from loyalrules.economics.chart import draw
from loyalrules.economics.diff import diff_programs, diff_recorded
from loyalrules.economics.metrics import Report, measure
from loyalrules.economics.render import diff_text, simulation_text
from loyalrules.economics.scenario import Scenario, scenario_from_record
from loyalrules.economics.simulate import DEFAULT_START, simulate
from loyalrules.values.collector import collector_frozen_every

FREEZE_EVERY = 100
"""Members simulated between two ``gc.freeze()`` calls (see :func:`shown`)."""
MODEL_SUFFIX = ".population.yaml"
"""A behaviour model beside ``PROGRAM.yaml`` is ``PROGRAM.population.yaml``."""


class ProgressBar:
    """A one-line progress bar on a terminal; silent when the stream is not one."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream, self.width = stream, width
        self.shown = -1
        self.on = stream.isatty()

    def __call__(self, label: str, done: int, total: int) -> None:
        if not self.on:
            return
        percent = done * 100 // total
        if percent == self.shown and done != total:
            return
        self.shown = percent
        filled = self.width * done // total
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r{label:<9} [{bar}] {percent:3d}%  {done:,}/{total:,} members")
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


def shown(bar: ProgressBar, label: str, done: Callable[[], None]) -> Callable[[int, int], None]:
    """A progress callback that shows ``bar`` and calls ``done()`` for each member, the
    collector policy of :func:`collector_frozen_every` (decision 0097): the finished
    members' ledgers stay alive until the report is made, and without it each full
    collection would scan all of them again, about a tenth of a simulation's time."""

    def progress(count: int, total: int) -> None:
        done()
        bar(label, count, total)

    return progress


def _month(text: str) -> date:
    try:
        year, month = text.split("-")
        first = date(int(year), int(month), 1)
    except ValueError:
        first = None
    # Members joined years before the first month, and events end before 3000.
    if first is None or not 1950 <= first.year <= 2900:
        raise argparse.ArgumentTypeError(
            f"expected a month from 1950-01 to 2900-12 such as 2026-01, not {text!r}"
        )
    return first


def _amount(text: str) -> str:
    try:
        value = Decimal(text)
    except ArithmeticError:
        value = Decimal("NaN")
    if not value.is_finite() or value <= 0 or abs(value.adjusted()) > 12:
        raise argparse.ArgumentTypeError(
            f"expected what a point is worth, such as 0.01, not {text!r}"
        )
    return text


def add_commands(commands: Any) -> None:
    """Add ``simulate`` and ``diff`` to the ``loyalrules`` subcommands."""

    def common(parser: argparse.ArgumentParser, members: int) -> None:
        parser.add_argument(
            "--members",
            type=int,
            default=members,
            metavar="N",
            help=f"members in the population (default {members:,})",
        )
        parser.add_argument(
            "--months", type=int, default=12, metavar="M", help="months to run (default 12)"
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=0,
            metavar="S",
            help="the random seed: the same seed gives the same report",
        )
        parser.add_argument(
            "--start",
            type=_month,
            default=DEFAULT_START,
            metavar="YYYY-MM",
            help="the first month (default 2026-01)",
        )
        parser.add_argument(
            "--model",
            metavar="FILE",
            help=f"the behaviour model (default: PROGRAM{MODEL_SUFFIX} "
            "beside the program if there is one, else the built-in one)",
        )
        parser.add_argument(
            "--point-value",
            type=_amount,
            metavar="AMOUNT",
            help="what a point is worth, for a program that does not say",
        )
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")
        parser.add_argument("--plot", metavar="FILE",
                            help="also draw the chart to FILE (.png, .svg or .pdf; "
                                 "needs loyalrules[plot])")  # fmt: skip

    simulate_ = commands.add_parser(
        "simulate", help="run a synthetic population through a program; report its economics"
    )
    simulate_.add_argument("program", metavar="PROGRAM.yaml")
    common(simulate_, 10_000)
    diff = commands.add_parser(
        "diff", help="run one population through two versions of a program; report the change"
    )
    diff.add_argument("old", metavar="OLD.yaml")
    diff.add_argument("new", metavar="NEW.yaml")
    common(diff, 2_000)
    diff.add_argument(
        "--events",
        action="append",
        metavar="FILE",
        help="replay recorded real events instead of a simulated population: a JSON Lines "
        "file of member records with their inputs (the batch format; repeat for each "
        "partition); the months are those the events span, and --members, --months, "
        "--seed, --start and --model do not apply",
    )


def _model(args: argparse.Namespace, program_path: str) -> BehaviourModel:
    path = Path(args.model) if args.model else Path(program_path).with_suffix(MODEL_SUFFIX)
    if args.model is None and not path.exists():
        return behaviour_from_yaml()
    return behaviour_from_yaml(path.read_text(encoding="utf-8"), source=str(path))


def _show(
    args: argparse.Namespace,
    charted: list[tuple[str, Report]],
    title: str,
    figures: dict[str, Any],
    text: str,
) -> None:
    """Draw the chart if asked (``--plot``), then print the JSON or the text report."""
    if args.plot:
        kind = Path(args.plot).suffix.lstrip(".").lower() or "png"
        if kind not in ("png", "svg", "pdf"):
            raise LoyalRulesError(f"--plot {args.plot}: give a .png, .svg or .pdf file")
        Path(args.plot).write_bytes(draw(charted, title, kind))
    if args.json:
        seeded = {} if getattr(args, "events", None) else {"seed": args.seed}
        print(json.dumps({**seeded, **figures}, indent=2))
    else:
        print(text, end="")


def _run(args: argparse.Namespace) -> int:
    with collector_frozen_every(FREEZE_EVERY) as done:
        return _command(args, ProgressBar(sys.stderr), done)


def _command(args: argparse.Namespace, bar: ProgressBar, done: Callable[[], None]) -> int:
    if args.command == "simulate":
        program = load_program(args.program)
        population = simulate(
            program,
            members=args.members,
            months=args.months,
            seed=args.seed,
            start=args.start,
            model=_model(args, args.program),
            progress=shown(bar, "simulate", done),
        )
        report = measure(program, population.ledgers, population.months,
                         point_value=_value(program, args))  # fmt: skip
        friends = len(population.members) - args.members
        joined = (
            f" and {friends:,} friend{'s' if friends > 1 else ''} who joined" if friends else ""
        )
        title = (
            f"{program.name} ({program.id}): {args.members:,} members{joined}, {args.months} "
            f"months from {population.months[0].name}, seed {args.seed}{_unlimited(program)}"
        )
        _show(args, [(program.id, report)], title, report.to_dict(), simulation_text(report, title))
        return 0
    old, new = load_program(args.old), load_program(args.new)
    if args.events:
        return _diff_events(args, old, new, bar, done)
    phases = {phase: shown(bar, phase, done) for phase in ("simulate", "replay")}
    result = diff_programs(
        old,
        new,
        members=args.members,
        months=args.months,
        seed=args.seed,
        start=args.start,
        model=_model(args, args.old),
        point_value=args.point_value,
        progress=lambda phase, done, total: phases[phase](done, total),
    )
    title = (
        f"{args.old} -> {args.new}: {args.members:,} members, {args.months} months from "
        f"{result.old.months[0].period}, seed {args.seed}; the same steps through both"
        f"{_unlimited(old, new)}"
    )
    charted = [("old", result.old), ("new", result.new)]
    _show(args, charted, title, result.to_dict(), diff_text(result, title))
    return 0


def _diff_events(
    args: argparse.Namespace,
    old: Program,
    new: Program,
    bar: ProgressBar,
    done: Callable[[], None],
) -> int:
    twice = sorted({path for path in args.events if args.events.count(path) > 1})
    if twice:
        raise LoyalRulesError(f"--events {twice[0]} is given twice: give each partition once")
    scenarios = [scenario for path in args.events for scenario in _recorded(path)]
    phases = {phase: shown(bar, phase, done) for phase in ("old", "new")}
    result = diff_recorded(
        old,
        new,
        scenarios,
        point_value=args.point_value,
        progress=lambda phase, done, total: phases[phase](done, total),
    )
    months = result.old.months
    title = (
        f"{args.old} -> {args.new}: {len(scenarios):,} members' recorded events, "
        f"{len(months)} months from {months[0].period}; the same steps through both"
        f"{_unlimited(old, new)}"
    )
    charted = [("old", result.old), ("new", result.new)]
    _show(args, charted, title, result.to_dict(), diff_text(result, title))
    return 0


def _recorded(path: str) -> list[Scenario]:
    """The scenarios of a JSON Lines file of member records, each error with its line."""
    scenarios = []
    with Path(path).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                scenarios.append(scenario_from_record(json.loads(line)))
            except (LoyalRulesError, TypeError, ValueError, AttributeError) as error:
                raise LoyalRulesError(
                    f"{path}:{number}: not a member record with inputs ({error})"
                ) from None
    return scenarios


def _unlimited(*programs: Program) -> str:
    """The title's note of the budgets a run let pay without running out."""
    names = sorted({name for program in programs for name in budget_names(program)})
    return f"; budget {', '.join(names)} never runs out" if names else ""


def _value(program: Program, args: argparse.Namespace) -> str | None:
    return None if program.settings.point_value is not None else args.point_value


def run(args: argparse.Namespace) -> int:
    """Run ``simulate`` or ``diff``; errors are printed, not raised (exit status 1)."""
    try:
        return _run(args)
    except (ProgramError, LoyalRulesError, OSError) as error:
        print(f"loyalrules {args.command}: {error}", file=sys.stderr)
        return 1
