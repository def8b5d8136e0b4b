"""The Hypothesis plugin: registers loyalrules' strategies when Hypothesis starts.

Declared under the ``hypothesis`` entry point group in pyproject.toml, so that with
loyalrules installed ``st.from_type(Purchase)`` works in any test, without importing
``loyalrules.testing`` first.
"""

from __future__ import annotations


def _hypothesis_setup_hook() -> None:
    # Importing the module registers the strategies (st.register_type_strategy).
    import loyalrules.testing.strategies  # noqa: F401
