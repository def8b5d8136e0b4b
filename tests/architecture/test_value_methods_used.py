"""Every frozen attrs class of the package takes its equality, hashing and repr from
``value_methods`` (decision 0099), or says it compares by identity (``eq=False``), so
attrs compiles none of them while the package is imported."""

from __future__ import annotations

import re
from pathlib import Path

import loyalrules

SRC = Path(loyalrules.__file__).parent
# errors.py sits below values/ in the layers, so it cannot import value_methods.
BELOW_VALUES = {"errors.py"}


def test_frozen_classes_take_value_methods_or_compare_by_identity() -> None:
    missing = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name in BELOW_VALUES:
            continue
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines):
            if not line.startswith("@attrs.frozen"):
                continue
            arguments = re.search(r"\((.*)\)", line)
            declared = arguments.group(1) if arguments else ""
            if number > 0 and lines[number - 1] == "@value_methods":
                ok = "eq=False, repr=False" in declared  # attrs must not make them too
            else:  # compares by identity, or writes its own methods
                ok = "eq=False" in declared
            if not ok:
                missing.append(f"{path.relative_to(SRC)}:{number + 1}: {line}")
    assert not missing, "\n".join(missing)
