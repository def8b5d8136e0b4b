"""The economics chart: liability, points issued / redeemed / expired per month and the
reward rate, for one report or for the two sides of a diff. Needs matplotlib (the
``plot`` extra); nothing else in loyalrules imports it."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from loyalrules import NotAllowed
from loyalrules.economics.metrics import Report


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise NotAllowed(
            "drawing the chart needs matplotlib: pip install 'loyalrules[plot]'"
        ) from None
    matplotlib.use("Agg")  # files only: no window, the same on every machine
    import matplotlib.pyplot as plt

    return plt


def _float(value: object) -> float:
    return float(value) if value is not None else float("nan")  # type: ignore[arg-type]


def draw(reports: Sequence[tuple[str, Report]], title: str, kind: str = "png") -> bytes:
    """The chart of ``reports`` (label, report) as a ``kind`` file (``png``, ``svg`` or
    ``pdf``). Two reports (a diff) share each panel: the first dashed.

    For example::

        png = draw([("coffee-club", report)], "Coffee Club")
    """
    plt = _pyplot()
    figure, (money, flows, rates) = plt.subplots(3, 1, figsize=(9, 10), sharex=True)
    currency = reports[0][1].currency
    width = 0.8 / (3 * len(reports))
    for n, (label, report) in enumerate(reports):
        style = "--" if len(reports) > 1 and n == 0 else "-"
        names = [m.period for m in report.months]
        x = list(range(len(names)))
        suffix = f" ({label})" if len(reports) > 1 else ""
        money.plot(x, [_float(m.liability) for m in report.months], style, marker="o",
                   label=f"liability{suffix}")  # fmt: skip
        if any(m.pending for m in report.months):
            money.plot(x, [_float(m.pending_liability) for m in report.months], style,
                       marker=".", label=f"pending{suffix}")  # fmt: skip
        for k, (field, colour) in enumerate(
            (("issued", "tab:blue"), ("redeemed", "tab:green"), ("expired", "tab:red"))
        ):
            shift = (3 * n + k - (3 * len(reports) - 1) / 2) * width
            flows.bar([i + shift for i in x], [getattr(m, field) for m in report.months],
                      width, color=colour, alpha=1.0 if n == len(reports) - 1 else 0.45,
                      label=f"{field}{suffix}")  # fmt: skip
        rates.plot(x, [_float(m.reward_rate) * 100 for m in report.months], style,
                   marker="o", label=f"reward rate{suffix}")  # fmt: skip
        rates.plot(x, [_float(m.cost_rate) * 100 for m in report.months], style,
                   marker="s", label=f"cost rate{suffix}")  # fmt: skip
        rates.set_xticks(x, names, rotation=45, ha="right")
    money.set_ylabel(f"liability, {currency}")
    flows.set_ylabel("points per month")
    rates.set_ylabel("% of eligible spend")
    for axes in (money, flows, rates):
        axes.grid(True, alpha=0.3)
        axes.legend(fontsize="small", ncol=2)
    figure.suptitle(title)
    figure.tight_layout()
    out = io.BytesIO()
    # No software version or date in the file: the same report draws the same bytes.
    metadata = {"Software": None} if kind == "png" else {"Creator": None}
    if kind == "pdf":
        metadata["CreationDate"] = None
    figure.savefig(out, format=kind, dpi=100, metadata=metadata)
    plt.close(figure)
    return out.getvalue()
