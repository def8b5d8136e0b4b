"""The ``loyalrules`` command: check program files, export the program JSON Schema, and
simulate a program's economics or diff two versions of it."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from loyalrules import cli_economics
from loyalrules.errors import ProgramError
from loyalrules.loader import load_program, program_json_schema


def _validate(paths: Sequence[str]) -> int:
    failed = 0
    for path in paths:
        try:
            program = load_program(path)
        except ProgramError as error:
            failed += 1
            print(error, file=sys.stderr)
            continue
        count = len(program.rules)
        print(f"{path}: ok ({program.id}, {count} rule{'s' if count != 1 else ''})")
    return 1 if failed else 0


def _schema() -> int:
    print(json.dumps(program_json_schema(), indent=2))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``loyalrules`` console script."""
    parser = argparse.ArgumentParser(prog="loyalrules", description=__doc__)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
