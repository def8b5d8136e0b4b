"""The ``loyalrules`` command: check program files, export the program JSON Schema, and
simulate a program's economics or diff two versions of it."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from loyalrules import __version__, cli_economics
from loyalrules.errors import LoyalRulesError, ProgramError
from loyalrules.loader import load_program, program_json_schema


def _validate(paths: Sequence[str]) -> int:
    failed = 0
    for path in paths:
        if path.endswith(cli_economics.MODEL_SUFFIX):  # beside its program, for simulate
            failed += not _validate_model(path)
            continue
        try:
            program = load_program(path)
        except ProgramError as error:
            failed += 1
            print(error, file=sys.stderr)
            continue
        count = len(program.rules)
        print(f"{path}: ok ({program.id}, {count} rule{'s' if count != 1 else ''})")
    return 1 if failed else 0


def _validate_model(path: str) -> bool:
    """Check a behaviour model file (``PROGRAM.population.yaml``) as ``simulate`` reads it."""
    from loyalrules.economics.behaviour import behaviour_from_yaml

    try:
        with open(path, encoding="utf-8") as file:
            behaviour_from_yaml(file.read(), source=path)
    except (OSError, LoyalRulesError) as error:
        print(error, file=sys.stderr)
        return False
    print(f"{path}: ok (a behaviour model for simulate)")
    return True


def _schema() -> int:
    print(json.dumps(program_json_schema(), indent=2))
    return 0


def _plain(text: str | None) -> str:
    """A docstring as terminal text: without reStructuredText's ``double backquotes``."""
    return (text or "").replace("``", "")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``loyalrules`` command with ``argv`` (default: the process's arguments)."""
    parser = argparse.ArgumentParser(prog="loyalrules", description=_plain(__doc__))
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser(
        "validate", help="check program files; print every problem with file:line:column"
    )
    validate.add_argument("files", nargs="+", metavar="FILE")
    commands.add_parser("schema", help="print the JSON Schema of program files")
    cli_economics.add_commands(commands)
    args = parser.parse_args(argv)
    if args.command == "validate":
        return _validate(args.files)
    if args.command in ("simulate", "diff"):
        return cli_economics.run(args)
    return _schema()


def console(argv: Sequence[str] | None = None) -> int:
    """The console script: :func:`main`, stopping quietly when the reader of the output
    goes away (``loyalrules schema | head``) instead of ending in a BrokenPipeError."""
    try:
        code = main(argv)
        sys.stdout.flush()  # a closed pipe shows here rather than at interpreter exit
    except BrokenPipeError:
        # Python flushes stdout once more on exit: send it to devnull so that cannot fail.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for `cat big | head`
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(console())
