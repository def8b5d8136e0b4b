"""The Hypothesis plugin: registers loyalrules' strategies when Hypothesis starts.

Declared under the ``hypothesis`` entry point group in pyproject.toml, so that with
loyalrules installed ``st.from_type(Purchase)`` works in any test, without importing
``loyalrules.testing`` first.
"""

from __future__ import annotations

import sys


def _hypothesis_setup_hook() -> None:
    # Hypothesis runs this when it is first imported. If that import comes from
    # loyalrules.testing itself (its strategy modules import Hypothesis), the package is
    # half-imported and registers the strategies when it finishes: importing it here
    # would read a module that is not complete yet.
    if "loyalrules.testing" in sys.modules:
        return
    # Importing the module registers the strategies (st.register_type_strategy).
    import loyalrules.testing.strategies  # noqa: F401
